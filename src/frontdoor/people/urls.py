"""Staff pages for people: matching a contact's children and adults, and the person record."""

from django.urls import path

from frontdoor.people import views

app_name = "people"
urlpatterns = [
    path(
        "contacts/<str:reference>/people/<str:kind>/<int:reported_id>/match/",
        views.match,
        name="match",
    ),
    path(
        "contacts/<str:reference>/people/<str:kind>/<int:reported_id>/correct/",
        views.correct_reported,
        name="correct_reported",
    ),
    path("contacts/<str:reference>/people/household/", views.household, name="household"),
    path("people/<int:pk>/", views.person, name="person"),
    path("people/<int:pk>/correct/", views.correct_person, name="correct"),
    path("people/<int:pk>/conflicts/", views.resolve_conflict, name="resolve_conflict"),
]
