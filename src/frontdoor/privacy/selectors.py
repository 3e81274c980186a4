"""Reads for privacy: who is kept out of a record, what was disclosed to whom, and what is due
for review under the council's retention policy (R11-R16, R45).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from django.db.models import Max, Q
from django.urls import reverse
from django.utils import timezone

from frontdoor import exports
from frontdoor.audit.models import AuditEvent, RecordView
from frontdoor.handoffs.models import HandOff
from frontdoor.intake.models import Attachment, Consent, Contact, Report
from frontdoor.mash.models import AgencyRequest
from frontdoor.mash.selectors import SHARING_LEVEL
from frontdoor.people.models import Person, Restriction
from frontdoor.people.restrictions import (
    contacts_hidden_from,
)
from frontdoor.policy.clocks import LONDON
from frontdoor.policy.councils import of_served_council
from frontdoor.policy.rag import Rag, rag_label
from frontdoor.policy.registry import current_policy
from frontdoor.policy.schema import OutcomeEffect, Policy
from frontdoor.screening.models import (
    ConsentRecord,
    ConsentStatus,
    Decision,
    SharingAuthorisation,
    Transfer,
    TransferArrival,
)

if TYPE_CHECKING:
    from frontdoor.accounts.models import User


def restrictions_in_force() -> list[Restriction]:
    """Every restriction in force, with its person and the staff named on it."""
    return list(
        Restriction.objects.filter(of_served_council("person__council"), lifted_at__isnull=True)
        .select_related("person", "set_by")
        .prefetch_related("allowed_users")
        .order_by("person__last_name", "person__first_name", "id")
    )


# How the sharing was lawful, as the disclosure log words it (R12-R16).
CONSENT_GIVEN = "Consent given"
WITHOUT_CONSENT = "Authorised without consent"
NOT_RECORDED = "Not recorded"
# A hand-off to the council's own case record under the Children Act's duties (R44).
STATUTORY_DUTY = "Statutory duty"


@dataclass(frozen=True)
class Disclosure:
    """One time information about a child left the council's front door for another body."""

    at: dt.datetime
    # "MASH enquiry", "Transfer", "Transfer received from <council>" or "Hand-off to the case
    # record"
    kind: str
    to: str
    what: str
    by: str
    lawful_basis: str
    lawful_basis_detail: str
    contact_reference: str
    child: str


def _lawful_basis(
    contact_id: int,
    at: dt.datetime,
    authorisations,
    consents,
    reported_consent,
    child_id: int | None = None,
    reasons: dict[str, str] | None = None,
    set_aside: bool = True,
) -> tuple[str, str]:
    """R14/R16 first (a manager's authority to share without consent), then R12-R13 consent.

    Only what was recorded by the time of the disclosure counts: consent given afterwards did
    not make an earlier disclosure lawful. For a disclosure about one child, only what was
    recorded for that child counts, not a sibling's (R12, R13). An authorisation counts only
    for work at a level where consent may be set aside (`set_aside`, R16).
    """

    def for_the_child(about: int | None) -> bool:
        return child_id is None or about is None or about == child_id

    for authorisation in authorisations.get(contact_id, []) if set_aside else []:
        if authorisation.authorised_at <= at and for_the_child(authorisation.child_id):
            reason = (reasons or {}).get(authorisation.reason, authorisation.reason)
            return WITHOUT_CONSENT, (
                f"{reason}: {authorisation.explanation} "
                f"(authorised by {authorisation.authorised_by})"
            )
    latest: dict[tuple[int | None, int | None], ConsentRecord] = {}
    for record in consents.get(contact_id, []):
        if record.recorded_at <= at and for_the_child(record.about_child_id):
            # In time order: the latest for each person wins.
            latest[(record.adult_id, record.child_id)] = record
    if latest and all(r.status == ConsentStatus.GIVEN for r in latest.values()):
        return CONSENT_GIVEN, f"recorded for {len(latest)} person(s)"
    if latest:
        statuses = sorted({r.get_status_display() for r in latest.values()})
        return NOT_RECORDED, "; ".join(statuses)
    if reported_consent.get(contact_id) == Consent.GIVEN:
        return CONSENT_GIVEN, "as the referrer reported; not yet confirmed in screening"
    return NOT_RECORDED, ""


def _in_london_days(field: str, start: dt.date | None, end: dt.date | None) -> Q:
    """`field` from the start of London day `start` to the end of London day `end` (either may
    be None: no bound)."""
    q = Q()
    if start is not None:
        q &= Q(**{f"{field}__gte": dt.datetime.combine(start, dt.time(), tzinfo=LONDON)})
    if end is not None:
        until = dt.datetime.combine(end + dt.timedelta(days=1), dt.time(), tzinfo=LONDON)
        q &= Q(**{f"{field}__lt": until})
    return q


