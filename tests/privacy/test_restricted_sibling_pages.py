"""A restricted child of a contact about siblings is named on none of its pages (R45)."""

from __future__ import annotations

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from frontdoor.accounts.roles import Role
from frontdoor.privacy.restrictions import restrict

pytestmark = pytest.mark.django_db
ASK = "Service Manager, Children's Social Care"

CASPIAN = {
    "first_name": "Caspian",
    "last_name": "Brackenbury",
    "date_of_birth": "2015-03-02",
    "gender": "male",
    "postcode": "L21 7PQ",
}
OTTOLINE = {
    "first_name": "Ottoline",
    "last_name": "Quennevaux",
    "other_names": "Lina",
    "date_of_birth": "2017-05-11",
    "gender": "female",
    "postcode": "L21 7PQ",
}
CONCERN = {
    "worry": "OTTOLINE disclosed that her stepfather hits her. Bruising seen on Ottoline's arm; "
    "Caspian was there. Lina Quennevaux is scared. Linacre Road.",
    "working_well": "Ottoline attends school.",
    "immediate_protection_needed": "no",
    "domestic_abuse": "yes",
}


@pytest.fixture
def siblings(make_contact, person_for, admin, worker):
    """Caspian and his half-sister Ottoline, whose record only `worker` may see."""
    contact = make_contact(children=[CASPIAN, OTTOLINE], concern=CONCERN)
    caspian, ottoline = contact.children.order_by("id")
    person_for(caspian)
    restrict(
        person=person_for(ottoline),
        allowed_users=[worker],
        ask=ASK,
        reason="A colleague's child",
        by=admin,
    )
    return contact, caspian, ottoline


