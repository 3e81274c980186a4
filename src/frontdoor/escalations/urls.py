from django.urls import path

from frontdoor.escalations import views

app_name = "escalations"

urlpatterns = [
    path("", views.escalation_list, name="list"),
    path("log/", views.escalation_log, name="log"),
    path("report/", views.step_report, name="report"),
    path("<int:pk>/", views.detail, name="detail"),
    path("raised/", views.raised, name="raised"),
    # R39: an agency that attended a meeting escalates its outcome.
    path("meetings/", views.meetings_to_escalate, name="meetings"),
    path("meetings/<int:pk>/open/", views.open_meeting_escalation, name="open_meeting"),
    # One name for both, so a template reverses with or without the decision.
    path("contacts/<str:reference>/open/", views.open_escalation, name="open"),
    path(
        "contacts/<str:reference>/decisions/<int:decision_id>/open/",
        views.open_escalation,
        name="open",
    ),
]
