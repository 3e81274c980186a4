"""Which restrictions hide records from a user: the one query the base selectors add (R45).

`people.selectors.people_visible_to`, `intake.selectors.contacts_visible_to` and the selectors
above them filter on this, so a page, the API and an export cannot differ about a restricted
record. A restriction applies to the restricted person: a contact closes only when it has no
child the user may see, or a restricted adult (`restrictions_closing_contact`), and what is
written about it (an escalation, a meeting's record) stays readable with a restricted child's
names withheld (`intake.selectors.names_withheld_from`); a disclosure of a contact's records
is hidden when anyone in it is restricted (`restrictions_hiding_contact`). Setting and
lifting a restriction are privacy's (`privacy.restrictions`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.apps import apps
from django.db.models import Exists, Manager, Model, OuterRef, Q, QuerySet, Subquery

from frontdoor.people.models import Restriction
from frontdoor.policy.councils import of_served_council

if TYPE_CHECKING:
    from frontdoor.accounts.models import User


def restrictions_hiding_from(user: User) -> QuerySet[Restriction]:
    """Restrictions in force that do not name `user`."""
    return Restriction.objects.filter(lifted_at__isnull=True).exclude(allowed_users=user)


def person_hidden_from(user: User, *, person=None) -> Exists:
    """True for rows whose person (by default the column `person_id`, or an OuterRef or id given
    as `person`) is restricted from `user`: what hides a reported child or adult (R45)."""
    person = OuterRef("person_id") if person is None else person
    return Exists(restrictions_hiding_from(user).filter(person=person))


def restriction_hiding_person(*, user: User, person_id: int) -> Restriction | None:
    """The restriction that keeps `user` out of a person's record, if one does."""
    return (
        restrictions_hiding_from(user)
        .filter(of_served_council("person__council"), person_id=person_id)
        .first()
    )


def _reported_children() -> Manager[Model]:
    """The children reported in contacts (intake's model), reached by name from the registry of
    models: people sits below intake, so it does not import it."""
    return apps.get_model("intake", "ReportedChild")._default_manager


def restrictions_closing_contact(user: User, *, contact=None) -> QuerySet[Restriction]:
    """Restrictions closing a whole contact to `user` (R45): the rule for the contact itself,
    its pages, lists, API and MASH enquiries.

    A restriction applies to the restricted person. A contact is closed when a restricted adult
    is reported in it, or when every child it is about is restricted from `user`: a contact
    about siblings stays open on the children `user` may see, the restricted child shown only
    as whom to ask (`intake.selectors.children_hidden_from`).

    `contact` is a contact's id, or by default an OuterRef, for an EXISTS against contacts.
    """
    contact = OuterRef("pk") if contact is None else contact
    # One level further in, an outer reference reaches one level further out.
    inner = OuterRef(contact) if isinstance(contact, OuterRef) else contact
    child_seen = _reported_children().filter(contact=inner).exclude(person_hidden_from(user))
    return restrictions_hiding_from(user).filter(
        Q(person__reported_as_adult__contact=contact)
        | Q(~Exists(child_seen), person__reported_as_child__contact=contact)
    )


def whom_to_ask_about_contact(user: User, *, contact=None) -> Subquery:
    """Whom to ask about a contact closed to `user`, or None when it is open to them: the
    annotation a list shows in place of the contact's names (`contact` as for
    `restrictions_closing_contact`)."""
    contact = OuterRef("pk") if contact is None else contact
    return Subquery(restrictions_closing_contact(user, contact=contact).values("ask")[:1])


def restrictions_hiding_contact(user: User, *, contact=None) -> QuerySet[Restriction]:
    """Restrictions on anyone reported in a contact, not naming `user`: for what is disclosed
    of the contact as a whole (a disclosure, a hand-off's list, a log that must count it), so
    hidden when any of its people is restricted (R45).

    `contact` is a contact's id, or by default an OuterRef, for an EXISTS against contacts.
    """
    contact = OuterRef("pk") if contact is None else contact
    return restrictions_hiding_from(user).filter(
        Q(person__reported_as_child__contact=contact)
        | Q(person__reported_as_adult__contact=contact)
    )


def whom_to_ask_about_person(user: User, *, person=None) -> Subquery:
    """Whom to ask about a person restricted from `user`, or None: an annotation on reported
    children (by default their `person_id`), for a page showing a restricted child of a contact
    it otherwise shows."""
    person = OuterRef("person_id") if person is None else person
    return Subquery(restrictions_hiding_from(user).filter(person=person).values("ask")[:1])


def contacts_hidden_from(user: User, contacts: QuerySet) -> QuerySet:
    """Of `contacts`, those a restriction hides from `user`: what a list that must still count
    them (a log, a return's data to fix) shows without naming anyone."""
    return contacts.filter(Exists(restrictions_hiding_contact(user)))
