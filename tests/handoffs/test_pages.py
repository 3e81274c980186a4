"""R44: the manager's queue says where each child's hand-off stands; administrators see the ones
that fail and send them again."""

from __future__ import annotations

import datetime as dt
from html import unescape

import pytest
from django.urls import reverse
from django.utils import timezone

from frontdoor.accounts.roles import Role
from frontdoor.audit.models import AuditEvent, RecordView
from frontdoor.errors import DomainError
from frontdoor.handoffs import services
from frontdoor.handoffs.models import DeliveryAttempt, HandOff
from frontdoor.policy.registry import current_policy
from tests.attacks.html_checks import form_problems, page_problems, policy_keys
from tests.screening.test_decisions import DECIDED, decide

pytestmark = pytest.mark.django_db


def _row(page: str, reference: str) -> str:
    row = page[page.index(reference) :]
    return row[: row.index("</tr>")]


def test_r44_the_managers_queue_shows_each_childs_hand_off_state(
    client, make_contact, manager, record_system
):
    waiting, accepted = make_contact(), make_contact()
    decide(waiting, waiting.children.first(), manager)
    decide(accepted, accepted.children.first(), manager)
    services.accept(
        user=record_system,
        handoff=HandOff.objects.get(contact=accepted),
        external_id="123456",
    )
    client.force_login(manager)
    page = client.get(reverse("screening:queue")).content.decode()
    assert "Hand-off waiting to be delivered to LCS" in _row(page, waiting.reference)
    assert "accepted by LCS (Liquidlogic Children&#x27;s Social Care) as 123456" in _row(
        page, accepted.reference
    )


def test_r45_the_managers_queue_names_a_restricted_childs_hand_off_only_as_whom_to_ask(
    client, make_contact, manager, make_user, person_for, admin
):
    from frontdoor.privacy.restrictions import restrict

    contact = make_contact()
    restricted, sibling = contact.children.order_by("id")
    decide(contact, restricted, manager)
    restrict(
        person=person_for(restricted),
        allowed_users=[make_user(Role.SERVICE_MANAGER)],
        ask="The service manager",
        reason="A family member works in the MASH.",
        by=admin,
    )
    client.force_login(manager)
    page = client.get(reverse("screening:queue")).content.decode()
    row = _row(page, contact.reference)
    assert "Restricted: ask The service manager: Hand-off waiting to be delivered to LCS" in row
    assert restricted.first_name not in page  # the sibling shares the surname
    assert sibling.first_name in row


def test_r44_the_managers_queue_shows_where_a_decided_contacts_hand_offs_stand(
    client, make_contact, manager
):
    from django.utils import timezone

    decided, long_ago = make_contact(), make_contact()
    for child in decided.children.all():
        decide(decided, child, manager, now=timezone.now())
    for child in long_ago.children.all():
        decide(long_ago, child, manager)  # weeks ago
    client.force_login(manager)
    page = client.get(reverse("screening:queue")).content.decode()
    listed = page[page.index('id="decided"') :]
    assert "Hand-off waiting to be delivered to LCS" in _row(listed, decided.reference)
    assert long_ago.reference not in page
    # A decided contact is no longer in the open work above.
    assert decided.reference not in page[: page.index('id="decided"')]


def _stopped(contact, manager) -> HandOff:
    decide(contact, contact.children.first(), manager)
    handoff = HandOff.objects.get(contact=contact)
    DeliveryAttempt.objects.create(
        handoff=handoff,
        number=1,
        at=DECIDED,
        url="https://lcs.example/handoffs",
        message_id="msg_handoff_1",
        status_code=None,
        succeeded=False,
        error="no answer: connection refused",
    )
    HandOff.objects.filter(pk=handoff.pk).update(
        state=HandOff.State.DEAD, attempts=10, last_error="no answer: connection refused"
    )
    return handoff


