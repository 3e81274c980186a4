"""Reading contacts: the inbox, one contact's record, consultations, and the contacts and missing
episodes about a person for the person page (R1-R11, R25, R29, R34, R45).

Need-to-know is applied in the query (R45): `contacts_visible_to` is the one base queryset for
every staff page, so a page, the API and an export cannot differ about who may see a contact.
Each read loads what its page needs in a fixed number of queries, whatever the number of rows.
"""

from __future__ import annotations

import contextlib
import copy
import datetime as dt
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, TypeVar

from django.db.models import Exists, Prefetch, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from frontdoor.accounts.permissions import can
from frontdoor.accounts.roles import PARTNER_ROLES
from frontdoor.audit import selectors as audit_views
from frontdoor.audit.labels import reason_label
from frontdoor.audit.models import AuditEvent
from frontdoor.errors import DomainError
from frontdoor.intake.models import (
    Attachment,
    Consultation,
    Contact,
    ContactQuerySet,
    MissingEpisode,
    Report,
    ReportedAdult,
    ReportedChild,
)
from frontdoor.people.models import Involvement, Person, Restriction
from frontdoor.people.restrictions import (
    person_hidden_from,
    restriction_hiding_person,
    restrictions_closing_contact,
    whom_to_ask_about_contact,
    whom_to_ask_about_person,
)
from frontdoor.people.selectors import (
    TimelineEntry,
    case_record_ids,
    entries_from_other_apps,
    involvement_entries,
)
from frontdoor.policy.clocks import LONDON, time_in_words
from frontdoor.policy.councils import of_served_council
from frontdoor.wording import in_sentence

if TYPE_CHECKING:
    from frontdoor.accounts.models import User

# The inbox's age filters: how long ago a contact was received, or whether it is overdue (R25).
AGE_FILTERS = ("today", "over_1_day", "over_3_days", "overdue")


def contacts_visible_to(user: User, *, restricted_rows: bool = False) -> ContactQuerySet:
    """The contacts `user` may open: children's services staff see the front door's contacts.

    A contact about a restricted person (people.Restriction) is left out unless `user` is named
    on the restriction. With `restricted_rows`, it stays in instead, annotated with whom to ask
    (`restricted_ask`, None when the user may open it), so a list can say a record exists
    without showing it. Either way it is one EXISTS subquery: no query per row.
    """
    if not can(user, "inbox.view"):
        return Contact.objects.none()
    contacts = Contact.objects.filter(of_served_council())
    if restricted_rows:
        return contacts.annotate(restricted_ask=whom_to_ask_about_contact(user))
    return contacts.exclude(Exists(restrictions_closing_contact(user)))


def children_listed_for(user: User) -> QuerySet[ReportedChild]:
    """Contacts' children as a list shows them to `user`: each restricted from them annotated
    with whom to ask (`restricted_ask`, None when they may see the child), shown in place of
    the child's name (R45). One subquery, no query per row."""
    return ReportedChild.objects.annotate(restricted_ask=whom_to_ask_about_person(user))


def children_hidden_from(user: User, *, contact: Contact) -> dict[int, str]:
    """Of the children `contact` is about, those restricted from `user` (R45), with whom to ask:
    a page or the API shows each only as "Restricted: ask ...", and nothing may be done for
    them. The contact itself stays open while it has a child `user` may see."""
    return dict(
        ReportedChild.objects.filter(contact=contact)
        .annotate(ask=whom_to_ask_about_person(user))
        .filter(ask__isnull=False)
        .order_by("id")
        .values_list("id", "ask")
    )


def children_seen_by(user: User, *, contact: Contact) -> QuerySet[ReportedChild]:
    """The children of `contact` that `user` may see (R45): what any page offering a child of the
    contact to pick, name or go on to (a sibling's form, a consent or authorisation list) lists,
    so a restricted child is neither named nor linked there. `children_hidden_from` gives the
    others, with whom to ask."""
    return ReportedChild.objects.filter(contact=contact).exclude(person_hidden_from(user))


