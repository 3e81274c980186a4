"""Staff pages for people: the person record, its corrections and conflicts."""

from django.urls import path

from frontdoor.people import views

app_name = "people"
urlpatterns = [
    path("people/<int:pk>/", views.person, name="person"),
    path("people/<int:pk>/correct/", views.correct_person, name="correct"),
    path("people/<int:pk>/conflicts/", views.resolve_conflict, name="resolve_conflict"),
]
