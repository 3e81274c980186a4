"""The public online referral form, /refer/ (no sign-in)."""

app_name = "refer"
urlpatterns: list = []
