from django.urls import path

from . import picker_views, teacher_views, views

urlpatterns = [
    path("", views.home, name="talent_home"),
    path("rounds/new/", views.round_create, name="talent_round_create"),
    path("rounds/<int:pk>/", views.round_view, name="talent_round"),
    # the steps of a round's lifecycle, one view each
    path("rounds/<int:pk>/step/open/", views.round_open, name="talent_round_open"),
    path("rounds/<int:pk>/step/close/", views.round_close, name="talent_round_close"),
    path("rounds/<int:pk>/step/match/", views.round_match, name="talent_round_match"),
    path("rounds/<int:pk>/step/review/", views.round_review, name="talent_round_review"),
    path("rounds/<int:pk>/step/publish/", views.round_publish, name="talent_round_publish"),
    path("rounds/<int:pk>/step/service/", views.round_service, name="talent_round_service"),
    path("rounds/<int:pk>/step/return/", views.round_return, name="talent_round_return"),
    path("rounds/<int:pk>/settings/", views.round_settings, name="talent_round_settings"),
    path("rounds/<int:pk>/member-caps/", views.round_member_caps, name="talent_round_member_caps"),
    path("rounds/<int:pk>/posts/", views.post_add, name="talent_post_add"),
    path("rounds/<int:pk>/posts/import/", views.posts_import, name="talent_posts_import"),
    path("rounds/<int:pk>/apply/", views.apply, name="talent_apply"),
    path("rounds/<int:pk>/apply/withdraw/", views.apply_withdraw, name="talent_apply_withdraw"),
    path("rounds/<int:pk>/rank/", views.rank, name="talent_rank"),
    path("rounds/<int:pk>/results/", views.results, name="talent_results"),
    path("rounds/<int:pk>/flows/", views.flows, name="talent_flows"),
    path("teachers/import/", views.teachers_import, name="talent_teachers_import"),
    path("teachers/", teacher_views.teachers, name="talent_teachers"),
    path("teachers/<str:code>/invite/", teacher_views.teacher_invite, name="talent_teacher_invite"),
    path("teachers/<str:code>/link/", teacher_views.teacher_link, name="talent_teacher_link"),
    path("appointments/", views.appointments, name="talent_appointments"),
    path(
        "appointments/policy/<slug:area>/",
        views.appointment_policy,
        name="talent_appointment_policy",
    ),
    path("training/", views.training, name="talent_training"),
    path("training/programmes/new/", views.programme_create, name="talent_programme_create"),
    path(
        "training/programmes/<int:pk>/enrol/", views.programme_enrol, name="talent_programme_enrol"
    ),
    path(
        "training/enrolments/<int:pk>/complete/",
        views.enrolment_complete,
        name="talent_enrolment_complete",
    ),
    path("recruitment/", views.recruitment, name="talent_recruitment"),
    path("recruitment/vacancies/new/", views.vacancy_publish, name="talent_vacancy_publish"),
    path("recruitment/vacancies/<int:pk>/apply/", views.vacancy_apply, name="talent_vacancy_apply"),
    path(
        "recruitment/candidacies/<int:pk>/status/",
        views.candidacy_status,
        name="talent_candidacy_status",
    ),
    path(
        "pickers/rounds/<int:pk>/schools/",
        picker_views.host_schools,
        name="talent_picker_host_schools",
    ),
    path("pickers/rounds/<int:pk>/posts/", picker_views.posts, name="talent_picker_posts"),
    path("pickers/teachers/", picker_views.teachers, name="talent_picker_teachers"),
]
