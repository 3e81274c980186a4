"""Staff pages for people: the person page (intake's, as it shows intake's contacts and missing
episodes), correcting the record and resolving its conflicts (people's).

The URL map of the `people` namespace sits here, in intake, because the person page does.
"""

from django.urls import path

from frontdoor.intake import people_views
from frontdoor.people import views

app_name = "people"
urlpatterns = [
    path("people/<int:pk>/", people_views.person, name="person"),
    path("people/<int:pk>/correct/", views.correct_person, name="correct"),
    path("people/<int:pk>/conflicts/", views.resolve_conflict, name="resolve_conflict"),
]