def test_r44_an_administrator_sees_a_stopped_hand_off_with_its_log_and_sends_it_again(
    client, contact, manager, admin
):
    handoff = _stopped(contact, manager)
    client.force_login(admin)
    page = client.get(reverse("handoffs:troubled")).content.decode()
    assert "connection refused" in page
    assert str(contact.children.first()) in page
    assert "Try 1" in page
    response = client.post(reverse("handoffs:replay", args=[handoff.pk]))
    assert response.status_code == 302
    handoff.refresh_from_db()
    assert handoff.state == HandOff.State.WAITING
    assert AuditEvent.objects.filter(action="handoff.replayed").exists()


def test_the_administrators_page_says_how_many_stopped_when_it_lists_fewer(
    client, make_contact, manager, admin, monkeypatch
):
    from frontdoor.handoffs import views

    for _ in range(2):
        _stopped(make_contact(), manager)
    monkeypatch.setattr(views, "SHOWN", 1)
    client.force_login(admin)
    page = client.get(reverse("handoffs:troubled")).content.decode()
    assert "These are the oldest 1 of the 2 hand-offs stopped." in page
    monkeypatch.setattr(views, "SHOWN", 200)
    assert 'id="stopped-more"' not in client.get(reverse("handoffs:troubled")).content.decode()


def test_r45_a_restricted_persons_stopped_hand_off_names_no_one(
    client, contact, manager, admin, person_for
):
    person = person_for(contact.children.first())
    person.restricted = True
    person.save(update_fields=["restricted"])
    _stopped(contact, manager)
    client.force_login(admin)
    page = client.get(reverse("handoffs:troubled")).content.decode()
    assert "A restricted record" in page
    assert str(contact.children.first()) not in page


def test_only_administrators_open_the_page(client, manager):
    client.force_login(manager)
    assert client.get(reverse("handoffs:troubled")).status_code == 403


def test_r44_the_contact_and_person_pages_show_the_case_records_id_and_the_hand_offs_state(
    client, contact, manager, record_system, person_for
):
    child = contact.children.first()
    person = person_for(child)
    decide(contact, child, manager)
    client.force_login(manager)
    page = client.get(reverse("intake:contact", args=[contact.reference])).content.decode()
    assert "Hand-off waiting to be delivered to LCS" in page
    assert "Open in LCS" not in page
    services.accept(user=record_system, handoff=HandOff.objects.get(), external_id="123456")
    opens = "Open in LCS (Liquidlogic Children&#x27;s Social Care) as 123456"
    page = client.get(reverse("intake:contact", args=[contact.reference])).content.decode()
    assert opens in page
    assert "Hand-off accepted by LCS" in page
    page = client.get(reverse("people:person", args=[person.pk])).content.decode()
    assert opens in page
    assert f"Contact {contact.reference}: Hand-off accepted by LCS" in page


def test_r44_the_contact_page_says_when_and_why_a_hand_off_was_withdrawn(
    client, contact, manager, person_for
):
    child = contact.children.first()
    person = person_for(child)
    decide(contact, child, manager)
    # Revised before delivery to early help: the hand-off to LCS is withdrawn, not replaced by
    # another to LCS, so its line stays, saying when and why.
    decide(contact, child, manager, level=2, outcome="early_help", based_on=1)
    withdrawn, to_ehm = HandOff.objects.order_by("id")
    assert withdrawn.withdrawn and withdrawn.replaced_at == to_ehm.created_at
    client.force_login(manager)
    page = unescape(
        client.get(reverse("intake:contact", args=[contact.reference])).content.decode()
    )
    when = f"{timezone.localtime(withdrawn.replaced_at):%-d %b %Y at %H:%M}"
    lcs = "LCS (Liquidlogic Children's Social Care)"
    assert (
        f"Hand-off to {lcs} withdrawn on {when} before {lcs} took it: the decision was revised "
        f"and no longer hands the child to {lcs}"
    ) in page
    assert "Hand-off waiting to be delivered to EHM" in page
    page = unescape(client.get(reverse("people:person", args=[person.pk])).content.decode())
    assert f"Hand-off to {lcs} withdrawn on {when}" in page


