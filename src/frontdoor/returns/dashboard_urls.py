"""The dashboards page, included at /dashboards/ by the project's urls."""

from django.urls import path

from frontdoor.returns.dashboard_views import dashboards

urlpatterns = [path("", dashboards, name="dashboards")]
