from django.urls import path

from . import form_views, views

urlpatterns = [
    path("", views.home, name="finance_home"),
    path("<slug:slug>/", views.fund_view, name="finance_fund"),
    path("<slug:slug>/contributions/", views.contributions, name="finance_contributions"),
    path("<slug:slug>/rounds/new/", form_views.round_create, name="finance_round_create"),
    path("<slug:slug>/rounds/<int:pk>/", views.round_view, name="finance_round"),
    path(
        "<slug:slug>/rounds/<int:pk>/weights/",
        form_views.round_weights,
        name="finance_round_weights",
    ),
    path(
        "<slug:slug>/rounds/<int:pk>/freeze/", form_views.round_freeze, name="finance_round_freeze"
    ),
    path("<slug:slug>/rounds/<int:pk>/call/", form_views.round_call, name="finance_round_call"),
    path(
        "<slug:slug>/rounds/<int:pk>/withdraw/",
        form_views.round_withdraw,
        name="finance_round_withdraw",
    ),
    path(
        "<slug:slug>/rounds/<int:pk>/cancel-call/",
        form_views.round_call_cancel,
        name="finance_round_call_cancel",
    ),
    path(
        "<slug:slug>/projects/<int:pk>/withdraw/",
        form_views.project_withdraw,
        name="finance_project_withdraw",
    ),
    path(
        "<slug:slug>/projects/<int:pk>/cancel-call/",
        form_views.project_call_cancel,
        name="finance_project_call_cancel",
    ),
    path("<slug:slug>/projects/new/", form_views.project_create, name="finance_project_create"),
    path(
        "<slug:slug>/projects/new/shapley/",
        form_views.project_create_shapley,
        name="finance_project_create_shapley",
    ),
    path("<slug:slug>/projects/<int:pk>/", views.project_view, name="finance_project"),
    path(
        "<slug:slug>/projects/<int:pk>/freeze/",
        form_views.project_freeze,
        name="finance_project_freeze",
    ),
    path(
        "<slug:slug>/projects/<int:pk>/call/",
        form_views.project_call,
        name="finance_project_call",
    ),
    path(
        "<slug:slug>/charges/<int:pk>/approve/",
        views.charge_approve,
        name="finance_charge_approve",
    ),
    path("<slug:slug>/charges/<int:pk>/pay/", form_views.payment_record, name="finance_payment"),
    path(
        "<slug:slug>/agreements/new/",
        form_views.agreement_create,
        name="finance_agreement_create",
    ),
    path("<slug:slug>/agreements/<int:pk>/", form_views.agreement_view, name="finance_agreement"),
    path(
        "<slug:slug>/agreements/<int:pk>/approve/",
        form_views.agreement_approve,
        name="finance_agreement_approve",
    ),
    path(
        "<slug:slug>/agreements/<int:pk>/flows/",
        form_views.flow_record,
        name="finance_flow_record",
    ),
    path(
        "<slug:slug>/settlements/new/",
        form_views.settlement_propose,
        name="finance_settlement_propose",
    ),
    path("<slug:slug>/settlements/<int:pk>/", views.settlement_view, name="finance_settlement"),
    path(
        "<slug:slug>/settlements/<int:pk>/approve/",
        views.settlement_approve,
        name="finance_settlement_approve",
    ),
    path(
        "<slug:slug>/transfers/<int:pk>/paid/",
        form_views.transfer_paid,
        name="finance_transfer_paid",
    ),
    path("<slug:slug>/donations/new/", form_views.donation_record, name="finance_donation_record"),
    path(
        "<slug:slug>/disbursements/new/",
        form_views.disbursement_record,
        name="finance_disbursement_record",
    ),
    path("<slug:slug>/statements/<str:code>/", views.statement, name="finance_statement"),
    path("<slug:slug>/report/", views.report, name="finance_report"),
    path("<slug:slug>/periods/close/", form_views.period_close, name="finance_period_close"),
    path(
        "<slug:slug>/projects/<int:pk>/close/",
        form_views.project_close,
        name="finance_project_close",
    ),
    path(
        "<slug:slug>/earmarks/<str:programme>/release/",
        form_views.earmark_release,
        name="finance_earmark_release",
    ),
]