def test_r44_a_hand_off_replaced_by_one_to_the_same_record_is_not_called_withdrawn(
    client, contact, manager
):
    child = contact.children.first()
    decide(contact, child, manager)
    decide(contact, child, manager, rationale="Revised: the account changed.", based_on=1)
    replaced, successor = HandOff.objects.order_by("id")
    assert replaced.replaced_by == successor
    assert replaced.state == HandOff.State.REPLACED and not replaced.withdrawn
    client.force_login(manager)
    page = client.get(reverse("intake:contact", args=[contact.reference])).content.decode()
    assert "withdrawn" not in page
    assert page.count("Hand-off waiting to be delivered to LCS") == 1


def test_r45_a_restricted_childs_case_record_id_is_shown_to_no_one_else(
    client, contact, manager, record_system, person_for, worker, admin, officer
):
    from frontdoor.privacy.restrictions import restrict

    child = contact.children.first()
    person = person_for(child)
    decide(contact, child, manager)
    services.accept(user=record_system, handoff=HandOff.objects.get(), external_id="123456")
    restrict(person=person, allowed_users=[worker], ask="Ask the lead", reason="Kin", by=admin)
    client.force_login(officer)
    for url in (
        reverse("intake:contact", args=[contact.reference]),
        reverse("people:person", args=[person.pk]),
    ):
        assert "123456" not in client.get(url).content.decode()


def _early_help(contact, manager, child=None, **overrides) -> HandOff:
    values = {"rationale": "Needs support with routines: Team Around the Family.", **overrides}
    decision = decide(
        contact, child or contact.children.first(), manager, level=2, outcome="early_help", **values
    )
    return HandOff.objects.get(decision=decision)


def _restrict_from_early_help(child, *, person_for, manager, admin) -> None:
    """Restrict the child's record to the MASH manager: early help workers are told whom to
    ask."""
    from frontdoor.privacy.restrictions import restrict

    restrict(
        person=person_for(child),
        allowed_users=[manager],
        ask="The early help team manager",
        reason="A family member works in early help.",
        by=admin,
    )


def test_r20_the_home_page_leads_the_early_help_worker_to_the_children_routed_to_them(
    client, make_user
):
    client.force_login(make_user(Role.EARLY_HELP_WORKER))
    page = client.get(reverse("home")).content.decode()
    assert f'href="{reverse("handoffs:early_help")}"' in page


def test_r20_the_early_help_worker_sees_the_children_routed_to_early_help_and_takes_one(
    client, make_contact, manager, make_user
):
    older, newer, assessed = make_contact(), make_contact(), make_contact()
    first = _early_help(older, manager)
    second = _early_help(newer, manager)
    HandOff.objects.filter(pk=first.pk).update(created_at=first.created_at - dt.timedelta(hours=1))
    decide(assessed, assessed.children.first(), manager)  # to social care's record
    worker = make_user(Role.EARLY_HELP_WORKER)
    client.force_login(worker)
    page = client.get(reverse("handoffs:early_help")).content.decode()
    assert assessed.reference not in page
    assert page.index(newer.reference) < page.index(older.reference)
    url = reverse("handoffs:early_help_handoff", args=[first.pk])
    assert url in page
    detail = client.get(url)
    assert detail.status_code == 200
    assert "Needs support with routines" in detail.content.decode()
    assert RecordView.objects.filter(viewer=worker, target_id=str(older.pk)).exists()
    refused = client.post(url, {"external_id": ""})
    assert refused.status_code == 400
    assert "Enter the child&#x27;s identifier in the early help record" in refused.content.decode()
    response = client.post(url, {"external_id": "EHM-4471"})
    assert response.status_code == 302
    first.refresh_from_db()
    assert (first.state, first.external_id, first.accepted_by) == (
        HandOff.State.ACCEPTED,
        "EHM-4471",
        worker,
    )
    assert AuditEvent.objects.filter(action="handoff.accepted", actor=worker).exists()
    page = client.get(reverse("handoffs:early_help")).content.decode()
    taken = page[page.index('id="taken"') :]
    assert older.reference in taken and "EHM-4471" in taken
    assert newer.reference not in taken
    assert second.state != HandOff.State.ACCEPTED