def _restricted(row: Disclosure) -> Disclosure:
    """R45: a disclosure about a contact restricted from the reader stays in the log (it
    happened), saying nothing of whom it was about: no name and nothing typed about them."""
    return replace(
        row,
        what=f"{row.kind} about a restricted record",
        lawful_basis_detail="",
        child="A restricted record",
    )


def disclosures(
    *,
    user: User,
    person: Person | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
    policy: Policy | None = None,
) -> list[Disclosure]:
    """Every disclosure to another agency, newest first: MASH requests to partner agencies (R33)
    and transfers to another council (R17), with how each was lawful (R12-R16); each transfer
    another council on the service made to this one, from which council and when it arrived
    (R17); and, within the council, each child handed off to its case record (R44).

    `person` keeps disclosures from contacts in which that person was reported (child or adult);
    `start` and `end` are London dates, both included. A fixed number of queries. Those about
    a contact restricted from `user` keep only when, to whom, by whom and on what basis.
    """
    request_q = _in_london_days("alerted_at", start, end) & of_served_council(
        "enquiry__contact__council"
    )
    transfer_q = _in_london_days("sent_at", start, end) & of_served_council("contact__council")
    # A transfer's arrival is the sender's row too (`policy.row_security`): the receiver's are
    # those whose contact, the copy made in its inbox, is the council's.
    received_q = _in_london_days("arrived_at", start, end) & of_served_council("contact__council")
    handoff_q = (
        _in_london_days("delivered_at", start, end)
        & Q(delivered_at__isnull=False)
        & of_served_council("contact__council")
    )
    if person is not None:
        contacts = Contact.objects.filter(
            Q(children__person=person) | Q(adults__person=person)
        ).values("pk")
        request_q &= Q(enquiry__contact__in=contacts)
        transfer_q &= Q(contact__in=contacts)
        received_q &= Q(contact__in=contacts)
        handoff_q &= Q(contact__in=contacts)
    requests = list(
        AgencyRequest.objects.filter(request_q).select_related(
            "enquiry__contact", "enquiry__child", "enquiry__sent_by"
        )
    )
    transfers = list(
        Transfer.objects.filter(transfer_q).select_related(
            "contact", "decision__child", "sent_by", "arrival"
        )
    )
    # What the sender found and sent is in the arrival's findings: nothing of the sender's own
    # records is read, so the wall stays shut.
    received = list(TransferArrival.objects.filter(received_q).select_related("contact"))
    handoffs = list(
        HandOff.objects.filter(handoff_q).select_related(
            "contact", "child", "decision__decided_by", "accepted_by"
        )
    )
    contact_ids = (
        {r.enquiry.contact_id for r in requests}
        | {t.contact_id for t in transfers}
        | {a.contact_id for a in received}
        | {h.contact_id for h in handoffs}
    )
    hidden = set(
        contacts_hidden_from(user, Contact.objects.filter(pk__in=contact_ids)).values_list(
            "reference", flat=True
        )
    )
    authorisations: dict[int, list[SharingAuthorisation]] = {}
    for authorisation in SharingAuthorisation.objects.filter(
        contact_id__in=contact_ids
    ).select_related("authorised_by"):
        authorisations.setdefault(authorisation.contact_id, []).append(authorisation)
    consents: dict[int, list[ConsentRecord]] = {}
    for record in ConsentRecord.objects.filter(contact_id__in=contact_ids).order_by(
        "recorded_at", "id"
    ):
        consents.setdefault(record.contact_id, []).append(record)

    # What the first report said about consent: the referrer's word, until screening records it.
    reported_consent: dict[int, str] = {}
    for contact_id, consent in (
        Report.objects.filter(contact_id__in=contact_ids)
        .order_by("-received_at", "-id")
        .values_list("contact_id", "consent")
    ):
        reported_consent[contact_id] = consent  # the earliest report is written last
    # R14: the reason in the policy's words, not its key.
    reasons: dict[str, str] = policy.consent.reason_labels() if policy else {}
    # R16: the levels at which an authorisation stands in for consent.
    consent_policy = (policy or current_policy()).consent
    log: list[Disclosure] = []
    for request in requests:
        enquiry = request.enquiry
        basis, detail = _lawful_basis(
            enquiry.contact_id,
            request.alerted_at,
            authorisations,
            consents,
            reported_consent,
            child_id=enquiry.child_id,
            reasons=reasons,
            set_aside=consent_policy.may_be_set_aside_at(SHARING_LEVEL[Rag(enquiry.rag)]),
        )
        log.append(
            Disclosure(
                at=request.alerted_at,
                kind="MASH enquiry",
                to=policy.agency_name(request.agency_key) if policy else request.agency_key,
                what=(
                    f"MASH enquiry ({rag_label(enquiry.rag)}) about {enquiry.child}: "
                    f"{enquiry.reason}"
                ),
                by=str(enquiry.sent_by),
                lawful_basis=basis,
                lawful_basis_detail=detail,
                contact_reference=enquiry.contact.reference,
                child=str(enquiry.child),
            )
        )
    for transfer in transfers:
        arrival = getattr(transfer, "arrival", None)
        if arrival is not None:  # to a council on the service (R17): the Children Act's duty
            basis, detail = STATUTORY_DUTY, arrival.lawful_basis
        else:
            basis, detail = _lawful_basis(
                transfer.contact_id,
                transfer.sent_at,
                authorisations,
                consents,
                reported_consent,
                child_id=transfer.decision.child_id if transfer.decision is not None else None,
                reasons=reasons,
                set_aside=transfer.decision is None
                or consent_policy.may_be_set_aside_at(transfer.decision.level),
            )
        log.append(
            Disclosure(
                at=transfer.sent_at,
                kind="Transfer",
                to=transfer.to_council_name,
                what=f"{transfer.what_was_sent} ({transfer.sent_how})"
                + (f". {arrival.in_words}" if arrival is not None else ""),
                by=str(transfer.sent_by),
                lawful_basis=basis,
                lawful_basis_detail=detail,
                contact_reference=transfer.contact.reference,
                child=str(transfer.decision.child) if transfer.decision is not None else "",
            )
        )
    for arrival in received:
        sent = arrival.findings
        what = arrival.received_in_words
        if sent.get("what_was_sent"):
            what = f"{sent['what_was_sent']} ({sent.get('sent_how', '')}). {what}"
        by = sent.get("decided_by", "")
        log.append(
            Disclosure(
                at=arrival.arrived_at,
                kind=f"Transfer received from {arrival.from_council_name}",
                to=arrival.to_council_name,
                what=what,
                by=f"{by} ({arrival.from_council_name})" if by else arrival.from_council_name,
                lawful_basis=STATUTORY_DUTY,
                lawful_basis_detail=arrival.lawful_basis,
                contact_reference=arrival.contact.reference,
                child=sent.get("child", ""),
            )
        )
    for handoff in handoffs:
        at = handoff.delivered_at
        assert at is not None  # only delivered hand-offs were read
        if handoff.lawful_basis:
            basis, detail = STATUTORY_DUTY, handoff.lawful_basis
        else:  # early help rests on consent (R12)
            basis, detail = _lawful_basis(
                handoff.contact_id,
                at,
                authorisations,
                consents,
                reported_consent,
                child_id=handoff.child_id,
                reasons=reasons,
                set_aside=consent_policy.may_be_set_aside_at(handoff.decision.level),
            )
        log.append(
            Disclosure(
                at=at,
                kind="Hand-off to the case record",
                to=handoff.record_system_name,
                what=(
                    f"{handoff.get_kind_display()} of {handoff.child}: "
                    f"{handoff.decision.outcome_label}"
                ),
                by=_handed_off_by(handoff),
                lawful_basis=basis,
                lawful_basis_detail=detail,
                contact_reference=handoff.contact.reference,
                child=str(handoff.child),
            )
        )
    log = [_restricted(row) if row.contact_reference in hidden else row for row in log]
    return sorted(log, key=lambda d: d.at, reverse=True)


