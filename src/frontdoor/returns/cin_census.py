"""The DfE children in need census, as far as the front door knows it (R29, R46).

For a collection year (1 April to 31 March), one `<Child>` per child referred in the year, with
one `<CINdetails>` episode per referral: the referral date, its source (`returns.codes`), the
primary need, and what the decision in force at 31 March started: an assessment, a section 47
enquiry (from a strategy discussion or emergency legal action), or nothing (a referral with no
further action, closed on the day of that decision). An episode the council's case record has
closed (its social care involvement, imported with an end date and reason) closes then. The front
door does not hold the rest of what happens after it (assessment outcomes, plans), nor episodes
opened in earlier years: those come from the social care record (docs/returns.md).

The XML follows the DfE's 2024 to 2025 specification onwards (`<Sex>` M/F/U) and is checked in
the tests by the DfE rules validator (`csc-validator-be-cin`). It is never written when the
front door knows it would break one of the DfE's error rules: `CensusResult.problems` says why.
"""

from __future__ import annotations

import calendar
import datetime as dt
import os
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from django.utils import timezone
from lxml import etree

from frontdoor import exports
from frontdoor.policy.clocks import LONDON, start_clock
from frontdoor.policy.loader import LoadedPolicy
from frontdoor.policy.registry import calendar_for, current_loaded_policy
from frontdoor.policy.schema import TimescaleKey
from frontdoor.returns import data_to_fix as kinds
from frontdoor.returns.codes import (
    NOT_OBTAINED,
    Ethnicities,
    ReferralSources,
    age_in_years,
    sex_code,
)
from frontdoor.returns.data_to_fix import DataToFix
from frontdoor.returns.selectors import (
    ChildFacts,
    ReferralFacts,
    SocialCareSpell,
    referrals,
    social_care_spells,
)

SOFTWARE_CODE = "Front Door"
RELEASE = "1"
PROTECTION_EFFECTS = {"strategy_discussion", "emergency_legal_action"}
# A child may be referred at most 40 weeks before their (expected) date of birth (rule 8606).
LONGEST_PREGNANCY = dt.timedelta(days=280)
# Rule 8770Q: a child is of school age when born on or before 31 August, six years before the
# September after the reference date.
SCHOOL_AGE_MONTHS_AFTER_REFERENCE = 5


def collection_period(year: int) -> tuple[dt.date, dt.date]:
    """The collection year that ends on 31 March `year`: (1 April `year`-1, 31 March `year`)."""
    return dt.date(year - 1, 4, 1), dt.date(year, 3, 31)


@dataclass
class Episode:
    """One `<CINdetails>`: a referral and what the front door started for it."""

    referral: ReferralFacts
    source: str | None
    no_further_action: bool
    closed_on: dt.date | None = None
    closure_reason: str = ""
    assessment_started_on: dt.date | None = None
    assessment_authorised_on: dt.date | None = None
    s47_started_on: dt.date | None = None
    icpc_target_on: dt.date | None = None
    # The initial child protection conference, from the case record: held on, or not needed.
    conference_on: dt.date | None = None
    conference_not_required: bool = False


@dataclass
class CensusChild:
    facts: ChildFacts
    sex: str
    ethnicity: str | None
    episodes: list[Episode] = field(default_factory=list)
    # What this child's records would make the DfE reject: a draft leaves the child out.
    blocked_by: DataToFix = field(default_factory=DataToFix)


@dataclass
class Census:
    year: int
    reference_date: dt.date
    la_number: str
    children: list[CensusChild]
    problems: DataToFix

    @property
    def counts(self) -> dict[str, int]:
        episodes = [episode for child in self.children for episode in child.episodes]
        return {
            "children": len(self.children),
            "referrals": len(episodes),
            "referrals with no further action": sum(e.no_further_action for e in episodes),
            "assessments": sum(e.assessment_started_on is not None for e in episodes),
            "section 47 enquiries": sum(e.s47_started_on is not None for e in episodes),
        }


def _ethnicity(child: ChildFacts, ethnicities: Ethnicities, problems: DataToFix) -> str | None:
    if not child.ethnicity:
        if not child.unborn:  # nothing can be obtained before birth: NOBT is simply true
            problems.add(kinds.NO_ETHNICITY, child=child)
        return NOT_OBTAINED
    code = ethnicities.code_for(child.ethnicity)
    if code is None:
        problems.add(
            kinds.UNMAPPED_ETHNICITY,
            child=child,
            detail=f"“{child.ethnicity}”",
        )
    return code