def test_r20_an_early_help_worker_cannot_take_a_hand_off_to_social_care(
    contact, manager, make_user
):
    decide(contact, contact.children.first(), manager)
    with pytest.raises(DomainError):
        services.accept(
            user=make_user(Role.EARLY_HELP_WORKER),
            handoff=HandOff.objects.get(),
            external_id="EHM-1",
        )


def test_r45_a_restricted_childs_early_help_hand_off_shows_only_whom_to_ask(
    client, contact, manager, make_user, person_for, admin
):
    handoff = _early_help(contact, manager)
    child = contact.children.first()
    _restrict_from_early_help(child, person_for=person_for, manager=manager, admin=admin)
    client.force_login(make_user(Role.EARLY_HELP_WORKER))
    page = client.get(reverse("handoffs:early_help")).content.decode()
    assert f"Hand-off {handoff.pk}" in page
    assert "Restricted: ask The early help team manager" in page
    assert child.last_name not in page and contact.reference not in page
    response = client.get(reverse("handoffs:early_help_handoff", args=[handoff.pk]))
    assert response.status_code == 403
    assert child.last_name not in response.content.decode()


@pytest.mark.parametrize("role", [Role.MASH_MANAGER, Role.PARTNER_AGENCY])
def test_only_early_help_workers_open_the_early_help_page(client, make_user, role):
    client.force_login(make_user(role))
    assert client.get(reverse("handoffs:early_help")).status_code == 403


def test_r20_a_taken_child_is_listed_as_taken_however_many_wait_to_be_taken(
    client, make_contact, manager, make_user, monkeypatch
):
    from frontdoor.handoffs import views

    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    handoffs = [_early_help(make_contact(), manager) for _ in range(4)]
    worker = make_user(Role.EARLY_HELP_WORKER)
    for number, handoff in enumerate(handoffs[:2]):
        services.accept(user=worker, handoff=handoff, external_id=f"EHM-{number}")
    client.force_login(worker)
    page = client.get(reverse("handoffs:early_help")).content.decode()
    taken = page[page.index('id="taken"') :]
    assert "No child has been taken yet" not in taken
    # The newest taken first.
    assert taken.index("EHM-1") < taken.index("EHM-0")


def test_r20_both_early_help_lists_are_paged(client, make_contact, manager, make_user, monkeypatch):
    from frontdoor.handoffs import views

    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    contacts = [make_contact() for _ in range(6)]
    handoffs = [_early_help(contact, manager) for contact in contacts]
    worker = make_user(Role.EARLY_HELP_WORKER)
    for number, handoff in enumerate(handoffs[3:]):
        services.accept(user=worker, handoff=handoff, external_id=f"EHM-{number}")
    client.force_login(worker)
    url = reverse("handoffs:early_help")
    page = client.get(url).content.decode()
    to_take, taken = page[: page.index('id="taken"')], page[page.index('id="taken"') :]
    assert "Showing 1 to 2 of 3" in to_take and "govuk-pagination" in to_take
    assert contacts[0].reference not in to_take  # the oldest, on the second page
    assert 'href="?taken_page=1&amp;page=2"' in to_take
    assert "Showing 1 to 2 of 3" in taken and 'href="?page=1&amp;taken_page=2"' in taken
    assert "EHM-0" not in taken
    second = client.get(url, {"page": 2, "taken_page": 2}).content.decode()
    to_take, taken = second[: second.index('id="taken"')], second[second.index('id="taken"') :]
    assert "Showing 3 to 3 of 3" in to_take and contacts[0].reference in to_take
    assert "Showing 3 to 3 of 3" in taken and "EHM-0" in taken
    # Each list's links keep the other's page.
    assert 'href="?taken_page=2&amp;page=1"' in to_take


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        (
            "E" * 101,
            "The child&#x27;s identifier in the early help record must be 100 characters or fewer",
        ),
        (
            "<script>",
            "The child&#x27;s identifier in the early help record must only include letters, "
            "numbers, hyphens (-), underscores (_), slashes (/) and full stops (.)",
        ),
        (
            "a b",
            "The child&#x27;s identifier in the early help record must only include letters, "
            "numbers, hyphens (-), underscores (_), slashes (/) and full stops (.)",
        ),
    ],
)
def test_r20_an_early_help_identifier_is_letters_digits_and_some_marks(
    client, contact, manager, make_user, typed, message
):
    handoff = _early_help(contact, manager)
    client.force_login(make_user(Role.EARLY_HELP_WORKER))
    url = reverse("handoffs:early_help_handoff", args=[handoff.pk])
    refused = client.post(url, {"external_id": typed})
    assert refused.status_code == 400
    page = refused.content.decode()
    assert "govuk-error-summary" in page and message in page
    assert 'href="#id_external_id"' in page
    handoff.refresh_from_db()
    assert handoff.state != HandOff.State.ACCEPTED


