from django.urls import path

from frontdoor.mash import views

app_name = "mash"

urlpatterns = [
    path("", views.enquiry_list, name="enquiries"),
    path("enquiries/<int:pk>/", views.review, name="review"),
    path("contacts/<str:reference>/children/<int:child_id>/send/", views.send, name="send"),
    path("requests/", views.request_list, name="requests"),
    path("requests/<int:pk>/", views.answer, name="answer"),
]
