"""Which of the council's MASH enquiry criteria (R34) a referral's words speak of, and where.

Each criterion the policy lists is read by the function of its key (the keys are the schema's);
its parameters (72 hours, 3 times a month, 12 months) come from the policy. Two sources count:
the referral's own words (the safeguarding concepts of `lexicon`, outside negated words), and the
indicators suggested with most confidence, through the concerns the council's catalogue gives them.
A re-referral read from the words ("this is the second referral") is only what the referrer says:
the command, which has only the words, reports it; the screening page, which has the child's
record, shows the screening checks' answer instead (`FROM_THE_RECORD`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from frontdoor.policy.concerns import Concern
from frontdoor.policy.schema import MashCriterion
from frontdoor.screening.suggest.lexicon import combine, concepts
from frontdoor.screening.suggest.ranking import Unit
from frontdoor.screening.suggest.text import Span, negated_spans, tokens


@dataclass(frozen=True)
class Supported:
    """A suggested indicator as the criteria read it: its concerns, score and evidence."""

    concerns: tuple[Concern, ...]
    score: float
    evidence: tuple[Span, ...]


@dataclass(frozen=True)
class CriterionHit:
    key: str
    score: float
    evidence: tuple[Span, ...]


_NUMBERS = {
    "one": 1,
    "a": 1,
    "an": 1,
    "two": 2,
    "twice": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "second": 2,
    "third": 3,
    "fourth": 4,
    "fifth": 5,
    "sixth": 6,
    "seventh": 7,
    "eighth": 8,
    "several": 3,
}
_NUMBER = r"(\d+|" + "|".join(_NUMBERS) + r")"
_MISSING_FOR = re.compile(
    r"\bmissing\b(?!\s+(?:from\s+)?(?:lessons|school|class|education|appointments))[^.;]{0,30}?\b(?:for|over)\s+"
    r"(?:over\s+|more\s+than\s+|nearly\s+|almost\s+|about\s+)?"
    + _NUMBER
    + r"\s+(hours?|days?|nights?|weeks?)",
    re.IGNORECASE,
)
_MISSING_SINCE = re.compile(
    r"\bmissing\s+" + _NUMBER + r"\s+(hours?|days?|nights?|weeks?)\s+(?:earlier|ago)",
    re.IGNORECASE,
)
# "reported missing on Friday and found on Tuesday, four days later".
_MISSING_UNTIL = re.compile(
    r"\bmissing\b[^.;]{0,120}?\b(?:found|located|returned|came\s+home|came\s+back)\b[^.;]{0,60}?"
    r"\b" + _NUMBER + r"\s+(hours?|days?|nights?|weeks?)\s+later\b",
    re.IGNORECASE,
)
# "went missing at 7pm on Thursday and was brought back by police at 9pm on Sunday": the period
# from the day (and time) gone to the day (and time) back.
_DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_DAY = r"(?:" + "|".join(_DAYS) + r")"
_BACK = (
    r"(?:found|located|returned|came\s+(?:home|back)|come\s+(?:home|back)|"
    r"brought\s+(?:back|home)|picked\s+up|traced|until|till)"
)
_MISSING_DAYS = re.compile(
    r"\bmissing\b[^.;]{0,50}?\b(?P<gone>" + _DAY + r")\b(?P<gone_after>[^.;]{0,15})"
    r"[^.;]{0,80}?\b" + _BACK + r"\b(?P<back_before>[^.;]{0,50}?)\b(?P<back>" + _DAY + r")\b"
    r"(?P<back_after>[^.;]{0,15})",
    re.IGNORECASE,
)
_CLOCK = re.compile(
    r"\b(\d{1,2})(?:[:.](\d{2}))?\s*(am|pm)\b|\b(morning|afternoon|evening|night)\b", re.IGNORECASE
)
_PART_OF_DAY = {"morning": 9, "afternoon": 15, "evening": 19, "night": 22}


def _clock(before: str, after: str) -> float | None:
    """The hour of the day said just before a day's name ("at 7pm on Thursday") or just after it
    ("Friday evening"), if any."""
    near = [*_CLOCK.finditer(before[-15:]), *_CLOCK.finditer(after)]
    if not near:
        return None
    said = near[-1] if _CLOCK.search(before[-15:]) else near[0]
    if said.group(4):
        return _PART_OF_DAY[said.group(4).casefold()]
    hour = int(said.group(1)) % 12 + (12 if said.group(3).casefold() == "pm" else 0)
    return hour + int(said.group(2) or 0) / 60


def _missing_days(text: str) -> list[tuple[float, re.Match[str]]]:
    """The periods missing that the days named give, in hours."""
    found = []
    for match in _MISSING_DAYS.finditer(text):
        gone = _DAYS.index(match.group("gone").casefold())
        back = _DAYS.index(match.group("back").casefold())
        days = (back - gone) % 7
        if not days:
            continue
        start = text[match.start() : match.start("gone")]
        left = _clock(start, match.group("gone_after"))
        came = _clock(match.group("back_before"), match.group("back_after"))
        hours = days * 24 + (came - left if left is not None and came is not None else 0)
        found.append((hours, match))
    return found


_MONTH_NAMES = (
    r"(?:january|february|march|april|may|june|july|august|september|october|november|december)"
)
# "missing three times this month", "missing overnight on four occasions in March", "her third
# missing episode this month", "five missing episodes in the last two months".
_COUNT = _NUMBER[1:-1]
_A_MONTH = (
    r"(?:this\s+(?P<unit>month|week|fortnight)"
    r"|(?:in|within)\s+(?:a|one|the\s+(?:last|past))\s+(?:calendar\s+)?(?P<unit2>month|week|fortnight)"
    r"|(?:in|within)\s+the\s+(?:last|past)\s+(?:four|4)\s+weeks"
    r"|in\s+(?P<named>" + _MONTH_NAMES + r"))"
)
_MISSING_TIMES = re.compile(
    r"\bmissing\b[^.;]{0,40}?\b(?:on\s+)?(?P<count>"
    + _COUNT
    + r")\s+(?:times|occasions)\s+"
    + _A_MONTH
    + r"\b|\b(?P<episodes>"
    + _COUNT
    + r")(?:th|st|nd|rd)?\s+missing\s+episodes?\s+(?:this\s+(?P<this>month)"
    r"|in\s+(?:the\s+last\s+)?(?P<period>" + _COUNT + r")\s+(?P<periods>months?|weeks?))",
    re.IGNORECASE,
)
_REFERRAL_AGAIN = re.compile(
    r"\b(?:second|third|fourth|another|previous|earlier|repeat)\s+referrals?\b|\bre-?referr\w*\b"
    r"|\breferred\b[^.;]{0,60}?\b(?:before|previously|again|earlier\s+this\s+year|last\s+"
    r"(?:month|spring|summer|autumn|winter)|in\s+(?:january|february|march|april|may|june|july|"
    r"august|september|october|november|december))\b",
    re.IGNORECASE,
)
# Criteria the child's record answers better than the referral's words: "referred before" may be
# another child, another council or wrong, and the screening checks know (R29). The command,
# which has only the words, reads them; the screening page shows the checks' answer instead
# (`screening.suggestions`).
FROM_THE_RECORD = frozenset({"re_referral"})
# An indicator's concerns count towards a criterion when it scores at least this share of the best.
INDICATOR_SHARE = 0.6
_HOURS = {"hour": 1, "day": 24, "night": 24, "week": 168}


def _number(word: str) -> int:
    word = word.casefold()
    return int(word) if word.isdigit() else _NUMBERS.get(word, 0)


def _without(unit: Unit, names: frozenset[str]) -> Unit:
    return Unit(unit.span, unit.said - names, unit.everything - names, unit.severity, unit.strength)


def _units_with(units: Sequence[Unit], *names: str) -> list[Unit]:
    wanted = {f"#{name}" for name in names}
    return [unit for unit in units if unit.said & wanted]


def _shortest(units: list[Unit]) -> tuple[Span, ...]:
    if not units:
        return ()
    return (min(units, key=lambda unit: unit.span.end - unit.span.start).span,)


def _from_indicators(supported: Sequence[Supported], concerns: set[Concern]) -> CriterionHit | None:
    for item in supported:
        if item.score >= INDICATOR_SHARE and concerns & set(item.concerns):
            return CriterionHit("", item.score, item.evidence[:1])
    return None


_HARM_CONCEPTS = (
    "nai",
    "infant_injury",
    "child_injury",
    "infant_danger",
    "child_alone",
    "risk_adult",
    "sexual_abuse",
    "child_sex",
    "critical",
    "rejected",
    "fgm",
    "honour",
    "neglect",
)
# Violence between adults, or by the child: harm, but not the child's harm or neglect.
_BETWEEN_ADULTS = {"#domestic", "#partner", "#child_violence", "#behaviour"}
_CHILDS_CONDUCT = {"#child_violence", "#behaviour"}
_SAID_MILDLY = {"#mild", "#positive"}
_HARM_CONCERNS = {
    Concern.PHYSICAL_ABUSE,
    Concern.EMOTIONAL_ABUSE,
    Concern.SEXUAL_ABUSE,
    Concern.NEGLECT,
}


# Harm read across the referral, not within one clause: what a clause says (first) together with
# what the referral says elsewhere (second). An injury where a baby is spoken of (unless the
# referral is of violence between adults: the injury is then the adult's); a young child on their
# own; a baby asleep on a sofa or in an adult's bed (not advice about it: a clause said mildly or
# well does not count); an unborn child whose parent concealed the pregnancy or has lost the care
# of children before.
_HARM_ACROSS: tuple[tuple[str, frozenset[str]], ...] = (
    ("#injury", frozenset({"#infant"})),
    ("#injury", frozenset({"#physical"})),
    ("#alone", frozenset({"#infant", "#under13"})),
    ("#safe_sleep", frozenset({"#infant"})),
    ("#concealed", frozenset({"#pregnancy"})),
    ("#in_care", frozenset({"#pregnancy"})),
)


def _said_anywhere(units: Sequence[Unit]) -> frozenset[str]:
    return frozenset().union(*(unit.said for unit in units))


# The criterion's own words: neglect is a child's basic care not met. A clause that names the
# child's poor hygiene twice over ("her clothes smell of urine", "dirty, unwashed clothes") says
# more than a word in passing ("clean clothes").
_HYGIENE_TWICE = 2
_BASIC_CARE = frozenset({"#food", "#warmth", "#hygiene", "#home_conditions"})
_KINDS_OF_CARE = 2
# A baby's growth falling away: "dropped from the 50th to the 9th centile", "faltering growth".
_FALTERING = re.compile(
    r"\b(?:dropped|fallen|fell|falling|dropping)\b[^.;]{0,40}?\bcentiles?\b"
    r"|\bcentiles?\b[^.;]{0,30}?\b(?:dropped|fallen|fell|falling|dropping)\b"
    r"|\bfailure\s+to\s+thrive\b|\bfaltering\s+growth\b|\bnot\s+gaining\s+weight\b"
    r"|\b(?:losing|lost)\s+weight\b|\bweight\s+loss\b",
    re.IGNORECASE,
)


# The criterion's own words: "physical, emotional or sexual harm": the kinds of harm its label
# names, said of harm or abuse ("disclosed physical abuse", "emotional harm").
_KINDS_OF_HARM = ("physical", "emotional", "sexual")
_HARM_WORDS = r"(?:harm|harmed|abuse|abused|abusing|assault|assaulted)"
# A child named by their age ("Jayden (12)", "Ellie, 14,", "aged 9"), or as a son, daughter or
# the child.
_CHILD_NAMED = re.compile(
    r"\b([A-Z][a-z]+)(?:\s+[A-Z][a-z'-]+)?\s*(?:\((?:1[0-7]|[1-9])\)|,\s+(?:aged\s+)?(?:1[0-7]|[1-9]),"
    r"|,?\s+aged\s+(?:1[0-7]|[1-9])\b)"
)
_CHILD_WORDS = re.compile(
    r"\b(?:son|daughter|stepson|stepdaughter|the\s+child|the\s+children|the\s+baby|"
    r"the\s+boy|the\s+girl|the\s+kids|him|her)\b",
    re.IGNORECASE,
)
_AGES = frozenset({"#under13", "#teen", "#infant"})
# An adult who may harm a child: a parent or carer, or a parent's partner.
_ADULTS = frozenset({"#parent", "#new_partner", "#older_partner"})
# Violence between adults, by the child, between children, or by other children.
_NOT_TO_A_CHILD = _BETWEEN_ADULTS | {"#siblings", "#bullying"}


# A parent's own past: "she was emotionally abused as a child".
_OWN_CHILDHOOD = re.compile(
    r"[^.;]{0,25}?\b(?:as\s+a\s+(?:child|teenager|girl|boy)|when\s+(?:she|he)\s+was\s+"
    r"(?:young|little|a\s+child)|in\s+(?:her|his|their)\s+(?:own\s+)?childhood)\b",
    re.IGNORECASE,
)


# "He" or "she" in a clause speaks of the one the sentence before named: "her mum's boyfriend
# comes into her bedroom at night. She said he has touched her". Read so for sexual contact only:
# "he shouts and threw a plate at her" after "since his dad moved out" is the child's own anger.
_PRONOUN = re.compile(r"\b(?:he|she)\b", re.IGNORECASE)


def _before(unit: Unit, units: Sequence[Unit]) -> Unit:
    """The sentence before the one `unit` is in (or `unit`, if it is the first)."""
    earlier = [other for other in units if other.span.end <= unit.span.start]
    if not earlier:
        return unit
    last = max(other.span.end for other in earlier)
    return min(
        (other for other in earlier if other.span.end == last), key=lambda other: other.span.start
    )


def _kinds_pattern(label: str) -> re.Pattern[str] | None:
    kinds = [kind for kind in _KINDS_OF_HARM if re.search(rf"\b{kind}\b", label, re.IGNORECASE)]
    if not kinds:
        return None
    return re.compile(
        r"\b(?:" + "|".join(kinds) + r")(?:ly)?\s+(?:\w+\s+)?" + _HARM_WORDS + r"\b",
        re.IGNORECASE,
    )


def _harm_to_a_child(label: str, text: str, units: Sequence[Unit]) -> list[Unit]:
    """Clauses that say a child is harmed: in the words of the criterion's label, or violence or
    sexual contact by an adult towards a child the referral names."""
    negated = negated_spans(text)
    kinds = _kinds_pattern(label)
    names = {match.group(1) for match in _CHILD_NAMED.finditer(text)}
    named = (
        re.compile(r"\b(?:" + "|".join(map(re.escape, sorted(names))) + r")\b") if names else None
    )
    # A clause of a sentence about a fight between adults is about that fight.
    elsewhere = [unit.span for unit in units if unit.said & _NOT_TO_A_CHILD] + [
        unit.span for unit in _adult_on_adult(text, units)
    ]
    found = []
    for unit in units:
        if _inside(unit.span, elsewhere):
            continue
        words = text[unit.span.start : unit.span.end]
        if kinds is not None:
            said = kinds.search(text, unit.span.start, unit.span.end)
            if (
                said
                and not _inside(Span(said.start(), said.end()), negated)
                and not _OWN_CHILDHOOD.match(text, said.end())
            ):
                found.append(unit)
                continue
        if not unit.said & {"#physical", "#sexual"}:
            continue
        if not unit.said & _ADULTS and not (
            "#sexual" in unit.said
            and _PRONOUN.search(words)
            and _before(unit, units).said & _ADULTS
        ):
            continue
        if (
            unit.said & _AGES
            or _CHILD_WORDS.search(words)
            or (named is not None and named.search(words))
        ):
            found.append(unit)
    return found


# "has not lost weight", "no weight loss".
_NOT_BEFORE = re.compile(r"(?:\b(?:not|no|never)|n't)\s+(?:\w+\s+)?$", re.IGNORECASE)


def _inside(span: Span, spans: Sequence[Span]) -> bool:
    return any(other.start <= span.start and span.end <= other.end + 1 for other in spans)


def _neglect_said(text: str, units: Sequence[Unit]) -> list[Unit]:
    """Clauses that say a child's basic care is not met in so many words: hygiene named twice
    over, or an infant's growth falling away."""
    negated = negated_spans(text)
    found = []
    for unit in units:
        if "#hygiene" not in unit.said or unit.said & _BETWEEN_ADULTS:
            continue
        words = tokens(text[unit.span.start : unit.span.end], unit.span.start)
        said = text[unit.span.start : unit.span.end]
        named = sorted(
            (token.start, -token.end)
            for token in concepts(words, said, unit.span.start, combined=False)
            if token.stem == "#hygiene" and not _inside(Span(token.start, token.end), negated)
        )
        # "head lice" is one naming, not "head lice" and "lice".
        apart, reached = 0, -1
        for start, end in named:
            if start >= reached:
                apart, reached = apart + 1, -end
        if apart >= _HYGIENE_TWICE:
            found.append(unit)
    # Two kinds of basic care unmet, in clauses of their own, where a young child is spoken of:
    # "dog mess on the carpet ... the flat was cold", "a soiled nappy ... throwing food away".
    # Not what poverty explains ("using the food bank"), nor what is said mildly or well.
    if _said_anywhere(units) & {"#infant", "#under13"}:
        unmet = [
            unit
            for unit in units
            if unit.said & _BASIC_CARE
            and not unit.said & (_SAID_MILDLY | {"#money"})
            and not unit.strength
        ]
        kinds = {name for unit in unmet for name in unit.said & _BASIC_CARE}
        if len(kinds) >= _KINDS_OF_CARE:
            found.extend(unmet)
    if "#infant" in _said_anywhere(units):
        for unit in units:
            falling = _FALTERING.search(text, unit.span.start, unit.span.end)
            if (
                falling
                and not _inside(Span(falling.start(), falling.end()), negated)
                and not _NOT_BEFORE.search(text[max(0, falling.start() - 20) : falling.start()])
            ):
                found.append(unit)
    return found