def test_r20_an_early_help_identifier_is_trimmed(client, contact, manager, make_user):
    handoff = _early_help(contact, manager)
    client.force_login(make_user(Role.EARLY_HELP_WORKER))
    url = reverse("handoffs:early_help_handoff", args=[handoff.pk])
    assert client.post(url, {"external_id": "  EHM/2026.4_1-a  "}).status_code == 302
    handoff.refresh_from_db()
    assert handoff.external_id == "EHM/2026.4_1-a"


def test_r20_the_early_help_worker_corrects_a_mistyped_identifier_with_a_reason(
    client, contact, manager, make_user, person_for
):
    from frontdoor.people.models import ExternalIdentifier

    person = person_for(contact.children.first())
    handoff = _early_help(contact, manager)
    worker = make_user(Role.EARLY_HELP_WORKER)
    client.force_login(worker)
    url = reverse("handoffs:early_help_handoff", args=[handoff.pk])
    assert client.post(url, {"external_id": "EHM-4417"}).status_code == 302
    page = client.get(url).content.decode()
    assert "Correct the identifier" in page
    refused = client.post(url, {"external_id": "EHM-4471", "reason": ""})
    assert refused.status_code == 400
    assert "Enter why the identifier is corrected" in refused.content.decode()
    handoff.refresh_from_db()
    assert handoff.external_id == "EHM-4417"
    response = client.post(
        url, {"external_id": "EHM-4471", "reason": "Two digits swapped when typing it."}
    )
    assert response.status_code == 302
    handoff.refresh_from_db()
    assert handoff.external_id == "EHM-4471"
    assert ExternalIdentifier.objects.get(person=person).external_id == "EHM-4471"
    event = AuditEvent.objects.get(action="handoff.identifier_corrected")
    assert event.actor == worker
    assert event.changes["was"] == "EHM-4417" and event.changes["now"] == "EHM-4471"
    page = client.get(url).content.decode()
    assert "EHM-4417" in page and "Two digits swapped when typing it." in page


def test_r44_a_child_taken_before_being_linked_keeps_the_early_help_id_once_linked(
    client, contact, manager, make_user, worker
):
    from frontdoor.people.models import ExternalIdentifier
    from frontdoor.screening.linking import create_person_from

    child = contact.children.first()
    assert child.person_id is None
    handoff = _early_help(contact, manager)
    early_help_worker = make_user(Role.EARLY_HELP_WORKER)
    client.force_login(early_help_worker)
    url = reverse("handoffs:early_help_handoff", args=[handoff.pk])
    page = client.get(url).content.decode()
    assert "not yet linked to a person record" in page
    assert client.post(url, {"external_id": "EHM-77"}).status_code == 302
    person = create_person_from(reported=child, by=worker)
    assert ExternalIdentifier.objects.get(person=person).external_id == "EHM-77"
    client.force_login(manager)
    page = client.get(reverse("people:person", args=[person.pk])).content.decode()
    assert "Open in " in page and " as EHM-77" in page
    page = client.get(reverse("intake:contact", args=[contact.reference])).content.decode()
    assert " as EHM-77" in page and "Open in " in page
    client.force_login(early_help_worker)
    assert "not yet linked to a person record" not in client.get(url).content.decode()


