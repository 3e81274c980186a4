"""Partner agencies that answer MASH enquiries for several councils on the service.

Each council's policy lists the agencies it sends to, by its own keys ("police"). An agency
marked with a `partner` key ("merseyside_police") is a partner agency of the service, not of
the council: every council whose policy names the same partner sends to the one agency. An
agency without one is the council's alone, as on a service of one council.

A partner user's account names their agency by their own council's key (`User.agency_key`,
`User.council`), as every other account is made. `same_agency` is the one answer to "which
councils' requests, under which of their keys, are this agency's?": the requests a partner user
sees and answers (`mash.selectors.requests_visible_to`), and the users each request alerts.
"""

from __future__ import annotations

from collections.abc import Iterable

from frontdoor.policy.councils import councils
from frontdoor.policy.loader import LoadedPolicy, Problem


def _policies() -> dict[str, LoadedPolicy]:
    from frontdoor.policy.registry import loaded_policies

    loaded = loaded_policies()
    return {key: loaded[key] for key in councils().keys if key in loaded}


def partner_of(council: str, agency_key: str) -> str | None:
    """The partner agency of the service that `council`'s agency `agency_key` is, or None when
    the agency is the council's alone (or no longer in its policy)."""
    from frontdoor.policy.registry import get_loaded_policy

    for agency in get_loaded_policy(council).policy.agencies:
        if agency.key == agency_key:
            return agency.partner
    return None


def same_agency(council: str, agency_key: str) -> dict[str, frozenset[str]]:
    """Each council's keys for the agency `council` calls `agency_key`: that council and key
    alone, unless the agency is a partner of the service, when every council on the service
    whose policy names the same partner, with the key it gives it."""
    partner = partner_of(council, agency_key)
    if partner is None:
        return {council: frozenset({agency_key})}
    keys = {council: frozenset({agency_key})}
    for key, loaded in _policies().items():
        named = {agency.key for agency in loaded.policy.agencies if agency.partner == partner}
        if named:
            keys[key] = frozenset(named)
    return keys


def key_in(council: str, agency_key: str, other: str) -> str | None:
    """The key council `other` gives the agency `council` calls `agency_key` (`same_agency`):
    `agency_key` in `council` itself, or None when `other` does not name the agency. A council
    that names one partner under two keys is given the first of them."""
    if other == council:
        return agency_key
    keys = same_agency(council, agency_key).get(other)
    return min(keys) if keys else None


def partner_problems(policies: Iterable[LoadedPolicy]) -> list[Problem]:
    """What keeps these councils' policies from naming their shared partner agencies alike: a
    partner is one agency, so each council that names it must give it the same kind."""
    kinds: dict[str, dict[str, str]] = {}
    for loaded in policies:
        for agency in loaded.policy.agencies:
            if agency.partner:
                kinds.setdefault(agency.partner, {})[loaded.id] = agency.kind
    problems = []
    for partner, by_council in sorted(kinds.items()):
        if len(set(by_council.values())) > 1:
            said = "; ".join(f"{kind} in {council}" for council, kind in sorted(by_council.items()))
            problems.append(
                Problem(
                    "agencies",
                    f"the partner agency {partner} is one agency, but the councils give it "
                    f"different kinds: {said}",
                )
            )
    return problems
