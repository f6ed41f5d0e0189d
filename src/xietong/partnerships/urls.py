from django.urls import path

from . import form_views, views, views_io

urlpatterns = [
    path("", views.home, name="partnerships_home"),
    path("propose/", form_views.propose, name="partnerships_propose"),
    path("establish/", form_views.establish, name="partnerships_establish"),
    path(
        "social-partners/new/",
        form_views.social_partner_create,
        name="partnerships_social_partner_create",
    ),
    path("pickers/schools/", form_views.picker_schools, name="partnerships_picker_schools"),
    path("import/", views_io.import_page, name="partnerships_import"),
    path("export.<str:fmt>", views_io.export_download, name="partnerships_export"),
    path("<uuid:pk>/", views.cooperation_view, name="partnerships_cooperation"),
    path("<uuid:pk>/approve/", views.approve, name="partnerships_approve"),
    path("<uuid:pk>/agreement/", form_views.agreement_edit, name="partnerships_agreement_edit"),
    path(
        "<uuid:pk>/obligations/new/",
        form_views.obligation_set,
        name="partnerships_obligation_new",
    ),
    path(
        "<uuid:pk>/obligations/<str:code>/edit/",
        form_views.obligation_set,
        name="partnerships_obligation_edit",
    ),
    path(
        "<uuid:pk>/activities/new/",
        form_views.activity_record,
        name="partnerships_activity_record",
    ),
    path(
        "<uuid:pk>/status/<slug:step>/",
        form_views.status_change,
        name="partnerships_status",
    ),
    path("<uuid:pk>/renew/", form_views.renew, name="partnerships_renew"),
    path("<uuid:pk>/link/", views.link, name="partnerships_link"),
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
