"""The councils this service holds, and the one each request or task serves.

A deployment holds one council, FRONTDOOR_COUNCIL, unless `add-council` added more (`Council`).
Each request serves one council, chosen in this order:

1. the council whose own host name the request came to (`Council.host`);
2. the council named by the first part of the path, `/lewisham/contacts/`, once the service holds
   more than one council (`CouncilMiddleware` moves that part into the script prefix, so every
   address the pages make, `reverse()` and redirects included, keeps it);
3. FRONTDOOR_COUNCIL.

So a single-council deployment serves every address exactly as before, and a multi-council one
serves the default council's pages unprefixed too. Work outside a request (commands, tasks) serves
FRONTDOOR_COUNCIL unless it says otherwise with `serving(key)`.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.db import connections, models, transaction
from django.http import HttpRequest, HttpResponse
from django.urls import get_script_prefix, set_script_prefix

from frontdoor.policy.loader import LoadedPolicy, PolicyError, Problem, load_policy_file

if TYPE_CHECKING:
    from frontdoor.policy.models import Council
    from frontdoor.policy.schema import Policy

_serving: ContextVar[str | None] = ContextVar("frontdoor_council", default=None)


def serving_council() -> str:
    """The key of the council the current request or task serves."""
    return _serving.get() or settings.FRONTDOOR_COUNCIL


def council_field(**options: Any) -> models.ForeignKey:
    """The council a record belongs to: the one served when it was made (`serving_council`).

    The column holds the council's key ("sefton"), so setting it costs no query, and a record's
    council reads the same in the database as in a policy file. The database does not check the
    key against `Council`: a process serves only a council whose policy it loaded at start-up
    (FRONTDOOR_COUNCIL, or one `council_for` found), and councils are never removed.
    """
    return models.ForeignKey(
        "policy.Council",
        to_field="key",
        on_delete=models.PROTECT,
        db_constraint=False,
        default=serving_council,
        related_name="+",
        **options,
    )


@contextmanager
def serving(key: str) -> Iterator[None]:
    """Serve council `key` within the block (a task or command working for one council)."""
    token = _serving.set(key)
    try:
        yield
    finally:
        _serving.reset(token)


@dataclass(frozen=True)
class Councils:
    """The councils on the service, as one process last read them."""

    keys: frozenset[str] = frozenset()
    by_host: dict[str, str] = field(default_factory=dict)

    @property
    def several(self) -> bool:
        return len(self.keys) > 1


_read: Councils | None = None


def councils() -> Councils:
    """The councils on the service, read once per process, as the policy files are: a process
    serves a council added after it started once it is restarted (`add-council` says so)."""
    global _read
    if _read is None:
        from frontdoor.policy.models import Council

        rows = list(Council.objects.values_list("key", "host"))
        _read = Councils(
            keys=frozenset(key for key, _ in rows),
            by_host={host.lower(): key for key, host in rows if host},
        )
    return _read


def forget_councils() -> None:
    """Read the councils afresh on next use (this process changed them)."""
    global _read
    _read = None


def _other_councils() -> list[tuple[str, Policy]]:
    """The councils on the service other than the one served, with their policies, by key."""
    from frontdoor.policy.registry import loaded_policies

    loaded = loaded_policies()
    return [
        (key, loaded[key].policy)
        for key in sorted(councils().keys - {serving_council()})
        if key in loaded
    ]


def councils_on_service() -> dict[str, str]:
    """The other councils on this service by their ONS codes (to their keys): where a transfer
    arrives as a contact (R17). A transfer to any other council is sent by hand, as before."""
    return {policy.council.ons_code: key for key, policy in _other_councils()}


def council_on_service(ons_code: str) -> str | None:
    """The key of the other council on this service with `ons_code`, or None."""
    return councils_on_service().get(ons_code)


def councils_knowing_elsewhere() -> list[str]:
    """The other councils on the service that tell the council served a child is known to them,
    and are told the same ("known elsewhere", R18): none unless both policies allow it."""
    from frontdoor.policy.registry import current_policy

    if not councils().several or not current_policy().screening.known_elsewhere:
        return []
    return [key for key, policy in _other_councils() if policy.screening.known_elsewhere]


def of_served_council(field: str = "council") -> models.Q:
    """The records of the council served, where `field` names a record's council: what every
    selector of personal data filters by. A service holding one council keeps no records apart,
    so this is everything there (as it was before councils were data)."""
    if not councils().several:
        return models.Q()
    return models.Q(**{f"{field}_id": serving_council()})


def works_for_served_council(user: Any) -> bool:
    """Whether `user` works for the council served: on a service of several councils, its
    staff sign in to its own pages only (`accounts.permissions.can`)."""
    return not councils().several or getattr(user, "council_id", None) == serving_council()


def home_of(request: HttpRequest, key: str) -> str | None:
    """The address of council `key`'s own pages, for a request served as another council on a
    service of several: the service's root with the council's path (`/lewisham/`), or the root
    for the default council. None when `request` serves `key` already, or when `key` is served
    on a host of its own, whose address this request cannot know."""
    served = getattr(request, "council_key", settings.FRONTDOOR_COUNCIL)
    known = councils()
    if key == served or not known.several or key not in known.keys:
        return None
    if key in known.by_host.values():
        return None
    root = getattr(request, "service_root", "/")
    return root if key == settings.FRONTDOOR_COUNCIL else f"{root}{key}/"


def council_for(host: str, path: str) -> tuple[str, str]:
    """The council a request to `host` and `path` serves, and the path prefix that names it
    ("" when none does)."""
    known = councils()
    if key := known.by_host.get(host.split(":", 1)[0].lower()):
        return key, ""
    if known.several:
        first = path.split("/", 2)[1] if path.startswith("/") else ""
        if first in known.keys:
            return first, f"/{first}"
    return settings.FRONTDOOR_COUNCIL, ""


class CouncilMiddleware:
    """Serves each request as its council (see the module's docstring). First in MIDDLEWARE, so
    everything after it, static files and the API's refusals included, sees the path without the
    council's part."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            host = request.get_host()
        except DisallowedHost:
            host = ""  # refused with its own message further on (CommonMiddleware)
        key, prefix = council_for(host, request.path_info)
        # HttpRequest declares no such attribute: the council is Front Door's own.
        request.council_key = key  # type: ignore[attr-defined]
        outer = get_script_prefix()
        # Where the service itself is, whichever council's part of it the request is for.
        request.service_root = request.META.get("SCRIPT_NAME", "").rstrip("/") + "/"  # type: ignore[attr-defined]
        if prefix:
            script_name = request.META.get("SCRIPT_NAME", "").rstrip("/") + prefix
            request.META["SCRIPT_NAME"] = script_name
            request.path_info = request.path_info[len(prefix) :] or "/"
            request.path = script_name + request.path_info
            set_script_prefix(script_name + "/")
        try:
            with serving(key):
                return self.get_response(request)
        finally:
            set_script_prefix(outer)


def ensure_default_council(**kwargs: object) -> None:
    """Every database holds the council FRONTDOOR_COUNCIL (after `migrate`)."""
    from frontdoor.policy.models import Council
    from frontdoor.policy.registry import get_loaded_policy

    using = str(kwargs.get("using") or "default")
    if Council._meta.db_table not in connections[using].introspection.table_names():
        return  # migrated only part of the way
    key = settings.FRONTDOOR_COUNCIL
    name = get_loaded_policy(key).policy.council.name
    Council.objects.using(using).get_or_create(key=key, defaults={"name": name})
    forget_councils()
    councils()


@dataclass(frozen=True)
class Added:
    council: Council
    created: bool
    policy: LoadedPolicy


def add_council(path: Path, *, host: str = "") -> Added:
    """Add the council whose policy file is `path`, or record a new version of its policy.

    The file is checked first, with the partner agencies it shares with the other councils
    (`policy.partners`), and nothing changes if it is invalid. It is copied into
    FRONTDOOR_POLICY_DIR unless already there; a different file of the same name there is refused,
    since the one in the folder is what every process serves. A version already on record with other
    content is refused too (`record_policy_version`).
    """
    from frontdoor.policy.models import Council
    from frontdoor.policy.partners import partner_problems
    from frontdoor.policy.registry import load_policies, loaded_policies
    from frontdoor.policy.versions import record_policy_version

    loaded = load_policy_file(path)
    if problems := partner_problems(
        [loaded, *(other for key, other in loaded_policies().items() if key != loaded.id)]
    ):
        raise PolicyError(path, problems)
    folder = Path(settings.FRONTDOOR_POLICY_DIR)
    target = folder / path.name
    if target.resolve() != path.resolve():
        if target.exists() and target.read_bytes() != path.read_bytes():
            raise PolicyError(
                path,
                [
                    Problem(
                        "id",
                        f"{target} already holds a different policy {loaded.id}: edit that file "
                        "(with a new version) and run add-council on it",
                    )
                ],
            )
        shutil.copyfile(path, target)
    load_policies()
    host = host.strip().lower()
    with transaction.atomic():
        clash = Council.objects.filter(host=host).exclude(key=loaded.id).first() if host else None
        if clash is not None:
            raise PolicyError(path, [Problem("host", f"{host} already serves {clash.name}")])
        record_policy_version(loaded)
        council, created = Council.objects.get_or_create(
            key=loaded.id, defaults={"name": loaded.policy.council.name, "host": host}
        )
        if not created:
            council.name = loaded.policy.council.name
            if host:
                council.host = host
            council.save(update_fields=["name", "host"])
    forget_councils()
    return Added(council=council, created=created, policy=loaded)