# Every free-text field of a contact's records that staff, partners or an early help worker
# read, by model: words about the family, which may name anyone in the contact (R45). The one
# list the pages, the APIs and the early help hand-off page withhold a restricted child's names
# from. A report's are the referrer's words; the referrer's own name, agency, role, telephone,
# e-mail and postal address are not words about the family but who reported and how to reach
# them (R11 governs who sees them). Names and dates are not free text: a restricted child's own
# row is shown only as whom to ask.
FREE_TEXT_FIELDS: dict[type[Report | ReportedChild | ReportedAdult], tuple[str, ...]] = {
    Report: (
        "worry",
        "working_well",
        "child_voice",
        "child_location",
        "alleged_perpetrator",
        "other_agencies",
        "consent_notes",
        "summary",
        "referrer_relationship",
    ),
    ReportedChild: ("special_needs", "communication"),
    ReportedAdult: ("relationship_to_child",),
}
REPORT_TEXT_FIELDS = FREE_TEXT_FIELDS[Report]


@dataclass(frozen=True)
class Withheld:
    """A restricted child's names to withhold from free text, and whom to ask about them.

    `pattern` matches, as whole words in any case, either a visible person's full name (the
    group `keep`, left as written) or one of the restricted child's names (the group `hide`).
    """

    pattern: re.Pattern[str]
    ask: str

    def sub(self, text: str) -> str:
        """`text` with each of the child's names replaced by whom to ask about them."""
        marker = f"[restricted: ask {self.ask}]"
        return self.pattern.sub(lambda match: match.groupdict().get("keep") or marker, text)


def _name_words(value: str | None) -> list[str]:
    return [part for part in re.split(r"[\s,;/]+", value or "") if len(part) > 1]


def _full_names(who) -> set[str]:
    """A person's full names as free text may write them: each given name (first or other)
    with the surname, and all the given names with it."""
    given = _name_words(who.first_name) + _name_words(who.other_names)
    surname = " ".join(_name_words(who.last_name))
    if not surname or not given:
        return set()
    return {f"{name} {surname}" for name in given} | {" ".join([*given, surname])}


def _as_words(names: set[str]) -> str:
    """Names as regular-expression alternatives, the longest first, any spacing between words."""
    return "|".join(
        r"\s+".join(re.escape(word) for word in name.split())
        for name in sorted(names, key=len, reverse=True)
    )


