"""On a service of several councils, a search reads the council's own records only."""

from __future__ import annotations

import pytest
from django.utils import timezone

from frontdoor.intake.services import record_contact
from frontdoor.policy.councils import serving
from frontdoor.search import selectors
from tests.intake.factories import make_submission
from tests.search.test_search import contacts_found, search

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("two_councils")]


def test_another_councils_children_neither_show_nor_crowd_out_the_councils_own(
    client, officer, contact, monkeypatch
):
    # Newer than the council's own, and read first: were they read at all, they would fill the
    # rows a search reads before the council's own child is reached.
    monkeypatch.setattr(selectors, "ROWS", 1)
    with serving("lewisham"):
        theirs = record_contact(
            submission=make_submission(), channel="online_form", received_at=timezone.now(), by=None
        ).contact
    found = contacts_found(search(client, officer, "Ellis Examplechild"))
    assert contact.reference in found
    assert theirs.reference not in found
