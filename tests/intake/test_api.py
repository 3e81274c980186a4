"""The intake API: partner systems report, staff systems read, referrers check (R1-R11)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from frontdoor.accounts.models import ApiToken
from frontdoor.accounts.roles import Role
from frontdoor.accounts.tokens import issue_token, revoke_token
from frontdoor.api import UNREADABLE_BODY
from frontdoor.audit.models import RecordView
from frontdoor.intake.models import Channel, Contact, Report, ReportedAdult, ReportedChild
from tests.intake.factories import submission_data, unborn_child

pytestmark = pytest.mark.django_db


@pytest.fixture
def bearer(make_user):
    """Authorization headers for a new token of a user with `role`."""

    def make(role: Role = Role.CONTACT_OFFICER) -> dict[str, str]:
        _, token = issue_token(user=make_user(role), name="Test system", by=None)
        return {"HTTP_AUTHORIZATION": f"Bearer {token}"}

    return make


@pytest.fixture
def api(client, bearer):
    """Send JSON to the API as a partner agency's system."""
    partner = bearer(Role.PARTNER_AGENCY)

    def send(path: str, data=None, *, headers=None, method: str = "post"):
        headers = partner if headers is None else headers
        if method == "get":
            return client.get(f"/api/v1/{path}", **headers)
        return client.post(f"/api/v1/{path}", data, content_type="application/json", **headers)

    return send


def nothing_saved() -> bool:
    return not (
        Contact.objects.exists()
        or Report.objects.exists()
        or ReportedChild.objects.exists()
        or ReportedAdult.objects.exists()
    )


# Creating contacts


def test_r1_a_partner_system_records_a_contact_and_gets_its_reference_and_due_time(api):
    response = api("contacts", submission_data())
    assert response.status_code == 201
    body = response.json()
    contact = Contact.objects.get()
    assert body["reference"] == contact.reference
    assert body["state"] == "received"
    assert body["progress_due_at"] is not None
    assert body["status_secret"]
    report = contact.reports.get()
    assert report.channel == Channel.API
    assert report.recorded_by.role == Role.PARTNER_AGENCY
    assert contact.children.count() == 2
    assert contact.adults.count() == 1


def test_r1_a_retried_request_with_the_same_idempotency_key_makes_one_contact(api, bearer):
    headers = {**bearer(), "HTTP_IDEMPOTENCY_KEY": "police-2026-0001"}
    first = api("contacts", submission_data(), headers=headers)
    again = api("contacts", submission_data(), headers=headers)
    assert first.status_code == 201
    assert again.status_code == 200
    assert again.json()["reference"] == first.json()["reference"]
    assert Contact.objects.count() == 1
    assert Report.objects.count() == 1


def test_a_retry_whose_first_answer_was_lost_gets_the_same_status_secret(api, bearer, client):
    headers = {**bearer(), "HTTP_IDEMPOTENCY_KEY": "police-2026-0009"}
    first = api("contacts", submission_data(), headers=headers).json()
    again = api("contacts", submission_data(), headers=headers).json()
    assert again == first  # the same answer: the sender cannot tell which one it missed
    check = {"reference": first["reference"], "secret": again["status_secret"]}
    assert api("status", check, headers={}).status_code == 200
    # Each key, and each sender's same key, has a secret of its own.
    key = "HTTP_IDEMPOTENCY_KEY"
    other_key = api("contacts", submission_data(), headers={**headers, key: "another"}).json()
    other_sender = api("contacts", submission_data(), headers={**bearer(), key: headers[key]})
    other_secrets = {other_key["status_secret"], other_sender.json()["status_secret"]}
    assert len({first["status_secret"], *other_secrets}) == 3


