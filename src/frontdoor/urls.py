from django.contrib import admin
from django.urls import include, path

from frontdoor.accounts import views as accounts_views
from frontdoor.api import api

urlpatterns = [
    path("", accounts_views.home, name="home"),
    path("accounts/", include("frontdoor.accounts.urls")),
    path("guidance/", include("frontdoor.policy.urls")),
    path("refer/", include("frontdoor.intake.referral.urls")),
    path("contacts/", include("frontdoor.intake.urls")),
    path("", include("frontdoor.intake.people_urls")),
    path("", include("frontdoor.screening.urls")),
    path("mash/", include("frontdoor.mash.urls")),
    path("escalations/", include("frontdoor.escalations.urls")),
    path("privacy/", include("frontdoor.privacy.urls")),
    path("search/", include("frontdoor.search.urls")),
    path("dashboards/", include("frontdoor.returns.dashboard_urls")),
    path("returns/", include("frontdoor.returns.urls")),
    path("outbox/", include("frontdoor.outbox.urls")),
    path("handoffs/", include("frontdoor.handoffs.urls")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]

handler400 = "frontdoor.error_pages.bad_request"
handler404 = "frontdoor.error_pages.not_found"
handler500 = "frontdoor.error_pages.server_error"
