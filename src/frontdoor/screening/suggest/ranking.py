"""Ranking a catalogue's indicator lines against a referral, clause by clause.

Each indicator line and each clause of the referral is read the same way (`lexicon.features`):
content stems and safeguarding concepts. A clause supports a line by the weight of what they share
(rarer stems and concepts weigh more, as in the catalogue), over the line's own weight, so a short
line fully met outranks a long line touched at one word. Levels 3 and 4 often word one concern at
two severities, so the referral's own severity (how serious, how often, how recent) moves the
score towards the level it speaks of. Attendance figures meet the catalogue's own thresholds.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass

from frontdoor.policy.catalogue import Indicator, indicators
from frontdoor.policy.schema import Policy
from frontdoor.screening.suggest.lexicon import COMBINED, combine, features, parent_names
from frontdoor.screening.suggest.text import (
    Span,
    clauses,
    negated_spans,
    sentences,
    strength_spans,
)

# Concepts that say how serious or how settled things are: they move the level, and count as
# shared words only at a fraction of their weight.
_SEVERITY = {"#severe": 1.0, "#persistent": 0.6, "#mild": -1.0, "#positive": -2.0}
# Ages and roles count only a little on their own: they matter in concepts such as
# #infant_injury, and in telling a parent's difficulty from a child's.
_AGES = {"#infant", "#under13", "#teen", "#parent"}
_CONCEPT_BOOST = 2.2
_PHRASE_BOOST = 2.0
_NEGATION_WORD = re.compile(r"\b(?:no|not|never|without)\b", re.IGNORECASE)
_LENGTH_POWER = 0.5
# Other clauses that support a line (the next two) add this share of their scores: a concern the
# referral comes back to outranks one said once in passing.
_MORE_PLACES = 0.3
# How strongly the referral's severity pulls towards a level, and where it centres.
_LEVEL_PULL = 0.25
_LEVEL_CENTRE = 2.8
_LEVEL_SLOPE = 1.0
_DOCUMENT_SEVERITY = 3.0
# Lines of the lowest level say a need is met: they need the referral to say something is well.
_UNIVERSAL_WITHOUT_GOOD_NEWS = 0.5
_OTHER_AGE = 0.3
_OLDER_CHILD = {"#under13", "#teen"}

# Lines that say a need is met ("No mental health concerns") match negated words too.
_NEGATIVE_LINE = re.compile(r"^\s*no\b", re.IGNORECASE)


@dataclass(frozen=True)
class _Line:
    indicator: Indicator
    features: frozenset[str]
    weight: float
    severity: float
    reads_negation: bool
    attendance_limit: float | None  # the line applies when attendance is at most this (percent)


@dataclass(frozen=True)
class Index:
    lines: tuple[_Line, ...]
    idf: dict[str, float]
    postings: dict[str, tuple[int, ...]]
    phrases: dict[str, frozenset[str]]  # a referrer's phrase for a line, by its content stems


# "(Refer to Guidance ...)": where to read more, not what the line means.
_REFERENCE = re.compile(r"\((?:refer|see)\b[^)]*\)", re.IGNORECASE)
_PERCENT = re.compile(r"(\d{1,3})\s*%")


def _attendance_limit(text: str) -> float | None:
    """The attendance (percent) at or below which a line applies, read from the line's own words:
    "absent ... over 10%" is attendance of 90% or less, "attendance is 75% or less" is 75%."""
    lower = text.casefold()
    match = _PERCENT.search(lower)
    if not match:
        return None
    value = float(match.group(1))
    if "absent" in lower or "absence" in lower:
        return 100 - value
    if "attendance" in lower:
        return value
    return None


def _stems(text: str) -> frozenset[str]:
    return frozenset(token.stem for token in features(text))


def build_index(policy: Policy, words_for_lines: dict[str, str] | None = None) -> Index:
    """The catalogue of `policy` ready to rank; `words_for_lines` gives, by a line's text, more
    words referrers use for it (they find the line without making it longer)."""
    rows = indicators(policy)
    words_for_lines = words_for_lines or {}
    own = [_stems(_REFERENCE.sub("", indicator.text)) for indicator in rows]
    phrases: dict[str, frozenset[str]] = {}
    line_features = []
    for indicator, names in zip(rows, own, strict=True):
        extra: set[str] = set()
        for words in words_for_lines.get(indicator.text, "").split(","):
            found = _stems(words)
            # A referrer's phrase counts whole ("calls him stupid"), never by one common word
            # ("called"); the concepts it names count as the line's own words do.
            extra.update(name for name in found if name.startswith("#"))
            content = frozenset(name for name in found if not name.startswith("#"))
            # "not talking" read as "talk" alone would say the opposite: such a phrase needs
            # a second word to count.
            if len(content) == 1 and _NEGATION_WORD.search(words):
                continue
            if content:
                phrase = "@" + " ".join(sorted(content))
                phrases[phrase] = content
                extra.add(phrase)
        line_features.append(names | extra)
    df: Counter[str] = Counter()
    for names in line_features:
        df.update(names)
    total = len(rows) or 1
    idf = {}
    for name, count in df.items():
        weight = math.log(1 + total / count)
        if name.startswith("@"):
            weight *= _PHRASE_BOOST
        if name.startswith("#"):
            weight *= _CONCEPT_BOOST
        if name in _SEVERITY or name in _AGES:
            weight *= 0.3
        idf[name] = weight
    lines = []
    postings: dict[str, list[int]] = {}
    for position, (indicator, names, own_names) in enumerate(
        zip(rows, line_features, own, strict=True)
    ):
        severity = math.fsum(_SEVERITY.get(name, 0.0) for name in own_names)
        lines.append(
            _Line(
                indicator=indicator,
                features=names,
                weight=math.fsum(idf[name] for name in own_names) or 1.0,
                severity=severity,
                reads_negation=bool(_NEGATIVE_LINE.search(indicator.text)),
                attendance_limit=_attendance_limit(indicator.text),
            )
        )
        for name in names:
            postings.setdefault(name, []).append(position)
    return Index(
        lines=tuple(lines),
        idf=idf,
        postings={name: tuple(found) for name, found in postings.items()},
        phrases=phrases,
    )


@dataclass(frozen=True)
class Unit:
    """A sentence or a clause of the referral, with what it says (negated words apart)."""

    span: Span
    said: frozenset[str]  # features outside negated words
    everything: frozenset[str]  # every feature, negated or not
    severity: float
    strength: bool = False  # under a heading such as "What is working well"


@dataclass(frozen=True)
class Match:
    line_index: int
    score: float
    units: tuple[Unit, ...]


# Who is speaking, not what is said: "Health visitor:", "School reports that".
_SOURCE = re.compile(
    r"(?:[A-Za-z&'\u2019 ]{1,40}:\s+)?"
    r"(?:[A-Z][\w&'\u2019 ]{0,40}?\s+(?:reports?|says?|said|told\s+\w+)\s+that\s+)?"
)
# A referral that opens with its writer's role, "Attendance officer, Litherland High.": who is
# writing, not what is said.
_ROLE_HEADING = re.compile(
    r"^(?:[\w'\u2019&-]+\s+){0,3}?(?:officer|manager|lead|visitor|nurse|worker|dsl|gp|midwife|"
    r"teacher|practitioner|advis[eo]r|co-?ordinator)(?:,[^.!?:]{0,60})?$",
    re.IGNORECASE,
)
_ATTENDANCE = re.compile(
    r"\b(?:attendance|attended|attending)\b[^.;%]{0,40}?(\d{1,3})\s*%"
    r"|(\d{1,3})\s*%\s+(?:attendance|of\s+sessions)",
    re.IGNORECASE,
)
_ABSENCE = re.compile(r"\b(?:absent|absence)\b[^.;%]{0,30}?(\d{1,3})\s*%", re.IGNORECASE)


def read_units(text: str) -> list[Unit]:
    negated = negated_spans(text)
    strengths = strength_spans(text)

    def inside(start: int, end: int) -> bool:
        return any(span.start <= start and end <= span.end + 1 for span in negated)

    names = parent_names(text)
    named = None
    if names:
        named = re.compile(r"\b(?:" + "|".join(map(re.escape, sorted(names))) + r")\b")
    units = []
    for position, sentence in enumerate(sentences(text)):
        if position == 0 and _ROLE_HEADING.match(text[sentence.start : sentence.end]):
            continue
        source = _SOURCE.match(text, sentence.start, sentence.end)
        if source:
            sentence = Span(source.end(), sentence.end)
        parts = clauses(text, sentence)
        spans = [sentence] + (parts if len(parts) > 1 else [])
        for span in spans:
            # Concepts two others make count only where neither is negated: "not violent, and
            # no new partner" is no domestic abuse.
            found = features(text[span.start : span.end], span.start, combined=False)
            stems = frozenset(t.stem for t in found if not inside(t.start, t.end))
            every = frozenset(t.stem for t in found)
            if named is not None:
                for match in named.finditer(text, span.start, span.end):
                    every |= {"#parent"}
                    if not inside(match.start(), match.end()):
                        stems |= {"#parent"}
            said = combine(stems)
            everything = combine(every)
            severity = math.fsum(_SEVERITY.get(name, 0.0) for name in said)
            strength = any(part.start <= span.start < part.end for part in strengths)
            units.append(Unit(span, said, everything, severity, strength))
    return units


def _with_phrases(index: Index, unit: Unit) -> Unit:
    """The unit with the referrers' phrases it contains whole."""
    said = {name for name, content in index.phrases.items() if content <= unit.said}
    everything = {name for name, content in index.phrases.items() if content <= unit.everything}
    if not everything:
        return unit
    return Unit(
        unit.span, unit.said | said, unit.everything | everything, unit.severity, unit.strength
    )