def names_withheld_from(
    user: User, *, contact: Contact | int, whole_contact: bool = False
) -> list[Withheld]:
    """The names of each child of `contact` restricted from `user` (R45), as reported and on
    their person record: their full names, their given names (first and other) and their
    surname, matched as whole words in any case.

    A brother or sister `user` may see often shares the surname. The surname is still withheld
    wherever it stands alone ("the Ashcombe children", "Ms Ashcombe's daughter"): free text
    cannot say which of the family it means, and it may be the restricted child, so withholding
    it is the safe reading. It is left as written only inside the full name of someone visible
    on the contact (a child `user` may see, or an adult of the contact): "Jack Ashcombe" reads
    as Jack's name, never as "Jack [restricted: ask ...]", and it tells the reader nothing the
    page does not already show. A visible person's full name that is also the restricted
    child's is withheld.

    `whole_contact`: for someone who may follow what they raised about a contact closed to them
    (an escalation's raiser, R39), who sees none of it: the restricted adults' names are withheld
    too, and each restricted person's date of birth, address and postcode wherever free text
    writes them (`_details_as_words`).
    """
    rows: list[ReportedChild | ReportedAdult] = list(
        ReportedChild.accounts.filter(contact=contact, person__isnull=False)
        .annotate(ask=whom_to_ask_about_person(user))
        .filter(ask__isnull=False)
        .select_related("person")
    )
    if whole_contact:
        rows += list(
            ReportedAdult.accounts.filter(contact=contact, person__isnull=False)
            .annotate(ask=whom_to_ask_about_person(user))
            .filter(ask__isnull=False)
            .select_related("person")
        )
    if not rows:
        return []
    hidden = {(type(row), row.pk) for row in rows}
    visible: set[str] = set()
    everyone: list[ReportedChild | ReportedAdult] = [
        *ReportedChild.accounts.filter(contact=contact).select_related("person"),
        *ReportedAdult.accounts.filter(contact=contact).select_related("person"),
    ]
    others = [other for other in everyone if (type(other), other.pk) not in hidden]
    for other in others:
        for who in (other, other.person):
            if who is not None:
                visible |= _full_names(who)
    withheld = []
    for child in rows:
        names: set[str] = set()
        full: set[str] = set()
        for who in (child, child.person):
            if who is None:
                continue
            full |= _full_names(who)
            for value in (who.first_name, who.last_name, who.other_names):
                names.update(_name_words(value))
        if not names:
            continue
        restricted = {name.casefold() for name in full}
        words = {word.casefold() for word in names}
        keep = {
            name
            for name in visible
            if name.casefold() not in restricted
            and words & {word.casefold() for word in name.split()}
        }
        hide = _as_words(full | names)
        if whole_contact:
            hide = "|".join(filter(None, [hide, _details_as_words(child)]))
        either = rf"(?P<keep>{_as_words(keep)})|(?P<hide>{hide})" if keep else f"(?P<hide>{hide})"
        ask = child.ask  # type: ignore[union-attr]  # annotated by the queries above
        withheld.append(Withheld(re.compile(rf"\b(?:{either})\b", re.IGNORECASE), ask))
    return withheld


# How free text may write a date of birth: 3/4/2015, 03/04/2015, 3.4.2015, 2015-04-03,
# 3 April 2015, 3 Apr 2015.
_DATE_FORMATS = ("{d}/{m}/{y}", "{dd}/{mm}/{y}", "{d}.{m}.{y}", "{dd}.{mm}.{y}", "{iso}")


def _details_as_words(who: ReportedChild | ReportedAdult) -> str:
    """A restricted person's date of birth, address and postcode, as reported and on their
    person record, as regular-expression alternatives (for `names_withheld_from`)."""
    dates: set[str] = set()
    places: set[str] = set()
    for each in (who, who.person):
        if each is None:
            continue
        born = each.date_of_birth
        if born is not None:
            values = {
                "d": str(born.day),
                "m": str(born.month),
                "dd": f"{born.day:02}",
                "mm": f"{born.month:02}",
                "y": str(born.year),
                "iso": born.isoformat(),
            }
            dates |= {form.format(**values) for form in _DATE_FORMATS}
            for month in (born.strftime("%B"), born.strftime("%b")):
                dates.add(f"{born.day} {month} {born.year}")
        places |= {
            line.strip()
            for line in re.split(r"[\n,]+", getattr(each, "address", "") or "")
            if len(line.strip()) > 3
        }
        postcode = "".join((each.postcode or "").split())
        if len(postcode) > 4:
            places.add(f"{postcode[:-3]} {postcode[-3:]}")
    words = [re.escape(date) for date in sorted(dates, key=len, reverse=True)]
    return "|".join(filter(None, [*words, _as_words(places)]))


def redact(text: str, withheld: list[Withheld]) -> str:
    """`text` with each withheld name replaced by whom to ask about the person."""
    for each in withheld:
        text = each.sub(text)
    return text


def names_withheld_by_contact(
    user: User, *, contact_ids: Iterable[int]
) -> dict[int, list[Withheld]]:
    """`names_withheld_from` for each of several contacts (R45), for a list of what was written
    about many contacts (the escalation log, a queue's follow-ups): one query finds the contacts
    with a child restricted from `user`, and only those have their names read. A contact not in
    the result withholds nothing."""
    with_hidden = (
        ReportedChild.accounts.filter(contact_id__in=set(contact_ids), person__isnull=False)
        .filter(person_hidden_from(user))
        .values_list("contact_id", flat=True)
        .distinct()
    )
    return {
        contact_id: names_withheld_from(user, contact=contact_id)
        for contact_id in sorted(set(with_hidden))
    }


