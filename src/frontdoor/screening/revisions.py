"""A revision replaces what the revised decision set in motion (R19, R23, R25, R45).

`replace_what_was_set_in_motion` is the one function a revised decision calls, in its
transaction, after the revision has set its own effects going:

- the follow-ups the revised decision left open are marked replaced (the revision sets its own);
- each message the revised decision sent to a team (the early help hub, the duty and assessment
  team manager, an allocated worker and their line manager) is taken back when no sender has
  taken it yet (`outbox.services.withdraw_unsent`), so it never arrives; one that may have left
  is followed by a short message saying the decision was revised and the child no longer comes
  to them, naming no outcome (R45: they need to know only that it is not theirs), unless the
  revision itself writes to them, whose message then says it replaces the earlier one.

What a revision tells the referrer is decided where their feedback is written
(`decisions._tell_referrers`: the outcome changed), and the hand-offs to the case record by their
decision listener (`handoffs.services.hand_off_decision`), each with the same rule.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from django.db.models import QuerySet

from frontdoor.outbox.models import Message
from frontdoor.outbox.services import queue_message, withdraw_unsent
from frontdoor.policy.clocks import time_in_words
from frontdoor.screening.models import Decision, FollowUp

# The outbox kind of the message telling a team that a revised decision no longer sends them
# the child.
REVISED_KIND = "decision_revised"
# Referrers hear the changed outcome itself (`decisions._tell_referrers`), not this notice.
REFERRER_KIND = "referrer_feedback"

_NOTICE_KEY = re.compile(r"decision-\d+-revised-(?P<original>\d+)")


def decision_message_key(decision_id: int, what: str) -> str:
    """The outbox key of a message a decision sends (`what`: "early_help-alert",
    "allocated-worker"...): every message of a decision's starts so, which is how a revision
    finds them."""
    return f"decision-{decision_id}-{what}"


def team_messages_of(decision: Decision) -> QuerySet[Message]:
    """The messages `decision` sent to teams, not to referrers, not taken back, oldest first."""
    return (
        Message.objects.filter(key__startswith=decision_message_key(decision.pk, ""))
        .exclude(kind=REFERRER_KIND)
        .filter(withdrawn_at__isnull=True)
        .order_by("id")
    )


@dataclass
class Replaced:
    """What a revision replaced, for its audit entry."""

    follow_ups: list[str] = field(default_factory=list)
    taken_back: list[str] = field(default_factory=list)  # addresses whose message never left
    told_revised: list[str] = field(default_factory=list)  # addresses told it no longer stands

    def as_changes(self) -> dict[str, list[str]]:
        return {
            name: value
            for name, value in (
                ("follow_ups_replaced", self.follow_ups),
                ("messages_taken_back", self.taken_back),
                ("told_decision_revised", self.told_revised),
            )
            if value
        }


def replace_what_was_set_in_motion(
    *, revised: Decision | None, decision: Decision, now: dt.datetime
) -> Replaced:
    """Replace what `revised` set in motion and `decision`, revising it, does not carry on:
    the one home of the rule (module docstring). Called in the decision's transaction, after
    `decision` queued its own messages; nothing for a child's first decision."""
    replaced = Replaced()
    if revised is None:
        return replaced
    still_open = FollowUp.objects.open().filter(decision=revised)
    replaced.follow_ups = [follow_up.get_kind_display() for follow_up in still_open]
    still_open.update(replaced_by=decision)
    own = list(team_messages_of(decision))
    prefaced: set[str] = set()
    for message in team_messages_of(revised):
        original = _original_of(message)
        writing_again = [each for each in own if each.to == message.to]
        if withdraw_unsent(message.key):
            replaced.taken_back.append(message.to)
            if original is None:
                continue  # it never left: they never heard of the child
            # A notice that the child no longer comes had not left: they still need it.
        elif original is None:
            original = message
        else:
            continue  # they were told the child no longer comes: nothing new
        if writing_again:
            if message.to in prefaced:
                continue
            prefaced.add(message.to)
            for each in writing_again:
                each.body = f"{_replaces(original)}\n\n{each.body}"
                each.save(update_fields=["body"])
        else:
            _queue_notice(original=original, decision=decision, now=now)
        replaced.told_revised.append(message.to)
    return replaced


def _original_of(message: Message) -> Message | None:
    """The message a notice of revision says no longer stands; None for any other message."""
    match = _NOTICE_KEY.fullmatch(message.key) if message.kind == REVISED_KIND else None
    return Message.objects.filter(pk=int(match["original"])).first() if match else None


def _left_at(original: Message) -> dt.datetime:
    return original.sent_at or original.claimed_at or original.created_at


def _replaces(original: Message) -> str:
    return (
        f"This replaces our message “{original.subject}” of {time_in_words(_left_at(original))}: "
        "the decision was revised."
    )


def _queue_notice(*, original: Message, decision: Decision, now: dt.datetime) -> Message:
    """Tell whoever `original` reached that it no longer stands (R45: only that much)."""
    child = decision.child.first_name or "the child"
    return queue_message(
        key=decision_message_key(decision.pk, f"revised-{original.pk}"),
        kind=REVISED_KIND,
        to=original.to,
        channel=original.channel,
        about=original.about,
        subject=f"Withdrawn, the decision was revised: {original.subject}"[:200],
        body=(
            f"Our message “{original.subject}” of {time_in_words(_left_at(original))} no longer "
            f"stands. The decision was revised at {time_in_words(now)}, and {child} no longer "
            "comes to you: there is nothing for you to do about it.\n\n"
            "If you have already started work, contact the MASH."
        ),
    )
