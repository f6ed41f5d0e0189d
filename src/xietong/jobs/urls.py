from django.urls import path

from . import views

urlpatterns = [
    path("<int:pk>/", views.job_page, name="job_page"),
    path("<int:pk>/file/", views.job_file, name="job_file"),
]