def _handed_off_by(handoff: HandOff) -> str:
    """Who disclosed a hand-off: the manager who decided, and, when the record took it by pulling
    (an early help worker taking the child, or the record's account), who took it then."""
    decided_by = handoff.decision.decided_by
    if handoff.delivered_how == "pull" and handoff.accepted_by is not None:
        return f"Decided by {decided_by}, taken by {handoff.accepted_by}"
    return str(decided_by)


@dataclass
class RetentionGroup:
    """Contacts of one kind whose last decision is older than the policy keeps them."""

    label: str
    years: int
    decided_before: dt.date
    references: list[str] = field(default_factory=list)


@dataclass
class RetentionReport:
    as_of: dt.date
    no_further_action: RetentionGroup
    referrals: RetentionGroup


# The most views the access log page lists; its CSV has them all.
ACCESS_SHOWN = 500


@dataclass(frozen=True)
class Access:
    """One view of a record by the member of staff asked about, the record named by number."""

    at: dt.datetime
    record: str
    url: str  # the record's page, or "" when it no longer exists (erased under retention)
    through: str


def access_log(
    *,
    viewer: User,
    start: dt.date | None = None,
    end: dt.date | None = None,
    limit: int | None = None,
) -> tuple[list[Access], int]:
    """What `viewer` has seen, newest first, and how many views in all (R45).

    Records are named by their reference or number, never by a person's name: whoever reads the
    log may not be named on a restriction that hides the record. A fixed number of queries.
    """
    views = RecordView.objects.filter(Q(viewer=viewer) & _in_london_days("at", start, end))
    count = views.count()
    ordered = views.order_by("-at", "-id")
    rows = list(ordered if limit is None else ordered[:limit])
    contact_type, attachment_type = Contact._meta.label_lower, Attachment._meta.label_lower
    download_type = AuditEvent._meta.label_lower
    ids_of = {
        kind: {int(row.target_id) for row in rows if row.target_type == kind}
        for kind in (contact_type, attachment_type, download_type)
    }
    references = dict(
        Contact.objects.filter(pk__in=ids_of[contact_type]).values_list("pk", "reference")
    )
    documents = dict(
        Attachment.objects.filter(pk__in=ids_of[attachment_type]).values_list(
            "pk", "report__contact__reference"
        )
    )
    # A download is logged as the view of its audit entry, which says which export it was.
    downloads = {
        pk: exports.title(changes)
        for pk, changes in AuditEvent.objects.filter(pk__in=ids_of[download_type]).values_list(
            "pk", "changes"
        )
    }
    return [_access(row, references, documents, downloads) for row in rows], count