Row = TypeVar("Row", Report, ReportedChild, ReportedAdult)


def seen_by(
    user: User, *, contact: Contact, rows: list[Row], withheld: list[Withheld] | None = None
) -> list[Row]:
    """`rows` of `contact` (reports, children or adults) as `user` may read them (R45): a
    restricted child's names withheld from each of their `FREE_TEXT_FIELDS`, each row marked
    `parts_withheld` when anything was. Copies, never saved: the record keeps what was
    written. `withheld` saves reading the names again for a second list of the same contact."""
    if withheld is None:
        withheld = names_withheld_from(user, contact=contact)
    if not withheld:
        return rows
    seen = []
    for row in rows:
        shown = copy.copy(row)
        shown.parts_withheld = False  # type: ignore[attr-defined]  # read by the pages
        for name in FREE_TEXT_FIELDS[type(row)]:
            before = getattr(row, name) or ""
            after = redact(before, withheld)
            if after != before:
                setattr(shown, name, after)
                shown.parts_withheld = True  # type: ignore[attr-defined]  # read by the pages
        seen.append(shown)
    return seen


def reports_seen_by(user: User, *, contact: Contact, reports: list[Report]) -> list[Report]:
    """`reports` as `user` may read them (R45), through `seen_by`. Every page and the API
    showing a report's words to staff or partners reads them through this."""
    return seen_by(user, contact=contact, rows=reports)


def restriction_hiding_child(user: User, *, child: ReportedChild) -> Restriction | None:
    """The restriction that keeps `user` from a child of a contact they may open, if one does:
    a page for that child alone (findings, a decision, an enquiry) says whom to ask (R45)."""
    if child.person_id is None:
        return None
    return restriction_hiding_person(user=user, person_id=child.person_id)


def require_child_seen(user: User, *, child: ReportedChild) -> None:
    """Refuse to act for a child restricted from `user` (R45): a decision, findings or an enquiry
    for a child are made only by someone who may see the child."""
    restriction = restriction_hiding_child(user, child=child)
    if restriction is not None:
        raise DomainError(
            f"This child's record is restricted: ask {restriction.ask}. Only the staff named "
            "on the restriction can act for this child."
        )


def restriction_hiding_contact(*, user: User, reference: str) -> Restriction | None:
    """The restriction that keeps `user` out of a contact, if one does (R45)."""
    contact = Contact.objects.filter(of_served_council(), reference=reference).only("pk").first()
    if contact is None:
        return None
    return restrictions_closing_contact(user, contact=contact.pk).first()


def contacts_open_to_reports(user: User) -> QuerySet[Contact]:
    """The contacts `user` may add a further report to (R7), as the pages allow (R45).

    Staff who record contacts add to any contact they may open. A partner system adds only to
    contacts its own agency reported: knowing a reference is not a reason to see or change it.
    """
    if can(user, "contact.record"):
        return contacts_visible_to(user)
    if not can(user, "contact.report"):
        return Contact.objects.none()
    own = Report.objects.filter(
        recorded_by__agency_key=user.agency_key, recorded_by__role__in=PARTNER_ROLES
    ).values("contact_id")
    return Contact.objects.filter(pk__in=own).exclude(Exists(restrictions_closing_contact(user)))