# An injury the referrer finds consistent with the account given ("the injury is consistent with
# the account", "the doctors are satisfied it was an accident", "typical of that kind of fall"): an
# accident, not harm, unless the referral also calls an injury unexplained. A parent's word alone
# ("mum said it was an accident") is not enough.
_ACCOUNTED = re.compile(
    r"\b(?:consistent|in\s+keeping|fits)\s+with\s+(?:the|his|her|their|an?|that)\s+"
    r"(?:\w+\s+)?(?:account|explanation|history|mechanism|story)"
    r"|\b(?:satisfied|content|confident|agreed?|agrees)\s+(?:that\s+)?(?:it|the\s+injury)\s+was\s+"
    r"(?:an\s+)?accident"
    r"|\b(?:typical|characteristic)\s+(?:of|for)\s+(?:the|that|this|such\s+an?|an?)\s+"
    r"(?:\w+\s+)?(?:kind\s+of\s+|type\s+of\s+|sort\s+of\s+)?(?:fall|accident|mechanism|account)",
    re.IGNORECASE,
)
_INJURY_CONCEPTS = frozenset({"#injury", "#nai", "#child_injury", "#infant_injury"})


def _accounted_for(text: str, units: Sequence[Unit]) -> bool:
    """The referral says its injury is consistent with the account given, and calls none
    unexplained."""
    negated = negated_spans(text)
    return "#unexplained" not in _said_anywhere(units) and any(
        not _inside(Span(match.start(), match.end()), negated)
        and not _NOT_BEFORE.search(text[max(0, match.start() - 20) : match.start()])
        for match in _ACCOUNTED.finditer(text)
    )