def test_r45_an_early_help_hand_off_is_disclosed_by_whoever_took_it(contact, manager, make_user):
    from frontdoor.privacy.selectors import disclosures

    handoff = _early_help(contact, manager)
    worker = make_user(Role.EARLY_HELP_WORKER, first_name="Erin", last_name="Took")
    services.accept(user=worker, handoff=handoff, external_id="EHM-5")
    (row,) = [d for d in disclosures(user=manager) if d.kind == "Hand-off to the case record"]
    assert row.by == f"Decided by {manager}, taken by {worker}"


def test_r12_the_early_help_page_shows_the_childs_consent_as_screening_words_it(
    client, contact, manager, make_user
):
    from frontdoor.policy.registry import current_policy
    from frontdoor.screening.consent import sharing_position

    handoff = _early_help(contact, manager)
    child = contact.children.first()
    position = sharing_position(
        contact=contact, adults=contact.adults.all(), children=[child], policy=current_policy()
    ).for_child(child)
    client.force_login(make_user(Role.EARLY_HELP_WORKER))
    page = client.get(reverse("handoffs:early_help_handoff", args=[handoff.pk])).content.decode()
    consent = page[page.index('id="consent"') :]
    tag = "Refused" if position.refused_by else "Given" if position.consent_given else "Not given"
    assert f"Consent for {child}: <strong" in consent and tag in consent
    assert position.basis.replace("'", "&#x27;") in consent


def test_r44_the_administrators_page_says_how_many_wait_to_be_taken_by_hand(
    client, make_contact, manager, admin, settings
):
    settings.HANDOFF_WEBHOOKS = {}
    for _ in range(2):
        _early_help(make_contact(), manager)
    client.force_login(admin)
    page = client.get(reverse("handoffs:troubled")).content.decode()
    assert "was delivered or is still being tried" not in page
    assert "through the record&#x27;s webhook" not in page
    assert (
        "2 children routed to early help wait to be taken by an early help worker into "
        "EHM (Early Help Module)"
    ) in page
    assert "Front Door has not stopped trying to deliver any hand-off." in page


def test_r44_a_merged_duplicates_case_record_id_goes_to_the_record_kept(
    contact, manager, make_user, person_for, worker
):
    from frontdoor.people.models import ExternalIdentifier, Person
    from frontdoor.screening.linking import merge_people

    duplicate = person_for(contact.children.first())
    handoff = _early_help(contact, manager)
    services.accept(user=make_user(Role.EARLY_HELP_WORKER), handoff=handoff, external_id="EHM-8")
    keep = Person.objects.create(first_name=duplicate.first_name, last_name=duplicate.last_name)
    merge_people(keep=keep, duplicate=duplicate, by=worker, reason="The same child.")
    assert ExternalIdentifier.objects.get(external_id="EHM-8").person == keep


def test_r44_an_early_help_hand_off_replaced_before_it_was_taken_leads_to_its_replacement(
    client, contact, manager, make_user
):
    first = _early_help(contact, manager)
    second = _early_help(
        contact,
        manager,
        rationale="Revised: the family asked for the wellbeing centre's group too.",
        based_on=1,
    )
    client.force_login(make_user(Role.EARLY_HELP_WORKER))
    page = client.get(reverse("handoffs:early_help_handoff", args=[second.pk])).content.decode()
    assert f"This replaces hand-off {first.pk}" in page
    # A worker who opened the first before the revision cannot take it, and is told why.
    response = client.post(
        reverse("handoffs:early_help_handoff", args=[first.pk]), {"external_id": "EHM-77"}
    )
    assert response.status_code == 302
    assert response.url == reverse("handoffs:early_help_handoff", args=[second.pk])
    page = client.get(response.url).content.decode()
    assert f"Hand-off {first.pk} was replaced by hand-off {second.pk}" in page
    assert "The identifier you gave, EHM-77, was not recorded" in page
    first.refresh_from_db()
    assert first.state == HandOff.State.REPLACED and first.external_id == ""