def test_after_the_secret_key_is_rotated_status_codes_and_retries_still_work(api, bearer, settings):
    headers = {**bearer(), "HTTP_IDEMPOTENCY_KEY": "police-2026-0010"}
    first = api("contacts", submission_data(), headers=headers).json()
    check = {"reference": first["reference"], "secret": first["status_secret"]}
    old_key = settings.SECRET_KEY
    settings.SECRET_KEY = "a-new-secret-key-" + "x" * 40
    settings.SECRET_KEY_FALLBACKS = [old_key]
    assert api("status", check, headers={}).status_code == 200
    assert api("contacts", submission_data(), headers=headers).json() == first
    # Once the old key is dropped, what it signed no longer works: no wrong secret is made up.
    settings.SECRET_KEY_FALLBACKS = []
    assert api("status", check, headers={}).status_code == 404
    again = api("contacts", submission_data(), headers=headers)
    assert again.status_code == 200
    assert again.json()["reference"] == first["reference"]
    assert again.json()["status_secret"] is None


def test_a_retried_attach_gets_the_same_status_secret(api, bearer):
    reference = api("contacts", submission_data()).json()["reference"]
    headers = {**bearer(), "HTTP_IDEMPOTENCY_KEY": "school-follow-up-1"}
    first = api(f"contacts/{reference}/reports", submission_data(), headers=headers).json()
    again = api(f"contacts/{reference}/reports", submission_data(), headers=headers).json()
    assert first["status_secret"]
    assert again == first
    assert Report.objects.count() == 2


def test_an_idempotency_key_reused_for_a_different_report_is_refused(api, bearer):
    headers = {**bearer(), "HTTP_IDEMPOTENCY_KEY": "police-2026-0002"}
    first = api("contacts", submission_data(), headers=headers)
    other = api("contacts", submission_data(referrer_level_of_need=1), headers=headers)
    assert first.status_code == 201
    assert other.status_code == 409
    assert "already used for a different report" in other.json()["message"]
    assert Contact.objects.count() == 1


def test_one_systems_idempotency_key_never_finds_another_systems_contact(api, bearer):
    first = api("contacts", submission_data(), headers={**bearer(), "HTTP_IDEMPOTENCY_KEY": "1"})
    other = api("contacts", submission_data(), headers={**bearer(), "HTTP_IDEMPOTENCY_KEY": "1"})
    assert other.status_code == 201
    assert other.json()["reference"] != first.json()["reference"]


def test_r2_a_staff_system_may_record_a_police_notification_received_earlier(api, bearer):
    received = (timezone.now() - dt.timedelta(hours=3)).replace(microsecond=0)
    data = submission_data(channel="police_notification", received_at=received.isoformat())
    response = api("contacts", data, headers=bearer(Role.CONTACT_OFFICER))
    assert response.status_code == 201
    report = Report.objects.get()
    assert report.channel == Channel.POLICE_NOTIFICATION
    assert report.received_at == received
    assert response.json()["status_secret"] is None  # staff-recorded: nothing for a referrer


def test_a_partner_system_is_told_to_report_on_the_api_channel(api):
    response = api("contacts", submission_data(channel="telephone"))
    assert response.status_code == 403
    assert response.json()["message"] == (
        'Send your agency\'s reports with the channel "api": "telephone" is for children\'s '
        "services staff, recording what reached them another way."
    )
    assert nothing_saved()


def test_r2_the_polices_system_sends_a_police_notification_as_one(api, bearer):
    received = (timezone.now() - dt.timedelta(hours=2)).replace(microsecond=0)
    data = submission_data(channel="police_notification", received_at=received.isoformat())
    police = {**bearer(Role.PARTNER_AGENCY), "HTTP_IDEMPOTENCY_KEY": "ppn-2026-0001"}
    response = api("contacts", data, headers=police)
    assert response.status_code == 201
    report = Report.objects.get()
    assert report.channel == Channel.POLICE_NOTIFICATION
    assert report.recorded_by.agency_key == "police"
    assert report.received_at == received
    # As for its other reports, the police's system may follow the contact's progress.
    assert response.json()["status_secret"]
    again = api("contacts", data, headers=police)
    assert again.status_code == 200
    assert again.json()["status_secret"] == response.json()["status_secret"]