def _routes(resolver: URLResolver, prefix: str = "", namespace: str = ""):
    for pattern in resolver.url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            inner = ":".join(filter(None, [namespace, pattern.namespace]))
            yield from _routes(pattern, route, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield route, ":".join(filter(None, [namespace, pattern.name]))


def contact_pages(reference: str, child_id: int) -> list[str]:
    """Every page named by a contact's reference (and, for a child's page, the sibling's id)."""
    values = {
        "reference": reference,
        "child_id": child_id,
        "reported_id": child_id,
        "kind": "child",
    }
    pages = []
    for route, name in _routes(get_resolver()):
        params = re.findall(r"<(?:\w+:)?(\w+)>", route)
        if "reference" not in params or not set(params) <= set(values):
            continue
        pages.append(reverse(name, kwargs={param: values[param] for param in params}))
    return sorted(set(pages))


WRITTEN = "Ottoline Quennevaux was there; Lina is scared."


@pytest.fixture
def written_about(siblings, make_user, worker):
    """The siblings' contact, with what staff and a partner wrote about Caspian naming Ottoline:
    the worker's analysis, the manager's rationale, a partner's answer and a follow-up's note."""
    from frontdoor.mash import enquiries
    from frontdoor.screening.decisions import complete_follow_up, record_decision
    from frontdoor.screening.findings import save_findings
    from frontdoor.screening.models import FollowUp
    from tests.mash.test_enquiries import SENT, everyone, send

    contact, caspian, _ = siblings
    manager = make_user(Role.MASH_MANAGER, team="MASH")
    save_findings(
        contact=contact,
        child=caspian,
        by=worker,
        indicators=[],
        concerns=[],
        analysis=f"Analysis: {WRITTEN}",
        now=SENT,
    )
    enquiry = send(contact, manager, agencies=["police"])
    police = make_user(Role.PARTNER_AGENCY, agency_key="police")
    enquiries.answer_request(
        request=enquiry.requests.get(),
        by=police,
        answers=[
            answer
            for answer in everyone(contact, f"Answer: {WRITTEN}")
            if answer.about_child in (None, caspian)
        ],
        opinion=f"Opinion: {WRITTEN}",
        submission_key="written-about",
        now=SENT,
    )
    decision = record_decision(
        contact=contact,
        child=caspian,
        by=manager,
        level=1,
        outcome="information_and_advice",
        rationale=f"Rationale: {WRITTEN}",
        now=SENT,
    )
    follow_up = FollowUp.objects.filter(decision=decision, done_at__isnull=True).first()
    if follow_up is not None:
        complete_follow_up(follow_up=follow_up, by=manager, note=f"Note: {WRITTEN}", now=SENT)
    return siblings


@pytest.mark.parametrize("role", [Role.MASH_MANAGER, Role.MASH_SOCIAL_WORKER])
def test_r45_no_page_of_a_sibling_contact_names_the_restricted_child(
    written_about, client, make_user, role
):
    contact, caspian, _ = written_about
    viewer = make_user(role, team="MASH")
    client.force_login(viewer)
    pages = contact_pages(contact.reference, caspian.pk)
    assert len(pages) > 10
    assert reverse("screening:decide", args=[contact.reference, caspian.pk]) in pages
    shown = 0
    for page in pages:
        response = client.get(page)
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        shown += 1
        body = response.content.decode().replace(str(viewer), "")
        for name in ("Ottoline", "Quennevaux", "Lina"):
            assert not re.search(rf"\b{name}\b", body, re.IGNORECASE), (page, name)
    assert shown > 5


def test_r45_the_decision_page_offers_no_restricted_sibling_to_go_on_to(
    siblings, client, make_user
):
    contact, caspian, ottoline = siblings
    manager = make_user(Role.MASH_MANAGER, team="MASH")
    client.force_login(manager)
    for name in ("decide", "findings"):
        body = client.get(reverse(f"screening:{name}", args=[contact.reference, caspian.pk]))
        text = body.content.decode()
        assert "Ottoline" not in text
        assert reverse(f"screening:{name}", args=[contact.reference, ottoline.pk]) not in text


def test_the_named_user_is_offered_the_sibling(siblings, client, worker):
    contact, caspian, _ = siblings
    client.force_login(worker)
    body = client.get(reverse("screening:findings", args=[contact.reference, caspian.pk]))
    assert "Save and screen Ottoline" in body.content.decode()


def test_r45_redacting_withholds_whole_names_in_any_case(siblings, make_user):
    from frontdoor.intake.selectors import reports_seen_by

    contact, _, _ = siblings
    manager = make_user(Role.MASH_MANAGER, team="MASH")
    (report,) = reports_seen_by(manager, contact=contact, reports=list(contact.reports.all()))
    ask = f"[restricted: ask {ASK}]"
    assert report.worry == (
        f"{ask} disclosed that her stepfather hits her. Bruising seen on {ask}'s arm; "
        f"Caspian was there. {ask} is scared. Linacre Road."
    )
    assert report.working_well == f"{ask} attends school."
    assert report.parts_withheld
    # The record keeps the referrer's words.
    assert "Ottoline" in contact.reports.get().worry


def test_a_named_user_reads_the_referrers_words(siblings, worker):
    from frontdoor.intake.selectors import reports_seen_by

    contact, _, _ = siblings
    (report,) = reports_seen_by(worker, contact=contact, reports=list(contact.reports.all()))
    assert "OTTOLINE disclosed" in report.worry


@pytest.mark.parametrize("name", ["intake:contact", "screening:contact"])
def test_r45_pages_say_parts_of_the_report_are_withheld(siblings, client, make_user, name):
    contact, _, _ = siblings
    manager = make_user(Role.MASH_MANAGER, team="MASH")
    client.force_login(manager)
    body = client.get(reverse(name, args=[contact.reference])).content.decode()
    assert "Parts of this report are withheld" in body
    assert "Caspian was there" in body


def test_r45_the_api_withholds_the_restricted_childs_names(siblings, client, make_user):
    from frontdoor.accounts.tokens import issue_token

    contact, _, _ = siblings
    _, token = issue_token(user=make_user(Role.MASH_MANAGER), name="Staff system", by=None)
    response = client.get(
        f"/api/v1/contacts/{contact.reference}", HTTP_AUTHORIZATION=f"Bearer {token}"
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert "Ottoline" not in text and "OTTOLINE" not in text and "restricted: ask" in text


def test_r45_mash_pages_withhold_the_restricted_childs_names(siblings, client, make_user):
    from tests.mash.test_enquiries import send

    contact, _, _ = siblings
    contact.adults.update(relationship_to_child="Stepfather of Ottoline and Caspian")
    manager = make_user(Role.MASH_MANAGER, team="MASH")
    enquiry = send(contact, manager, agencies=["police"])
    police = make_user(Role.PARTNER_AGENCY, agency_key="police")
    pages = [
        (manager, reverse("mash:review", args=[enquiry.pk])),
        (police, reverse("mash:answer", args=[enquiry.requests.get().pk])),
    ]
    for viewer, page in pages:
        client.force_login(viewer)
        response = client.get(page)
        assert response.status_code == 200, page
        body = response.content.decode()
        assert not re.search(r"\bOttoline\b", body, re.IGNORECASE), page
        assert "Parts of this report are withheld" in body, page


def _manager_reads(contact, make_user):
    from frontdoor.intake.selectors import reports_seen_by

    manager = make_user(Role.MASH_MANAGER, team="MASH")
    (report,) = reports_seen_by(manager, contact=contact, reports=list(contact.reports.all()))
    return report


def test_r45_every_free_text_field_withholds_the_names(siblings, make_user):
    from frontdoor.intake.models import Report, ReportedAdult, ReportedChild
    from frontdoor.intake.selectors import FREE_TEXT_FIELDS, seen_by

    contact, caspian, _ = siblings
    assert "consent_notes" in FREE_TEXT_FIELDS[Report]
    assert "relationship_to_child" in FREE_TEXT_FIELDS[ReportedAdult]
    manager = make_user(Role.MASH_MANAGER, team="MASH")
    for model, fields in FREE_TEXT_FIELDS.items():
        rows = model.objects.filter(contact=contact)
        if model is ReportedChild:
            rows = rows.filter(pk=caspian.pk)
        rows.update(**{name: f"{name}: Ottoline Quennevaux was there." for name in fields})
        seen = seen_by(manager, contact=contact, rows=list(rows))
        assert seen, model
        for row in seen:
            for name in fields:
                assert getattr(row, name) == f"{name}: [restricted: ask {ASK}] was there.", name


@pytest.mark.parametrize("name", ["intake:contact", "screening:contact"])
def test_r45_the_contact_pages_withhold_the_names_from_an_adults_relationship(
    siblings, client, make_user, name
):
    contact, _, _ = siblings
    contact.adults.update(relationship_to_child="Stepfather of Ottoline and Caspian")
    client.force_login(make_user(Role.MASH_MANAGER, team="MASH"))
    page = client.get(reverse(name, args=[contact.reference])).content.decode()
    assert f"tepfather of [restricted: ask {ASK}] and Caspian" in page.replace("&#x27;", "'")
    assert "Ottoline" not in page


def test_r45_the_contacts_api_withholds_the_names_from_consent_notes(siblings, client, make_user):
    from frontdoor.accounts.tokens import issue_token

    contact, _, _ = siblings
    contact.reports.update(consent_notes="Ottoline's mother agreed on the phone.")
    contact.adults.update(relationship_to_child="Ottoline's stepfather")
    _, token = issue_token(user=make_user(Role.MASH_MANAGER), name="Staff system", by=None)
    detail = client.get(
        f"/api/v1/contacts/{contact.reference}", HTTP_AUTHORIZATION=f"Bearer {token}"
    ).json()
    (report,) = detail["reports"]
    assert report["consent"]["notes"] == f"[restricted: ask {ASK}]'s mother agreed on the phone."
    assert [adult["relationship_to_child"] for adult in detail["adults"]] == [
        f"[restricted: ask {ASK}]'s stepfather"
    ]


SHARED = {**OTTOLINE, "last_name": "Brackenbury", "other_names": ""}


@pytest.fixture
def sharing_a_surname(make_contact, person_for, admin, worker):
    """Caspian and his sister Ottoline Brackenbury, whose record only `worker` may see."""
    contact = make_contact(
        children=[CASPIAN, SHARED],
        concern={
            **CONCERN,
            "worry": "Ottoline Brackenbury said Caspian Brackenbury hit her. The Brackenbury "
            "children are often alone; Caspian's mother works nights.",
        },
    )
    caspian, ottoline = contact.children.order_by("id")
    person_for(caspian)
    restrict(person=person_for(ottoline), allowed_users=[worker], ask=ASK, reason="Kin", by=admin)
    return contact


def test_r45_a_surname_shared_with_a_visible_sibling_reads_as_the_siblings_name(
    sharing_a_surname, make_user
):
    report = _manager_reads(sharing_a_surname, make_user)
    ask = f"[restricted: ask {ASK}]"
    assert report.worry == (
        f"{ask} said Caspian Brackenbury hit her. The {ask} children are often alone; "
        "Caspian's mother works nights."
    )


def test_r45_a_visible_adults_full_name_keeps_the_shared_surname(sharing_a_surname, make_user):
    adult = sharing_a_surname.adults.get()
    adult.last_name = "Brackenbury"
    adult.save()
    sharing_a_surname.reports.update(
        worry=f"{adult.first_name} Brackenbury looks after Ottoline and Caspian."
    )
    report = _manager_reads(sharing_a_surname, make_user)
    assert report.worry == (
        f"{adult.first_name} Brackenbury looks after [restricted: ask {ASK}] and Caspian."
    )


@pytest.fixture
def decided_for_both(siblings, make_user):
    """Both siblings decided by a manager the restriction names; the contact with a worker it
    does not name, and what must follow each decision still open."""
    from frontdoor.people.models import Restriction
    from frontdoor.screening.decisions import record_decision
    from frontdoor.screening.transitions import assign
    from tests.mash.test_enquiries import SENT
    from tests.screening.factories import ADVICE

    contact, caspian, ottoline = siblings
    named = make_user(Role.MASH_MANAGER, team="MASH")
    Restriction.objects.get(person=ottoline.person).allowed_users.add(named)
    unnamed = make_user(Role.MASH_SOCIAL_WORKER, team="MASH")
    assign(contact=contact, worker=unnamed, by=named, now=SENT)
    for child in (caspian, ottoline):
        record_decision(contact=contact, child=child, by=named, now=SENT, **ADVICE)
    return contact, unnamed


@pytest.mark.parametrize("name", ["screening:mine", "screening:team"])
def test_r45_the_queues_show_a_restricted_childs_follow_up_only_as_whom_to_ask(
    decided_for_both, client, name
):
    from frontdoor.screening.models import FollowUp

    _, unnamed = decided_for_both
    client.force_login(unnamed)
    body = client.get(reverse(name)).content.decode().replace("&#x27;", "'")
    assert "Ottoline" not in body and "Quennevaux" not in body
    assert f"Restricted: ask {ASK}" in body
    open_for_caspian = FollowUp.objects.open().filter(decision__child__first_name="Caspian")
    assert body.count("Record as done<") == open_for_caspian.count() > 0


@pytest.mark.parametrize("name", ["screening:mine", "screening:team"])
def test_r45_the_queues_withhold_the_restricted_childs_names_from_a_follow_ups_note(
    decided_for_both, client, name
):
    from frontdoor.people.models import Restriction
    from frontdoor.screening.models import FollowUp
    from frontdoor.screening.selectors import follow_ups_seen_by

    _, unnamed = decided_for_both
    # What a note on Caspian's follow-up says (the outbox's or a worker's words) may name her.
    for_caspian = FollowUp.objects.open().filter(decision__child__first_name="Caspian")
    for_caspian.update(note="Telephone Ottoline Quennevaux's father: Lina is with him.")
    client.force_login(unnamed)
    body = client.get(reverse(name)).content.decode().replace("&#x27;", "'")
    withheld = f"[restricted: ask {ASK}]"
    assert f"Telephone {withheld}'s father: {withheld} is with him." in body
    assert not re.search(r"\b(Ottoline|Quennevaux|Lina)\b", body, re.IGNORECASE)
    # The record keeps what was written, and whoever the restriction names reads it so.
    assert for_caspian.filter(note__startswith="Telephone Ottoline").exists()
    for allowed in Restriction.objects.get().allowed_users.all():
        for seen in follow_ups_seen_by(allowed, for_caspian):
            assert seen.note.startswith("Telephone Ottoline Quennevaux")


def test_r45_the_contact_page_shows_an_open_follow_up_of_a_restricted_child_and_whom_to_ask(
    decided_for_both, client, make_user
):
    from frontdoor.errors import DomainError
    from frontdoor.screening.decisions import complete_follow_up
    from frontdoor.screening.models import FollowUp

    contact, unnamed = decided_for_both
    manager = make_user(Role.MASH_MANAGER, team="MASH")
    client.force_login(manager)
    page = client.get(reverse("screening:contact", args=[contact.reference]))
    body = page.content.decode().replace("&#x27;", "'")
    table = body[body.index('id="follow-up-table"') :]
    assert f"Restricted: ask {ASK}" in table
    assert "only the staff named on the restriction can record it" in table
    assert "Ottoline" not in body
    hidden = FollowUp.objects.open().filter(decision__child__first_name="Ottoline").first()
    with pytest.raises(DomainError, match="restricted"):
        complete_follow_up(follow_up=hidden, by=unnamed, note="Done")
    # Closing the contact says which things to do are about a child restricted from them.
    from frontdoor.screening.transitions import close_contact

    with pytest.raises(DomainError, match=re.escape(f"restricted from you: ask {ASK}")):
        close_contact(contact=contact, by=manager)


def test_r45_an_answer_about_a_child_restricted_since_shows_only_whom_to_ask(
    make_contact, person_for, admin, worker, client, make_user
):
    from frontdoor.mash import enquiries
    from tests.mash.test_enquiries import SENT, everyone, send

    contact = make_contact(children=[CASPIAN, OTTOLINE], concern=CONCERN)
    caspian, ottoline = contact.children.order_by("id")
    person_for(caspian)
    manager = make_user(Role.MASH_MANAGER, team="MASH")
    police = make_user(Role.PARTNER_AGENCY, agency_key="police")
    enquiry = send(contact, manager, agencies=["police"])
    request = enquiry.requests.get()
    enquiries.answer_request(
        request=request,
        by=police,
        answers=everyone(contact),
        opinion="No concerns.",
        submission_key="before-restricted",
        now=SENT,
    )
    restrict(person=person_for(ottoline), allowed_users=[worker], ask=ASK, reason="Kin", by=admin)
    for viewer, page in [
        (police, reverse("mash:answer", args=[request.pk])),
        (manager, reverse("mash:review", args=[enquiry.pk])),
    ]:
        client.force_login(viewer)
        response = client.get(page)
        assert response.status_code == 200, page
        body = response.content.decode().replace("&#x27;", "'")
        assert "Caspian" in body, page
        assert not re.search(r"\b(Ottoline|Quennevaux|Lina)\b", body, re.IGNORECASE), page
        assert f"Restricted: ask {ASK}" in body, page


def test_r45_the_siblings_person_page_withholds_the_names_from_the_decisions_words(
    written_about, client, make_user
):
    _, caspian, _ = written_about
    client.force_login(make_user(Role.MASH_MANAGER, team="MASH"))
    page = client.get(reverse("people:person", args=[caspian.person_id]))
    body = page.content.decode().replace("&#x27;", "'")
    assert f"Rationale: [restricted: ask {ASK}] was there" in body
    assert not re.search(r"\b(Ottoline|Quennevaux|Lina)\b", body, re.IGNORECASE)


def test_r45_the_meeting_page_withholds_the_names_from_what_was_said(siblings, client, make_user):
    from frontdoor.mash.meetings import DissentIn
    from tests.mash.test_meetings import record, schedule

    contact, _, _ = siblings
    manager = make_user(Role.MASH_MANAGER, team="MASH")
    meeting = record(
        schedule(contact, manager),
        manager,
        analysis=f"Analysis: {WRITTEN}",
        plan_of_action="Visit Ottoline today.",
        consensus=False,
        dissents=[DissentIn("police", "PC Lee", "Ottoline needs a medical.")],
    )
    client.force_login(make_user(Role.MASH_MANAGER, team="MASH"))
    body = client.get(reverse("mash:meeting", args=[meeting.pk])).content.decode()
    body = body.replace("&#x27;", "'")
    assert f"Analysis: [restricted: ask {ASK}] was there" in body
    assert not re.search(r"\b(Ottoline|Quennevaux|Lina)\b", body, re.IGNORECASE)
