from django.contrib import admin
from django.urls import include, path

from frontdoor.accounts import views as accounts_views

urlpatterns = [
    path("", accounts_views.home, name="home"),
    path("accounts/", include("frontdoor.accounts.urls")),
    path("guidance/", include("frontdoor.policy.urls")),
    path("admin/", admin.site.urls),
]