def inbox(
    *, user: User, channel: str = "", age: str = "", now: dt.datetime | None = None
) -> QuerySet[Contact]:
    """New contacts, the oldest first, with their reports' channels and children (R25).

    `channel` keeps contacts with any report on that channel (R7: a police notification may be
    the second report of an incident). `age` is one of AGE_FILTERS.
    """
    now = now or timezone.now()
    contacts = contacts_visible_to(user, restricted_rows=True).filter(state=Contact.State.RECEIVED)
    if channel:
        # An IN subquery, not a correlated EXISTS: SQLite then reads the reports once for the
        # page's count instead of probing them once per contact (bench/bench_inbox.py).
        contacts = contacts.filter(
            pk__in=Report.objects.filter(channel=channel).values("contact_id")
        )
    if age == "today":
        midnight = dt.datetime.combine(now.astimezone(LONDON).date(), dt.time(), tzinfo=LONDON)
        contacts = contacts.filter(received_at__gte=midnight)
    elif age == "over_1_day":
        contacts = contacts.filter(received_at__lte=now - dt.timedelta(days=1))
    elif age == "over_3_days":
        contacts = contacts.filter(received_at__lte=now - dt.timedelta(days=3))
    elif age == "overdue":
        contacts = contacts.overdue(now)
    return contacts.order_by("received_at", "id").prefetch_related(
        Prefetch(
            "reports",
            queryset=Report.objects.only("id", "contact_id", "channel", "received_at").order_by(
                "received_at", "id"
            ),
        ),
        Prefetch(
            "children",
            queryset=children_listed_for(user)
            .only("id", "contact_id", "first_name", "last_name", "unborn", "expected_date_of_birth")
            .order_by("id"),
        ),
    )


@dataclass(frozen=True)
class Clock:
    """A contact's deadline as it stands at `now`."""

    due: dt.datetime | None
    now: dt.datetime
    met_at: dt.datetime | None
    overdue: bool
    paused: bool = False  # R15: back with the referrer for consent, its clock stopped

    @property
    def left(self) -> dt.timedelta | None:
        return None if self.due is None else self.due - self.now


def progress_clock(contact: Contact, now: dt.datetime) -> Clock:
    """R25: by when the contact must be progressed, when it was, and whether it is overdue."""
    return Clock(
        due=contact.progress_due_at,
        now=now,
        met_at=contact.progressed_at,
        overdue=contact.is_overdue(now),
        paused=contact.is_with_the_referrer,
    )


def follow_up_status(contact: Contact, now: dt.datetime) -> str:
    """R3: whether the written referral after a telephoned immediate concern has arrived."""
    if contact.written_follow_up_due_at is None:
        return ""
    if not contact.awaits_written_follow_up:
        return "received"
    return "overdue" if contact.is_written_follow_up_overdue(now) else "awaited"


@dataclass(frozen=True)
class InboxRow:
    contact: Contact
    channels: list[str]
    children: list[ReportedChild]
    clock: Clock
    follow_up: str


def inbox_rows(contacts, now: dt.datetime) -> list[InboxRow]:
    """The inbox's rows for one page of contacts (already prefetched by `inbox`)."""
    rows = []
    for contact in contacts:
        channels: list[str] = []
        for report in contact.reports.all():
            label = report.get_channel_display()
            if label not in channels:
                channels.append(label)
        rows.append(
            InboxRow(
                contact=contact,
                channels=channels,
                children=list(contact.children.all()),
                clock=progress_clock(contact, now),
                follow_up=follow_up_status(contact, now),
            )
        )
    return rows


@dataclass(frozen=True)
class TrailEntry:
    """One entry of a contact's audit trail as its page shows it: what was done, in words, and
    the words the entry gave with it (a reason, a plan), under their own heading."""

    at: dt.datetime
    actor_name: str
    what: str
    reason: str
    reason_label: str = "Reason"


# Apps above `intake` whose records are about a contact (an escalation of a disagreement about
# it) add their entries to the contact's trail here, from their AppConfig.ready, so `intake`
# imports none of them: each source gives, for a contact's id, a Q of the audit entries' targets.
TRAIL_SOURCES: list[Callable[[int], Q]] = []


def add_trail_source(source: Callable[[int], Q]) -> None:
    if source not in TRAIL_SOURCES:
        TRAIL_SOURCES.append(source)


def _stage(key: object) -> str:
    return (
        in_sentence(Contact.State(key).label)
        if isinstance(key, str) and key in Contact.State.values
        else ""
    )


