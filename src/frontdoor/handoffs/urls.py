from django.urls import path

from frontdoor.handoffs import views

app_name = "handoffs"
urlpatterns = [
    path("", views.troubled, name="troubled"),
    path("<int:pk>/send-again/", views.replay, name="replay"),
    path("early-help/", views.early_help, name="early_help"),
    path("early-help/<int:pk>/", views.early_help_handoff, name="early_help_handoff"),
]
