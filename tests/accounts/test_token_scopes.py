"""API token scopes narrow the role, never widen it, and every token request is on the audit
trail naming its token (R45)."""

from __future__ import annotations

import pytest

from frontdoor.accounts.roles import Role
from frontdoor.accounts.scopes import SCOPES
from frontdoor.accounts.tokens import issue_token
from frontdoor.audit.models import AuditEvent, RecordView
from frontdoor.errors import DomainError
from frontdoor.intake.models import Contact
from frontdoor.mash.models import AgencyRequest
from tests.accounts.api_requests import bearer, post_contact
from tests.intake.factories import submission_data
from tests.mash.test_enquiries import send

pytestmark = pytest.mark.django_db


@pytest.fixture
def police(contact, manager, make_user):
    """A police user, with an enquiry sent to the police about `contact`."""
    user = make_user(Role.PARTNER_AGENCY, agency_key="police")
    send(contact, manager, agencies=["police"])
    return user


@pytest.fixture
def token_for(make_user):
    """Headers for a new token of a user with `role`, narrowed to `scopes`; and the token."""

    def make(role: Role, *scopes: str, user=None):
        user = user or make_user(role)
        api_token, token = issue_token(user=user, name="Scoped system", by=None, scopes=scopes)
        return bearer(token), api_token

    return make


def a_reference(client, token_for) -> str:
    headers, _ = token_for(Role.CONTACT_OFFICER)
    return post_contact(client, headers).json()["reference"]


# Scopes narrow what the role allows.


def test_a_read_only_token_reads_but_cannot_record_a_contact(client, token_for):
    reference = a_reference(client, token_for)
    headers, _ = token_for(Role.CONTACT_OFFICER, "read")
    assert client.get(f"/api/v1/contacts/{reference}", **headers).status_code == 200
    response = post_contact(client, headers)
    assert response.status_code == 403
    assert response.json() == {
        "message": "This token's scopes (read) do not allow POST /api/v1/contacts: "
        "it needs the scope contacts:write."
    }
    assert Contact.objects.count() == 1


def test_a_contacts_write_token_records_but_cannot_read_a_contact(client, token_for):
    headers, _ = token_for(Role.CONTACT_OFFICER, "contacts:write")
    created = post_contact(client, headers)
    assert created.status_code == 201
    reference = created.json()["reference"]
    attached = client.post(
        f"/api/v1/contacts/{reference}/reports",
        submission_data(),
        content_type="application/json",
        **headers,
    )
    assert attached.status_code == 201
    response = client.get(f"/api/v1/contacts/{reference}", **headers)
    assert response.status_code == 403
    assert "it needs the scope read" in response.json()["message"]


def test_a_mash_answer_token_reaches_only_the_agencys_enquiries(client, police, token_for):
    [request] = AgencyRequest.objects.filter(agency_key="police")
    headers, _ = token_for(Role.PARTNER_AGENCY, "mash:answer", user=police)
    listed = client.get("/api/v1/mash/requests", **headers).json()
    assert [item["id"] for item in listed] == [request.pk]
    assert client.get(f"/api/v1/mash/requests/{request.pk}", **headers).status_code == 200
    response = post_contact(client, headers)
    assert response.status_code == 403
    assert "contacts:write" in response.json()["message"]


def test_a_scope_never_grants_what_the_role_refuses(client, token_for):
    # A partner agency user may not read contacts: `read` does not change that.
    reference = a_reference(client, token_for)
    headers, _ = token_for(Role.PARTNER_AGENCY, "read")
    response = client.get(f"/api/v1/contacts/{reference}", **headers)
    assert response.status_code == 403
    assert "this is for" in response.json()["message"]  # the matrix's refusal, naming roles
    # Nor does `read` reach the MASH enquiries of a role that does not answer them.
    headers, _ = token_for(Role.CONTACT_OFFICER, "read")
    assert client.get("/api/v1/mash/requests", **headers).status_code == 403


def test_a_token_without_scopes_may_do_all_its_role_allows(client, token_for):
    headers, _ = token_for(Role.CONTACT_OFFICER)
    reference = post_contact(client, headers).json()["reference"]
    assert client.get(f"/api/v1/contacts/{reference}", **headers).status_code == 200