def _meeting_words(event: AuditEvent) -> str:
    """A meeting arranged: which, for when, and whether without a required agency or later
    than its timescale, as far as the entry recorded them (the reason is shown as the reason)."""
    changes = event.changes or {}
    words = f"{changes.get('kind_label') or 'Meeting'} scheduled"
    when = changes.get("scheduled_for")
    if isinstance(when, str):
        with contextlib.suppress(ValueError):
            moment = dt.datetime.fromisoformat(when).astimezone(LONDON)
            words += f" for {time_in_words(moment)}"
    if changes.get("without_required_agencies"):
        words += ", without every agency that must attend"
    if changes.get("later_than_timescale"):
        words += ", later than its timescale"
    return words


def trail_words(event: AuditEvent) -> str:
    """What an entry of a contact's trail did, in words: a change of stage says from which
    stage to which, as far as the entry recorded them (`changes["state"]`: [before, after]);
    a meeting arranged says which and when; an entry about another record (an escalation)
    names it."""
    if event.action == "meeting.scheduled":
        return _meeting_words(event)
    if event.target_type != Contact._meta.label_lower:
        named = (event.changes or {}).get("escalation") or event.target_repr
        return f"{event.label}: {named}" if named else event.label
    if event.action != "contact.state_changed":
        return event.label
    state = (event.changes or {}).get("state")
    before, after = state if isinstance(state, list) and len(state) == 2 else ("", state)
    before, after = _stage(before), _stage(after)
    if before and after:
        return f"{event.label} from {before} to {after}"
    if after:
        return f"{event.label} to {after}"
    return event.label


@dataclass(frozen=True)
class ContactRecord:
    """Everything the contact page shows, loaded in a fixed number of queries."""

    contact: Contact
    reports: list[Report]
    children: list[ReportedChild]
    adults: list[ReportedAdult]
    consultation: Consultation | None
    missing: MissingEpisode | None
    events: list[TrailEntry]
    seen: audit_views.Seen
    clock: Clock
    follow_up: str
    # R45: whom to ask about each child of the contact restricted from the reader, in place of
    # the child (they are not among `children`).
    restricted_children: list[str]


def contact_record(
    *, contact: Contact, user: User, now: dt.datetime | None = None
) -> ContactRecord:
    """A contact with every report, child, adult, document and its audit trail (R7, R10, R45);
    a child restricted from `user` only as whom to ask."""
    now = now or timezone.now()
    withheld = names_withheld_from(user, contact=contact)
    reports = seen_by(
        user,
        contact=contact,
        rows=list(contact.reports.select_related("recorded_by").prefetch_related("attachments")),
        withheld=withheld,
    )
    hidden = children_hidden_from(user, contact=contact)
    # With each one's person record, whose own name the contact page links by.
    children = seen_by(
        user,
        contact=contact,
        rows=[
            child
            for child in ReportedChild.objects.filter(contact=contact)
            .select_related("person")
            .order_by("id")
            if child.pk not in hidden
        ],
        withheld=withheld,
    )
    adults = seen_by(
        user,
        contact=contact,
        rows=list(
            ReportedAdult.objects.filter(contact=contact).select_related("person").order_by("id")
        ),
        withheld=withheld,
    )
    # R3, R7: what further reports said of each adult, in their own words, read in one query.
    accounts = ReportedAdult.accounts.filter(contact=contact, account_of__isnull=False)
    for adult in adults:
        adult.accounts_given = []  # type: ignore[attr-defined]  # read by the contact page
    by_pk = {adult.pk: adult for adult in adults}
    for account in seen_by(
        user,
        contact=contact,
        rows=list(accounts.select_related("report").order_by("id")),
        withheld=withheld,
    ):
        if account.account_of_id in by_pk:
            by_pk[account.account_of_id].accounts_given.append(account)  # type: ignore[attr-defined]  # set above
    consultation = Consultation.objects.filter(became_contact=contact).first()
    contact_type = Contact._meta.label_lower
    about = Q(target_type=contact_type, target_id=str(contact.pk))
    for source in TRAIL_SOURCES:
        about |= source(contact.pk)
    events = [
        TrailEntry(
            at=event.at,
            actor_name=event.actor_name,
            what=trail_words(event),
            reason=event.reason,
            reason_label=reason_label(event.action),
        )
        for event in AuditEvent.objects.filter(about).order_by("at", "id")
    ]
    attachment_ids = [a.pk for report in reports for a in report.attachments.all()]
    # Views of the contact and of its documents (each download is logged on the document).
    seen = audit_views.seen(
        audit_views.of(Contact, contact.pk) | audit_views.of(Attachment, *attachment_ids)
    )
    return ContactRecord(
        contact=contact,
        reports=reports,
        children=children,
        adults=adults,
        consultation=consultation,
        missing=MissingEpisode.objects.filter(contact=contact).first(),
        events=events,
        seen=seen,
        clock=progress_clock(contact, now),
        follow_up=follow_up_status(contact, now),
        restricted_children=list(hidden.values()),
    )


