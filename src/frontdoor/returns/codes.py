"""The DfE's and Ofsted's code lists, and how the front door's records map onto them (R46).

What a council's staff and referrers type differs from council to council, so the mapping of a
referrer to a DfE referral source code and of typed ethnicity to a DfE ethnicity code comes from
the policy file (`returns:`, see `policy.schema.Returns`). What nothing maps is returned as None
and becomes an item of data to fix: a return never guesses a code.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from frontdoor.people.models import Involvement
from frontdoor.policy.schema import Policy, ReferralSourceRule

# DfE children in need census: source of referral (CBDS N00152).
REFERRAL_SOURCES: dict[str, str] = {
    "1A": "Individual: family member, relative or carer",
    "1B": "Individual: acquaintance (including neighbours and child minders)",
    "1C": "Individual: self",
    "1D": "Individual: other (including strangers)",
    "2A": "Schools",
    "2B": "Education services",
    "3A": "Health services: general practitioner (GP)",
    "3B": "Health services: health visitor",
    "3C": "Health services: school nurse",
    "3D": "Health services: other primary health services",
    "3E": "Health services: A&E (accident and emergency department)",
    "3F": "Health services: other (for example hospice)",
    "4": "Housing: local authority housing or housing association",
    "5A": "LA services: social care (for example adults social care)",
    "5B": "LA services: other internal (for example youth offending, excluding housing)",
    "5C": "LA services: external (for example another local authority's adults social care)",
    "5D": "LA services: early help",
    "6": "Police",
    "7": "Other legal agency (courts, probation, immigration, CAFCASS, prison)",
    "8": "Other (children's centres, independent agency providers, voluntary organisations)",
    "9": "Anonymous",
    "10": "Unknown",
}

# DfE ethnicity codes (CBDS N00177), with the DfE's own labels.
ETHNICITIES: dict[str, str] = {
    "WBRI": "White British",
    "WIRI": "White Irish",
    "WIRT": "Traveller of Irish heritage",
    "WOTH": "Any other White background",
    "WROM": "Gypsy/Roma",
    "MWBC": "White and Black Caribbean",
    "MWBA": "White and Black African",
    "MWAS": "White and Asian",
    "MOTH": "Any other mixed background",
    "AIND": "Indian",
    "APKN": "Pakistani",
    "ABAN": "Bangladeshi",
    "AOTH": "Any other Asian background",
    "BCRB": "Caribbean",
    "BAFR": "African",
    "BOTH": "Any other Black background",
    "CHNE": "Chinese",
    "OOTH": "Any other ethnic group",
    "REFU": "Refused",
    "NOBT": "Information not yet obtained",
}
NOT_OBTAINED = "NOBT"

# DfE reason for closure (CBDS N00103): the social care record's, on its involvements.
CLOSURE_REASONS: dict[str, str] = dict(Involvement.ClosureReason.choices)

# DfE sex (CBDS N00783, from 2024 to 2025): an unborn child is always U.
SEX_CODES = {"male": "M", "female": "F"}

# Ofsted's Annex A writes each code with the letter of its place in the list, as its template does.
_OFSTED_GENDER = {"male": "a) Male", "female": "b) Female", "other": "d) Neither"}
OFSTED_GENDER_NOT_RECORDED = "c) Not stated/recorded"
_LETTERS = "abcdefghijklmnopqrstuvwxyz"
# Early help (5D) came late to Ofsted's list and sits between 5C and 6 as "p1".
_OFSTED_SOURCE_LETTERS = dict(
    zip(REFERRAL_SOURCES, [*"abcdefghijklmnop", "p1", *"qrstu"], strict=True)
)


def ofsted_ethnicity(code: str) -> str:
    """'WBRI' -> 'a) WBRI', in the order of Ofsted's list: REFU is s), NOBT t)."""
    return f"{_LETTERS[list(ETHNICITIES).index(code)]}) {code}"


def ofsted_source(code: str) -> str:
    """'1A' -> 'a) 1A: Individual', as Ofsted's Annex A template lists referral sources."""
    group = REFERRAL_SOURCES[code].split(":")[0].split(" (")[0]
    return f"{_OFSTED_SOURCE_LETTERS[code]}) {code}: {group}"


