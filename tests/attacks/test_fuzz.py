"""Hostile free text into every field of the API and the public form: never a 5xx, always text.

Hypothesis puts markup, unicode, very long strings and NUL bytes into each free-text field of an
API contact and of the online form's pages. Whatever is accepted must come back on the contact
page escaped (the markup as text, never as a tag), and a NUL byte, which PostgreSQL refuses in
text, must be refused with a field message rather than reach the database. Run on PostgreSQL too:
`DATABASE_URL=postgres://postgres@127.0.0.1:5432/helper_attacks`.
"""

from __future__ import annotations

import html
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from frontdoor.accounts.roles import Role
from frontdoor.accounts.tokens import issue_token
from frontdoor.intake.models import Contact
from frontdoor.intake.referral import pages, questions
from tests.intake.factories import submission_data

pytestmark = pytest.mark.django_db

MARKUP = (
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "</textarea><svg onload=alert(1)>",
    "{{ request }}{% debug %}",
    "'; DROP TABLE intake_contact; --",
    "\u202eevil\u202c Zoë Ó Súilleabháin 王秀英 🙂",
)

# Free text as the fields accept it (length limits included), and beyond them.
texts = st.one_of(
    st.sampled_from(MARKUP),
    # NUL is left to its own tests below, so that
    # these still say something on PostgreSQL, where a NUL is a 500 today.
    st.text(st.characters(exclude_characters="\x00"), max_size=300),
    st.builds(lambda chunk, times: chunk * times, st.sampled_from(MARKUP), st.integers(1, 3000)),
)

