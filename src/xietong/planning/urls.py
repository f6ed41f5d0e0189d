from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="planning_home"),
    path("new/", views.plan_new, name="planning_plan_new"),
    path("<int:pk>/", views.plan_view, name="planning_plan"),
    path("<int:pk>/report/<slug:kind>/", views.report_view, name="planning_report"),
    path("<int:pk>/indicators/<int:ipk>/", views.indicator_view, name="planning_indicator"),
    path("<int:pk>/goals/", views.goal_add, name="planning_goal_add"),
    path("<int:pk>/measures/", views.measure_add, name="planning_measure_add"),
    path("<int:pk>/milestones/", views.milestone_add, name="planning_milestone_add"),
    path("<int:pk>/indicators/", views.indicator_add, name="planning_indicator_add"),
    path("<int:pk>/targets/", views.target_set, name="planning_target_set"),
    path("<int:pk>/adopt/", views.plan_adopt, name="planning_adopt"),
    path("<int:pk>/close/", views.plan_close, name="planning_close"),
    path("<int:pk>/actuals/", views.actuals_compute, name="planning_actuals_compute"),
    path("<int:pk>/status/", views.status_compute, name="planning_status_compute"),
    path(
        "<int:pk>/status/<int:rpk>/publish/", views.status_publish, name="planning_status_publish"
    ),
    path(
        "<int:pk>/indicators/<int:ipk>/actuals/",
        views.actual_report,
        name="planning_actual_report",
    ),
    path("<int:pk>/actuals/<int:apk>/review/", views.actual_review, name="planning_actual_review"),
    path(
        "<int:pk>/milestones/<int:mpk>/done/", views.milestone_done, name="planning_milestone_done"
    ),
]
