"""Reading the Level of Need catalogue (R26, R27): indicators by level, domain and sub-domain."""

from __future__ import annotations

from dataclasses import dataclass

from frontdoor.policy.concerns import Concern
from frontdoor.policy.schema import TIMESCALES, IndicatorLine, Policy, TimescaleKey


@dataclass(frozen=True)
class Indicator:
    """One indicator line of the guidance, with a key stable within a policy version."""

    key: str  # "L3.health.2": level, sub-domain, position (from 1)
    level: int
    domain: str
    subdomain: str
    text: str
    # R28: the child-protection concerns the indicator names, as the council's catalogue says.
    concerns: tuple[Concern, ...] = ()


# Each policy's catalogue, built once: a policy is frozen, and the registry keeps the council's
# loaded policy for the life of the process, so screening reads the same object many times.
# Kept by the policy's identity (a policy with list fields cannot be hashed), holding the policy
# so that its id is not reused; only the few policies read last are kept.
_BUILT: dict[int, tuple[Policy, tuple[Indicator, ...], dict[str, Indicator]]] = {}
_KEPT = 8


def _built(policy: Policy) -> tuple[tuple[Indicator, ...], dict[str, Indicator]]:
    entry = _BUILT.get(id(policy))
    if entry is None or entry[0] is not policy:
        rows = tuple(_read_catalogue(policy))
        entry = (policy, rows, {indicator.key: indicator for indicator in rows})
        _BUILT.pop(id(policy), None)
        while len(_BUILT) >= _KEPT:
            _BUILT.pop(next(iter(_BUILT)), None)
        _BUILT[id(policy)] = entry
    return entry[1], entry[2]


def indicators(policy: Policy) -> list[Indicator]:
    """Every indicator, in the guidance's order: level, then domain, then sub-domain."""
    return list(_built(policy)[0])


def indicators_by_key(policy: Policy) -> dict[str, Indicator]:
    """Every indicator, by its key."""
    return dict(_built(policy)[1])


def _read_catalogue(policy: Policy) -> list[Indicator]:
    catalogue = policy.level_of_need
    rows: list[Indicator] = []
    for level in sorted(catalogue.levels, key=lambda item: item.level):
        for domain in catalogue.domains:
            for subdomain in domain.subdomains:
                for position, line in enumerate(level.indicators.get(subdomain.key, []), 1):
                    named = line if isinstance(line, IndicatorLine) else None
                    rows.append(
                        Indicator(
                            key=f"L{level.level}.{subdomain.key}.{position}",
                            level=level.level,
                            domain=domain.name,
                            subdomain=subdomain.name,
                            text=line.text if isinstance(line, IndicatorLine) else line,
                            concerns=tuple(named.concerns) if named else (),
                        )
                    )
    return rows


def search_indicators(
    policy: Policy, *, query: str = "", level: int | None = None
) -> list[Indicator]:
    """Indicators containing every word of `query` (any case), optionally at one level."""
    words = [word.casefold() for word in query.split()]
    found = []
    for indicator in indicators(policy):
        if level is not None and indicator.level != level:
            continue
        haystack = f"{indicator.text} {indicator.subdomain} {indicator.domain}".casefold()
        if all(word in haystack for word in words):
            found.append(indicator)
    return found


@dataclass(frozen=True)
class TimescaleInWords:
    key: str
    rule: str
    what: str
    words: str | None  # None when the council sets no such timescale


def timescales_in_words(policy: Policy) -> list[TimescaleInWords]:
    """Every timescale the system knows, as the council's policy sets it (or leaves it unset)."""
    rows = []
    for key in TimescaleKey:
        rule, what, _ = TIMESCALES[key]
        timescale = policy.timescale(key)
        rows.append(
            TimescaleInWords(
                key=key.value,
                rule=rule,
                what=what,
                words=timescale.in_words() if timescale else None,
            )
        )
    return rows
