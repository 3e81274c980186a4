"""Which record systems take their hand-offs by webhook, where, and with which secret (R44).

From FRONTDOOR_HANDOFF_WEBHOOKS (settings), keyed by council and record system: two councils
on one service may each call a record system `lcs`, each at its own address with its own secret,
and a council's hand-offs go to its own record's webhook alone. A council's record systems are
named under the council's key; those named at the top level, as a service of one council writes
them, are the default council's (FRONTDOOR_COUNCIL):

    {"lcs": {"url": "https://lcs.sefton.example/handoffs", "secret": "whsec_..."},
     "lewisham": {"lcs": {"url": "https://lcs.lewisham.example/handoffs", "secret": "whsec_..."}}}
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models import Q

Endpoint = dict[str, str]


def is_endpoint(value: Any) -> bool:
    """Whether a value of the setting is one record system's webhook (else a council's)."""
    return isinstance(value, dict) and "url" in value


def webhooks_of(council: str) -> dict[str, Endpoint]:
    """The webhooks of `council`'s record systems, by record system key."""
    configured: dict[str, Any] = settings.HANDOFF_WEBHOOKS
    found: dict[str, Endpoint] = {}
    if council == settings.FRONTDOOR_COUNCIL:
        found.update({key: value for key, value in configured.items() if is_endpoint(value)})
    named = configured.get(council)
    if isinstance(named, dict) and not is_endpoint(named):
        found.update(named)
    return found


def webhook_for(council: str, record_system: str) -> Endpoint | None:
    """Where `council`'s `record_system` takes its hand-offs, or None when it pulls them."""
    return webhooks_of(council).get(record_system)


def with_webhooks() -> dict[str, set[str]]:
    """Each council with a record system that takes hand-offs by webhook, with those systems."""
    configured: dict[str, Any] = settings.HANDOFF_WEBHOOKS
    councils = {key for key, value in configured.items() if not is_endpoint(value)}
    if any(is_endpoint(value) for value in configured.values()):
        councils.add(settings.FRONTDOOR_COUNCIL)
    found = {council: set(webhooks_of(council)) for council in councils}
    return {council: systems for council, systems in found.items() if systems}


def to_webhooks(systems: dict[str, set[str]]) -> Q:
    """The hand-offs, each to a record system of its own council that `systems` names (as
    `with_webhooks` gives them): never another council's record of the same key."""
    where = Q(pk__in=[])
    for council, keys in sorted(systems.items()):
        where |= Q(contact__council_id=council, record_system__in=sorted(keys))
    return where
