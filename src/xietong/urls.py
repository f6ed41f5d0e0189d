from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from xietong.api import api
from xietong.partnerships import views_portfolio, views_portfolio_area
from xietong.resources import views_oai
from xietong.web import views

urlpatterns = [
    path("", views.home, name="home"),
    path("areas/<slug:slug>/", views.area_detail, name="area_detail"),
    path("jurisdictions/<str:code>/", views.jurisdiction_detail, name="jurisdiction_detail"),
    path("schools/", views.school_list, name="school_list"),
    path("pickers/schools/", views.school_search, name="picker_schools"),
    path("schools/<str:code>/", views.school_detail, name="school_detail"),
    path(
        "schools/<str:code>/capacity/",
        views_portfolio.school_capacity_page,
        name="school_capacity",
    ),
    path(
        "schools/<str:code>/capacity/survey/",
        views_portfolio.survey_record,
        name="school_capacity_survey",
    ),
    path(
        "partnerships/portfolio/<slug:area>/",
        views_portfolio_area.portfolio_page,
        name="partnerships_portfolio",
    ),
    path(
        "partnerships/portfolio/<slug:area>/publish/",
        views_portfolio_area.portfolio_publish,
        name="partnerships_portfolio_publish",
    ),
    path(
        "partnerships/portfolio/<slug:area>/<str:member>/",
        views_portfolio_area.portfolio_member_page,
        name="partnerships_portfolio_member",
    ),
    path("statistics/import/", views.statistics_import_view, name="statistics_import"),
    path("statistics/template.<str:fmt>", views.statistics_template, name="statistics_template"),
    path("statistics/export.<str:fmt>", views.statistics_export, name="statistics_export"),
    path("aggregates.csv", views.aggregates_csv, name="aggregates_csv"),
    path("account/", views.account, name="account"),
    path("evaluation/", include("xietong.evaluation.urls")),
    path("talent/", include("xietong.talent.urls")),
    path("finance/", include("xietong.finance.urls")),
    path("consultation/", include("xietong.consultation.urls")),
    path("resources/", include("xietong.resources.urls")),
    path("oai", views_oai.endpoint, name="oai"),
    path("oai/lrmi-jsonld.xsd", views_oai.lrmi_schema, name="oai_lrmi_schema"),
    path("planning/", include("xietong.planning.urls")),
    path("partnerships/", include("xietong.partnerships.urls")),
    path("audit/", include("xietong.audit.urls")),
    path("jobs/", include("xietong.jobs.urls")),
    path("vendor/plotly.min.js", views.plotly_js, name="plotly_js"),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "account/set-password/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            template_name="registration/password_set.html", success_url="/login/"
        ),
        name="password_set",
    ),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/", api.urls),
]
