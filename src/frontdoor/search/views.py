"""The search page: find a contact or a person from any page (R18, R45).

Sent by GET, so a search has an address (`/search/?q=...`) and works without JavaScript. With no
`q` it shows the box alone; an unreadable `q` gets a GOV.UK error message saying what to type.
"""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from frontdoor.accounts.access import SignedInRequest, allowed
from frontdoor.search.forms import SearchForm
from frontdoor.search.selectors import SHOWN, search


@require_http_methods(["GET"])
@allowed("records.search")
def search_page(request: SignedInRequest) -> HttpResponse:
    """Search contacts and people by reference, name, date of birth, postcode or NHS number."""
    form = SearchForm(request.GET if "q" in request.GET else None)
    results = None
    if form.is_bound and form.is_valid():
        results = search(user=request.user, terms=form.cleaned_data["q"])
    return render(request, "search/search.html", {"form": form, "results": results, "shown": SHOWN})