def _episode(referral: ReferralFacts, *, sources: ReferralSources, loaded: LoadedPolicy) -> Episode:
    policy = loaded.policy
    episode = Episode(
        referral=referral,
        source=sources.code_for(referral.child.referrer),
        no_further_action=not referral.latest_becomes_referral,
    )
    if episode.no_further_action:
        # The decision in force is no longer a referral: closed that day, before any assessment.
        episode.closed_on = max(referral.latest_decided_on, referral.referred_on)
        episode.closure_reason = (
            "RC5"  # transferred to the council where the child lives (R17)
            if referral.latest_effect == "transfer_to_council"
            else policy.returns.cin_census.referral_nfa_closure_reason
        )
        return episode
    started_on = max(referral.latest_decided_on, referral.referred_on)
    if referral.latest_effect == "assessment":
        episode.assessment_started_on = started_on
    elif referral.latest_effect in PROTECTION_EFFECTS:
        episode.s47_started_on = referral.s47_started_on
        # The conference is due 15 working days after the strategy discussion (STATUTORY.md).
        start = dt.datetime.combine(episode.s47_started_on, dt.time(12), tzinfo=LONDON)
        target = start_clock(
            timescale=policy.timescale(TimescaleKey.INITIAL_CHILD_PROTECTION_CONFERENCE),
            start=start,
            calendar=calendar_for(loaded),
        )
        episode.icpc_target_on = target.due.astimezone(LONDON).date() if target else None
    return episode


def _close_from_case_record(
    child: CensusChild,
    spells: list[SocialCareSpell],
    problems: DataToFix,
    *,
    reference_date: dt.date,
) -> None:
    """Close the episodes the council's case record has closed (docs/returns.md).

    A referral that stays a referral is taken on by children's social care: its episode is the
    child's social care involvement that started on or after the referral date and before the
    child's next referral. When that involvement ended by the reference date, the episode closes
    on its end date with the case record's reason for closure (an assessment that ended in no
    further action is RC8). A front door NFA referral is already closed on its decision's day.
    """
    for index, episode in enumerate(child.episodes):
        if episode.closed_on is not None:
            continue
        referred_on = episode.referral.referred_on
        following = child.episodes[index + 1 :]
        next_referred_on = following[0].referral.referred_on if following else None
        spell = next(
            (
                spell
                for spell in spells
                if spell.started_on >= referred_on
                and (next_referred_on is None or spell.started_on < next_referred_on)
            ),
            None,
        )
        if spell is None or spell.ended_on is None or spell.ended_on > reference_date:
            continue
        episode.closed_on = spell.ended_on
        episode.closure_reason = spell.closure_reason
        episode.assessment_authorised_on = spell.assessment_authorised_on
        episode.conference_on = spell.initial_conference_on
        episode.conference_not_required = spell.conference_not_required
        where = episode.referral.child
        detail = f"ended {spell.ended_on:%d/%m/%Y}" + (
            f"; import {spell.source_system} involvement {spell.external_id} again"
            if spell.external_id
            else ""
        )
        if not spell.closure_reason:
            problems.add(kinds.NO_CLOSURE_REASON, child=where, detail=detail)
        if episode.assessment_started_on and not episode.assessment_authorised_on:
            problems.add(kinds.ASSESSMENT_NOT_AUTHORISED, child=where, detail=detail)
        if episode.s47_started_on and not (
            episode.conference_on or episode.conference_not_required
        ):
            problems.add(kinds.CONFERENCE_NOT_KNOWN, child=where, detail=detail)
        if wrong := _dates_out_of_order(episode):
            problems.add(
                kinds.CASE_RECORD_DATES_OUT_OF_ORDER, child=where, detail=f"{wrong}; {detail}"
            )
        if episode.conference_on and episode.conference_on.weekday() >= 5:
            problems.add(
                kinds.CONFERENCE_ON_WEEKEND,
                child=where,
                detail=f"conference {episode.conference_on:%A %d/%m/%Y}; {detail}",
            )


def _dates_out_of_order(episode: Episode) -> str:
    """What the DfE would reject in a closed episode's dates (rules 8565, 8608, 8615), or ''."""
    closed_on = episode.closed_on
    assert closed_on is not None  # only a closed episode has the case record's dates
    started = episode.assessment_started_on or episode.s47_started_on
    if started and started > closed_on:
        return f"started {started:%d/%m/%Y}, after the episode ended"
    for when, what in (
        (episode.assessment_authorised_on, "assessment authorised"),
        (episode.conference_on, "conference"),
    ):
        if when and when > closed_on:
            return f"{what} {when:%d/%m/%Y}, after the episode ended"
    authorised, assessed = episode.assessment_authorised_on, episode.assessment_started_on
    if authorised and assessed and authorised < assessed:
        return f"assessment authorised {authorised:%d/%m/%Y}, before it started"
    conference, section_47 = episode.conference_on, episode.s47_started_on
    if conference and section_47 and conference < section_47:
        return f"conference {conference:%d/%m/%Y}, before the strategy discussion"
    return ""


