"""A label set inside a sentence keeps its acronyms, on pages and in e-mails."""

from __future__ import annotations

import pytest
from django.template import Context, Template

from frontdoor.intake.models import Contact
from frontdoor.wording import count_of, in_sentence


@pytest.mark.parametrize(
    ("label", "reads"),
    [
        ("In MASH", "in MASH"),
        ("MASH case discussion", "MASH case discussion"),
        ("Confirmed RAG (Red)", "confirmed RAG (red)"),
        ("NHS number", "NHS number"),
        ("Date of birth", "date of birth"),
        ("Female genital mutilation (FGM)", "female genital mutilation (FGM)"),
    ],
)
def test_a_label_in_a_sentence_keeps_its_acronyms(label, reads):
    assert in_sentence(label) == reads


def test_every_template_has_the_filter_and_a_state_reads_in_mash():
    page = Template("is {{ state|in_sentence }}.").render(
        Context({"state": Contact.State.IN_MASH.label})
    )
    assert page == "is in MASH."


def test_r14_a_reason_consent_was_not_sought_reads_in_the_policys_words():
    page = Template("({{ key|consent_reason }})").render(Context({"key": "prejudice_crime"}))
    assert page == (
        "(Seeking consent would prejudice the prevention, detection or prosecution of a "
        "serious crime)"
    )


@pytest.mark.parametrize(
    ("number", "noun", "plural", "said"),
    [
        (1, "month", "", "1 month"),
        (3, "month", "", "3 months"),
        (0, "hour", "", "0 hours"),
        (1, "agency", "agencies", "1 agency"),
        (2, "agency", "agencies", "2 agencies"),
    ],
)
def test_a_count_of_one_is_singular(number, noun, plural, said):
    assert count_of(number, noun, plural) == said