# An adult on their own, not a child: "he is worried about leaving mum on her own" (a young carer's
# worry), "dad is alone all day".
_ADULT_ALONE = re.compile(
    r"\b(?:mum|mother|dad|father|nan|nana|gran|grandma|grandmother|grandad|grandfather|parent)"
    r"\s+(?:is\s+|was\s+|being\s+)?(?:on\s+(?:her|his|their)\s+own|alone)\b"
    r"|\b(?:worr\w*|anxious|scared|afraid|frightened)\s+(?:about|of)\s+leaving\s+(?:her|him|them)\s+"
    r"(?:on\s+(?:her|his|their)\s+own|alone)\b",
    re.IGNORECASE,
)


# Clothes named alone ("new clothes she has not bought") say nothing of a child's hygiene.
_CLOTHES = frozenset({"clothes", "clothing"})


def _hygiene_said(text: str, unit: Unit) -> bool:
    """The clause names poor hygiene in more than the word "clothes"."""
    said = text[unit.span.start : unit.span.end]
    words = tokens(said, unit.span.start)
    return any(
        token.stem == "#hygiene" and text[token.start : token.end].casefold() not in _CLOTHES
        for token in concepts(words, said, unit.span.start, combined=False)
    )


def _read_for_harm(text: str, unit: Unit) -> Unit:
    """The clause as harm or neglect reads it: without a parent on their own, or clothes named
    in passing."""
    if _ADULT_ALONE.search(text, unit.span.start, unit.span.end):
        unit = _without(unit, frozenset({"#alone"}))
    if "#hygiene" in unit.said and not _hygiene_said(text, unit):
        unit = _without(unit, frozenset({"#hygiene"}))
        if "#neglect" not in combine(unit.said - {"#neglect"}) and not _NEGLECT_WORD.search(
            text, unit.span.start, unit.span.end
        ):
            unit = _without(unit, frozenset({"#neglect"}))
    return unit


