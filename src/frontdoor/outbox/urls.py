from django.urls import path

from frontdoor.outbox import views

app_name = "outbox"
urlpatterns = [
    path("", views.undelivered, name="undelivered"),
    path("<int:pk>/send-again/", views.send_again, name="send_again"),
]
