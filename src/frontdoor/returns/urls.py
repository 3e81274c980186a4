"""The statutory returns page, included at /returns/ by the project's urls."""

from django.urls import path

from frontdoor.returns import views

app_name = "returns"
urlpatterns = [path("", views.returns, name="returns")]
