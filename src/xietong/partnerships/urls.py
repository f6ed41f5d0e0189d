from django.urls import path

from . import views, views_io

urlpatterns = [
    path("", views.home, name="partnerships_home"),
    path("import/", views_io.import_page, name="partnerships_import"),
    path("export.<str:fmt>", views_io.export_download, name="partnerships_export"),
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