def first_report(*, contact: Contact) -> Report:
    """The report that opened the contact: a missing episode's or a consultation's own."""
    return contact.reports.order_by("id").first()  # type: ignore[return-value]  # a contact is made with a report


def attachment_of(*, contact: Contact, attachment_id: int) -> Attachment | None:
    """A document that came with one of `contact`'s reports (R10)."""
    return (
        Attachment.objects.select_related("report")
        .filter(pk=attachment_id, report__contact=contact)
        .first()
    )


def consultations_of_served_council() -> QuerySet[Consultation]:
    """The consultations (R8) of the council served, with the contact each became, if any."""
    return Consultation.objects.filter(of_served_council()).select_related(
        "became_contact", "recorded_by"
    )


def recent_consultations(*, limit: int = 50) -> QuerySet[Consultation]:
    """The latest consultations (R8), with the contact each became, if any."""
    return consultations_of_served_council().order_by("-at", "-id")[:limit]


# Apps above `intake` (handoffs) say where each reported child's hand-offs to the case record
# stand, from their AppConfig.ready: each source takes reported children's ids and gives, by
# child id, (contact reference, words) for each hand-off in force.
_HANDOFF_SOURCES: list[Callable[[list[int]], dict[int, list[tuple[str, str]]]]] = []


def add_handoff_source(source: Callable[[list[int]], dict[int, list[tuple[str, str]]]]) -> None:
    if source not in _HANDOFF_SOURCES:
        _HANDOFF_SOURCES.append(source)


def _handoffs_of(child_ids: list[int]) -> dict[int, list[tuple[str, str]]]:
    found: dict[int, list[tuple[str, str]]] = {}
    for source in _HANDOFF_SOURCES:
        for child_id, lines in source(child_ids).items():
            found.setdefault(child_id, []).extend(lines)
    return found


@dataclass(frozen=True)
class CaseRecord:
    """Where a child stands in the council's case record (R44): "Open in LCS as 123456" for
    each record that took them, and where each hand-off to it stands, in words."""

    opens: tuple[str, ...] = ()
    handoffs: tuple[str, ...] = ()


def case_records_of_children(children: list[ReportedChild]) -> dict[int, CaseRecord]:
    """For the contact page: each reported child's case record, by the child's id."""
    opens = case_record_ids({child.person_id for child in children if child.person_id})
    handoffs = _handoffs_of([child.pk for child in children])
    return {
        child.pk: CaseRecord(
            opens=tuple(opens.get(child.person_id, [])) if child.person_id else (),
            handoffs=tuple(words for _, words in handoffs.get(child.pk, [])),
        )
        for child in children
    }


