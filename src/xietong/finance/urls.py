from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="finance_home"),
    path("<slug:slug>/", views.fund_view, name="finance_fund"),
    path("<slug:slug>/contributions/", views.contributions, name="finance_contributions"),
    path("<slug:slug>/rounds/<int:pk>/", views.round_view, name="finance_round"),
    path("<slug:slug>/projects/<int:pk>/", views.project_view, name="finance_project"),
    path(
        "<slug:slug>/charges/<int:pk>/approve/",
        views.charge_approve,
        name="finance_charge_approve",
    ),
    path("<slug:slug>/settlements/<int:pk>/", views.settlement_view, name="finance_settlement"),
    path(
        "<slug:slug>/settlements/<int:pk>/approve/",
        views.settlement_approve,
        name="finance_settlement_approve",
    ),
    path("<slug:slug>/statements/<str:code>/", views.statement, name="finance_statement"),
]