def test_r2_another_agencys_system_cannot_send_a_police_notification(api, bearer):
    data = submission_data(channel="police_notification")
    health = bearer(Role.PARTNER_AGENCY)
    from frontdoor.accounts.models import User

    User.objects.filter(role=Role.PARTNER_AGENCY).update(agency_key="health")
    response = api("contacts", data, headers=health)
    assert response.status_code == 403
    assert response.json()["message"] == (
        'Send your agency\'s reports with the channel "api": "police_notification" is for the '
        "police's own system."
    )
    assert nothing_saved()


def test_a_report_received_in_the_future_is_refused_and_nothing_is_saved(api):
    future = (timezone.now() + dt.timedelta(days=1)).isoformat()
    response = api("contacts", submission_data(received_at=future))
    assert response.status_code == 409
    assert response.json() == {
        "message": "The time the report was received cannot be in the future."
    }
    assert nothing_saved()


@pytest.mark.parametrize("received_at", ["0001-01-01T00:00:00+05:00", "1899-12-31T23:59:00Z"])
def test_a_report_received_before_1900_is_refused_and_nothing_is_saved(api, received_at):
    # The year 1 in a time zone east of London once reached the working-day clock: a 500.
    response = api("contacts", submission_data(received_at=received_at))
    assert response.status_code == 409
    assert response.json() == {"message": "The time the report was received cannot be before 1900."}
    assert nothing_saved()


def test_creating_a_contact_needs_a_token(client):
    response = client.post("/api/v1/contacts", submission_data(), content_type="application/json")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Bearer"
    assert nothing_saved()


def test_a_revoked_expired_or_made_up_token_is_refused(client, make_user, admin):
    api_token, revoked = issue_token(user=make_user(), name="Old system", by=None)
    revoke_token(api_token=api_token, by=admin)
    api_token, expired = issue_token(user=make_user(), name="Older system", by=None)
    ApiToken.objects.filter(pk=api_token.pk).update(expires_at=timezone.now())
    for presented in (revoked, expired, "fdt_made-up", "not-even-a-token"):
        response = client.post(
            "/api/v1/contacts",
            submission_data(),
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {presented}",
        )
        assert response.status_code == 401
    assert nothing_saved()


# Bad input: 422, a message per field, as the form words it; nothing saved


def errors_of(response) -> dict[str, str]:
    assert response.status_code == 422
    return {error["field"]: error["message"] for error in response.json()["errors"]}


def test_r6_missing_worry_is_422_with_the_forms_message(api):
    data = submission_data()
    del data["concern"]["worry"]
    assert errors_of(api("contacts", data)) == {"concern.worry": "Enter what you are worried about"}
    assert nothing_saved()


def test_r4_a_date_of_birth_in_the_future_is_422(api):
    data = submission_data()
    data["children"][1]["date_of_birth"] = "2999-01-01"
    assert errors_of(api("contacts", data)) == {
        "children.1.date_of_birth": "The date of birth must be today or in the past"
    }
    assert nothing_saved()


def test_r5_an_unborn_child_without_an_expected_date_is_422(api):
    child = unborn_child()
    del child["expected_date_of_birth"]
    data = submission_data(children=[child])
    assert errors_of(api("contacts", data)) == {
        "children.0.expected_date_of_birth": "Enter the expected date of birth"
    }
    assert nothing_saved()


def test_r5_an_unborn_child_with_an_expected_date_is_recorded(api):
    response = api("contacts", submission_data(children=[unborn_child()]))
    assert response.status_code == 201
    assert ReportedChild.objects.get().unborn


def test_a_bad_postcode_is_422(api):
    data = submission_data()
    data["children"][0]["postcode"] = "NOT A POSTCODE"
    assert errors_of(api("contacts", data)) == {
        "children.0.postcode": "Enter a real postcode, like L20 3NJ"
    }
    assert nothing_saved()


def test_an_unknown_field_is_422_not_ignored(api):
    errors = errors_of(api("contacts", submission_data(favourite_colour="blue")))
    assert errors == {"favourite_colour": "This is not a field of the form"}
    assert nothing_saved()