def case_record_of_person(person: Person, contacts: list[Contact]) -> CaseRecord:
    """For the person page: the person's case records, and the hand-offs of them as a child in
    `contacts` (the contacts the page lists), each after its contact's reference."""
    child_ids = list(
        ReportedChild.objects.filter(person=person, contact__in=contacts).values_list(
            "pk", flat=True
        )
    )
    handoffs = _handoffs_of(child_ids)
    return CaseRecord(
        opens=tuple(case_record_ids([person.pk]).get(person.pk, [])),
        handoffs=tuple(
            f"Contact {reference}: {words}"
            for child_id in child_ids
            for reference, words in handoffs.get(child_id, [])
        ),
    )


def previous_contacts(person: Person, *, exclude_contact=None) -> QuerySet[Contact]:
    """Contacts in which a reported child linked to this person appears, the newest first."""
    qs = (
        Contact.objects.filter(Q(children__person=person) | Q(adults__person=person))
        .distinct()
        .order_by("-received_at", "-id")
    )
    if exclude_contact is not None:
        qs = qs.exclude(pk=exclude_contact.pk)
    return qs


@dataclass(frozen=True)
class MissingEpisodeFact:
    """One time the person went missing, from this system or another (R9, R34)."""

    went_missing_on: dt.date
    returned_on: dt.date | None
    source: str  # "contact FD-..." or the source system's name
    reference: str
    missing_from: str = ""


def missing_episodes_of(person: Person) -> list[MissingEpisodeFact]:
    """Every missing episode of the person, most recent first: imported and recorded here."""
    facts = [
        MissingEpisodeFact(
            went_missing_on=involvement.started_on,
            returned_on=involvement.ended_on,
            source=involvement.source_system,
            reference=involvement.external_id,
            missing_from=involvement.notes,
        )
        for involvement in Involvement.objects.filter(
            person=person, kind=Involvement.Kind.MISSING_EPISODE
        )
    ]
    for episode in MissingEpisode.objects.filter(child__person=person).select_related("contact"):
        facts.append(
            MissingEpisodeFact(
                went_missing_on=timezone.localtime(episode.went_missing_at).date(),
                returned_on=timezone.localtime(episode.returned_at).date()
                if episode.returned_at
                else None,
                source="frontdoor",
                reference=episode.contact.reference,
                missing_from=episode.missing_from,
            )
        )
    return sorted(facts, key=lambda fact: fact.went_missing_on, reverse=True)


def timeline_of(
    person: Person, *, contacts: list[Contact], missing: list[MissingEpisodeFact], user: User
) -> list[TimelineEntry]:
    """The person page's timeline, the most recent first: the person's contacts and missing
    episodes (as `previous_contacts` and `missing_episodes_of` read them), their involvements,
    and what the apps above add (screening's decisions, MASH enquiries). Staff-written words
    about a contact (an entry's `contact_id`) withhold its children restricted from `user` by
    name (R45): a sibling's decision may name them."""
    entries: list[TimelineEntry] = [
        TimelineEntry(
            on=timezone.localtime(contact.received_at).date(),
            kind="contact",
            title=f"Contact {contact.reference}",
            detail=f"{contact.get_kind_display()}, {in_sentence(contact.get_state_display())}",
            url=reverse("intake:contact", args=[contact.reference]),
        )
        for contact in contacts
    ]
    entries.extend(involvement_entries(person))
    entries.extend(
        TimelineEntry(
            on=episode.went_missing_on,
            kind="missing_episode",
            title="Went missing",
            detail=(
                f"Returned {episode.returned_on:%d/%m/%Y}"
                if episode.returned_on
                else "Not recorded as returned"
            ),
        )
        for episode in missing
    )
    withheld: dict[int, list[Withheld]] = {}
    for entry in entries_from_other_apps(person):
        if entry.opens_with and not can(user, entry.opens_with):
            entry = replace(entry, url="")
        if entry.contact_id is not None:
            if entry.contact_id not in withheld:
                withheld[entry.contact_id] = names_withheld_from(user, contact=entry.contact_id)
            entry = replace(entry, detail=redact(entry.detail, withheld[entry.contact_id]))
        entries.append(entry)
    # A stable sort: entries of one day keep the order above.
    return sorted(entries, key=lambda entry: entry.on, reverse=True)