_NEGLECT_WORD = re.compile(r"\bneglect", re.IGNORECASE)


def _harm_or_neglect(
    criterion: MashCriterion, text: str, units: Sequence[Unit], supported: Sequence[Supported]
) -> CriterionHit | None:
    units = [_read_for_harm(text, unit) for unit in units]
    # An accident's injury is no harm, read from the words or from the lines it supports.
    accident = []
    if _accounted_for(text, units):
        accident = [unit.span for unit in units if unit.said & _INJURY_CONCEPTS]
        units = [_without(unit, _INJURY_CONCEPTS) for unit in units]
    # An injury in a fight between adults is the adult's: it is the domestic abuse criterion.
    # A child who hits out is harming, not harmed.
    cued = [unit for unit in _units_with(units, *_HARM_CONCEPTS) if not unit.said & _BETWEEN_ADULTS]
    if cued:
        return CriterionHit(criterion.key, 1.0, _shortest(cued))
    anywhere = _said_anywhere(units)
    across = [
        unit
        for first, second in _HARM_ACROSS
        if anywhere & second and not (first == "#injury" and anywhere & _BETWEEN_ADULTS)
        for unit in units
        if first in unit.said
        and not unit.said & _BETWEEN_ADULTS
        and not (first == "#safe_sleep" and unit.said & _SAID_MILDLY)
    ]
    if across:
        return CriterionHit(criterion.key, 0.9, _shortest(across))
    neglect = _neglect_said(text, units) + _harm_to_a_child(criterion.label, text, units)
    if neglect:
        return CriterionHit(criterion.key, 0.9, _shortest(neglect))
    # Phrases of a sentence about a fight between adults; of one about the child's own conduct
    # ("has tantrums, kicks doors") that names no parent; or of a parent's own childhood: not harm
    # done to the child.
    not_the_childs = (
        accident
        + [unit.span for unit in units if unit.said & {"#domestic", "#partner"}]
        + [unit.span for unit in _adult_on_adult(text, units)]
        + [
            unit.span
            for unit in units
            if unit.said & _CHILDS_CONDUCT and "#parent" not in unit.said
        ]
    )
    between_adults = {unit.span for unit in units if unit.said & _BETWEEN_ADULTS}
    about_the_child = [
        item
        for item in supported
        if not set(item.evidence) & between_adults
        and not any(_inside(span, not_the_childs) for span in item.evidence)
        and not any(_OWN_CHILDHOOD.search(text, span.start, span.end) for span in item.evidence)
    ]
    hit = _from_indicators(about_the_child, _HARM_CONCERNS)
    return CriterionHit(criterion.key, 0.8, hit.evidence) if hit else None