# Every free-text field of the submission an API client sends, as a path into the JSON body.
API_TEXT_FIELDS: tuple[tuple[Any, ...], ...] = (
    *(("referrer", name) for name in ("name", "agency", "role", "address")),
    ("referrer", "relationship_to_child"),
    *(
        ("children", 0, name)
        for name in (
            "first_name",
            "last_name",
            "other_names",
            "ethnicity",
            "first_language",
            "religion",
            "address",
            "postcode",
            "school_or_nursery",
            "special_needs",
            "communication",
            "nhs_number",
        )
    ),
    *(
        ("adults", 0, name)
        for name in (
            "first_name",
            "last_name",
            "other_names",
            "relationship_to_child",
            "address",
            "postcode",
            "phone",
        )
    ),
    *(
        ("concern", name)
        for name in (
            "worry",
            "working_well",
            "child_voice",
            "child_location",
            "alleged_perpetrator",
            "other_agencies",
        )
    ),
    ("consent", "notes"),
    ("summary",),
)
# Fields the contact page certainly shows: there the escaped value itself is looked for.
SHOWN_ON_CONTACT_PAGE = {("concern", "worry"), ("children", 0, "first_name")}
FUZZ = settings(
    max_examples=25,
    deadline=None,
    database=None,
    # The same examples on every run and machine, so a failure in CI reproduces locally.
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture(autouse=True)
def _full_buckets():
    # The public POSTs are rate limited per address; each test starts with full buckets.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def partner_headers(make_user) -> dict[str, str]:
    _, token = issue_token(user=make_user(Role.PARTNER_AGENCY), name="Fuzz", by=None)
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


@pytest.fixture
def officer_client(make_user) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(make_user(Role.CONTACT_OFFICER))
    return client


def _with(data: dict[str, Any], path: tuple[Any, ...], value: str) -> dict[str, Any]:
    target: Any = data
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value
    return data


def _field_name(path: tuple[Any, ...]) -> str:
    return ".".join(str(step) for step in path)


def assert_shown_as_text(page: str, value: str, *, shown: bool) -> None:
    """No tag the value carries is live on the page; when `shown`, it is there, escaped."""
    for tag in ("<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "<svg onload"):
        if tag in value:
            assert tag not in page
    stripped = value.strip()
    if shown and "<" in stripped and len(stripped) < 500 and "\n" not in stripped:
        assert html.escape(stripped, quote=False) in page or html.escape(stripped) in page


@FUZZ
@given(path=st.sampled_from(API_TEXT_FIELDS), value=texts)
def test_api_free_text_is_stored_as_text_or_refused_never_a_server_error(
    path, value, partner_headers, officer_client
) -> None:
    client = Client(raise_request_exception=False)
    body = _with(submission_data(), path, value)
    response = client.post(
        "/api/v1/contacts", body, content_type="application/json", **partner_headers
    )
    assert response.status_code in {201, 409, 422}, response.content[:500]
    if response.status_code != 201:
        return
    reference = response.json()["reference"]
    page = officer_client.get(reverse("intake:contact", args=[reference]))
    assert page.status_code == 200
    assert_shown_as_text(page.content.decode(), value, shown=path in SHOWN_ON_CONTACT_PAGE)


# Every free-text field refuses a NUL byte with a field message (PostgreSQL could not store it).


def _nul_cases(fields, ids) -> list:
    return [pytest.param(field, id=ids(field)) for field in fields]


@pytest.mark.parametrize("path", _nul_cases(API_TEXT_FIELDS, _field_name))
def test_api_refuses_a_nul_byte_with_a_field_message(path, partner_headers) -> None:
    client = Client(raise_request_exception=False)
    before = Contact.objects.count()
    body = _with(submission_data(), path, "Ellis\x00<script>")
    response = client.post(
        "/api/v1/contacts", body, content_type="application/json", **partner_headers
    )
    assert response.status_code == 422, response.content[:500]
    fields = [error["field"] for error in response.json()["errors"]]
    assert _field_name(path) in fields
    assert Contact.objects.count() == before


# The online form: each page's text boxes, with the rest of the journey filled in as a referrer
# would.


def _start(client: Client) -> str:
    response = client.post(reverse("refer:start"))
    return response["Location"].split("/")[2]


def _url(name: str, journey: str) -> str:
    return reverse(f"refer:{name}", args=[journey])


def _text_questions(page_questions: tuple[pages.Question, ...]) -> list[str]:
    return [q.name for q in pages.flatten(page_questions) if q.kind in {"text", "textarea"}]


PROFESSIONAL = {
    "name": "Pat Referrer",
    "agency": "Litherland High School",
    "role": "Designated safeguarding lead",
    "phone": "0151 000 0000",
    "email": "pat@school.example",
}
CHILD = {"first_name": "Ellis", "last_name": "Examplechild", "unborn": "no"}
ADULT = {"first_name": "Jo", "relationship_to_child": "Mother"}
WORRY = {"worry": "Bruises"}
SAFETY = {"child_location": "At school"}

FORM_PAGES: tuple[tuple[str, dict[str, str], list[str]], ...] = (
    ("referrer", PROFESSIONAL, _text_questions(questions.referrer_questions("professional"))),
    ("child_add", CHILD, _text_questions(questions.CHILD)),
    ("adult_add", ADULT, _text_questions(questions.ADULT)),
    ("worry", WORRY, _text_questions(questions.WORRY)),
    ("safety", SAFETY, _text_questions(questions.SAFETY)),
)
FORM_TEXT_FIELDS = [(page, name) for page, _, names in FORM_PAGES for name in names]
_PAGE_DEFAULTS = {page: defaults for page, defaults, _ in FORM_PAGES}


def _journey_to_check(client: Client, overrides: dict[str, dict[str, str]]) -> str:
    """A whole journey, with each page's answers replaced by `overrides[page]` where given."""
    journey = _start(client)

    def post(page: str, data: dict[str, str]) -> None:
        response = client.post(_url(page, journey), {**data, **overrides.get(page, {})})
        assert response.status_code in {302, 400}, response.status_code

    post("danger", {"danger": "no"})
    post("who", {"type": "professional"})
    post("referrer", PROFESSIONAL)
    post("child_add", CHILD)
    post("children", {"add": "no"})
    post("adults", {"add": "yes"})
    post("adult_add", ADULT)
    post("adults", {"add": "no"})
    post("worry", WORRY)
    post("safety", SAFETY)
    post("household", {})
    post("consent", {"consent": "given"})
    post("level", {"referrer_level_of_need": "3"})
    post("documents", {"action": "continue"})
    return journey


@FUZZ
@given(field=st.sampled_from(FORM_TEXT_FIELDS), value=texts)
def test_form_free_text_is_refused_or_sent_and_shown_as_text(
    field, value, officer_client, settings
) -> None:
    page, name = field
    client = Client(raise_request_exception=False)
    journey = _journey_to_check(client, {page: {**_PAGE_DEFAULTS[page], name: value}})
    check = client.get(_url("check", journey))
    assert check.status_code == 200
    assert_shown_as_text(check.content.decode(), value, shown=False)
    sent = client.post(_url("check", journey))
    assert sent.status_code in {302, 400}, sent.status_code
    if sent.status_code != 302:
        return
    contact = Contact.objects.order_by("-pk").first()
    assert contact is not None
    shown = officer_client.get(reverse("intake:contact", args=[contact.reference]))
    assert shown.status_code == 200
    assert_shown_as_text(shown.content.decode(), value, shown=field == ("worry", "worry"))


@pytest.mark.parametrize("field", _nul_cases(FORM_TEXT_FIELDS, ".".join))
def test_form_refuses_a_nul_byte_on_the_page_that_asks(field) -> None:
    page, name = field
    client = Client(raise_request_exception=False)
    journey = _start(client)
    client.post(_url("danger", journey), {"danger": "no"})
    client.post(_url("who", journey), {"type": "professional"})
    if page not in {"referrer"}:
        client.post(_url("referrer", journey), PROFESSIONAL)
    response = client.post(_url(page, journey), {**_PAGE_DEFAULTS[page], name: "Ellis\x00"})
    assert response.status_code == 400, response.status_code
    assert "govuk-error-summary" in response.content.decode()
