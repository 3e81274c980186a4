"""Suggested Level of Need indicators and MASH criteria from a referral's own words (R26, R34).

`suggest(policy, text)` reads free text (the worry, what is working well, a police notification)
and suggests, never decides: the indicators of the council's own catalogue that the words support,
best first, and the MASH enquiry criteria they speak of, each with the phrases that justify it
(character offsets into `text`). Offline and deterministic: no model, no network. A worker accepts
or rejects each suggestion; what was shown is kept with METHOD_VERSION and the policy's version.

Chosen by measurement (bench/bench_suggest.py): clause-level matching of stems and safeguarding
concepts, a pull towards the level the words' severity speaks of, and referrers' phrases for
catalogue lines kept beside the policy (policies/suggest/). The lines so found are then re-ordered
by a small logistic model trained on the labelled referrals (`rerank`, `training`; stored as
policies/suggest/trained-*.json, rebuilt by bench/train_suggest.py), which also offers, beside the
lexical phrase, the clause most like the evidence screeners gave for a line. It applies only to a
catalogue with the lines it was trained on; elsewhere the lexical order stands. Blending in a
static word-embedding model (wordllama 0.4) was measured too and did no better on referrals kept
out of tuning, so no embedding model is used. The MASH criteria are read from the words across the
whole referral as well as clause by clause (an injury in one sentence, a baby's age in the next);
a re-referral is read from the words for the command, and the screening page takes it from the
screening checks instead, as the child's record knows better (`screening.suggestions`). A
criterion the words themselves speak of raises the lines whose concerns (R28) it names: the
catalogue's own link between its lines and the child-protection concerns.
The labelled referrals have seven splits: `dev` (tuned on), `heldout`, `fresh`, `fresh2`,
`fresh3`, `fresh4` and `fresh5`, each written later than the one before and labelled before the
method was changed again (`fresh5` by a writer who had not read the method). Since version 14 the
reading of MASH criteria is tuned on all seven and the re-ranking model trained on all seven
(measured on each with it left out); a split written afterwards, kept from tuning, is the honest
check.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml
from django.conf import settings

from frontdoor.policy.schema import Policy
from frontdoor.screening.suggest.criteria import CONCERNS_OF, CriterionHit, Supported, criteria_met
from frontdoor.screening.suggest.ranking import Index, Match, Unit, build_index, rank, read_units
from frontdoor.screening.suggest.rerank import Candidate, Model, Reading, model_for
from frontdoor.screening.suggest.text import Span

__all__ = [
    "METHOD_VERSION",
    "CriterionSuggestion",
    "Evidence",
    "IndicatorSuggestion",
    "Suggestions",
    "suggest",
]

# Change it whenever a change here could change what is suggested.
METHOD_VERSION = "lexicon-clauses-rerank-14"

# At most this many indicators, and only those scoring at least this share of the best.
MOST_INDICATORS = 10
SHARE_OF_BEST = 0.2
# Criteria read from the best suggestions' concerns look only this far down the list.
CRITERIA_FROM_FIRST = 3
# A criterion the words themselves speak of (scoring at least this) bears out the lines whose
# concerns it names: their scores are multiplied by this.
CRITERION_FROM_WORDS = 0.9
CRITERION_BOOST = 1.6


@dataclass(frozen=True)
class Evidence:
    """A phrase of the referral: `text[start:end]`."""

    start: int
    end: int
    text: str


@dataclass(frozen=True)
class IndicatorSuggestion:
    key: str
    level: int
    subdomain: str
    text: str
    score: float
    evidence: tuple[Evidence, ...]


@dataclass(frozen=True)
class CriterionSuggestion:
    key: str
    label: str
    score: float
    evidence: tuple[Evidence, ...]


@dataclass(frozen=True)
class Suggestions:
    indicators: tuple[IndicatorSuggestion, ...]
    mash_criteria: tuple[CriterionSuggestion, ...]
    method_version: str
    policy_version: str

    def as_json(self) -> dict:
        """What the command prints with --json."""
        return {
            "indicators": [
                {
                    "key": item.key,
                    "level": item.level,
                    "subdomain": item.subdomain,
                    "text": item.text,
                    "score": round(item.score, 4),
                    "evidence": [_evidence_json(phrase) for phrase in item.evidence],
                }
                for item in self.indicators
            ],
            "mash_criteria": [
                {
                    "key": item.key,
                    "score": round(item.score, 4),
                    "evidence": [_evidence_json(phrase) for phrase in item.evidence],
                }
                for item in self.mash_criteria
            ],
        }


def _evidence_json(phrase: Evidence) -> dict:
    return {"start": phrase.start, "end": phrase.end, "text": phrase.text}


# Each policy's index, built once (a policy is frozen); kept by identity, holding the policy so
# that its id is not reused, like the catalogue itself.
_INDEXES: dict[int, tuple[Policy, Index]] = {}
_KEPT = 8


def index_for(policy: Policy) -> Index:
    entry = _INDEXES.get(id(policy))
    if entry is None or entry[0] is not policy:
        entry = (policy, build_index(policy, words_for_lines()))
        _INDEXES.pop(id(policy), None)
        while len(_INDEXES) >= _KEPT:
            _INDEXES.pop(next(iter(_INDEXES)), None)
        _INDEXES[id(policy)] = entry
    return entry[1]


@cache
def _words_for_lines(directory: Path) -> dict[str, str]:
    found: dict[str, str] = {}
    for path in sorted(directory.glob("*.yaml")):
        content = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for line, words in (content.get("lines") or {}).items():
            found[str(line)] = ", ".join(filter(None, [found.get(str(line)), str(words)]))
    return found


def words_for_lines() -> dict[str, str]:
    """Words referrers use for catalogue lines, by the line's text: the files in the policy
    folder's `suggest/` folder, kept beside the catalogues they speak of."""
    return _words_for_lines(Path(settings.FRONTDOOR_POLICY_DIR) / "suggest")