# The child's age, said once ("Ava, 4 months"), holds for the clauses that do not repeat it: a
# bruise two sentences on is a baby's bruise.
_AGE_CONCEPTS = frozenset({"#infant", "#under13", "#teen"})
_WITH_AGE = tuple(
    (f"#{combined}", f"#{first}", f"#{second}")
    for combined, first, second in COMBINED
    if f"#{first}" in _AGE_CONCEPTS or f"#{second}" in _AGE_CONCEPTS
)


def _ages_said(units: list[Unit]) -> frozenset[str]:
    """The age group the referral speaks of, when it speaks of one only."""
    said = frozenset(name for unit in units for name in unit.said if name in _AGE_CONCEPTS)
    return said if len(said) == 1 else frozenset()


def _with_ages(unit: Unit, ages: frozenset[str]) -> Unit:
    """The unit with the concepts its words make with the referral's one age group (an injury
    and a baby), when it names no age itself; the age alone is not added."""
    if not ages or unit.said & _AGE_CONCEPTS:
        return unit
    said = unit.said | ages
    added = {
        combined
        for combined, first, second in _WITH_AGE
        if first in said and second in said and combined not in unit.said
    }
    if not added:
        return unit
    return Unit(unit.span, unit.said | added, unit.everything | added, unit.severity, unit.strength)


