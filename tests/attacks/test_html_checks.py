"""The crawl's HTML checks pass a good page and fail each kind of bad one."""

from __future__ import annotations

from pathlib import Path

import pytest

import frontdoor
from frontdoor.form_errors import title_says_error
from frontdoor.policy.registry import get_loaded_policy
from tests.attacks.html_checks import (
    django_messages,
    form_errors_answer_400,
    page_problems,
    policy_keys,
)

DASH = "\N{EN DASH}"
TAIL = f" {DASH} Front Door {DASH} Sefton Council"
KEYS = frozenset({"mash_enquiry_red", "early_help"})


def page(
    *,
    title: str = f"Contact SEF-1{TAIL}",
    body: str = '<h1 class="govuk-heading-l">Contact SEF-1</h1><p>Red: 2 hours</p>',
) -> str:
    return (
        f"<!DOCTYPE html><html lang='en'><head><title>{title}</title></head>"
        f"<body><main id='main-content'>{body}</main>"
        "<script>var data = {'mash_enquiry_red': 1};</script></body></html>"
    )


FORM_WITH_ERROR = (
    '<div class="govuk-error-summary"><h2 class="govuk-error-summary__title">There is a problem'
    '</h2><ul class="govuk-error-summary__list"><li><a href="#id_rationale">Enter the reason'
    "</a></li></ul></div><h1>Record a decision</h1>"
    '<p class="govuk-error-message" id="id_rationale-error">Enter the reason</p>'
    '<textarea id="id_rationale" name="rationale"></textarea>'
)


def test_a_good_page_passes():
    assert page_problems(page(), policy_keys=KEYS) == []


def test_a_good_page_with_an_error_passes():
    html = page(title=f"Error: Record a decision{TAIL}", body=FORM_WITH_ERROR)
    assert page_problems(html, policy_keys=KEYS) == []


@pytest.mark.parametrize(
    ("bad", "problem"),
    [
        (page(body="<p>No heading</p>"), "has 0 <h1> headings"),
        (page(body="<h1>One</h1><h1>Two</h1>"), "has 2 <h1> headings"),
        (page(title=""), "has no <title>"),
        (
            page(title=f"Error: Error: Decide{TAIL}", body=FORM_WITH_ERROR),
            "says Error twice in its title",
        ),
        (page(title=f"Inbox {DASH} Front Door {DASH} Front Door"), "repeats Front Door"),
        (page(body="<h1>Send</h1><p>Red mash_enquiry_red</p>"), "raw key 'mash_enquiry_red'"),
        (page(title=f"early_help {DASH} Front Door"), "raw key 'early_help'"),
        (
            page(body="<h1>Contact</h1><td>Sam</td><td>contact.state_changed</td>"),
            "internal key 'contact.state_changed'",
        ),
        (page(body="<h1>Contact</h1><p>police.told: by phone</p>"), "internal key 'police.told'"),
        (page(body="<h1>Home</h1><p>records.search</p>"), "internal key 'records.search'"),
        (
            page(body="<h1>Person</h1><td>Restricted: (blank) → True</td>"),
            "Python value 'True'",
        ),
        (page(body="<h1>Person</h1><dd>None</dd>"), "Python value 'None'"),
        (page(body="<h1>Person</h1><p>Restricted: False.</p>"), "Python value 'False'"),
        (page(body="<h1>Sent</h1><p>Sent to Police .</p>"), "space before a full stop"),
        (page(body="<h1>Sent</h1><p>Sent to <b>Police</b>\n  .</p>"), "space before a full stop"),
        (page(body="<h1>Contact</h1><p>Contact SEF-1 is in mash.</p>"), "acronym MASH as 'mash'"),
        (page(body="<h1>Escalate</h1><a>the mash case discussion</a>"), "acronym MASH"),
        (page(title=f"Confirm the rag{TAIL}"), "acronym RAG as 'rag'"),
        (page(body="<h1>Corrected</h1><p>Corrected: nhs number.</p>"), "acronym NHS as 'nhs'"),
        (page(body="<h1>Contact {{ contact.reference }}</h1>"), "not rendered ({{ }})"),
        (page(body="<h1>Contact</h1>{# a comment\nover two lines #}"), "not rendered ({# #})"),
        (
            page(body='<h1>Decide</h1><ul class="errorlist"><li>Enter the reason</li></ul>'),
            "Django's own form (errorlist)",
        ),
        (
            page(body="<h1>Consent</h1><p>This field is required.</p>"),
            "Django's own 'This field is required.'",
        ),
        (
            page(body='<h1>Decide</h1><p class="govuk-error-message">Enter the reason</p>'),
            "no error summary at the top",
        ),
        (page(body=FORM_WITH_ERROR), "its title does not start 'Error: '"),
        (page(title=f"Error: Decide {DASH} Front Door"), "in its title with no error summary"),
        (
            page(
                title=f"Error: Decide {DASH} Front Door",
                body=FORM_WITH_ERROR.replace('id="id_rationale"', 'id="id_reason"'),
            ),
            "links its error summary to no field on the page: id_rationale",
        ),
        (
            page(
                title=f"Error: Decide {DASH} Front Door",
                body=FORM_WITH_ERROR.replace('href="#id_rationale"', 'href="#main-content"'),
            ),
            "to the page, not to the field",
        ),
        (
            page(body='<h1>Consent</h1><label for="">Sam</label><input name="about">'),
            'label(s) with an empty for=""',
        ),
        (
            page(body='<h1>Consent</h1><label for="about">Sam</label><input id="" name="a">'),
            'empty id=""',
        ),
        (page(body="<h1>Decide</h1><p>Give the rationale (R25).</p>"), "rule number 'R25'"),
        (page(body="<h1>Consent</h1><h2>Police (R24)</h2>"), "rule number 'R24'"),
        (page(body="<h1>Home</h1><dd>R26, R27</dd>"), "rule number 'R26'"),
        (page(body="<h1>Person</h1><p>1 agencies asked.</p>"), "'1 agencies'"),
        (page(body="<h1>Links</h1><p>It works for 1 hours.</p>"), "'1 hours'"),
    ],
)
def test_each_check_fails_a_bad_page(bad, problem):
    problems = page_problems(bad, policy_keys=KEYS)
    assert len(problems) == 1 and problem in problems[0], problems


