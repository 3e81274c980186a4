"""Schemathesis against the API's own OpenAPI document: what it says is what the API does.

Every operation in /api/v1/openapi.json is called with generated requests, valid (positive) and
invalid (negative), once with a valid bearer token and once without. No request, however odd,
makes a 5xx; every answer's status, content type, headers and body are the ones the document
lists for that operation, so a partner system can code against it; invalid data is refused, valid
data is accepted, and an operation that needs a token refuses a request without one.
The schema is loaded through the WSGI application itself, so what is tested is what is served.

Valid data is valid by the document alone, except for three rules of a report that JSON Schema
cannot state, which `_within_unstated_rules` makes true of each generated report (and nothing
else):
- an NHS number's modulus 11 check digit (the document gives its shape: ten digits, separators);
- dates judged against today: a date of birth from 1900 to today, an expected date of birth from a
  month ago to ten months ahead (the document gives the format, and the window in words);
- the deprecated `concern.parents_agree`, if sent, says what `consent.consent` says (in words).
`schemathesis_cli_hooks` applies the same to a run of the schemathesis CLI against a server.
"""

from __future__ import annotations

import datetime as dt
import os
import traceback
from collections import Counter

import pytest
import schemathesis
from django.core.cache import cache
from django.test import Client
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from schemathesis import APIOperation, Case
from schemathesis.checks import (
    content_type_conformance,
    missing_required_header,
    negative_data_rejection,
    not_a_server_error,
    positive_data_acceptance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.generation import GenerationMode

from frontdoor.accounts.roles import Role
from frontdoor.accounts.tokens import issue_token
from frontdoor.intake.models import Consent
from frontdoor.intake.submissions import (
    OLDEST_BIRTH_DATE,
    UNBORN_EXPECTED_WITHIN,
    UNBORN_OVERDUE_BY,
    today,
)
from frontdoor.people.models import nhs_number_is_valid
from frontdoor.wsgi import application
from tests.intake.factories import submission_data, unborn_child

IDEMPOTENCY_KEY_MESSAGE = "Give an Idempotency-Key of 1 to 64 letters, digits, or . _ : -"

# Each request commits or rolls back on its own, as in production: inside one test transaction
# an error a request handled would still leave the next requests on an aborted transaction.
pytestmark = pytest.mark.django_db(transaction=True)

# Modest, so the whole schema runs in about a minute on 2 shared cores; raise it locally with
# FRONTDOOR_SCHEMATHESIS_EXAMPLES=200 for a deeper run.
EXAMPLES = int(os.environ.get("FRONTDOOR_SCHEMATHESIS_EXAMPLES", "25"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    negative_data_rejection,
    positive_data_acceptance,
    missing_required_header,
]


@pytest.fixture(autouse=True)
def _full_buckets():
    # The status check is rate limited per address; a 429 is not a failure, but full buckets
    # let the generated requests reach the code behind the limit.
    cache.clear()
    yield
    cache.clear()


def _into_window(value: str, earliest: dt.date, latest: dt.date) -> str:
    """A generated date moved into the server's window, keeping its spread."""
    offset = (dt.date.fromisoformat(value) - earliest).days % ((latest - earliest).days + 1)
    return (earliest + dt.timedelta(days=offset)).isoformat()


def _with_check_digit(value: str) -> str | None:
    """A generated NHS number (ten digits, maybe separated) with the last digit the server's
    `nhs_number_is_valid` takes, or None when no last digit makes the first nine valid."""
    last = max(index for index, character in enumerate(value) if character.isdigit())
    for digit in "0123456789":
        candidate = value[:last] + digit + value[last + 1 :]
        if nhs_number_is_valid("".join(c for c in candidate if c.isdigit())):
            return candidate
    return None


def _within_unstated_rules(case: Case) -> Case | None:
    """A generated valid report with its NHS numbers' check digits and its dates made to follow
    the rules JSON Schema cannot state (see the module's docstring), or None when no check digit
    fits; every other part of the request is as generated. Other requests pass unchanged."""
    body = case.body
    if not isinstance(body, dict) or not isinstance(body.get("children"), list):
        return case
    concern, consent = body.get("concern"), body.get("consent")
    said = isinstance(concern, dict) and concern.get("parents_agree") is not None
    if said and isinstance(consent, dict) and consent.get("consent") in Consent.values:
        concern["parents_agree"] = Consent(consent["consent"]).parents_agree.value
    born = (OLDEST_BIRTH_DATE, today())
    expected = (today() - UNBORN_OVERDUE_BY, today() + UNBORN_EXPECTED_WITHIN)
    for person in [*body["children"], *body.get("adults", [])]:
        if person.get("date_of_birth"):
            person["date_of_birth"] = _into_window(person["date_of_birth"], *born)
        if person.get("expected_date_of_birth"):
            person["expected_date_of_birth"] = _into_window(
                person["expected_date_of_birth"], *expected
            )
        if any(character.isdigit() for character in person.get("nhs_number", "")):
            person["nhs_number"] = _with_check_digit(person["nhs_number"])
            if person["nhs_number"] is None:
                return None
    return case


def _fuzz(
    operation: APIOperation, mode: GenerationMode, headers: dict[str, str]
) -> tuple[Counter[int], str]:
    """Call one operation with generated requests: the statuses answered, and the failure if any."""
    answered: Counter[int] = Counter()
    secured = bool(operation.definition.raw.get("security"))
    cases = operation.as_strategy(generation_mode=mode)
    if mode == GenerationMode.POSITIVE:
        cases = cases.map(_within_unstated_rules).filter(lambda case: case is not None)

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,  # the same examples each run, not those that failed on another machine
        suppress_health_check=list(HealthCheck),
    )
    @given(case=cases)
    def call(case: Case) -> None:
        checks = CHECKS
        if case.headers and case.headers.pop("Authorization", None) is not None:
            # A generated Authorization header would replace the token under test; once it is
            # taken out, a request whose only invalid part it was is valid, so may be accepted.
            checks = [check for check in CHECKS if check is not negative_data_rejection]
        response = case.call(headers=headers)
        answered[response.status_code] += 1
        case.validate_response(response, checks=checks)
        if secured and "Authorization" not in headers:
            assert response.status_code >= 400, (
                f"{operation.label} answered {response.status_code} without a token"
            )

    try:
        call()
    # Schemathesis raises its failures as an exception group; every operation runs, then all show.
    except (Exception, BaseExceptionGroup) as failure:
        # The whole traceback: a failure seen once must be diagnosable from the log alone.
        trace = "".join(traceback.format_exception(failure))
        return answered, f"{type(failure).__name__}: {str(failure)[:2000]}\n{trace[-4000:]}"
    return answered, ""


@pytest.mark.parametrize("role", [Role.CONTACT_OFFICER, Role.PARTNER_AGENCY])
def test_no_operation_answers_with_a_server_error(make_user, role: Role) -> None:
    _, token = issue_token(user=make_user(role), name="Schemathesis", by=None)
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert operations, "the OpenAPI document lists no operations"
    runs: dict[str, Counter[int]] = {}
    failures: dict[str, str] = {}
    # Requests without a token do not depend on whose token the others carry: fuzzed once.
    ways = (True, False) if role == Role.CONTACT_OFFICER else (True,)
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            for authorised in ways:
                headers = {"Authorization": f"Bearer {token}"} if authorised else {}
                label = f"{operation.label} {mode.value} {'token' if authorised else 'anonymous'}"
                runs[label], failures[label] = _fuzz(operation, mode, headers)
    total = sum(sum(answered.values()) for answered in runs.values())
    # For the closing note: the generated requests and the statuses they were answered with.
    print(f"\nschemathesis: {total} examples over {len(operations)} operations as {role.value}")
    for label, answered in sorted(runs.items()):
        statuses = ", ".join(f"{status}: {count}" for status, count in sorted(answered.items()))
        print(f"  {sum(answered.values()):4d}  {label}  ({statuses})")
    assert total > 0
    if role == Role.CONTACT_OFFICER:
        # The document says enough for generated reports to be recorded, not only not refused.
        assert runs["POST /api/v1/contacts positive token"][201] > 0
    failed = {label: failure for label, failure in failures.items() if failure}
    assert not failed, "\n\n".join(f"{label}:\n{failure}" for label, failure in failed.items())


def test_a_malformed_idempotency_key_on_the_mash_answer_is_a_422(make_user) -> None:
    _, token = issue_token(user=make_user(Role.PARTNER_AGENCY), name="Partner", by=None)
    client = Client(raise_request_exception=False)
    response = client.post(
        "/api/v1/mash/requests/1/answer",
        {"answers": [], "opinion": "x"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
        HTTP_IDEMPOTENCY_KEY="not a valid key!",
    )
    assert response.status_code == 422
    # The same rule and message as for contacts (`intake.api.IdempotencyKey`).
    assert {"field": "Idempotency-Key", "message": IDEMPOTENCY_KEY_MESSAGE} in response.json()[
        "errors"
    ]


@pytest.mark.parametrize(
    "body",
    [
        {"answers": [], "opinion": "Known\x00"},
        {
            "answers": [{"person": "child-1", "nothing_known": False, "information": "\x00"}],
            "opinion": "x",
        },
    ],
)
def test_a_nul_character_in_a_mash_answer_is_refused_as_the_document_says(make_user, body) -> None:
    # PostgreSQL cannot store text holding NUL: the same rule as for every text of a report.
    _, token = issue_token(user=make_user(Role.PARTNER_AGENCY), name="Partner", by=None)
    client = Client(raise_request_exception=False)
    response = client.post(
        "/api/v1/mash/requests/1/answer",
        body,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
        HTTP_IDEMPOTENCY_KEY="answer-1",
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["message"] == (
        "Remove the invisible control character (NUL) from this answer"
    )


def test_real_contacts_read_written_and_checked_through_the_api_are_as_the_document_says(
    make_user,
) -> None:
    """Generated requests seldom make a contact (a child needs a name, a referrer a way to call
    back), so the readings of real contacts are checked here, from the referrals the tests make:
    a professional's about siblings, an anonymous one about an unborn child, and a telephone
    call from a member of the public relayed an hour late; each read, added to and checked."""
    _, token = issue_token(user=make_user(Role.CONTACT_OFFICER), name="Council", by=None)
    auth = {"Authorization": f"Bearer {token}"}
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
    create = schema["/api/v1/contacts"]["POST"]
    read = schema["/api/v1/contacts/{reference}"]["GET"]
    attach = schema["/api/v1/contacts/{reference}/reports"]["POST"]
    status = schema["/api/v1/status"]["POST"]
    relayed_at = (timezone.now() - dt.timedelta(hours=1)).isoformat()
    referrals = {
        "professional": submission_data(),
        "anonymous": submission_data(
            referrer={"type": "anonymous"}, children=[unborn_child()], adults=[]
        ),
        "telephone": submission_data(
            referrer={"type": "public", "name": "Sam Neighbour", "phone": "0151 000 0001"},
            channel="telephone",
            received_at=relayed_at,
        ),
    }

    def send(operation: APIOperation, expected: int, **parts) -> dict:
        case = operation.Case(**parts)
        response = case.call(headers=auth)
        case.validate_response(response, checks=CHECKS)
        assert response.status_code == expected, response.text
        return response.json()

    for name, referral in referrals.items():
        key = {"Idempotency-Key": f"contact-{name}"}
        receipt = send(create, 201, body=referral, headers=key)
        assert send(create, 200, body=referral, headers=key) == receipt  # a retry
        path = {"reference": receipt["reference"]}
        assert len(send(read, 200, path_parameters=path)["reports"]) == 1
        follow_up = submission_data(channel="email", concern={"worry": "The written report."})
        key = {"Idempotency-Key": f"report-{name}"}
        send(attach, 201, path_parameters=path, body=follow_up, headers=key)
        send(attach, 200, path_parameters=path, body=follow_up, headers=key)
        assert len(send(read, 200, path_parameters=path)["reports"]) == 2
        if receipt["status_secret"]:  # the API's own channel: the sender may check progress
            checked = {"reference": receipt["reference"], "secret": receipt["status_secret"]}
            assert send(status, 200, body=checked)["reference"] == receipt["reference"]
        send(status, 404, body={"reference": receipt["reference"], "secret": "not-the-secret"})
    send(read, 404, path_parameters={"reference": "FD-0000-NONE"})
