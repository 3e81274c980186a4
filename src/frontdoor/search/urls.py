"""The search page's address: `/search/?q=...` is kept stable, for bookmarks and links."""

from django.urls import path

from frontdoor.search import views

app_name = "search"
urlpatterns = [path("", views.search_page, name="search")]