def test_several_problems_are_all_reported_at_once(api):
    data = submission_data()
    data["children"][0]["date_of_birth"] = "2999-01-01"
    data["children"][1]["postcode"] = "XX"
    data["concern"]["worry"] = ""
    assert set(errors_of(api("contacts", data))) == {
        "children.0.date_of_birth",
        "children.1.postcode",
        "concern.worry",
    }


def test_a_time_without_a_time_zone_is_422(api):
    errors = errors_of(api("contacts", submission_data(received_at="2026-11-19T10:00:00")))
    assert errors["received_at"].startswith("Give the time with its time zone")


def test_a_malformed_idempotency_key_is_422(api, bearer):
    headers = {**bearer(), "HTTP_IDEMPOTENCY_KEY": "no spaces please"}
    errors = errors_of(api("contacts", submission_data(), headers=headers))
    assert "Idempotency-Key" in errors


def test_a_body_that_is_not_json_is_refused(client, bearer):
    response = client.post(
        "/api/v1/contacts", "{not json", content_type="application/json", **bearer()
    )
    assert response.status_code == 400
    assert response.json() == {"message": UNREADABLE_BODY}  # the API's one shape for refusals
    assert nothing_saved()


# Reading a contact


def created_reference(api) -> str:
    response = api("contacts", submission_data())
    assert response.status_code == 201
    return response.json()["reference"]


def test_reading_a_contact_needs_a_token(api):
    reference = created_reference(api)
    assert api(f"contacts/{reference}", method="get", headers={}).status_code == 401


def test_a_partner_agency_cannot_read_a_contact_even_its_own(api):
    # Need-to-know (R45, R11): partners never see a member of the public's identity.
    reference = created_reference(api)
    response = api(f"contacts/{reference}", method="get")
    assert response.status_code == 403
    assert "inbox" in response.json()["message"]
    assert not RecordView.objects.exists()


@pytest.mark.parametrize("role", [Role.PARTNER_AGENCY, Role.EARLY_HELP_WORKER])
def test_those_without_inbox_view_cannot_probe_references(api, bearer, role):
    response = api("contacts/FD-NONE-XIST", method="get", headers=bearer(role))
    assert response.status_code == 403


def test_r7_staff_read_a_contact_with_its_reports_children_and_adults(api, bearer):
    reference = created_reference(api)
    response = api(f"contacts/{reference}", method="get", headers=bearer(Role.MASH_SOCIAL_WORKER))
    assert response.status_code == 200
    body = response.json()
    assert body["reference"] == reference
    assert body["state"] == "received"
    [report] = body["reports"]
    assert report["channel"] == "api"
    assert report["referrer"]["agency"] == "Litherland High School"
    assert report["concern"]["domestic_abuse"] == "yes"
    assert report["consent"] == {"consent": "given", "not_sought_reason": "", "notes": ""}
    assert [child["first_name"] for child in body["children"]] == ["Ellis", "Robin"]
    assert body["adults"][0]["relationship_to_child"] == "Mother"
    assert "status_secret_hash" not in report
    assert "submission_key" not in report


def test_r45_reading_a_contact_through_the_api_is_logged(api, bearer, make_user):
    reference = created_reference(api)
    api(f"contacts/{reference}", method="get", headers=bearer(Role.MASH_MANAGER))
    view = RecordView.objects.get()
    assert view.target_id == str(Contact.objects.get().pk)
    assert view.through == "api"
    assert view.viewer.role == Role.MASH_MANAGER


def test_reading_an_unknown_reference_is_404(api, bearer):
    response = api("contacts/FD-NONE-XIST", method="get", headers=bearer(Role.MASH_MANAGER))
    assert response.status_code == 404
    assert response.json() == {"message": "No contact has that reference."}


def test_reading_a_contact_takes_a_fixed_number_of_queries(
    api, bearer, django_assert_max_num_queries
):
    reference = created_reference(api)
    headers = bearer(Role.MASH_MANAGER)
    with django_assert_max_num_queries(8):
        assert api(f"contacts/{reference}", method="get", headers=headers).status_code == 200


