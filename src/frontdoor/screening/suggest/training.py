"""Training the re-ranking model (`rerank`) from labelled referrals.

`train(policy, cases)` takes referrals a screener labelled against `policy`'s catalogue (each a
mapping with `text` and `indicators`, a list of `{key, evidence}`), reads each with the lexical
method, and fits a logistic model over `rerank.features` by Newton's method with a ridge penalty.
Each labelled referral's own features are computed without it (leave-one-out), as a new referral
would be read. Deterministic: the same cases give the same model. `bench/train_suggest.py`
rebuilds the stored model from tests/screening/suggest_devset/referrals.yaml.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from frontdoor.policy.catalogue import indicators_by_key
from frontdoor.policy.schema import Policy
from frontdoor.screening.suggest.rerank import (
    Candidate,
    Example,
    Learned,
    Model,
    bag,
    features,
    idf_of,
    phrase_vector,
    text_vector,
)

# The ridge penalty on the weights.
PENALTY = 1.0
ITERATIONS = 12


def learned_from(cases: Sequence[dict], idf: dict[str, float]) -> Learned:
    return Learned(
        idf=idf,
        examples=tuple(
            Example(
                vector=text_vector(bag(case["text"]), idf),
                keys=tuple(item["key"] for item in case["indicators"]),
            )
            for case in cases
        ),
        phrases=tuple(
            (item["key"], phrase_vector(bag(item["evidence"]), idf))
            for case in cases
            for item in case["indicators"]
        ),
    )


def train(policy: Policy, cases: Sequence[dict]) -> Model:
    from frontdoor.screening.suggest import lexical_candidates

    catalogue = indicators_by_key(policy)
    areas = {key: (line.level, line.subdomain) for key, line in catalogue.items()}
    idf = idf_of(bag(case["text"]) for case in cases)
    rows: list[list[float]] = []
    targets: list[float] = []
    for position, case in enumerate(cases):
        others = [*cases[:position], *cases[position + 1 :]]
        clauses, candidates = lexical_candidates(policy, case["text"])
        gold = {item["key"] for item in case["indicators"]}
        for candidate, row in zip(
            candidates,
            features(learned_from(others, idf), areas, case["text"], clauses, candidates),
            strict=True,
        ):
            rows.append(row)
            targets.append(1.0 if candidate.key in gold else 0.0)
    labelled = sorted({item["key"] for case in cases for item in case["indicators"]})
    return Model(
        lines={key: catalogue[key].text for key in labelled},
        learned=learned_from(cases, idf),
        weights=tuple(fit(rows, targets)),
    )


def fit(rows: Sequence[Sequence[float]], targets: Sequence[float]) -> list[float]:
    """Logistic regression by Newton's method, with a ridge penalty."""
    size = len(rows[0])
    weights = [0.0] * size
    for _ in range(ITERATIONS):
        gradient = [PENALTY * weight for weight in weights]
        hessian = [[PENALTY if i == j else 0.0 for j in range(size)] for i in range(size)]
        for row, target in zip(rows, targets, strict=True):
            z = math.fsum(weight * value for weight, value in zip(weights, row, strict=True))
            p = 1 / (1 + math.exp(-max(-30.0, min(30.0, z))))
            for i in range(size):
                gradient[i] += (p - target) * row[i]
                scaled = p * (1 - p) * row[i]
                for j in range(size):
                    hessian[i][j] += scaled * row[j]
        step = _solve(hessian, gradient)
        weights = [weight - change for weight, change in zip(weights, step, strict=True)]
    return weights


def _solve(matrix: list[list[float]], vector: list[float]) -> list[float]:
    size = len(vector)
    rows = [[*row, vector[i]] for i, row in enumerate(matrix)]
    for i in range(size):
        pivot = max(range(i, size), key=lambda r: abs(rows[r][i]))
        rows[i], rows[pivot] = rows[pivot], rows[i]
        for r in range(size):
            if r != i:
                factor = rows[r][i] / rows[i][i]
                for c in range(i, size + 1):
                    rows[r][c] -= factor * rows[i][c]
    return [rows[i][size] / rows[i][i] for i in range(size)]


__all__ = ["Candidate", "train"]