# The criterion's own words, "domestic violence": one adult of the household violent to another
# ("dad punched mum", "her stepfather kicked her mother").
_ADULT = (
    r"(?:mum|mummy|mam|mother|stepmum|stepmother|wife|girlfriend|dad|daddy|father|stepdad|"
    r"stepfather|husband|"
    r"boyfriend|partner|ex-partner)"
)
_ADULT_ON_ADULT = re.compile(
    r"\b" + _ADULT + r"\b(?:'s\s+\w+)?\s+(?:has\s+|had\s+|then\s+)?(?:hit|hits|punch|punched|"
    r"punches|kick|kicked|kicks|slap|slapped|slaps|push|pushed|pushes|shove|shoved|strangle|"
    r"strangled|strangles|choke|choked|chokes|assault|assaulted|attack|attacked|beat|beats|"
    r"headbutt|headbutted|bit|threaten|threatened)\s+(?:\w+\s+){0,1}?" + _ADULT + r"\b",
    re.IGNORECASE,
)


def _adult_on_adult(text: str, units: Sequence[Unit]) -> list[Unit]:
    found = []
    for unit in units:
        said = _ADULT_ON_ADULT.search(text, unit.span.start, unit.span.end)
        if said and unit.said & {"#physical", "#parent", "#partner"}:
            found.append(unit)
    return found


