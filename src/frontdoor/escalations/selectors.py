"""Reading escalations, with need-to-know applied in the query (R45, decision 6).

A partner agency's user sees only the escalations their agency raised, and may escalate only a
contact whose MASH enquiry was sent to their agency, or the outcome of a meeting their agency
attended (R39). For a partner agency that several councils share, that is any of those
councils' (`mash.selectors.of_agency_of`), as its MASH enquiries are; its pages open the
database's wall to those councils (`mash.selectors.agency_councils_open`). Those the matrix allows
`escalation.read_any` (the council's MASH staff and service managers) see every escalation;
anyone else sees the ones they raised.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import (
    Case,
    CharField,
    Exists,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from frontdoor import exports
from frontdoor.accounts.permissions import can
from frontdoor.accounts.roles import is_partner
from frontdoor.escalations.models import Discussion, Escalation, StepRecord
from frontdoor.intake.models import Contact
from frontdoor.intake.selectors import (
    contacts_visible_to,
    names_withheld_by_contact,
    names_withheld_from,
    redact,
)
from frontdoor.mash.models import Attendee, Dissent, Meeting
from frontdoor.mash.selectors import of_agency_of, requests_visible_to
from frontdoor.people.models import Restriction
from frontdoor.people.restrictions import (
    person_hidden_from,
    restriction_hiding_person,
    restrictions_closing_contact,
    whom_to_ask_about_contact,
    whom_to_ask_about_person,
)
from frontdoor.policy.councils import of_served_council
from frontdoor.policy.schema import Policy
from frontdoor.screening.models import Decision

if TYPE_CHECKING:
    from frontdoor.accounts.models import User


def _is_partner(user: User) -> bool:
    return is_partner(user)


def contacts_open_to_escalation(user: User) -> QuerySet[Contact]:
    """The contacts `user` may escalate a disagreement about."""
    if not can(user, "escalation.open"):
        return Contact.objects.none()
    if _is_partner(user):
        # Need-to-know: only a contact whose MASH enquiry was sent to the user's agency.
        sent = requests_visible_to(user).values("enquiry__contact_id")
        return Contact.objects.filter(pk__in=sent)
    return contacts_visible_to(user)


def meetings_open_to_escalation(user: User) -> QuerySet[Meeting]:
    """The recorded meetings whose outcome `user` may escalate (R39): for a partner agency's
    user, those their agency attended or dissented at, whether or not a MASH enquiry went to
    it; for the council's staff, those of the contacts they can see. A restriction closes a
    meeting as it closes its contact (`restrictions_closing_contact`, R45): a meeting about a
    child the user may see stays open when a sibling is restricted."""
    if not can(user, "escalation.open"):
        return Meeting.objects.none()
    recorded = (
        Meeting.objects.filter(held_at__isnull=False)
        .exclude(outcome="")
        .select_related("contact", "chair")
        .order_by("-held_at", "-id")
    )
    if _is_partner(user):
        # Any council's meeting the agency attended, by that council's key for it.
        agency = of_agency_of(user, "meeting__contact__council")
        attended = Attendee.objects.filter(agency, attended=True)
        dissented = Dissent.objects.filter(agency)
        return recorded.filter(
            Q(pk__in=attended.values("meeting_id")) | Q(pk__in=dissented.values("meeting_id"))
        ).exclude(Exists(restrictions_closing_contact(user, contact=OuterRef("contact"))))
    return recorded.filter(
        of_served_council("contact__council"), contact__in=contacts_visible_to(user)
    )


def _escalations_by_role(user: User) -> QuerySet[Escalation]:
    """The escalations that `user`'s role and agency reach, before any restriction (R45): the
    council served's, or for a partner agency's user those their agency raised about any
    council's contact it was asked about (`_raised_by`)."""
    escalations = Escalation.objects.select_related(
        "contact", "decision", "decision__child", "meeting", "raised_by", "policy_version"
    )
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return escalations.none()
    if _is_partner(user):
        return escalations.filter(_raised_by(user))
    escalations = escalations.filter(of_served_council("contact__council"))
    if can(user, "escalation.read_any"):
        return escalations
    return escalations.filter(raised_by=user)


