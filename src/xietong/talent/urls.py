from django.urls import path

from . import picker_views, teacher_views, views

urlpatterns = [
    path("", views.home, name="talent_home"),
    path("rounds/new/", views.round_create, name="talent_round_create"),
    path("rounds/<int:pk>/", views.round_view, name="talent_round"),
    path("rounds/<int:pk>/step/<slug:step>/", views.round_step, name="talent_round_step"),
    path("rounds/<int:pk>/settings/", views.round_settings, name="talent_round_settings"),
    path("rounds/<int:pk>/member-caps/", views.round_member_caps, name="talent_round_member_caps"),
    path("rounds/<int:pk>/posts/", views.post_add, name="talent_post_add"),
    path("rounds/<int:pk>/posts/import/", views.posts_import, name="talent_posts_import"),
    path("rounds/<int:pk>/apply/", views.apply, name="talent_apply"),
    path("rounds/<int:pk>/rank/", views.rank, name="talent_rank"),
    path("rounds/<int:pk>/results/", views.results, name="talent_results"),
    path("rounds/<int:pk>/flows/", views.flows, name="talent_flows"),
    path("teachers/import/", views.teachers_import, name="talent_teachers_import"),
    path("teachers/", teacher_views.teachers, name="talent_teachers"),
    path("teachers/<str:code>/invite/", teacher_views.teacher_invite, name="talent_teacher_invite"),
    path("teachers/<str:code>/link/", teacher_views.teacher_link, name="talent_teacher_link"),
    path("appointments/", views.appointments, name="talent_appointments"),
    path("training/", views.training, name="talent_training"),
    path("recruitment/", views.recruitment, name="talent_recruitment"),
    path(
        "pickers/rounds/<int:pk>/schools/",
        picker_views.host_schools,
        name="talent_picker_host_schools",
    ),
    path("pickers/rounds/<int:pk>/posts/", picker_views.posts, name="talent_picker_posts"),
    path("pickers/teachers/", picker_views.teachers, name="talent_picker_teachers"),
]