# Police called to an argument: a domestic incident, whoever it was between ("Police attended
# once; it was a loud argument about money"), unless the child's own conduct is the matter.
_POLICE_CALLED = re.compile(
    r"\bpolice\s+(?:were\s+|was\s+|have\s+been\s+|had\s+been\s+)?(?:called|attended|came)\b"
    r"|\b(?:officers|police)\s+(?:were\s+)?called\s+to\b|\bpolice\s+notification\b",
    re.IGNORECASE,
)


def _police_at_an_argument(text: str, units: Sequence[Unit]) -> list[Unit]:
    negated = negated_spans(text)
    found = []
    for unit in units:
        # In the clause, or the sentence just before: "Police attended once; it was a loud
        # argument".
        before = _before(unit, units)
        called = _POLICE_CALLED.search(text, unit.span.start, unit.span.end) or (
            _POLICE_CALLED.search(text, before.span.start, before.span.end)
            if before is not unit
            else None
        )
        if (
            called
            and "#conflict" in unit.said
            and not unit.said & _CHILDS_CONDUCT
            and not _inside(Span(called.start(), called.end()), negated)
        ):
            found.append(unit)
    return found


def _domestic_abuse(
    criterion: MashCriterion, text: str, units: Sequence[Unit], supported: Sequence[Supported]
) -> CriterionHit | None:
    # Only the words: a line about a child witnessing abuse ranks high on "saw" or "heard" alone.
    cued = (
        _units_with(units, "domestic", "high_risk")
        + _adult_on_adult(text, units)
        + _police_at_an_argument(text, units)
    )
    return CriterionHit(criterion.key, 1.0, _shortest(cued)) if cued else None