def _access(row: RecordView, references: dict, documents: dict, downloads: dict) -> Access:
    kind, pk = row.target_type, int(row.target_id)
    record, url = f"{kind} {pk}", ""
    if kind == AuditEvent._meta.label_lower:
        record = downloads.get(pk, f"Download {pk}")
    elif kind == Contact._meta.label_lower:
        record = f"Contact {references.get(pk, f'{pk} (erased)')}"
        if pk in references:
            url = reverse("intake:contact", args=[references[pk]])
    elif kind == Attachment._meta.label_lower:
        record = f"Document {pk}" + (f" of contact {documents[pk]}" if pk in documents else "")
        if pk in documents:
            url = reverse("intake:contact", args=[documents[pk]])
    elif kind == Person._meta.label_lower:
        record, url = f"Person {pk}", reverse("people:person", args=[pk])
    return Access(at=row.at, record=record, url=url, through=row.through)


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February in a year without one
        return day.replace(year=day.year - years, day=28)


def retention_due(*, policy: Policy, as_of: dt.date | None = None) -> RetentionReport:
    """Contacts due for review under the policy's retention (R45), counted from the decision.

    A contact counts as no further action when every child's latest decision had that effect;
    as a referral when any decision for it became a referral (R29). Nothing is deleted here.
    """
    if policy.retention is None:
        raise ValueError(f"The {policy.council.name} policy has no retention section.")
    as_of = as_of or timezone.localdate()
    nfa = RetentionGroup(
        label="Contacts decided with no further action",
        years=policy.retention.contact_no_further_action_years,
        decided_before=_years_before(as_of, policy.retention.contact_no_further_action_years),
    )
    referrals = RetentionGroup(
        label="Referrals",
        years=policy.retention.referral_years,
        decided_before=_years_before(as_of, policy.retention.referral_years),
    )
    # Only contacts whose last decision is before the later cutoff can be due at all.
    latest_cutoff = max(nfa.decided_before, referrals.decided_before)
    cutoff = dt.datetime.combine(latest_cutoff, dt.time(), tzinfo=LONDON)
    contact_ids = (
        Contact.objects.filter(of_served_council())
        .annotate(last_decided=Max("decisions__decided_at"))
        .filter(last_decided__lt=cutoff)
        .values("pk")
    )
    decisions: dict[int, list] = {}
    for row in (
        Decision.objects.filter(contact_id__in=contact_ids)
        .order_by("contact_id", "child_id", "sequence")
        .values(
            "contact_id",
            "contact__reference",
            "child_id",
            "outcome_effect",
            "becomes_referral",
            "decided_at",
        )
    ):
        decisions.setdefault(row["contact_id"], []).append(row)
    for rows in decisions.values():
        reference = rows[0]["contact__reference"]
        last_day = max(r["decided_at"] for r in rows).astimezone(LONDON).date()
        latest_per_child = {r["child_id"]: r for r in rows}  # rows are in sequence order
        if any(r["becomes_referral"] for r in rows):
            if last_day < referrals.decided_before:
                referrals.references.append(reference)
        elif (
            all(
                r["outcome_effect"] == OutcomeEffect.NO_FURTHER_ACTION
                for r in latest_per_child.values()
            )
            and last_day < nfa.decided_before
        ):
            nfa.references.append(reference)
    nfa.references.sort()
    referrals.references.sort()
    return RetentionReport(as_of=as_of, no_further_action=nfa, referrals=referrals)
