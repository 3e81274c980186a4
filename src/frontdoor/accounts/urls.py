from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import path

from frontdoor.accounts import views
from frontdoor.accounts.access import for_anyone_signed_in

app_name = "accounts"
urlpatterns = [
    path("login/", login_not_required(views.LoginView.as_view()), name="login"),
    path("logout/", for_anyone_signed_in(auth_views.LogoutView.as_view()), name="logout"),
    path("two-factor/", views.two_factor_verify, name="two_factor_verify"),
    path("two-factor/set-up/", views.two_factor_set_up, name="two_factor_set_up"),
    path("two-factor/set-up/<str:secret>/", views.two_factor_enrol, name="two_factor_enrol"),
    path("two-factor/links/", views.enrolment_links, name="enrolment_links"),
    path("tokens/", views.tokens, name="tokens"),
    path("tokens/<int:pk>/revoke/", views.token_revoke, name="token_revoke"),
]
