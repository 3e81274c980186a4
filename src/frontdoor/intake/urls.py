"""Staff pages for contacts: recording, the inbox and the contact record."""

app_name = "intake"
urlpatterns: list = []