# Attaching a report (R7)


def test_r7_a_second_agencys_report_is_attached_to_the_contact(api, bearer):
    reference = created_reference(api)
    data = submission_data()
    data["referrer"]["agency"] = "Merseyside Police"
    response = api(f"contacts/{reference}/reports", data, headers=bearer(Role.PARTNER_AGENCY))
    assert response.status_code == 201
    assert response.json()["reference"] == reference
    assert response.json()["status_secret"]
    contact = Contact.objects.get()
    assert contact.reports.count() == 2
    assert Report.objects.filter(referrer_agency="Merseyside Police").exists()


def test_r7_a_retried_attach_makes_one_report(api, bearer):
    reference = created_reference(api)
    headers = {**bearer(), "HTTP_IDEMPOTENCY_KEY": "second-report"}
    first = api(f"contacts/{reference}/reports", submission_data(), headers=headers)
    again = api(f"contacts/{reference}/reports", submission_data(), headers=headers)
    assert (first.status_code, again.status_code) == (201, 200)
    assert Report.objects.count() == 2


def test_attaching_to_a_closed_contact_is_409_and_saves_nothing(api):
    reference = created_reference(api)
    # No service closes contacts yet: the state is set directly for this test only.
    Contact.objects.filter(reference=reference).update(state=Contact.State.CLOSED)
    response = api(f"contacts/{reference}/reports", submission_data())
    assert response.status_code == 409
    assert response.json() == {
        "message": f"Contact {reference} is closed: record a new contact instead."
    }
    assert Report.objects.count() == 1


def test_attaching_with_bad_input_is_422_and_saves_nothing(api):
    reference = created_reference(api)
    data = submission_data()
    data["children"][0]["date_of_birth"] = "2999-01-01"
    assert "children.0.date_of_birth" in errors_of(api(f"contacts/{reference}/reports", data))
    assert Report.objects.count() == 1


def test_attaching_to_an_unknown_reference_is_404(api):
    response = api("contacts/FD-NONE-XIST/reports", submission_data())
    assert response.status_code == 404


# The referrer's status check


def created_with_secret(api) -> tuple[str, str]:
    body = api("contacts", submission_data()).json()
    return body["reference"], body["status_secret"]


def test_the_referrer_checks_the_status_with_reference_and_secret(api, client):
    reference, secret = created_with_secret(api)
    response = client.post(
        "/api/v1/status",
        {"reference": reference.lower(), "secret": secret},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert response.json() == {"reference": reference, "status": "Received"}


def test_a_wrong_secret_or_reference_gets_the_same_404(api, client):
    reference, secret = created_with_secret(api)
    other_reference, _ = created_with_secret(api)
    answers = [
        client.post("/api/v1/status", body, content_type="application/json")
        for body in (
            {"reference": reference, "secret": "wrong"},
            {"reference": "FD-NONE-XIST", "secret": secret},
            {"reference": other_reference, "secret": secret},
        )
    ]
    assert {answer.status_code for answer in answers} == {404}
    assert len({answer.content for answer in answers}) == 1
    assert answers[0].json() == {"message": "No submission matches that reference and secret."}


def test_the_status_check_needs_both_parts(client):
    response = client.post("/api/v1/status", {"reference": "FD-X"}, content_type="application/json")
    assert response.status_code == 422
    assert [error["field"] for error in response.json()["errors"]] == ["secret"]


@pytest.mark.parametrize("part", ["reference", "secret"])
def test_a_nul_character_in_the_status_check_is_refused_as_the_document_says(client, part):
    # PostgreSQL cannot compare text holding NUL: without the rule this was a server error.
    body = {"reference": "FD-X", "secret": "x", part: "FD\x00X"}
    response = client.post("/api/v1/status", body, content_type="application/json")
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"field": part, "message": "Remove the invisible control character (NUL) from this answer"}
    ]