_WITH_GIFTS = frozenset({"#missing", "#weapon", "#older_partner"})


def _child_exploitation(
    criterion: MashCriterion, text: str, units: Sequence[Unit], supported: Sequence[Supported]
) -> CriterionHit | None:
    cued = _units_with(units, "exploit", "dealing", "gang", "cuckoo", "extreme")
    if cued:
        return CriterionHit(criterion.key, 1.0, _shortest(cued))
    # An older partner in one clause, the child's age in another: "Amy (14) has been missing;
    # police believe she is with an older man". Not where the clause is about adults' own
    # relationship ("her partner, Craig (33), hit her").
    if _said_anywhere(units) & {"#teen", "#under13"}:
        older = [
            unit
            for unit in units
            if "#older_partner" in unit.said and not unit.said & (_BETWEEN_ADULTS | {"#parent"})
        ]
        if older:
            return CriterionHit(criterion.key, 0.9, _shortest(older))
    # Money or goods nobody explains, where the referral also speaks of going missing, a weapon or
    # an older partner: the signs of exploitation together.
    if _said_anywhere(units) & _WITH_GIFTS:
        gifts = _units_with(units, "gifts")
        if gifts:
            return CriterionHit(criterion.key, 0.9, _shortest(gifts))
    hit = _from_indicators(supported, {Concern.EXPLOITATION})
    return CriterionHit(criterion.key, 0.8, hit.evidence) if hit else None


