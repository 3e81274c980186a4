"""The public online referral form, /refer/ (no sign-in)."""

from django.urls import path

from frontdoor.intake.referral import views

app_name = "refer"
urlpatterns = [
    path("", views.start, name="start"),
    path("status/", views.status, name="status"),
    path("<slug:journey>/immediate-danger/", views.danger, name="danger"),
    path("<slug:journey>/call-now/", views.call_now, name="call_now"),
    path("<slug:journey>/who/", views.who, name="who"),
    path("<slug:journey>/your-details/", views.referrer, name="referrer"),
    path("<slug:journey>/children/", views.children, name="children"),
    path("<slug:journey>/children/add/", views.child_add, name="child_add"),
    path("<slug:journey>/children/<int:index>/", views.child_edit, name="child_edit"),
    path("<slug:journey>/children/<int:index>/remove/", views.child_remove, name="child_remove"),
    path("<slug:journey>/adults/", views.adults, name="adults"),
    path("<slug:journey>/adults/add/", views.adult_add, name="adult_add"),
    path("<slug:journey>/adults/<int:index>/", views.adult_edit, name="adult_edit"),
    path("<slug:journey>/adults/<int:index>/remove/", views.adult_remove, name="adult_remove"),
    path("<slug:journey>/worry/", views.worry, name="worry"),
    path("<slug:journey>/safety/", views.safety, name="safety"),
    path("<slug:journey>/household/", views.household, name="household"),
    path("<slug:journey>/consent/", views.consent, name="consent"),
    path("<slug:journey>/level-of-need/", views.level, name="level"),
    path("<slug:journey>/documents/", views.documents, name="documents"),
    path(
        "<slug:journey>/documents/<int:index>/remove/",
        views.document_remove,
        name="document_remove",
    ),
    path("<slug:journey>/check-your-answers/", views.check, name="check"),
    path("<slug:journey>/confirmation/", views.confirmation, name="confirmation"),
]
