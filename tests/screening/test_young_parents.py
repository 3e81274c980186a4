"""R5: an expectant parent who is a child is screened and decided as a child; under 13, it is a
child-protection concern for them and the unborn baby."""

from __future__ import annotations

import datetime as dt

import pytest

from frontdoor.errors import DomainError
from frontdoor.intake.models import Channel, Contact
from frontdoor.intake.services import record_contact
from frontdoor.policy.registry import current_policy
from frontdoor.screening.concerns import Concern
from frontdoor.screening.decisions import record_decision
from frontdoor.screening.findings import save_findings
from frontdoor.screening.police import police_position
from frontdoor.screening.selectors import child_summary, queue_rows, screening_queue
from tests.intake.factories import make_submission, unborn_child
from tests.screening.conftest import RECEIVED

pytestmark = pytest.mark.django_db


@pytest.fixture(params=["sefton", "sefton-2022", "lewisham"])
def council(request, settings):
    settings.FRONTDOOR_COUNCIL = request.param
    return request.param


def young_parent_contact(
    officer, *, age: int, kay: dict | None = None, others: tuple[dict, ...] = (), **submission
) -> Contact:
    """A contact about Kay, `age` and expecting a baby (R5): `kay` adds to her details as one of
    the adults, `others` are the contact's other adults, `submission` the referral's own."""
    born = RECEIVED.date().replace(year=RECEIVED.year - age) - dt.timedelta(days=30)
    return record_contact(
        submission=make_submission(
            children=[unborn_child(120)],
            adults=[
                {
                    "first_name": "Kay",
                    "last_name": "Example",
                    "relationship_to_child": "Mother",
                    "date_of_birth": born.isoformat(),
                    "expectant_parent": True,
                    **(kay or {}),
                },
                *others,
            ],
            concern={"worry": "Kay is pregnant.", "domestic_abuse": "no"},
            **submission,
        ),
        channel=Channel.TELEPHONE,
        received_at=RECEIVED,
        by=officer,
    ).contact


def summaries(contact):
    policy = current_policy()
    return {
        child.expectant_parent: child_summary(policy=policy, contact=contact, child=child)
        for child in contact.children.all()
    }


def test_r5_an_expectant_parent_under_13_is_a_protection_concern_for_both(
    council, officer, manager
):
    contact = young_parent_contact(officer, age=12)
    by_parent = summaries(contact)
    assert set(by_parent) == {True, False}  # the young parent and the unborn baby
    for summary in by_parent.values():
        assert summary.concerns == [Concern.EXPECTANT_PARENT_UNDER_13]
        # R35: the RAG suggestion and R28's refusal of Early Help see it.
        assert summary.rag.rag is not None
        assert any("child-protection concerns" in reason for reason in summary.rag.reasons)
        assert summary.early_help_refusal
    # R34: harm, where the council lists the harm criterion.
    if any(c.key == "harm_or_neglect" for c in current_policy().mash_criteria):
        assert "harm_or_neglect" in {c.key for c in by_parent[True].criteria_met}
    # R23: the manager's queue shows it before anyone has screened.
    row = queue_rows(screening_queue(user=manager), RECEIVED, current_policy())
    assert [r.protection_concerns for r in row] == [True]
    # R24: it is a crime the police are told of.
    assert police_position(policy=current_policy(), contact=contact).crimes == [
        Concern.EXPECTANT_PARENT_UNDER_13
    ]


def test_r5_an_expectant_parent_of_15_is_a_child_to_decide_without_that_concern(
    council, officer, worker, manager
):
    contact = young_parent_contact(officer, age=15)
    by_parent = summaries(contact)
    assert by_parent[True].concerns == []
    assert by_parent[True].child.first_name == "Kay"
    outcome = "information_and_advice" if council.startswith("sefton") else "signposting"
    unborn = contact.children.get(unborn=True)
    record_decision(
        contact=contact,
        child=unborn,
        by=manager,
        level=1,
        outcome=outcome,
        rationale="Advice given.",
        now=RECEIVED + dt.timedelta(hours=2),
    )
    contact.refresh_from_db()
    # The young parent is still to be decided: the contact is not decided yet.
    assert contact.state != Contact.State.DECIDED


def test_r5_early_help_is_refused_for_an_expectant_parent_under_13(officer, worker, manager):
    contact = young_parent_contact(officer, age=12)
    young = contact.children.get(expectant_parent=True)
    save_findings(
        contact=contact, child=young, by=worker, indicators=[], concerns=[], analysis="Seen."
    )
    with pytest.raises(DomainError, match="never the right first response"):
        record_decision(
            contact=contact,
            child=young,
            by=manager,
            level=2,
            outcome="early_help",
            rationale="Support at school.",
            now=RECEIVED + dt.timedelta(hours=2),
        )
