"""Ofsted's Annex A lists 1 to 5, as far as the front door knows them (R46).

For any period (London dates, both ends included), one row per child, in the column layout and
codes of Ofsted's Annex A template:

- List 1, contacts: every child of every contact received (missing episodes too, R9);
- List 2, early help: children whose decision in force is an early help outcome;
- List 3, referrals: `screening.Referral` (R29), with NFA, re-referral and the count in 12 months;
- List 4, assessments: children whose decision in force started a Child and Family assessment;
- List 5, section 47 enquiries: strategy discussions and emergency legal action.

A decision counts when it is the child's latest at the end of the period. Columns the front door
cannot know (assessment outcomes, conferences, the allocated social worker) are left blank for
the social care record to complete; what it should know but cannot code is listed as data to fix
and left blank, never guessed. Files: one XLSX with a sheet per list, or five CSV files (or a
zip of them).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from frontdoor import exports
from frontdoor.policy.clocks import months_before
from frontdoor.policy.loader import LoadedPolicy
from frontdoor.policy.registry import current_loaded_policy
from frontdoor.returns import data_to_fix as kinds
from frontdoor.returns import selectors
from frontdoor.returns.codes import (
    NOT_OBTAINED,
    Ethnicities,
    ReferralSources,
    age_in_years,
    ofsted_disability,
    ofsted_ethnicity,
    ofsted_gender,
    ofsted_source,
)
from frontdoor.returns.data_to_fix import DataToFix
from frontdoor.returns.selectors import ChildFacts

COMMON = ["Child Unique ID", "Gender", "Ethnicity", "Date of Birth", "Age of Child (Years)"]
ALLOCATED = ["Allocated Team", "Allocated Worker"]
YES, NO, UNKNOWN = "a) Yes", "b) No", "c) Unknown"
EARLY_HELP = {"early_help"}
ASSESSMENT = {"assessment"}
SECTION_47 = {"strategy_discussion", "emergency_legal_action"}


@dataclass(frozen=True)
class ListSpec:
    number: int
    title: str
    columns: list[str]

    @property
    def sheet(self) -> str:
        return f"List {self.number}"

    @property
    def slug(self) -> str:
        return f"list-{self.number}-{self.title.lower().replace(' ', '-')}"


LISTS = (
    ListSpec(1, "Contacts", [*COMMON, "Date of Contact", "Contact Source"]),
    ListSpec(
        2,
        "Early help",
        [
            *COMMON,
            "Assessment start date",
            "Assessment completion date",
            "Organisation completing assessment",
        ],
    ),
    ListSpec(
        3,
        "Referrals",
        [
            *COMMON,
            "Date of Referral",
            "Referral Source",
            "Referral NFA?",
            "Number of Referrals in Last 12 Months",
            *ALLOCATED,
        ],
    ),
    ListSpec(
        4,
        "Assessments",
        [
            *COMMON,
            "Does the Child have a Disability",
            "Continuous Assessment Start Date",
            "Child Seen During Continuous Assessment",
            "Continuous Assessment Date of Authorisation",
            "Was the child assessed as requiring LA children's social care support?",
            *ALLOCATED,
        ],
    ),
    ListSpec(
        5,
        "Section 47 enquiries",
        [
            *COMMON,
            "Does the Child have a Disability",
            "Strategy discussion initiating Section 47 Enquiry Start Date",
            "Was an Initial Child Protection Conference deemed unnecessary?",
            "Date of Initial Child Protection Conference",
            "Did the Initial Child Protection Conference Result in a Child Protection Plan",
            "Number of Section 47 Enquiries in the last 12 months",
            "Number of ICPCs in the last 12 months",
            *ALLOCATED,
        ],
    ),
)

Row = list[Any]


@dataclass
class AnnexA:
    """The lists for a period; rows are produced as they are written, so memory stays flat."""

    start: dt.date
    end: dt.date
    loaded: LoadedPolicy
    problems: DataToFix = field(default_factory=DataToFix)
    counts: dict[int, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._sources = ReferralSources(self.loaded.policy)
        self._ethnicities = Ethnicities(self.loaded.policy)

    def rows(self, number: int) -> Iterator[Row]:
        producer: Callable[[], Iterator[Row]] = {
            1: self._contacts,
            2: self._early_help,
            3: self._referrals,
            4: self._assessments,
            5: self._section_47s,
        }[number]
        self.counts[number] = 0
        for row in producer():
            self.counts[number] += 1
            yield row

    # What every list starts with: the child, as Ofsted asks for them.

    def _child(self, child: ChildFacts, *, on: dt.date) -> Row:
        if not child.unborn and not child.sex:
            self.problems.add(kinds.NO_SEX, child=child)
        if not child.unborn and child.date_of_birth is None:
            self.problems.add(kinds.NO_DATE_OF_BIRTH, child=child)
        age = age_in_years(born=child.date_of_birth, on=on)
        if child.born_after(on):
            # Not yet born on the day listed: no age, never a negative one. A fault in the
            # record unless the contact reported the child unborn (R5).
            if not child.unborn_at_contact:
                self.problems.add(
                    kinds.BORN_AFTER_EVENT,
                    child=child,
                    detail=(f"born {child.date_of_birth:%d/%m/%Y}, listed on {on:%d/%m/%Y}"),
                )
            age = None
        return [
            child.key,
            ofsted_gender(gender=child.gender, unborn=child.unborn),
            self._ethnicity(child),
            child.date_of_birth,
            age,
        ]

    def _ethnicity(self, child: ChildFacts) -> str:
        if not child.ethnicity:
            if not child.unborn:
                self.problems.add(kinds.NO_ETHNICITY, child=child)
            return ofsted_ethnicity(NOT_OBTAINED)
        code = self._ethnicities.code_for(child.ethnicity)
        if code is None:
            self.problems.add(
                kinds.UNMAPPED_ETHNICITY_LIST,
                child=child,
                detail=f"“{child.ethnicity}”",
            )
            return ""
        return ofsted_ethnicity(code)

    def _source(self, child: ChildFacts) -> str:
        code = self._sources.code_for(child.referrer)
        if code is None:
            self.problems.add(
                kinds.NO_SOURCE_CODE_CONTACT,
                child=child,
                detail=child.referrer.described(),
            )
            return ""
        return ofsted_source(code)

    # The lists.

    def _contacts(self) -> Iterator[Row]:
        for child in selectors.children_contacted(start=self.start, end=self.end):
            yield [
                *self._child(child, on=child.contacted_on),
                child.contacted_on,
                self._source(child),
            ]

    def _early_help(self) -> Iterator[Row]:
        decided = selectors.children_decided(start=self.start, end=self.end, effects=EARLY_HELP)
        for item in decided:
            # The front door knows the early help it asked for, not the assessment's end.
            yield [
                *self._child(item.child, on=item.decided_on),
                item.decided_on,
                None,
                item.outcome_label,
            ]

    def _referrals(self) -> Iterator[Row]:
        earlier: dict[str, list[dt.date]] = defaultdict(list)
        since = months_before(self.start, 12)
        for referral in selectors.referrals(start=since, end=self.end):
            child = referral.child
            dates = earlier[child.key]
            dates.append(referral.referred_on)
            if referral.referred_on < self.start:
                continue  # read only to count the referrals of the 12 months before
            yield [
                *self._child(child, on=referral.referred_on),
                referral.referred_on,
                self._source(child),
                "a) Yes" if not referral.latest_becomes_referral else "b) No",
                earlier_within_12_months(dates),
                None,
                None,
            ]

    def _assessments(self) -> Iterator[Row]:
        decided = selectors.children_decided(start=self.start, end=self.end, effects=ASSESSMENT)
        for item in decided:
            yield [
                *self._child(item.child, on=item.decided_on),
                ofsted_disability(item.child.disabilities),
                item.decided_on,
                YES if item.child_seen_on else UNKNOWN,
                None,
                None,
                None,
                None,
            ]

    def _section_47s(self) -> Iterator[Row]:
        earlier: dict[str, list[dt.date]] = defaultdict(list)
        since = months_before(self.start, 12)
        decided = selectors.children_decided(start=since, end=self.end, effects=SECTION_47)
        for item in decided:
            started = item.s47_started_on
            dates = earlier[item.child.key]
            dates.append(started)
            if item.decided_on < self.start:
                continue
            yield [
                *self._child(item.child, on=started),
                ofsted_disability(item.child.disabilities),
                started,
                None,
                None,
                None,
                earlier_within_12_months(dates),
                None,
                None,
                None,
            ]


def earlier_within_12_months(dates: list[dt.date]) -> int:
    """Ofsted's "in the last 12 months" for the last of `dates` (a child's, in date order): the
    earlier ones within the twelve months before it, the row itself not counted."""
    *earlier, this = dates
    year_ago = months_before(this, 12)
    return sum(1 for when in earlier if year_ago < when <= this)


def build_annex_a(*, start: dt.date, end: dt.date, loaded: LoadedPolicy | None = None) -> AnnexA:
    if end < start:
        raise ValueError("The end of the period must be on or after its start.")
    return AnnexA(start=start, end=end, loaded=loaded or current_loaded_policy())


def find_problems(annex: AnnexA) -> DataToFix:
    """Read every list without writing it: the data to fix, shown before a download."""
    for spec in LISTS:
        for _ in annex.rows(spec.number):
            pass
    return annex.problems


def sheets(annex: AnnexA) -> list[exports.Sheet]:
    """The five lists, headed with Ofsted's column names; in CSV, dates as Ofsted writes them.

    Each list's rows are produced as it is written, so memory stays flat.
    """
    return [
        exports.Sheet(
            spec.sheet,
            spec.columns,
            annex.rows(spec.number),
            slug=spec.slug,
            date_format="%d/%m/%Y",
        )
        for spec in LISTS
    ]


def write_csv_files(annex: AnnexA, output: Path) -> list[Path]:
    """The five lists as CSV files beside `output`: annex-a.csv -> annex-a-list-1-contacts.csv..."""
    written = []
    for sheet in sheets(annex):
        path = output.with_name(f"{output.stem}-{sheet.slug}.csv")
        with path.open("w", encoding="utf-8", newline="") as text:
            exports.write_csv(sheet, text)
        written.append(path)
    return written


FORMATS = ("xlsx", "csv", "zip")


def produce_annex_a(*, start: dt.date, end: dt.date, output: Path) -> tuple[AnnexA, list[Path]]:
    """Write Annex A for the period to `output` (.xlsx, .csv for five files, or .zip)."""
    suffix = output.suffix.lower().lstrip(".")
    if suffix not in FORMATS:
        raise ValueError("Give the output as a .xlsx, .csv or .zip file.")
    annex = build_annex_a(start=start, end=end)
    output.parent.mkdir(parents=True, exist_ok=True)
    if suffix == "xlsx":
        exports.write_xlsx(sheets(annex), output)
        return annex, [output]
    if suffix == "zip":
        exports.write_csv_zip(sheets(annex), output, stem=output.stem)
        return annex, [output]
    return annex, write_csv_files(annex, output)
