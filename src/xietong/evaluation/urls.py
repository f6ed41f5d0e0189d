from django.urls import path

from . import views

urlpatterns = [
    path("", views.evaluation_home, name="evaluation_home"),
    path("start/", views.evaluation_start, name="evaluation_start"),
    path("runs/<int:pk>/", views.evaluation_run_view, name="evaluation_run"),
    path("runs/<int:pk>/publish/", views.evaluation_publish_view, name="evaluation_publish"),
    path("runs/<int:pk>/reproduce/", views.evaluation_reproduce_view, name="evaluation_reproduce"),
    path("runs/<int:pk>/counties/<str:code>/", views.evaluation_county, name="evaluation_county"),
    path("gap/<slug:slug>/", views.gap_dashboard, name="gap_dashboard"),
]