def test_a_nul_character_in_a_contact_reference_is_refused_as_the_document_says(api, bearer):
    response = api("contacts/FD%00X", method="get", headers=bearer())
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {
            "field": "reference",
            "message": "Remove the invisible control character (NUL) from this answer",
        }
    ]


# The OpenAPI document and docs


def test_the_openapi_document_lists_the_endpoints_without_sign_in(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    document = response.json()
    assert set(document["paths"]) >= {
        "/api/v1/contacts",
        "/api/v1/contacts/{reference}",
        "/api/v1/contacts/{reference}/reports",
        "/api/v1/status",
    }
    scheme = document["components"]["securitySchemes"]["ApiTokenAuth"]
    assert (scheme["type"], scheme["scheme"]) == ("http", "bearer")
    assert "`contacts:write`" in scheme["description"]  # the scopes, described once
    assert "security" not in document["paths"]["/api/v1/status"]["post"]  # public
    create = document["paths"]["/api/v1/contacts"]["post"]
    # The scopes that allow it: a token with any one of them (or without scopes) may.
    assert create["security"] == [{"ApiTokenAuth": ["contacts:write"]}]
    read = document["paths"]["/api/v1/contacts/{reference}"]["get"]
    assert read["security"] == [{"ApiTokenAuth": ["read"]}]
    assert {"201", "200", "422"} <= set(create["responses"])
    assert create["parameters"][0]["name"] == "Idempotency-Key"


def test_every_operation_lists_the_statuses_that_follow_from_how_the_api_works(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    operations = {
        f"{method.upper()} {path}": operation
        for path, methods in paths.items()
        for method, operation in methods.items()
    }
    for label, operation in operations.items():
        statuses = set(operation["responses"])
        assert "503" in statuses, label
        assert ("400" in statuses) == ("requestBody" in operation), label
        assert ("401" in statuses) == ("security" in operation), label
        assert ("403" in statuses) == ("security" in operation), label
        # Only the status check is rate limited in the API (`security.limit_for_view`).
        assert ("429" in statuses) == (label == "POST /api/v1/status"), label
    create = operations["POST /api/v1/contacts"]["responses"]
    assert create["401"]["headers"]["WWW-Authenticate"]
    assert create["503"]["headers"]["Retry-After"]
    assert create["422"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ValidationProblems"
    }
    status = operations["POST /api/v1/status"]["responses"]
    assert status["429"]["headers"]["Retry-After"]
    assert status["400"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Message"
    }


def test_the_docs_page_is_served_without_sign_in(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    assert b"swagger" in response.content.lower()


def test_the_rest_of_the_site_still_needs_sign_in(client):
    response = client.get("/")
    assert response.status_code == 302


def test_r5_a_partner_systems_expectant_parent_under_18_is_added_as_a_child(api, bearer):
    young = dt.date.today().replace(year=dt.date.today().year - 16)
    data = submission_data(
        children=[unborn_child()],
        adults=[
            {
                "first_name": "Kay",
                "relationship_to_child": "Mother",
                "date_of_birth": young.isoformat(),
                "expectant_parent": True,
            },
            {
                "first_name": "Lee",
                "relationship_to_child": "Grandmother",
                "expectant_parent": False,
            },
        ],
    )
    assert api("contacts", data).status_code == 201
    contact = Contact.objects.get()
    assert [(c.first_name, c.unborn, c.expectant_parent) for c in contact.children.all()] == [
        ("", True, False),
        ("Kay", False, True),
    ]
    assert contact.adults.count() == 2
    headers = bearer(Role.MASH_SOCIAL_WORKER)
    body = api(f"contacts/{contact.reference}", method="get", headers=headers).json()
    assert [child["expectant_parent"] for child in body["children"]] == [False, True]


def test_r5_an_adult_expectant_parent_is_not_added_as_a_child(api):
    data = submission_data(
        children=[unborn_child()],
        adults=[{"first_name": "Jo", "date_of_birth": "1995-01-01", "expectant_parent": True}],
    )
    assert api("contacts", data).status_code == 201
    assert Contact.objects.get().children.count() == 1