def _phrase(text: str, span: Span) -> Evidence:
    return Evidence(span.start, span.end, text[span.start : span.end])


def _supported(index: Index, matches: list[Match]) -> list[Supported]:
    """The best suggestions as the criteria read them."""
    top = matches[0].score if matches else 0.0
    chosen = [match for match in matches if match.score >= SHARE_OF_BEST * top]
    return [
        Supported(
            concerns=index.lines[match.line_index].indicator.concerns,
            score=match.score / top if top else 0.0,
            evidence=tuple(unit.span for unit in match.units),
        )
        for match in chosen[:CRITERIA_FROM_FIRST]
    ]


def trained_model(policy: Policy) -> Model | None:
    """The re-ranking model trained for `policy`'s catalogue (policies/suggest/trained-*.json),
    if any applies to it."""
    return model_for(policy, Path(settings.FRONTDOOR_POLICY_DIR) / "suggest")


def lexical_candidates(policy: Policy, text: str) -> tuple[list[str], list[Candidate]]:
    """The referral's clauses, and the lines the lexical method finds, best first: what the
    re-ranking model reads (and is trained on)."""
    index = index_for(policy)
    units = read_units(text)
    matches, _ = _lexical(policy, index, text, units)
    clauses = [text[unit.span.start : unit.span.end] for unit in units]
    return clauses, _candidates(index, _eligible(matches))


def _eligible(matches: list[Match]) -> list[Match]:
    """The lines the words support well enough to be suggested: at least a share of the best."""
    top = matches[0].score if matches else 0.0
    return [match for match in matches if match.score >= SHARE_OF_BEST * top]


def _candidates(index: Index, matches: list[Match]) -> list[Candidate]:
    return [
        Candidate(
            key=index.lines[match.line_index].indicator.key,
            level=index.lines[match.line_index].indicator.level,
            subdomain=index.lines[match.line_index].indicator.subdomain,
            score=match.score,
        )
        for match in matches
    ]


def suggest(policy: Policy, text: str) -> Suggestions:
    """The indicators of `policy`'s catalogue and its MASH criteria that `text` supports, best
    first, each with the phrases of `text` that support it."""
    index = index_for(policy)
    units = read_units(text)
    matches, hits = _lexical(policy, index, text, units)
    model = trained_model(policy)
    # The lines the words support well enough, as the lexical method finds them...
    matches = _eligible(matches)
    if model is not None and matches:
        # ...in the order the trained model gives them, where one applies, with the clause most
        # like the evidence screeners gave for a line beside the lexical method's best phrase.
        reading = model.read(
            policy,
            text,
            [text[unit.span.start : unit.span.end] for unit in units],
            _candidates(index, matches),
        )
        matches = sorted(
            (
                Match(match.line_index, chance, _with_evidence(index, match, units, reading))
                for match, chance in zip(matches, reading.chances, strict=True)
            ),
            key=lambda match: -match.score,
        )
    labels: dict[str, str] = {criterion.key: criterion.label for criterion in policy.mash_criteria}
    chosen = matches[:MOST_INDICATORS]
    found = []
    for match in chosen:
        indicator = index.lines[match.line_index].indicator
        found.append(
            IndicatorSuggestion(
                key=indicator.key,
                level=indicator.level,
                subdomain=indicator.subdomain,
                text=indicator.text,
                score=match.score,
                evidence=tuple(_phrase(text, unit.span) for unit in match.units),
            )
        )
    return Suggestions(
        indicators=tuple(found),
        mash_criteria=tuple(
            CriterionSuggestion(
                key=hit.key,
                label=labels[hit.key],
                score=hit.score,
                evidence=tuple(_phrase(text, span) for span in hit.evidence),
            )
            for hit in hits
        ),
        method_version=METHOD_VERSION,
        policy_version=policy.version,
    )


def _with_evidence(
    index: Index, match: Match, units: list[Unit], reading: Reading
) -> tuple[Unit, ...]:
    position = reading.evidence.get(index.lines[match.line_index].indicator.key)
    if position is None or any(unit.span == units[position].span for unit in match.units):
        return match.units
    return (*match.units[:1], units[position])


def _lexical(
    policy: Policy, index: Index, text: str, units: list[Unit]
) -> tuple[list[Match], list[CriterionHit]]:
    """The lines the words support, best first, and the MASH criteria met."""
    matches = rank(index, text, units)
    hits = criteria_met(policy.mash_criteria, text, units, _supported(index, matches))
    # A criterion said mildly ("argued once") bears out nothing: the level its words speak of
    # holds.
    mild = {unit.span for unit in units if unit.severity < 0}
    borne_out = frozenset().union(
        *(
            CONCERNS_OF.get(hit.key, frozenset())
            for hit in hits
            if hit.score >= CRITERION_FROM_WORDS and not set(hit.evidence) & mild
        )
    )
    if borne_out and matches:
        # Never above the line the words support best: it stays first.
        ceiling = matches[0].score
        matches = sorted(
            (
                Match(match.line_index, min(match.score * CRITERION_BOOST, ceiling), match.units)
                if borne_out & set(index.lines[match.line_index].indicator.concerns)
                else match
                for match in matches
            ),
            key=lambda match: -match.score,
        )
    return matches, hits