def test_a_key_inside_code_or_a_word_is_not_raw():
    html = page(body="<h1>Policy</h1><p>The key <code>mash_enquiry_red</code>; early help.</p>")
    assert page_problems(html, policy_keys=KEYS) == []


@pytest.mark.parametrize(
    "good",
    [
        "<p>None known. None of the agencies answered.</p>",
        "<p>True to the referral, the school called again.</p>",
        "<p>E-mail mash@sefton.example or see www.mash.example/rag and chronology.pdf.</p>",
        "<p>Sent to <strong>Police</strong>. In MASH, RAG Red, NHS number 943 476 5919.</p>",
        "<p>Restricted: No → Yes</p><p>Numbers such as 0.5 and the file notes.txt.</p>",
        "<p>The page at gov.uk, desk@police.example, and a manager's contact.</p>",
        "<p>Postcode PR1 4AB, contact SEF-R12, child R12 (born 2015) and road L-R9.</p>",
        "<p>1 agency asked, 21 days, 1.5 hours, SEF-1 items, 1 of 3 decisions; 1 has.</p>",
    ],
)
def test_words_like_the_checked_ones_pass(good):
    assert page_problems(page(body=f"<h1>Words</h1>{good}"), policy_keys=KEYS) == []


@pytest.mark.parametrize("policy_id", ["sefton", "sefton-2022", "lewisham"])
def test_each_policys_keys_are_snake_case_words_it_names(policy_id):
    keys = policy_keys(get_loaded_policy(policy_id).policy)
    assert keys and all("_" in key for key in keys)


def test_the_sefton_policy_keys_include_its_timescales_and_outcomes():
    keys = policy_keys(get_loaded_policy("sefton").policy)
    assert "mash_enquiry_red" in keys


def test_djangos_required_message_is_known():
    assert "This field is required." in django_messages()


def test_a_form_sent_and_shown_with_its_errors_must_answer_400():
    html = page(title=f"Error: Record a decision{TAIL}", body=FORM_WITH_ERROR)
    assert form_errors_answer_400(html, status=400, sent=True) == []
    assert form_errors_answer_400(html, status=200, sent=False) == []  # visited, not sent
    assert form_errors_answer_400(page(), status=200, sent=True) == []
    assert form_errors_answer_400(html, status=200, sent=True) == [
        "shows the errors of the form sent but answers 200, not 400"
    ]


def test_no_template_writes_error_in_a_title():
    """One place starts a title with "Error: ": the middleware that sees the error summary
    shown (`frontdoor.form_errors`); a template writing it too would say it twice."""
    templates = Path(frontdoor.__file__).parent / "templates"
    writing = [
        str(path.relative_to(templates))
        for path in sorted(templates.rglob("*.html"))
        if "Error: " in path.read_text()
    ]
    assert writing == []


def test_a_page_with_its_error_summary_says_error_once_at_the_start_of_its_title():
    html = page(title=f"Record a decision{TAIL}", body=FORM_WITH_ERROR).encode()
    said = title_says_error(html).decode()
    assert f"<title>Error: Record a decision{TAIL}</title>" in said
    assert title_says_error(said.encode()).decode() == said
    assert page_problems(said, policy_keys=KEYS) == []
