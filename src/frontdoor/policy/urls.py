from django.urls import path

from frontdoor.policy import views

app_name = "policy"
urlpatterns = [path("", views.guidance, name="guidance")]