def _closed_to(user: User) -> Q:
    """Escalations a restriction closes to `user` (R45): one about a contact closed to them
    (`restrictions_closing_contact`: a restricted adult, or every child restricted), or about a
    decision for a child restricted from them. A restricted sibling alone closes neither: the
    escalation stays readable, the sibling's names withheld from what was written about it (the
    `unnamed` filter on its page, `names_withheld_by_contact` in the log)."""
    return Q(Exists(restrictions_closing_contact(user, contact=OuterRef("contact")))) | Q(
        person_hidden_from(user, person=OuterRef("decision__child__person"))
    )


def escalations_visible_to(user: User, *, restricted_rows: bool = False) -> QuerySet[Escalation]:
    """The escalations `user` may open: one a restriction closes to them is left out, as the
    contact is (R45, `_closed_to`). With `restricted_rows` it stays in, annotated with whom to
    ask (`restricted_ask`, None when the user may open it), for a log that counts it without
    naming anyone."""
    escalations = _escalations_by_role(user)
    if restricted_rows:
        return escalations.annotate(
            restricted_ask=Coalesce(
                whom_to_ask_about_contact(user, contact=OuterRef("contact")),
                whom_to_ask_about_person(user, person=OuterRef("decision__child__person")),
                output_field=CharField(),
            )
        )
    return escalations.exclude(_closed_to(user))


def _raised_by(user: User) -> Q:
    """The escalations `user` raised, or a partner agency's user's agency raised (R39): by each
    council's key for the agency, so a shared partner's reach every council sharing it."""
    if _is_partner(user):
        return of_agency_of(user, "contact__council", "raised_by_agency")
    return Q(raised_by=user)


def escalations_followed_by_raiser(user: User) -> QuerySet[Escalation]:
    """The escalations `user` (or their agency) raised that a restriction closes to them, which
    they may still follow to their resolution (R39, R45): they know the disagreement they
    raised. Each is annotated with whom to ask (`restricted_ask`); what is shown of it withholds
    the restricted people (`names_withheld_from(..., whole_contact=True)`) and the contact's and
    decision's details. Anyone else the restriction does not name is refused, as before."""
    return escalations_visible_to(user, restricted_rows=True).filter(
        _raised_by(user), _closed_to(user)
    )


def escalations_whose_page_opens_to(user: User) -> QuerySet[Escalation]:
    """Every escalation whose page opens for `user`: those visible to them, and those they
    raised that a restriction has since closed to them (`escalations_followed_by_raiser`)."""
    return Escalation.objects.filter(
        Q(pk__in=escalations_visible_to(user).values("pk"))
        | Q(pk__in=escalations_followed_by_raiser(user).values("pk"))
    )


def restriction_hiding_escalation(*, user: User, pk: int) -> Restriction | None:
    """The restriction that keeps `user` out of an escalation they could otherwise open
    (R45, `_closed_to`)."""
    found = (
        _escalations_by_role(user)
        .filter(pk=pk)
        .values_list("contact_id", "decision__child__person_id")
        .first()
    )
    if found is None:
        return None
    contact_id, person_id = found
    closing = restrictions_closing_contact(user, contact=contact_id).first()
    if closing is None and person_id is not None:
        return restriction_hiding_person(user=user, person_id=person_id)
    return closing


def with_steps(escalations: QuerySet[Escalation]) -> QuerySet[Escalation]:
    """Each escalation with its steps and discussions, in three queries whatever the count."""
    return escalations.prefetch_related(
        Prefetch("steps", queryset=StepRecord.objects.order_by("number")),
        Prefetch(
            "discussions",
            queryset=Discussion.objects.select_related("recorded_by").order_by("step"),
        ),
    )


def current_step(escalation: Escalation) -> StepRecord | None:
    """The step the escalation is at (from prefetched steps when there are any)."""
    return next((step for step in escalation.steps.all() if step.number == escalation.step), None)


