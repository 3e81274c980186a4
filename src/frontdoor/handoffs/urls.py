from django.urls import path

from frontdoor.handoffs import views

app_name = "handoffs"
urlpatterns = [
    path("", views.troubled, name="troubled"),
    path("<int:pk>/send-again/", views.replay, name="replay"),
]
