"""The audit trail is append-only: entries are never changed or deleted."""

from __future__ import annotations

import pytest
from django.urls import reverse

from frontdoor.accounts.roles import Role
from frontdoor.audit import services as audit
from frontdoor.audit.models import AuditEvent, RecordView

pytestmark = pytest.mark.django_db


def test_an_audit_entry_cannot_be_changed_or_deleted(manager):
    event = audit.record(actor=manager, action="test.done", target=manager, reason="because")
    event.reason = "rewritten"
    with pytest.raises(PermissionError, match="never changed"):
        event.save()
    with pytest.raises(PermissionError, match="never deleted"):
        event.delete()
    assert AuditEvent.objects.get(pk=event.pk).reason == "because"


def test_a_record_view_cannot_be_changed(manager):
    view = audit.record_view(viewer=manager, target=manager, through="test")
    with pytest.raises(PermissionError):
        view.save()
    assert RecordView.objects.count() == 1


def test_an_administrator_changes_an_account_and_the_history_names_them(client, make_user):
    admin_user = make_user(Role.ADMINISTRATOR, is_staff=True, is_superuser=True)
    officer = make_user(Role.CONTACT_OFFICER, team="IFD")
    client.force_login(admin_user)
    url = reverse("admin:accounts_user_change", args=[officer.pk])
    page = client.get(url)
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {
        key: value
        for key, value in form.initial.items()
        if value is not None and key not in {"password", "groups", "user_permissions"}
    }
    data.update(
        {
            "team": "MASH",
            "last_login_0": "",
            "last_login_1": "",
            "date_joined_0": "2026-01-01",
            "date_joined_1": "09:00:00",
        }
    )
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    latest = officer.history.latest("history_date")
    assert latest.team == "MASH"
    assert latest.history_user == admin_user
