from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="partnerships_home"),
    path("<uuid:pk>/", views.cooperation_view, name="partnerships_cooperation"),
    path("<uuid:pk>/approve/", views.approve, name="partnerships_approve"),
    path(
        "<uuid:pk>/activities/<int:apk>/confirm/",
        views.activity_confirm,
        name="partnerships_activity_confirm",
    ),
    path(
        "<uuid:pk>/activities/<int:apk>/verify/",
        views.activity_verify,
        name="partnerships_activity_verify",
    ),
]