def expected_date_in_range(expected: dt.date, reference_date: dt.date) -> bool:
    """DfE query 8530Q: an unborn child's expected date of birth falls after the day 30 days
    before the census reference date and before the day 9 months after it."""
    month = reference_date.month + 9
    year, month = reference_date.year + (month - 1) // 12, (month - 1) % 12 + 1
    latest = reference_date.replace(
        year=year, month=month, day=min(reference_date.day, calendar.monthrange(year, month)[1])
    )
    return reference_date - dt.timedelta(days=30) < expected < latest


def _check_child(child: CensusChild, problems: DataToFix, *, reference_date: dt.date) -> None:
    """What would break the DfE's error rules for this child, found before writing."""
    facts = child.facts
    if facts.date_of_birth and facts.date_of_birth > reference_date:
        problems.add(
            kinds.BORN_AFTER_REFERENCE_DATE,
            child=facts,
            detail=f"born {facts.date_of_birth:%d/%m/%Y}",
        )
    expected = None if facts.date_of_birth else facts.expected_date_of_birth
    if expected is not None and not expected_date_in_range(expected, reference_date):
        problems.add(
            kinds.EXPECTED_DATE_OUT_OF_RANGE,
            child=facts,
            detail=f"expected {expected:%d/%m/%Y}",
        )
    for episode in child.episodes:
        referral = episode.referral
        where = referral.child
        if episode.source is None:
            problems.add(
                kinds.NO_SOURCE_CODE, child=where, detail=referral.child.referrer.described()
            )
        if not episode.no_further_action and not referral.primary_need:
            problems.add(
                kinds.NO_PRIMARY_NEED,
                child=where,
                detail=f"referred {referral.referred_on:%d/%m/%Y}",
            )
        birth = facts.date_of_birth or facts.expected_date_of_birth
        if birth and referral.referred_on < birth - LONGEST_PREGNANCY:
            problems.add(
                kinds.REFERRED_TOO_EARLY,
                child=where,
                detail=(
                    f"referred {referral.referred_on:%d/%m/%Y}, "
                    f"{'born' if facts.date_of_birth else 'expected'} {birth:%d/%m/%Y}"
                ),
            )
    for earlier, later in zip(child.episodes, child.episodes[1:], strict=False):
        if earlier.closed_on is None or earlier.closed_on >= later.referral.referred_on:
            problems.add(
                kinds.OVERLAPPING_EPISODES,
                child=later.referral.child,
                detail=(
                    f"referred {later.referral.referred_on:%d/%m/%Y}, earlier "
                    f"referral {earlier.referral.referred_on:%d/%m/%Y} "
                    f"({earlier.referral.child.reference}); import the social_care involvement "
                    f"that started on or after {earlier.referral.referred_on:%d/%m/%Y}"
                ),
            )
    if not facts.unborn and not facts.sex:
        problems.add(kinds.NO_SEX, child=facts)
    if not facts.unborn and facts.date_of_birth is None:
        problems.add(kinds.NO_DATE_OF_BIRTH, child=facts)
        if _upn_unknown(child, reference_date) == "UN1":
            problems.add(kinds.UN1_GUESSED, child=facts)


def build_census(*, year: int, loaded: LoadedPolicy | None = None) -> Census:
    """Gather the census for the collection year ending 31 March `year`, with what to fix."""
    loaded = loaded or current_loaded_policy()
    start, reference_date = collection_period(year)
    sources = ReferralSources(loaded.policy)
    ethnicities = Ethnicities(loaded.policy)
    problems = DataToFix()
    children: dict[str, CensusChild] = {}
    for referral in referrals(start=start, end=reference_date):
        facts = referral.child
        child = children.get(facts.key)
        if child is None:
            child = children[facts.key] = CensusChild(facts=facts, sex="", ethnicity=None)
        child.facts = facts  # the latest report's details are the most recent known
        child.episodes.append(_episode(referral, sources=sources, loaded=loaded))
    spells = social_care_spells(
        child.facts.person_id for child in children.values() if child.facts.person_id
    )
    for child in children.values():
        # R5: a child unborn at the contact and born after the reference date was unborn then.
        child.facts = child.facts.as_on(reference_date)
        found = DataToFix()
        if child.facts.person_id:
            _close_from_case_record(
                child, spells.get(child.facts.person_id, []), found, reference_date=reference_date
            )
        child.sex = sex_code(sex=child.facts.sex, unborn=child.facts.unborn)
        child.ethnicity = _ethnicity(child.facts, ethnicities, found)
        _check_child(child, found, reference_date=reference_date)
        problems.merge(found)
        child.blocked_by = found.only(blocking=True)
    if not children:
        problems.add(
            kinds.NOTHING_TO_RETURN,
            child=None,
            detail=f"No referrals from {start:%d/%m/%Y} to {reference_date:%d/%m/%Y}.",
        )
    return Census(
        year=year,
        reference_date=reference_date,
        la_number=loaded.policy.council.dfe_la_number,
        children=sorted(children.values(), key=lambda child: child.facts.key),
        problems=problems,
    )