@dataclass
class Row:
    """One escalation on the list: where it is and how its clock stands."""

    escalation: Escalation
    step: StepRecord | None
    overdue: bool
    due_at: dt.datetime | None
    # Whom to ask about an escalation a restriction hides from the user (R45): the row then
    # shows its reference and nothing else, unless the user raised it (`followed`).
    restricted_ask: str | None = None
    # Raised by the user (or their agency) and closed to them: where it stands is shown, with
    # whom to ask about the rest (R39, `escalations_followed_by_raiser`).
    followed: bool = False
    # The council whose contact it is, on a partner's list of a service of several councils.
    council_name: str = ""


def escalations_raised_by(user: User, *, restricted_rows: bool = False) -> QuerySet[Escalation]:
    """The escalations `user` raised: for a partner agency user, those their agency raised.
    `restricted_rows` as for `escalations_visible_to`."""
    return escalations_visible_to(user, restricted_rows=restricted_rows).filter(_raised_by(user))


def escalation_list(*, user: User, now: dt.datetime, raised_only: bool = False) -> list[Row]:
    """Open escalations first, the soonest due first; then the resolved, the latest first; then
    those a restriction hides from `user`, each only with whom to ask (R45), so that the list
    counts every escalation and none vanishes. `raised_only`: only those the user (or a
    partner's agency) raised."""
    chosen = (
        escalations_raised_by(user, restricted_rows=True)
        if raised_only
        else escalations_visible_to(user, restricted_rows=True)
    )
    escalations = with_steps(
        chosen.annotate(
            open_first=Case(
                When(state=Escalation.State.OPEN, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            ),
            raised_by_user=Case(
                When(_raised_by(user), then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            ),
        )
    ).order_by("open_first", "-raised_at", "-id")
    rows = []
    for escalation in escalations:
        ask = getattr(escalation, "restricted_ask", None)  # annotated by the query
        followed = ask is not None and bool(escalation.raised_by_user)  # type: ignore[attr-defined]  # annotated by the query
        if ask is not None and not followed:
            # Nothing of the restricted record, not even where it stands: whom to ask (R45).
            rows.append(Row(escalation, None, False, None, restricted_ask=ask))
            continue
        step = current_step(escalation)
        is_open = escalation.state == Escalation.State.OPEN
        due = step.due_at if step and is_open else None
        rows.append(
            Row(
                escalation,
                step,
                bool(step and is_open and step_state(step, now) == "overdue"),
                due,
                restricted_ask=ask,
                followed=followed,
            )
        )
    # Open ones by due time (no timescale last); the database cannot sort by a prefetched step.
    far = dt.datetime.max.replace(tzinfo=dt.UTC)
    rows.sort(
        key=lambda row: (
            row.restricted_ask is not None and not row.followed,
            row.escalation.state != Escalation.State.OPEN,
            row.due_at or far if row.escalation.state == Escalation.State.OPEN else far,
        )
    )
    return rows


def step_state(step: StepRecord, now: dt.datetime) -> str:
    """'in time', 'late', 'overdue', 'waiting' or 'no timescale' (R43): the one definition, for
    the list's overdue rows, the log and the report per step."""
    if step.ended_at:
        return "late" if step.was_late else "in time"
    if step.due_at is None:
        return "no timescale"
    return "overdue" if now > step.due_at else "waiting"


# The escalation log and the per-step report -------------------------------------------------


LOG_COLUMNS = [
    "Reference",
    "Contact",
    "Decision",
    "What is disagreed with",
    "Raised by",
    "Agency",
    "Raised at",
    "Step reached",
    "Step name",
    "State",
    "Current step due",
    "Late steps",
    "Resolved at",
    "Outcome",
]


def agency_name(policy: Policy, key: str) -> str:
    if not key:
        return "Children's services"
    return policy.agency_name(key)


def escalation_log(*, user: User, policy: Policy, now: dt.datetime) -> list[list]:
    """The escalation summary log (R42 step 2): one row per escalation, oldest first."""
    rows: list[list] = []
    escalations = list(
        with_steps(
            escalations_visible_to(user, restricted_rows=True).annotate(
                raised_by_user=Case(
                    When(_raised_by(user), then=Value(1)),
                    default=Value(0),
                    output_field=IntegerField(),
                )
            )
        ).order_by("raised_at", "id")
    )
    # R45: a restricted sibling's names are withheld from what was written about the contact.
    withheld = names_withheld_by_contact(
        user,
        contact_ids=[
            each.contact_id
            for each in escalations
            if getattr(each, "restricted_ask", None) is None  # annotated by the query
        ],
    )
    for escalation in escalations:
        step = current_step(escalation)
        unnamed = withheld.get(escalation.contact_id, [])
        ask = getattr(escalation, "restricted_ask", None)  # annotated by the query
        followed = ask is not None and bool(escalation.raised_by_user)  # type: ignore[attr-defined]  # annotated by the query
        if followed:
            # R39: the raiser follows it; the restricted people's details are withheld (R45).
            unnamed = names_withheld_from(user, contact=escalation.contact_id, whole_contact=True)
        elif ask is not None:
            # Counted, but nothing of the restricted record: whom to ask instead (R45).
            rows.append(
                [escalation.reference, f"Restricted: ask {ask}"] + [""] * (len(LOG_COLUMNS) - 2)
            )
            continue
        is_open = escalation.state == Escalation.State.OPEN
        late = sum(
            1
            for record in escalation.steps.all()
            if record.was_late
            or (is_open and record is step and step_state(record, now) == "overdue")
        )
        decision = escalation.decision
        rows.append(
            [
                escalation.reference,
                escalation.contact.reference,
                decision_words(decision, ask=ask if followed else None),
                redact(escalation.about, unnamed),
                str(escalation.raised_by),
                agency_name(policy, escalation.raised_by_agency),
                exports.london_time(escalation.raised_at),
                escalation.step,
                step.name if step else "",
                escalation.get_state_display(),
                exports.london_time(step.due_at) if step and is_open else "",
                late,
                exports.london_time(escalation.resolved_at),
                redact(escalation.outcome, unnamed),
            ]
        )
    return rows


def decision_words(decision: Decision | None, *, ask: str | None = None) -> str:
    """The escalated decision in a few words: its outcome and the child, or, for a raiser
    following a decision about a child closed to them (R39, R45), the outcome they disagreed
    with and whom to ask in place of the child."""
    if decision is None:
        return ""
    child = f"[restricted: ask {ask}]" if ask is not None else str(decision.child)
    return f"{decision.outcome_label} for {child}"


REPORT_COLUMNS = ["Step", "Name", "Reached", "Resolved at this step", "Escalated", "Open", "Late"]


@dataclass
class StepFigures:
    number: int
    name: str
    reached: int = 0
    resolved: int = 0
    escalated: int = 0
    open: int = 0
    late: int = 0

    def as_row(self) -> list:
        return [
            # A meeting's own step comes before the council's numbered steps (R39).
            self.number or "Before step 1",
            self.name,
            self.reached,
            self.resolved,
            self.escalated,
            self.open,
            self.late,
        ]


def step_report(*, user: User, policy: Policy, now: dt.datetime) -> list[StepFigures]:
    """How many escalations reached each step, were resolved or escalated there, and how many
    were late: ended after the step's due time, or still open past it (R42).

    Steps are counted by name: an escalation of a meeting's outcome may begin at the meeting's
    own step (R39), so the same step can have a different number in different escalations. The
    escalation steps are numbered as the policy gives them; a meeting's own step, which comes
    before them, is step 0."""
    first = policy.escalation.meeting_first_step
    figures = {first.step.name: StepFigures(0, first.step.name)} if first else {}
    for number, step in enumerate(policy.escalation.steps, start=1):
        figures.setdefault(step.name, StepFigures(number, step.name))
    # Figures name no one: an escalation about a restricted record is counted (R45).
    steps = StepRecord.objects.filter(
        escalation__in=_escalations_by_role(user).values("pk")
    ).select_related("escalation")
    for record in steps:
        if record.name not in figures:  # a step an older version of the policy named
            number = max((row.number for row in figures.values()), default=0) + 1
            figures[record.name] = StepFigures(number, record.name)
        row = figures[record.name]
        row.reached += 1
        if record.ended_at is None:
            row.open += 1
        elif record.escalation.step > record.number:
            row.escalated += 1
        else:
            row.resolved += 1
        if step_state(record, now) in ("late", "overdue"):
            row.late += 1
    return sorted(figures.values(), key=lambda row: row.number)
