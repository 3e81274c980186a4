"""Writing the audit trail: every action and every view of a record goes through here.

An entry written while a partner system's request is served names the API token it came through
(the acting user carries it: `accounts.scopes.TokenUse`), so what one token did can be listed.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.db import models
from django.utils import timezone

from frontdoor.accounts.scopes import token_use_of
from frontdoor.audit.models import AuditEvent, RecordView
from frontdoor.policy.councils import serving_council
from frontdoor.policy.row_security import council_of_row, crossing

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from frontdoor.accounts.models import User


def council_of(target: models.Model | None) -> str:
    """The council whose trail an entry about `target` belongs to: the target's own when it
    names one in the column its wall reads (a contact, a person, a household, a message: not
    a member of staff, whose council is their employer), or, where statements reach other
    councils (a regular job for every council, a door), the council of the record it belongs
    to (a decision's contact's); else the council served.

    A door that crosses councils on purpose (`policy.row_security.open_to`) writes an entry on
    the other council's record (a transfer accepted, a child known elsewhere): it goes to that
    council's trail, which the door has opened; no other can be written."""
    if target is None:
        return serving_council()
    # Where no other council's record can be reached, the target is the council served's.
    council = council_of_row(target, through_parents=crossing())
    return council or serving_council()


def _describe_target(target: models.Model | None) -> tuple[str, str, str]:
    if target is None:
        return "", "", ""
    return target._meta.label_lower, str(target.pk), str(target)[:200]


def entry(
    *,
    actor: User | AnonymousUser | None,
    action: str,
    target: models.Model | None = None,
    changes: dict[str, Any] | None = None,
    reason: str = "",
    policy_version=None,
    at: dt.datetime | None = None,
) -> AuditEvent:
    """One entry of the audit trail (who, when, what, to what, and why), not yet written.

    `record` writes it at once. `frontdoor.new_rows.NewRows` writes it in the same statement as
    the new rows it tells of: add it with `target_id=` the new target, whose key is drawn then.
    """
    target_type, target_id, target_repr = _describe_target(target)
    user = actor if actor is not None and actor.is_authenticated else None
    use = token_use_of(actor)
    return AuditEvent(
        at=at or timezone.now(),
        actor=user,
        actor_name=(str(user) if user is not None else "")[:200],
        action=action,
        target_type=target_type,
        target_id=target_id,
        target_repr=target_repr,
        changes=changes or {},
        reason=reason,
        policy_version=policy_version,
        api_token_id=use.token_id if use else None,
        council_id=council_of(target),
    )


def written(*, by: User | AnonymousUser | None) -> None:
    """Note that an entry acted by `by` was written: a request served through `by`'s token then
    has an entry naming the token. `record` calls this; so does a writer of entries built by
    `entry` (`NewRows`)."""
    use = token_use_of(by)
    if use is not None:
        use.audited = True


def record(**what: Any) -> AuditEvent:
    """Append one entry to the audit trail: the arguments of `entry`."""
    event = entry(**what)
    event.save(force_insert=True)
    written(by=what.get("actor"))
    return event


def record_view(
    *, viewer: User, target: models.Model, through: str = "", at: dt.datetime | None = None
) -> RecordView:
    """Log that `viewer` saw `target` (a child's, a family's or a contact's record)."""
    target_type, target_id, _ = _describe_target(target)
    use = token_use_of(viewer)
    view = RecordView.objects.create(
        at=at or timezone.now(),
        viewer=viewer,
        target_type=target_type,
        target_id=target_id,
        through=through[:200],
        api_token_id=use.token_id if use else None,
        council_id=council_of(target),
    )
    written(by=viewer)
    return view
