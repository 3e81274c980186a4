from django.urls import path

from frontdoor.mash import meeting_views, views

app_name = "mash"

urlpatterns = [
    path("", views.enquiry_list, name="enquiries"),
    path("enquiries/<int:pk>/", views.review, name="review"),
    path("contacts/<str:reference>/children/<int:child_id>/send/", views.send, name="send"),
    path("requests/", views.request_list, name="requests"),
    path("requests/<int:pk>/", views.answer, name="answer"),
    path("requests/times/", views.request_times, name="request_times"),
    path("contacts/<str:reference>/meetings/new/", meeting_views.schedule, name="schedule"),
    path("meetings/<int:pk>/", meeting_views.meeting, name="meeting"),
    path("meetings/<int:pk>/cancel/", meeting_views.cancel, name="cancel_meeting"),
    path(
        "contacts/<str:reference>/children/<int:child_id>/exploitation/",
        meeting_views.exploitation,
        name="exploitation",
    ),
    path("briefing/", meeting_views.briefing, name="briefing"),
]