def attendance_in(text: str) -> tuple[float, Span] | None:
    """The school attendance a referral gives, in percent, and where."""
    for match in _ATTENDANCE.finditer(text):
        value = float(match.group(1) or match.group(2))
        return value, Span(match.start(), match.end())
    for match in _ABSENCE.finditer(text):
        return 100 - float(match.group(1)), Span(match.start(), match.end())
    return None


def rank(index: Index, text: str, units: list[Unit] | None = None) -> list[Match]:
    """The lines `text` supports, best first; `units` is `read_units(text)` if read already."""
    if units is None:
        units = read_units(text)
    if not units:
        return []
    overall = sum(unit.severity for unit in units) / len(units) * _DOCUMENT_SEVERITY
    lowest = min((line.indicator.level for line in index.lines), default=0)
    best: dict[int, list[tuple[float, Unit]]] = {}
    ages = _ages_said(units)
    for unit in units:
        unit = _with_phrases(index, _with_ages(unit, ages))
        candidates: set[int] = set()
        for name in unit.everything:
            candidates.update(index.postings.get(name, ()))
        for position in candidates:
            line = index.lines[position]
            if unit.strength and line.indicator.level != lowest:
                continue  # a strength meets only the lines that say a need is met
            said = unit.everything if line.reads_negation else unit.said
            shared = line.features & said
            content = [name for name in shared if name not in _SEVERITY and name not in _AGES]
            if not content:
                continue
            weight = math.fsum(index.idf[name] for name in shared)
            score = weight / line.weight**_LENGTH_POWER
            # The referral's severity against the line's: towards the level it speaks of.
            level_gap = _expected_level(unit.severity + overall) - line.indicator.level
            score *= math.exp(-_LEVEL_PULL * abs(level_gap))
            if line.indicator.level == lowest and "#positive" not in said:
                score *= _UNIVERSAL_WITHOUT_GOOD_NEWS
            # A line about infants is not met by an older child.
            if "#infant" in line.features and "#infant" not in said and said & _OLDER_CHILD:
                score *= _OTHER_AGE
            best.setdefault(position, []).append((score, unit))
    found = attendance_in(text)
    if found is not None:
        value, span = found
        holding = [
            position
            for position, line in enumerate(index.lines)
            if line.attendance_limit is not None and value <= line.attendance_limit
        ]
        if holding:
            strictest = min(index.lines[p].attendance_limit or 0 for p in holding)
            unit = next(
                (u for u in units if u.span.start <= span.start and span.end <= u.span.end),
                units[0],
            )
            for position in holding:
                bonus = 3.0 if index.lines[position].attendance_limit == strictest else 0.5
                best.setdefault(position, []).append((bonus, unit))
    matches = []
    for position, scored in best.items():
        scored.sort(key=lambda item: -item[0])
        top_score, top_unit = scored[0]
        score = top_score + _MORE_PLACES * sum(s for s, _ in scored[1:3])
        # The evidence: the shortest of the places that support the line best (a clause rather
        # than its whole sentence; a shorter clause supporting it less is another line's words),
        # then another place that says the same, if any.
        close = [unit for s, unit in scored if s >= top_score]
        first = min(close, key=lambda unit: unit.span.end - unit.span.start)
        others = [
            unit
            for s, unit in scored[1:4]
            if s >= 0.8 * top_score
            and not _overlaps(unit.span, first.span)
            and not _overlaps(unit.span, top_unit.span)
        ]
        supporting = [first, *others[:1]]
        matches.append(Match(position, score, tuple(supporting)))
    matches.sort(key=lambda match: -match.score)
    return _spread(index, matches)


# Each further line from one (level, sub-domain) area counts for this much less, so that the first
# suggestions cover the areas the referral touches rather than many lines of one.
_SAME_AREA = 0.95


def _spread(index: Index, matches: list[Match]) -> list[Match]:
    if _SAME_AREA >= 1:
        return matches
    remaining = list(matches)
    taken: Counter[tuple[int, str]] = Counter()
    spread = []
    while remaining:

        def adjusted(match: Match) -> float:
            indicator = index.lines[match.line_index].indicator
            return match.score * _SAME_AREA ** taken[(indicator.level, indicator.subdomain)]

        best = max(remaining[:40], key=adjusted)
        remaining.remove(best)
        spread.append(Match(best.line_index, adjusted(best), best.units))
        indicator = index.lines[best.line_index].indicator
        taken[(indicator.level, indicator.subdomain)] += 1
        if len(spread) >= 40:
            break
    return spread


def _overlaps(first: Span, second: Span) -> bool:
    return first.start < second.end and second.start < first.end


def _expected_level(severity: float) -> float:
    return max(1.0, min(4.0, _LEVEL_CENTRE + _LEVEL_SLOPE * severity))