def _missing(
    criterion: MashCriterion, text: str, units: Sequence[Unit], supported: Sequence[Supported]
) -> CriterionHit | None:
    longer_than = criterion.longer_than_hours or 0
    times = criterion.times_in_calendar_month or 0
    # Said not to have happened, or a past that has ended: "has never been missing for more than a
    # few hours", "in 2022 she was missing for four days; none since".
    negated = negated_spans(text)

    def denied(match: re.Match[str]) -> bool:
        return _inside(Span(match.start(), match.start() + 1), negated) or bool(
            _NOT_BEFORE.search(text[max(0, match.start() - 20) : match.start()])
        )

    for pattern in (_MISSING_FOR, _MISSING_SINCE, _MISSING_UNTIL):
        for match in pattern.finditer(text):
            if denied(match):
                continue
            hours = _number(match.group(1)) * _HOURS[match.group(2).casefold().rstrip("s")]
            if longer_than and hours > longer_than:
                return CriterionHit(criterion.key, 1.0, (Span(match.start(), match.end()),))
    for period, match in _missing_days(text):
        if not denied(match) and longer_than and period > longer_than:
            return CriterionHit(criterion.key, 1.0, (Span(match.start(), match.end()),))
    for match in _MISSING_TIMES.finditer(text):
        if denied(match):
            continue
        if match.group("count"):
            count, months = _number(match.group("count")), 1.0
            if (match.group("unit") or match.group("unit2") or "").casefold() in {
                "week",
                "fortnight",
            }:
                months = 0.5
        elif match.group("this"):
            count, months = _number(match.group("episodes")), 1.0
        else:
            count = _number(match.group("episodes"))
            period = _number(match.group("period")) or 1
            months = period if match.group("periods").casefold().startswith("month") else period / 4
        if times and count and count / max(months, 1.0) >= times:
            return CriterionHit(criterion.key, 1.0, (Span(match.start(), match.end()),))
    return None


# A referral to come, or to another service: "to get him re-referred to speech therapy".
_REFERRAL_WANTED = re.compile(r"\b(?:to\s+(?:get|be)|will|would)\s+(?:\w+\s+)?$", re.IGNORECASE)
# A referral said not to have been made: "there have been no previous referrals", "has never been
# referred before".
_REFERRAL_DENIED = re.compile(
    r"\b(?:no|not|never|nor|without)\s+(?:\w+\s+){0,3}$|\bno$", re.IGNORECASE
)
# A referral to another service is not a referral to children's social care: "he was referred to
# speech and language therapy in March". To us, the front door, the MASH or social care is.
_REFERRED_TO = re.compile(r"\bto\s+(?P<to>[^.;,]+)", re.IGNORECASE)
_TO_US = re.compile(
    r"(?:you|us|the\s+(?:integrated\s+)?front\s+door|(?:the\s+)?mash|(?:the\s+)?ifd|"
    r"(?:children's\s+)?social\s+(?:care|services|work)|children's\s+services)\b",
    re.IGNORECASE,
)


def _to_another_service(said: str) -> bool:
    """`said` ("referred to speech and language therapy in March") names a service other than
    children's social care."""
    to = _REFERRED_TO.search(said)
    return to is not None and not _TO_US.match(to.group("to"))


def _re_referral(
    criterion: MashCriterion, text: str, units: Sequence[Unit], supported: Sequence[Supported]
) -> CriterionHit | None:
    for match in _REFERRAL_AGAIN.finditer(text):
        before = text[max(0, match.start() - 30) : match.start()]
        if _REFERRAL_WANTED.search(before) or _REFERRAL_DENIED.search(before):
            continue
        if _to_another_service(match.group()):
            continue
        return CriterionHit(criterion.key, 1.0, (Span(match.start(), match.end()),))
    return None


# The catalogue's concerns (R28) each criterion speaks of: the lines naming them are the ones a
# criterion read from the words bears out.
CONCERNS_OF: dict[str, frozenset[Concern]] = {
    "harm_or_neglect": frozenset(_HARM_CONCERNS),
    "domestic_abuse": frozenset({Concern.DOMESTIC_ABUSE}),
    "child_exploitation": frozenset({Concern.EXPLOITATION}),
    "missing": frozenset({Concern.FREQUENT_MISSING}),
}


Reader = Callable[[MashCriterion, str, Sequence[Unit], Sequence[Supported]], "CriterionHit | None"]
READERS: dict[str, Reader] = {
    "harm_or_neglect": _harm_or_neglect,
    "domestic_abuse": _domestic_abuse,
    "re_referral": _re_referral,
    "child_exploitation": _child_exploitation,
    "missing": _missing,
}


def criteria_met(
    criteria: Sequence[MashCriterion],
    text: str,
    units: Sequence[Unit],
    supported: Sequence[Supported],
) -> list[CriterionHit]:
    """The criteria the words speak of, surest first."""
    hits = []
    for criterion in criteria:
        reader = READERS.get(criterion.key)
        hit = reader(criterion, text, units, supported) if reader else None
        if hit is not None:
            hits.append(CriterionHit(criterion.key, hit.score, hit.evidence))
    hits.sort(key=lambda hit: -hit.score)
    return hits