@pytest.mark.parametrize(
    ("role", "scope"),
    [(Role.CONTACT_OFFICER, "mash:answer"), (Role.PERFORMANCE_ANALYST, "contacts:write")],
)
def test_a_scope_the_role_can_make_no_use_of_is_not_issued(make_user, role, scope):
    with pytest.raises(DomainError, match=r"would allow .* nothing"):
        issue_token(user=make_user(role), name="x", by=None, scopes=[scope])


def test_an_unknown_scope_is_not_issued(make_user):
    with pytest.raises(DomainError, match="There is no scope 'write'"):
        issue_token(user=make_user(), name="x", by=None, scopes=["write"])


def test_every_operation_that_changes_something_declares_its_scope(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    declared = {scope.key for scope in SCOPES}
    for path, methods in paths.items():
        for method, operation in methods.items():
            if "security" not in operation:
                continue  # public: the referrer's status check
            scopes = [
                scope
                for requirement in operation["security"]
                for scope in requirement["ApiTokenAuth"]
            ]
            assert scopes, f"{method} {path}"
            assert set(scopes) <= declared, f"{method} {path}"
            assert ("read" in scopes) == (method == "get"), f"{method} {path}"


# Every request made with a token is on the audit trail, naming the token.


def test_the_audit_entry_of_a_contact_recorded_with_a_token_names_the_token(client, token_for):
    headers, api_token = token_for(Role.PARTNER_AGENCY)
    assert post_contact(client, headers).status_code == 201
    entries = AuditEvent.objects.exclude(action="api_token.issued")
    assert [(e.action, e.api_token_id) for e in entries] == [("contact.recorded", api_token.pk)]


def test_a_contact_read_with_a_token_is_logged_naming_the_token(client, token_for):
    reference = a_reference(client, token_for)
    headers, api_token = token_for(Role.MASH_MANAGER)
    assert client.get(f"/api/v1/contacts/{reference}", **headers).status_code == 200
    view = RecordView.objects.get()
    assert view.api_token_id == api_token.pk
    # The view is the request's entry: no separate use is written.
    assert not AuditEvent.objects.filter(action="api_token.used").exists()


def test_a_request_that_writes_nothing_else_records_the_tokens_use(client, police, token_for):
    headers, api_token = token_for(Role.PARTNER_AGENCY, user=police)
    assert client.get("/api/v1/mash/requests", **headers).status_code == 200
    use = AuditEvent.objects.get(action="api_token.used")
    assert (use.api_token_id, use.actor, use.reason) == (
        api_token.pk,
        police,
        "GET /api/v1/mash/requests: 200",
    )


def test_refused_and_retried_requests_are_on_the_audit_trail_too(client, token_for):
    headers, api_token = token_for(Role.CONTACT_OFFICER, "read")
    assert post_contact(client, headers).status_code == 403
    headers, writer = token_for(Role.CONTACT_OFFICER, "contacts:write")
    key = {"HTTP_IDEMPOTENCY_KEY": "once"}
    assert post_contact(client, headers, **key).status_code == 201
    # The retry writes no contact and no entry of its own: its use is recorded instead.
    assert post_contact(client, headers, **key).status_code == 200
    uses = AuditEvent.objects.filter(action="api_token.used").order_by("id")
    assert [(use.api_token_id, use.reason) for use in uses] == [
        (api_token.pk, "POST /api/v1/contacts: 403"),
        (writer.pk, "POST /api/v1/contacts: 200"),
    ]


def test_a_refused_write_rolled_back_still_records_the_use(client, token_for, make_user):
    # 409: the contact is closed, so nothing the request began is kept, and its use is.
    headers, _ = token_for(Role.CONTACT_OFFICER)
    reference = post_contact(client, headers).json()["reference"]
    Contact.objects.filter(reference=reference).update(state=Contact.State.CLOSED)
    response = client.post(
        f"/api/v1/contacts/{reference}/reports",
        submission_data(),
        content_type="application/json",
        **headers,
    )
    assert response.status_code == 409
    use = AuditEvent.objects.get(action="api_token.used")
    assert use.reason == f"POST /api/v1/contacts/{reference}/reports: 409"


def test_pages_signed_in_with_a_password_name_no_token(client, make_user):
    client.force_login(make_user(Role.CONTACT_OFFICER))
    client.get("/contacts/")
    assert not AuditEvent.objects.exclude(api_token=None).exists()