def test_r20_r44_both_early_help_lists_say_a_child_is_not_yet_linked_to_a_person_record(
    client, make_contact, manager, make_user, person_for
):
    unlinked, linked, taken = make_contact(), make_contact(), make_contact()
    waiting = _early_help(unlinked, manager)
    person_for(linked.children.first())
    known = _early_help(linked, manager)
    worker = make_user(Role.EARLY_HELP_WORKER)
    services.accept(user=worker, handoff=_early_help(taken, manager), external_id="EHM-9")
    client.force_login(worker)
    page = client.get(reverse("handoffs:early_help")).content.decode()
    tag = "Not linked to a person record"
    to_take, taken_list = page[: page.index('id="taken"')], page[page.index('id="taken"') :]
    assert tag in _row(to_take, f"Hand-off {waiting.pk}")
    assert tag not in _row(to_take, f"Hand-off {known.pk}")
    assert tag in taken_list and "EHM-9" in taken_list
    # The child's own page says so from the same rule.
    detail = client.get(reverse("handoffs:early_help_handoff", args=[known.pk]))
    assert "not yet linked to a person record" not in detail.content.decode()


def test_r45_a_restricted_childs_sibling_is_listed_and_opened_on_the_early_help_pages(
    client, make_contact, manager, make_user, person_for, admin
):
    contact = make_contact()
    restricted, sibling = contact.children.order_by("id")
    restricted_handoff = _early_help(contact, manager, restricted)
    sibling_handoff = _early_help(contact, manager, sibling)
    _restrict_from_early_help(restricted, person_for=person_for, manager=manager, admin=admin)
    client.force_login(make_user(Role.EARLY_HELP_WORKER))
    page = client.get(reverse("handoffs:early_help")).content.decode()
    assert "Restricted: ask The early help team manager" in _row(
        page, f"Hand-off {restricted_handoff.pk}"
    )
    sibling_row = _row(page, f"Hand-off {sibling_handoff.pk}")
    assert sibling.first_name in sibling_row and contact.reference in sibling_row
    assert restricted.first_name not in page
    response = client.get(reverse("handoffs:early_help_handoff", args=[sibling_handoff.pk]))
    assert response.status_code == 200
    shown = response.content.decode()
    # The report's words name the restricted child: withheld, with whom to ask.
    assert restricted.first_name not in shown
    assert "[restricted: ask The early help team manager]" in shown
    assert "Parts of this report are withheld" in shown
    refused = client.get(reverse("handoffs:early_help_handoff", args=[restricted_handoff.pk]))
    assert refused.status_code == 403
    assert restricted.first_name not in refused.content.decode()


