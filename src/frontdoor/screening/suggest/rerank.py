"""Re-ranking the lexical suggestions with what labelled referrals teach (R26).

The lexical method (`ranking`) finds the catalogue lines a referral's words support. A small
logistic model, trained on referrals a screener labelled (`training.py` rebuilds it), re-orders its
first candidates by combining the lexical score and rank with two things learned from the labels:

- the lines ticked for the most similar labelled referrals (whole-text similarity), and their
  areas and levels;
- how closely a clause of the referral resembles the phrases screeners gave as evidence for the
  line (and for lines of its area).

A model applies to a policy only if every line it was trained on has the same key and wording in
that policy's catalogue; otherwise the lexical order stands. Pure Python, offline, deterministic.
"""

from __future__ import annotations

import json
import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from frontdoor.policy.schema import Policy
from frontdoor.screening.suggest.text import tokens

# Words too common to tell referrals apart.
_STOP = (
    "the a an and or of to in on at is was were he she his her it they their has have had for "
    "with by from that this be as but not no are been i we you him them there when who which also "
    "said says mum dad"
)
STOP_WORDS = frozenset(_STOP.split())
# The similar labelled referrals whose lines count.
NEIGHBOURS = 5
# A clause at least this like a line's labelled evidence (cosine) is shown as evidence for it.
LIKE_EVIDENCE = 0.3

Vector = dict[str, float]


def bag(text: str) -> Counter[str]:
    return Counter(token.stem for token in tokens(text) if token.stem not in STOP_WORDS)


def text_vector(words: Counter[str], idf: dict[str, float]) -> Vector:
    unknown = math.log(len(idf) + 1)
    vector = {word: (1 + math.log(count)) * idf.get(word, unknown) for word, count in words.items()}
    return _normalised(vector)


def phrase_vector(words: Counter[str], idf: dict[str, float]) -> Vector:
    vector = {word: (1 + math.log(count)) * idf.get(word, 0.0) for word, count in words.items()}
    return _normalised(vector)


def _normalised(vector: Vector) -> Vector:
    norm = math.sqrt(math.fsum(value * value for value in vector.values())) or 1.0
    return {word: value / norm for word, value in vector.items()}


def cosine(first: Vector, second: Vector) -> float:
    if len(first) > len(second):
        first, second = second, first
    return math.fsum(value * second.get(word, 0.0) for word, value in first.items())


def idf_of(texts: Iterable[Counter[str]]) -> dict[str, float]:
    document_frequency: Counter[str] = Counter()
    count = 0
    for words in texts:
        document_frequency.update(set(words))
        count += 1
    return {
        word: math.log((count + 1) / (seen + 1)) + 1 for word, seen in document_frequency.items()
    }


@dataclass(frozen=True)
class Example:
    """A labelled referral: its text's vector and the lines ticked for it."""

    vector: Vector
    keys: tuple[str, ...]


@dataclass(frozen=True)
class Candidate:
    key: str
    level: int
    subdomain: str
    score: float  # the lexical score


@dataclass(frozen=True)
class Learned:
    """What the labels say about a referral: the inputs of the features, apart from the model's
    weights."""

    idf: dict[str, float]
    examples: tuple[Example, ...]
    phrases: tuple[tuple[str, Vector], ...]  # (line key, evidence phrase's vector)


def features(
    learned: Learned,
    areas: dict[str, tuple[int, str]],
    text: str,
    clauses: Sequence[str],
    candidates: Sequence[Candidate],
    nearest: dict[str, tuple[float, int]] | None = None,
) -> list[list[float]]:
    """One row per candidate, in the candidates' order; `areas` gives each labelled line's
    (level, sub-domain), `nearest` is `closest_clauses(learned, clauses)` if read already."""
    if not candidates:
        return []
    vector = text_vector(bag(text), learned.idf)
    similar = sorted(
        (
            (cosine(vector, example.vector), position)
            for position, example in enumerate(learned.examples)
        ),
        reverse=True,
    )[:NEIGHBOURS]
    total = math.fsum(similarity for similarity, _ in similar) or 1.0
    vote: defaultdict[str, float] = defaultdict(float)
    area_vote: defaultdict[tuple[int, str], float] = defaultdict(float)
    level_vote: defaultdict[int, float] = defaultdict(float)
    for similarity, position in similar:
        share = similarity / total
        keys = learned.examples[position].keys
        for key in keys:
            vote[key] += share
        for area in {areas[key] for key in keys if key in areas}:
            area_vote[area] += share
        for level in {areas[key][0] for key in keys if key in areas}:
            level_vote[level] += share
    if nearest is None:
        nearest = closest_clauses(learned, clauses)
    by_key = {key: similarity for key, (similarity, _) in nearest.items()}
    by_area: dict[tuple[int, str], float] = {}
    for key, similarity in by_key.items():
        if key in areas:
            by_area[areas[key]] = max(by_area.get(areas[key], 0.0), similarity)
    top = candidates[0].score or 1.0
    rows = []
    for position, candidate in enumerate(candidates):
        area = (candidate.level, candidate.subdomain)
        rows.append(
            [
                1.0,
                candidate.score / top,
                1 / (1 + position),
                math.log1p(position),
                vote[candidate.key],
                area_vote[area],
                level_vote[candidate.level],
                by_key.get(candidate.key, 0.0),
                by_area.get(area, 0.0),
            ]
        )
    return rows