def _text(parent: etree._Element, tag: str, value: object) -> None:
    etree.SubElement(parent, tag).text = str(value)


def _date(value: dt.date) -> str:
    return value.isoformat()


def _upn_unknown(child: CensusChild, reference_date: dt.date) -> str | None:
    """Why there is no UPN, where the front door can tell: the DfE's UN7 and UN1."""
    if all(episode.no_further_action for episode in child.episodes):
        return "UN7"  # referral with no further action (rule 8772)
    born = child.facts.date_of_birth
    september = dt.date(reference_date.year, 9, 1)
    if born is None or age_in_years(born=born, on=september) < 6:  # type: ignore[operator]  # born is known
        return "UN1"  # not of school age (unborn, or under six on 1 September)
    return None  # the school knows it; Front Door does not (DfE query 8770Q)


def _child_element(child: CensusChild, reference_date: dt.date) -> etree._Element:
    element = etree.Element("Child")
    identifiers = etree.SubElement(element, "ChildIdentifiers")
    facts = child.facts
    _text(identifiers, "LAchildID", facts.key)
    reason = _upn_unknown(child, reference_date)
    if reason:
        _text(identifiers, "UPNunknown", reason)
    if facts.date_of_birth:
        _text(identifiers, "PersonBirthDate", _date(facts.date_of_birth))
    elif facts.expected_date_of_birth:
        _text(identifiers, "ExpectedPersonBirthDate", _date(facts.expected_date_of_birth))
    _text(identifiers, "Sex", child.sex)
    characteristics = etree.SubElement(element, "ChildCharacteristics")
    _text(characteristics, "Ethnicity", child.ethnicity)
    if facts.disabilities:  # as recorded on the child's record; left out when not known
        disabilities = etree.SubElement(characteristics, "Disabilities")
        for code in facts.disabilities:
            _text(disabilities, "Disability", code)
    for episode in child.episodes:
        details = etree.SubElement(element, "CINdetails")
        _text(details, "CINreferralDate", _date(episode.referral.referred_on))
        _text(details, "ReferralSource", episode.source)
        if episode.referral.primary_need:
            _text(details, "PrimaryNeedCode", episode.referral.primary_need)
        if episode.closed_on:
            _text(details, "CINclosureDate", _date(episode.closed_on))
            _text(details, "ReasonForClosure", episode.closure_reason)
        if episode.assessment_started_on:
            assessment = etree.SubElement(details, "Assessments")
            _text(assessment, "AssessmentActualStartDate", _date(episode.assessment_started_on))
            if episode.assessment_authorised_on:
                _text(
                    assessment,
                    "AssessmentAuthorisationDate",
                    _date(episode.assessment_authorised_on),
                )
        if episode.s47_started_on:
            section47 = etree.SubElement(details, "Section47")
            _text(section47, "S47ActualStartDate", _date(episode.s47_started_on))
            if episode.icpc_target_on:
                _text(section47, "InitialCPCtarget", _date(episode.icpc_target_on))
            if episode.conference_on:
                _text(section47, "DateOfInitialCPC", _date(episode.conference_on))
            # Whether a conference was found unnecessary comes from the case record, if at all.
            _text(
                section47, "ICPCnotRequired", "true" if episode.conference_not_required else "false"
            )
        _text(details, "ReferralNFA", "true" if episode.no_further_action else "false")
    return element


class CensusBlocked(Exception):
    """The census would break the DfE's error rules: it is not written."""

    def __init__(self, census: Census):
        self.census = census
        super().__init__("The census was not written: fix the data listed first.")


