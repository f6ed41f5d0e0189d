from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="consultation_home"),
    path("<slug:slug>/", views.body_view, name="consultation_body"),
    path("<slug:slug>/delegates/", views.delegate_appoint, name="consultation_delegate_appoint"),
    path("<slug:slug>/proposals/new/", views.proposal_new, name="consultation_proposal_new"),
    path("<slug:slug>/meetings/new/", views.meeting_new, name="consultation_meeting_new"),
    path("<slug:slug>/meetings/<int:pk>/", views.meeting_view, name="consultation_meeting"),
    path(
        "<slug:slug>/meetings/<int:pk>/attendance/",
        views.attendance_record,
        name="consultation_attendance",
    ),
    path(
        "<slug:slug>/meetings/<int:pk>/minutes/",
        views.minutes_record,
        name="consultation_minutes_record",
    ),
    path("<slug:slug>/proposals/<int:number>/", views.proposal_view, name="consultation_proposal"),
    path(
        "<slug:slug>/proposals/<int:number>/circulate/",
        views.proposal_circulate,
        name="consultation_circulate",
    ),
    path(
        "<slug:slug>/proposals/<int:number>/revise/",
        views.proposal_revise,
        name="consultation_revise",
    ),
    path(
        "<slug:slug>/proposals/<int:number>/comments/",
        views.comment_add,
        name="consultation_comment",
    ),
    path(
        "<slug:slug>/proposals/<int:number>/comments/<int:comment>/disposition/",
        views.disposition_set,
        name="consultation_disposition",
    ),
    path(
        "<slug:slug>/proposals/<int:number>/positions/",
        views.position_cast,
        name="consultation_position",
    ),
    path(
        "<slug:slug>/proposals/<int:number>/extend/",
        views.deadline_extend,
        name="consultation_extend",
    ),
    path(
        "<slug:slug>/proposals/<int:number>/withdraw/",
        views.proposal_withdraw,
        name="consultation_withdraw",
    ),
    path("<slug:slug>/proposals/<int:number>/diff/", views.proposal_diff, name="consultation_diff"),
    path(
        "<slug:slug>/proposals/<int:number>/minutes.docx",
        views.proposal_minutes,
        name="consultation_minutes",
    ),
]