def closest_clauses(learned: Learned, clauses: Sequence[str]) -> dict[str, tuple[float, int]]:
    """For each line with labelled evidence: how closely a clause resembles that evidence, and
    the position of the clause that does most."""
    clause_vectors = [phrase_vector(bag(clause), learned.idf) for clause in clauses]
    found: dict[str, tuple[float, int]] = {}
    for key, phrase in learned.phrases:
        for position, clause in enumerate(clause_vectors):
            similarity = cosine(clause, phrase)
            if similarity > found.get(key, (0.0, -1))[0]:
                found[key] = (similarity, position)
    return found


@dataclass(frozen=True)
class Reading:
    chances: list[float]  # by candidate
    evidence: dict[str, int]  # by line key: the position of a clause like its labelled evidence


@dataclass(frozen=True)
class Model:
    lines: dict[str, str]  # the wording of each line trained on, by key
    learned: Learned
    weights: tuple[float, ...]

    def applies_to(self, policy: Policy) -> bool:
        from frontdoor.policy.catalogue import indicators_by_key

        catalogue = indicators_by_key(policy)
        return all(
            key in catalogue and catalogue[key].text == text for key, text in self.lines.items()
        )

    def areas(self, policy: Policy) -> dict[str, tuple[int, str]]:
        from frontdoor.policy.catalogue import indicators_by_key

        catalogue = indicators_by_key(policy)
        return {key: (catalogue[key].level, catalogue[key].subdomain) for key in self.lines}

    def read(
        self, policy: Policy, text: str, clauses: Sequence[str], candidates: Sequence[Candidate]
    ) -> Reading:
        """How likely a screener would tick each candidate, and the clause most like each line's
        labelled evidence."""
        nearest = closest_clauses(self.learned, clauses)
        rows = features(self.learned, self.areas(policy), text, clauses, candidates, nearest)
        return Reading(
            chances=[probability(self.weights, row) for row in rows],
            evidence={
                key: position
                for key, (similarity, position) in nearest.items()
                if similarity >= LIKE_EVIDENCE
            },
        )

    def as_json(self) -> dict:
        return {
            "lines": self.lines,
            "weights": [round(weight, 6) for weight in self.weights],
            "idf": {word: round(value, 5) for word, value in sorted(self.learned.idf.items())},
            "examples": [
                {"keys": list(example.keys), "vector": _rounded(example.vector)}
                for example in self.learned.examples
            ],
            "phrases": [
                {"key": key, "vector": _rounded(vector)} for key, vector in self.learned.phrases
            ],
        }


def _rounded(vector: Vector) -> Vector:
    return {word: round(value, 5) for word, value in sorted(vector.items())}


def probability(weights: Sequence[float], row: Sequence[float]) -> float:
    z = math.fsum(weight * value for weight, value in zip(weights, row, strict=True))
    return 1 / (1 + math.exp(-max(-30.0, min(30.0, z))))


def model_from_json(content: dict) -> Model:
    return Model(
        lines={str(key): str(text) for key, text in content["lines"].items()},
        learned=Learned(
            idf={str(word): float(value) for word, value in content["idf"].items()},
            examples=tuple(
                Example(vector=dict(item["vector"]), keys=tuple(item["keys"]))
                for item in content["examples"]
            ),
            phrases=tuple((str(item["key"]), dict(item["vector"])) for item in content["phrases"]),
        ),
        weights=tuple(float(weight) for weight in content["weights"]),
    )


@cache
def _models(directory: Path) -> tuple[Model, ...]:
    return tuple(
        model_from_json(json.loads(path.read_text(encoding="utf-8")))
        for path in sorted(directory.glob("trained-*.json"))
    )


def model_for(policy: Policy, directory: Path) -> Model | None:
    """The first trained model in `directory` that applies to `policy`'s catalogue."""
    return next((model for model in _models(directory) if model.applies_to(policy)), None)