def write_census(census: Census, stream: BinaryIO, *, now: dt.datetime | None = None) -> None:
    """Write the census XML to `stream`, one child at a time; refuse when anything blocks it."""
    if census.problems.blocking:
        raise CensusBlocked(census)
    now = (now or timezone.now()).astimezone(LONDON).replace(microsecond=0, tzinfo=None)
    with etree.xmlfile(stream, encoding="utf-8") as xml:
        xml.write_declaration()
        with xml.element("Message"):
            header = etree.Element("Header")
            collection = etree.SubElement(header, "CollectionDetails")
            _text(collection, "Collection", "CIN")
            _text(collection, "Year", census.year)
            _text(collection, "ReferenceDate", _date(census.reference_date))
            source = etree.SubElement(header, "Source")
            _text(source, "SourceLevel", "L")
            _text(source, "LEA", census.la_number)
            _text(source, "SoftwareCode", SOFTWARE_CODE)
            _text(source, "Release", RELEASE)
            _text(source, "SerialNo", "001")
            _text(source, "DateTime", now.isoformat())
            xml.write(header, pretty_print=True)
            with xml.element("Children"):
                for child in census.children:
                    xml.write(_child_element(child, census.reference_date), pretty_print=True)


def draft(census: Census) -> tuple[Census, list[CensusChild]]:
    """The census without the children whose records would make the DfE reject it, for an
    analyst to load and work through the rest; and the children left out."""
    left_out = [child for child in census.children if child.blocked_by]
    kept = [child for child in census.children if not child.blocked_by]
    problems = census.problems.only(blocking=False)
    if not kept:
        problems = census.problems  # nothing to file: what blocks it still stands
    return (
        Census(
            year=census.year,
            reference_date=census.reference_date,
            la_number=census.la_number,
            children=kept,
            problems=problems,
        ),
        left_out,
    )


DATA_TO_FIX_HEADER = ("Effect", "Problem", "Contact", "Link", "Detail", "How to fix it")
MANIFEST_HEADER = ("LAchildID", "Contact", "Link", "Why it was left out", "How to fix it")


def manifest_rows(left_out: list[CensusChild]) -> list[list[str]]:
    """Who a draft left out and why: one row for each thing that stops each child's record."""
    return [
        [child.facts.key, item.reference, item.url, f"{group.kind.one}: {item.detail}", fix]
        for child in left_out
        for group in child.blocked_by.groups
        for item in group.items
        for fix in (group.kind.how_to_fix,)
    ]


@dataclass(frozen=True)
class CensusResult:
    census: Census
    written: bool
    # A draft's children left out, and the manifest listing them beside the file.
    left_out: list[CensusChild] = field(default_factory=list)
    manifest: Path | None = None
    # A draft's whole census, before the children were left out: all its data to fix.
    full: Census | None = None

    @property
    def problems(self) -> DataToFix:
        return (self.full or self.census).problems


def manifest_path(output: Path) -> Path:
    return output.with_name(f"{output.stem}-left-out.csv")


def produce_census(
    *, year: int, output: Path, now: dt.datetime | None = None, draft_only: bool = False
) -> CensusResult:
    """Build the census for the year ending 31 March `year` and write it to `output`, or not at
    all when something blocks it (the file appears whole or not at all).

    With `draft_only`, the children whose records block it are left out, and a manifest beside
    the file (`manifest_path`) lists them with why.
    """
    census = full = build_census(year=year)
    left_out: list[CensusChild] = []
    manifest = None
    if draft_only and census.problems.blocking:
        census, left_out = draft(full)
        if census.problems.blocking:
            return CensusResult(census=full, written=False)
        manifest = manifest_path(output)
        output.parent.mkdir(parents=True, exist_ok=True)
        with manifest.open("w", encoding="utf-8", newline="") as text:
            exports.write_csv(
                exports.Sheet("Left out", MANIFEST_HEADER, manifest_rows(left_out)), text
            )
    if census.problems.blocking:
        return CensusResult(census=census, written=False)
    output.parent.mkdir(parents=True, exist_ok=True)
    handle, scratch = tempfile.mkstemp(dir=output.parent, prefix=".cin-", suffix=".xml")
    try:
        with os.fdopen(handle, "wb") as stream:
            write_census(census, stream, now=now)
        os.replace(scratch, output)
    finally:
        if os.path.exists(scratch):
            os.unlink(scratch)
    return CensusResult(
        census=census,
        written=True,
        left_out=left_out,
        manifest=manifest,
        full=full if manifest else None,
    )


def counts_lines(counts: Iterable[tuple[str, int]]) -> list[str]:
    return [f"  {name}: {count}" for name, count in counts]