def test_r45_the_early_help_page_withholds_a_restricted_siblings_names(
    client, make_contact, manager, make_user, person_for, admin
):
    from frontdoor.privacy.restrictions import restrict

    contact = make_contact(
        children=[
            {"first_name": "Caspian", "last_name": "Brackenbury", "date_of_birth": "2015-03-02"},
            {"first_name": "Ottoline", "last_name": "Quennevaux", "date_of_birth": "2017-05-11"},
        ],
        concern={
            "worry": "Ottoline Quennevaux disclosed that her stepfather hits her; Caspian saw it.",
            "working_well": "Ottoline attends school.",
            "child_voice": "Caspian said OTTOLINE cries at night.",
            "immediate_protection_needed": "no",
        },
    )
    caspian, ottoline = contact.children.order_by("id")
    person_for(caspian)
    decide(
        contact,
        caspian,
        manager,
        level=2,
        outcome="early_help",
        rationale="Caspian needs support after what Ottoline told us.",
    )
    handoff = HandOff.objects.get(contact=contact)
    assert handoff.child == caspian
    restrict(
        person=person_for(ottoline),
        allowed_users=[manager],
        ask="The early help team manager",
        reason="A family member works in early help.",
        by=admin,
    )
    client.force_login(make_user(Role.EARLY_HELP_WORKER))
    response = client.get(reverse("handoffs:early_help_handoff", args=[handoff.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Ottoline" not in page and "OTTOLINE" not in page and "Quennevaux" not in page
    assert "[restricted: ask The early help team manager] attends school." in page
    assert "Parts of this report are withheld" in page
    assert "Caspian saw it" in page
    assert "after what [restricted: ask The early help team manager] told us" in page
    # What the case record receives keeps the referrer's words.
    handoff.refresh_from_db()
    assert "Ottoline" in handoff.payload["reports"][0]["worry"]


def _named(handoff: HandOff, first_name: str, last_name: str) -> HandOff:
    child = handoff.child
    child.first_name, child.last_name = first_name, last_name
    child.save()
    return handoff


def test_r20_the_early_help_worker_finds_a_child_by_name_reference_or_identifier(
    client, make_contact, manager, make_user, monkeypatch
):
    from frontdoor.handoffs import views

    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    worker = make_user(Role.EARLY_HELP_WORKER)
    bea = _named(_early_help(make_contact(), manager), "Bea", "Consentcheckton")
    others = [_early_help(make_contact(), manager) for _ in range(4)]
    taken = _named(others[0], "Ellis", "Takenton")
    services.accept(user=worker, handoff=taken, external_id="EHM-4471")
    client.force_login(worker)
    url = reverse("handoffs:early_help")

    def found(q: str, **more) -> tuple[str, str]:
        response = client.get(url, {"q": q, **more})
        assert response.status_code == 200
        page = response.content.decode()
        return page[: page.index('id="taken"')], page[page.index('id="taken"') :]

    for typed in ("Consentcheckton", "CONSENTCHECKTON bea", "Bea Konsentcheckton"):
        to_take, _ = found(typed)
        assert bea.contact.reference in to_take, typed
        assert others[1].contact.reference not in to_take
        assert "Showing 1 to 1 of 1" in to_take
    to_take, _ = found(bea.contact.reference.lower().replace("-", " "))
    assert bea.contact.reference in to_take and others[1].contact.reference not in to_take
    to_take, in_taken = found("ehm-4471")
    assert taken.contact.reference in in_taken and "No child to take matches" in to_take
    # The other list's pages keep the search.
    _, in_taken = found("Takenton")
    assert taken.contact.reference in in_taken
    # Without a search, every child, paged.
    page = client.get(url).content.decode()
    assert "Showing 1 to 2 of 4" in page
    assert 'href="?q=Examplechild&amp;taken_page=1&amp;page=2"' in found("Examplechild")[0]


def test_r45_a_search_of_the_early_help_list_never_finds_a_restricted_child(
    client, make_contact, manager, make_user, person_for, admin
):
    contact = make_contact()
    handoff = _named(_early_help(contact, manager), "Bea", "Consentcheckton")
    _restrict_from_early_help(handoff.child, person_for=person_for, manager=manager, admin=admin)
    client.force_login(make_user(Role.EARLY_HELP_WORKER))
    url = reverse("handoffs:early_help")
    assert "Restricted: ask" in client.get(url).content.decode()
    for typed in ("Bea Consentcheckton", contact.reference, "Consentcheckton"):
        page = client.get(url, {"q": typed}).content.decode()
        assert "Restricted" not in page and f"Hand-off {handoff.pk}" not in page, typed
        assert "No child to take matches the search" in page


def test_r45_the_early_help_worker_is_led_to_their_list_search_not_the_records_search(
    client, make_user, officer
):
    client.force_login(make_user(Role.EARLY_HELP_WORKER))
    page = client.get(reverse("handoffs:early_help")).content.decode()
    assert 'id="header-search"' not in page
    assert f'href="{reverse("handoffs:early_help")}#find-a-child"' in page
    assert client.get(reverse("search:search"), {"q": "Ellis"}).status_code == 403
    client.force_login(officer)
    page = client.get(reverse("home")).content.decode()
    assert 'id="header-search"' in page and "#find-a-child" not in page


def test_r20_an_over_long_search_of_the_early_help_list_says_so(client, make_user):
    client.force_login(make_user(Role.EARLY_HELP_WORKER))
    response = client.get(reverse("handoffs:early_help"), {"q": "E" * 201})
    page = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: Children routed to early help" in page
    assert "Search for 200 characters or fewer" in page
    assert form_problems(page) == []
    found = client.get(reverse("handoffs:early_help"), {"q": "Ellis"}).content.decode()
    keys = policy_keys(current_policy())
    assert page_problems(found, policy_keys=keys) == page_problems(page, policy_keys=keys) == []
