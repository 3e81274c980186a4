from django.urls import path

from frontdoor.privacy import views

app_name = "privacy"

urlpatterns = [
    path("restrictions/", views.restriction_list, name="restrictions"),
    path("restrictions/lift/", views.lift, name="lift"),
    path("disclosures/", views.disclosure_log, name="disclosures"),
    path("access/", views.access_log, name="access"),
    path("subject-access/", views.subject_access_find, name="subject_access_find"),
    path("subject-access/<int:pk>/", views.subject_access, name="subject_access"),
]