def ofsted_gender(*, gender: str, unborn: bool) -> str:
    if unborn:
        return OFSTED_GENDER_NOT_RECORDED
    return _OFSTED_GENDER.get(gender, OFSTED_GENDER_NOT_RECORDED)


def sex_code(*, sex: str, unborn: bool) -> str:
    """The DfE sex code: M or F as recorded, U for not recorded or unborn (rule 8750)."""
    return "U" if unborn else SEX_CODES.get(sex, "U")


def ofsted_disability(codes: tuple[str, ...]) -> str:
    """Annex A's "Does the Child have a Disability": from the DfE codes the record holds."""
    if not codes:
        return "c) Unknown"
    return "b) No" if codes == ("NONE",) else "a) Yes"


def normalise(text: str) -> str:
    """'White - British ' -> 'white british': case, spaces and punctuation do not matter."""
    return " ".join(re.sub(r"[^a-z0-9&]+", " ", (text or "").casefold()).split())


def age_in_years(*, born: dt.date | None, on: dt.date) -> int | None:
    if born is None:
        return None
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


@dataclass(frozen=True)
class Referrer:
    """What a report says about who made it: all a referral source code is read from."""

    channel: str
    referrer_type: str
    agency: str = ""
    role: str = ""
    relationship: str = ""
    # The partner agency of the user (or system token) that recorded the report, if any.
    recorder_agency_key: str = ""

    def described(self) -> str:
        """The referrer in a list of data to fix: never a member of the public's name."""
        kind = {
            "professional": "Professional",
            "public": "Member of the public",
            "family": "Family member",
            "anonymous": "Anonymous",
        }.get(self.referrer_type, self.referrer_type)
        detail = self.agency if self.referrer_type == "professional" else self.relationship
        return f"{kind}: {detail}" if detail else kind


class ReferralSources:
    """The council's rules for a report's DfE referral source code (policy `returns`)."""

    def __init__(self, policy: Policy):
        self.rules: tuple[ReferralSourceRule, ...] = tuple(policy.returns.referral_sources)
        self._phrases = {
            id(rule): tuple(f" {normalise(word)} " for word in rule.words) for rule in self.rules
        }
        # The council's agencies, by normalised name and key, to read a referrer's agency kind.
        self._agencies = {normalise(agency.name): agency.kind for agency in policy.agencies}
        self._agency_keys = {agency.key: agency.kind for agency in policy.agencies}
        self._cache: dict[Referrer, str | None] = {}

    def agency_kind(self, referrer: Referrer) -> str | None:
        if referrer.recorder_agency_key in self._agency_keys:
            return self._agency_keys[referrer.recorder_agency_key]
        typed = f" {normalise(referrer.agency)} "
        for name, kind in self._agencies.items():
            if name and f" {name} " in typed:
                return kind
        return self._agency_keys.get(referrer.agency.strip())

    def code_for(self, referrer: Referrer) -> str | None:
        """The code of the first rule that fits, or None when none does (data to fix)."""
        if referrer not in self._cache:  # many reports share a referrer: work each out once
            self._cache[referrer] = self._first_fit(referrer)
        return self._cache[referrer]

    def _first_fit(self, referrer: Referrer) -> str | None:
        words = f" {normalise(' '.join((referrer.agency, referrer.role, referrer.relationship)))} "
        kind = None
        for rule in self.rules:
            if rule.channel and referrer.channel not in rule.channel:
                continue
            if rule.referrer_type and referrer.referrer_type not in rule.referrer_type:
                continue
            if rule.words and not any(phrase in words for phrase in self._phrases[id(rule)]):
                continue
            if rule.agency_kinds:
                kind = kind or self.agency_kind(referrer)
                if kind not in rule.agency_kinds:
                    continue
            return rule.code
        return None


class Ethnicities:
    """Typed ethnicity to the DfE code: the codes, the DfE's labels, and the council's spellings."""

    def __init__(self, policy: Policy):
        self._known: dict[str, str] = {}
        for code, label in ETHNICITIES.items():
            self._known[normalise(code)] = code
            self._known[normalise(label)] = code
            self._known[normalise(f"{code} {label}")] = code
        for typed, code in policy.returns.ethnicity.items():
            self._known[normalise(typed)] = code

    def code_for(self, typed: str) -> str | None:
        """The DfE code for what was typed; None when nothing maps it (data to fix)."""
        return self._known.get(normalise(typed))
