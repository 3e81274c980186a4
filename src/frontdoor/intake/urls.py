"""Staff pages for contacts: recording, the inbox and the contact record."""

from django.urls import path

from frontdoor.intake import views

app_name = "intake"
urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("new/", views.new_contact, name="new"),
    path("missing/new/", views.new_missing_episode, name="missing_new"),
    path("consultations/", views.consultations, name="consultations"),
    path(
        "consultations/<int:pk>/contact/",
        views.consultation_contact,
        name="consultation_contact",
    ),
    path("<str:reference>/", views.contact, name="contact"),
    path("<str:reference>/reports/new/", views.attach, name="attach"),
    path("<str:reference>/documents/<int:attachment_id>/", views.document, name="document"),
]
