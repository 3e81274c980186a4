"""MASH enquiries: sent under RAG clocks, answered by partner agencies only, reviewed (R33-R38)."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.urls import reverse
from django.utils import timezone

from frontdoor.accounts.permissions import PermissionDeniedError
from frontdoor.accounts.roles import Role
from frontdoor.errors import DomainError
from frontdoor.intake.models import Contact
from frontdoor.mash import enquiries
from frontdoor.mash.enquiries import PersonAnswer, ReviewConflict
from frontdoor.mash.models import Answer, Opinion, RagReview
from frontdoor.mash.selectors import requests_visible_to
from frontdoor.outbox.models import Message
from frontdoor.policy.clocks import LONDON
from frontdoor.policy.registry import current_policy
from tests.screening.conftest import RECEIVED

pytestmark = pytest.mark.django_db
SENT = RECEIVED + dt.timedelta(hours=1)  # Tuesday 17 November 2026, 11:00


@pytest.fixture
def police(make_user):
    return make_user(Role.PARTNER_AGENCY, agency_key="police", email="desk@police.example")


@pytest.fixture
def health(make_user):
    return make_user(Role.PARTNER_AGENCY, agency_key="health", email="safeguarding@nhs.example")


def send(contact, by, rag="amber", agencies=("police", "health"), **extra):
    return enquiries.send_enquiry(
        contact=contact,
        child=contact.children.first(),
        by=by,
        rag=rag,
        agencies=list(agencies),
        reason="Domestic abuse reported in the household.",
        now=extra.pop("now", SENT),
        **extra,
    )


def everyone(contact, information=""):
    people = [
        PersonAnswer(child, None, not information, information) for child in contact.children.all()
    ]
    people += [
        PersonAnswer(None, adult, not information, information) for adult in contact.adults.all()
    ]
    return people


@pytest.mark.parametrize(
    ("rag", "due"),
    [
        ("red", dt.datetime(2026, 11, 17, 13, 0, tzinfo=LONDON)),  # 2 clock hours
        ("amber", dt.datetime(2026, 11, 17, 17, 0, tzinfo=LONDON)),  # 6 core hours
        ("green", dt.datetime(2026, 11, 18, 17, 30, tzinfo=LONDON)),  # 1 working day
    ],
)
def test_r36_each_agencys_clock_starts_when_alerted_by_rag(contact, manager, police, rag, due):
    enquiry = send(contact, manager, rag=rag)
    assert {request.due_at for request in enquiry.requests.all()} == {due}
    contact.refresh_from_db()
    assert contact.state == Contact.State.IN_MASH
    assert Message.objects.filter(kind="enquiry_alert", to="desk@police.example").exists()


def test_r34_without_a_criterion_met_no_enquiry_is_sent(make_contact, manager):
    contact = make_contact(concern={"worry": "Tired in class.", "domestic_abuse": "no"})
    with pytest.raises(DomainError, match="No MASH criterion is met"):
        send(contact, manager)


def _quiet_contact(make_contact, manager, **findings):
    """A contact meeting no R34 criterion, screened with `findings`."""
    from frontdoor.screening.findings import save_findings

    contact = make_contact(concern={"worry": "Tired in class.", "domestic_abuse": "no"})
    save_findings(
        contact=contact,
        child=contact.children.order_by("id").first(),
        by=manager,
        indicators=[],
        concerns=[],
        analysis="Nothing known yet.",
        **findings,
    )
    return contact


@pytest.mark.parametrize("council", ["sefton", "sefton-2022", "lewisham"])
@pytest.mark.parametrize(
    ("findings", "route"),
    [
        ({"manager_discretion": True}, "manager_discretion"),
        ({"more_information_needed": True}, "more_information_needed"),
    ],
)
def test_r33_a_route_into_mash_sends_an_enquiry_where_no_criterion_is_met(
    make_contact, manager, police, settings, council, findings, route
):
    settings.FRONTDOOR_COUNCIL = council
    contact = _quiet_contact(make_contact, manager, **findings)
    enquiry = send(contact, manager, rag="red")
    assert [item["key"] for item in enquiry.criteria_met] == [route]


@pytest.mark.parametrize("council", ["sefton", "lewisham"])
def test_r33_without_a_route_or_criterion_sending_is_refused(
    make_contact, manager, settings, council
):
    settings.FRONTDOOR_COUNCIL = council
    contact = _quiet_contact(make_contact, manager, manager_discretion=False)
    with pytest.raises(DomainError, match="no route into MASH applies"):
        send(contact, manager, rag="red")


def test_r33_only_a_manager_uses_discretion(make_contact, manager, make_user):
    from frontdoor.screening.models import ChildScreening

    contact = _quiet_contact(
        make_contact, make_user(Role.MASH_SOCIAL_WORKER), manager_discretion=True
    )
    assert not ChildScreening.objects.get(contact=contact).manager_discretion
    with pytest.raises(DomainError, match="No MASH criterion is met"):
        send(contact, manager, rag="red")


def test_r16_an_amber_enquiry_needs_consent(make_contact, manager):
    contact = make_contact(consent={"consent": "refused"})
    with pytest.raises(DomainError, match="consent is required"):
        send(contact, manager)


def test_only_the_policys_agencies_and_one_open_enquiry_per_child(contact, manager):
    with pytest.raises(DomainError, match="not partner agencies"):
        send(contact, manager, agencies=["mi5"])
    send(contact, manager)
    with pytest.raises(DomainError, match="already has an open MASH enquiry"):
        send(contact, manager)


def test_r45_a_partner_agency_sees_only_what_was_sent_to_it(
    contact, manager, police, health, make_user
):
    send(contact, manager, agencies=["police"])
    assert requests_visible_to(police).count() == 1
    assert requests_visible_to(health).count() == 0
    assert requests_visible_to(make_user(Role.EARLY_HELP_WORKER)).count() == 0


def test_r37_an_agency_answers_for_everyone_with_its_opinion(contact, manager, police):
    request = send(contact, manager).requests.get(agency_key="police")
    with pytest.raises(DomainError, match="every child and adult"):
        enquiries.answer_request(
            request=request,
            by=police,
            answers=everyone(contact)[:1],
            opinion="x",
            submission_key="k0",
        )
    enquiries.answer_request(
        request=request,
        by=police,
        answers=everyone(contact, "Two call-outs to the address this year."),
        opinion="Risk of harm from the mother's partner.",
        submission_key="k1",
        now=SENT + dt.timedelta(hours=2),
    )
    request.refresh_from_db()
    assert request.answered_at == SENT + dt.timedelta(hours=2)
    assert Answer.objects.filter(request=request).count() == 3


def test_an_answer_sent_twice_is_stored_once(contact, manager, police):
    request = send(contact, manager).requests.get(agency_key="police")
    for _ in range(2):
        enquiries.answer_request(
            request=request,
            by=police,
            answers=everyone(contact),
            opinion="None.",
            submission_key="same",
        )
    assert Opinion.objects.count() == 1
    assert Answer.objects.count() == 3


def test_an_agency_cannot_answer_another_agencys_enquiry(contact, manager, health):
    request = send(contact, manager, agencies=["police"]).requests.get()
    with pytest.raises(PermissionDeniedError):
        enquiries.answer_request(
            request=request, by=health, answers=everyone(contact), opinion="x", submission_key="k"
        )


def test_a_closed_enquiry_takes_no_answer(contact, manager, police):
    enquiry = send(contact, manager)
    enquiries.review_rag(enquiry=enquiry, by=manager, rag="amber", reason="Enough known.")
    with pytest.raises(DomainError, match="closed"):
        enquiries.answer_request(
            request=enquiry.requests.get(agency_key="police"),
            by=police,
            answers=everyone(contact),
            opinion="x",
            submission_key="late",
        )


def test_r37_a_request_closed_before_the_agency_answered_is_listed_as_closed(
    client, contact, manager, police
):
    enquiry = send(contact, manager)
    enquiries.review_rag(enquiry=enquiry, by=manager, rag="amber", reason="Enough known.")
    request = enquiry.requests.get(agency_key="police")
    client.force_login(police)
    listing = client.get(reverse("mash:requests")).content.decode()
    closed = listing[listing.index("Closed before your answer") :]
    assert reverse("mash:answer", args=[request.pk]) in closed
    page = client.get(reverse("mash:answer", args=[request.pk])).content.decode()
    assert "The MASH closed this enquiry before your answer." in page
    assert "Answer by" not in page


def test_r38_the_final_rag_is_recorded_and_two_managers_cannot_both_win(
    contact, manager, make_user
):
    enquiry = send(contact, manager)
    review = enquiries.review_rag(
        enquiry=enquiry, by=manager, rag="red", reason="Police hold more."
    )
    assert review.changed
    contact.refresh_from_db()
    assert contact.state == Contact.State.AWAITING_DECISION
    with pytest.raises(ReviewConflict) as refused:
        enquiries.review_rag(
            enquiry=enquiry, by=make_user(Role.MASH_MANAGER), rag="green", reason="Low level."
        )
    assert refused.value.review == review


def test_r38_a_review_claiming_to_follow_one_never_recorded_is_refused_as_out_of_date(
    contact, manager
):
    enquiry = send(contact, manager)
    with pytest.raises(DomainError, match="This page is out of date"):
        enquiries.review_rag(
            enquiry=enquiry, by=manager, rag="red", reason="Police hold more.", based_on=1
        )
    assert not RagReview.objects.exists()


def test_r36_agencies_are_chased_once_when_due_soon_and_once_when_overdue(contact, manager, police):
    send(contact, manager, rag="red")  # due 13:00
    assert enquiries.chase(now=SENT + dt.timedelta(minutes=30)) == 0
    assert enquiries.chase(now=SENT + dt.timedelta(minutes=95)) == 2  # police and health
    assert enquiries.chase(now=SENT + dt.timedelta(minutes=100)) == 0
    assert enquiries.chase(now=SENT + dt.timedelta(hours=3)) == 2
    assert enquiries.chase(now=SENT + dt.timedelta(hours=4)) == 0
    kinds = sorted(Message.objects.filter(to="desk@police.example").values_list("kind", flat=True))
    assert kinds == ["enquiry_alert", "enquiry_due_soon", "enquiry_overdue"]


def test_r38_once_the_final_rag_is_confirmed_the_review_page_leads_to_the_decision(
    client, contact, manager
):
    enquiry = send(contact, manager)
    client.force_login(manager)
    page = client.get(reverse("mash:review", args=[enquiry.pk])).content.decode()
    assert 'id="go-to-decision"' not in page
    enquiries.review_rag(enquiry=enquiry, by=manager, rag="red", reason="Police hold more.")
    page = client.get(reverse("mash:review", args=[enquiry.pk])).content.decode()
    decide = reverse("screening:decide", args=[contact.reference, enquiry.child_id])
    assert 'id="go-to-decision"' in page and decide in page


@pytest.mark.parametrize(
    ("council", "says", "not_says"),
    [
        ("sefton", "Green: Low-level child in need", "Early help or signposting"),
        ("lewisham", "Green: Early help or signposting", "Low-level child in need"),
    ],
)
def test_r38_the_review_page_says_where_each_rag_leads_in_the_councils_own_words(
    client, contact, manager, settings, council, says, not_says
):
    enquiry = send(contact, manager)
    settings.FRONTDOOR_COUNCIL = council  # the council whose policy is in force
    client.force_login(manager)
    page = client.get(reverse("mash:review", args=[enquiry.pk])).content.decode()
    listed = page.split('id="rag-progressions"', 1)[1].split("</ul>", 1)[0]
    rag = current_policy().rag
    assert [line.split("</li>")[0] for line in listed.split("<li>")[1:]] == [
        f"Red: {rag['red'].progression}",
        f"Amber: {rag['amber'].progression}",
        f"Green: {rag['green'].progression}",
    ]
    assert says in listed
    assert not_says not in page


def test_r36_the_review_shows_how_long_an_agency_still_within_its_time_has_left(
    client, contact, manager
):
    # Sent a minute ago under Green (a working day): both agencies are still within their time.
    enquiry = send(contact, manager, rag="green", now=timezone.now() - dt.timedelta(minutes=1))
    client.force_login(manager)
    response = client.get(reverse("mash:review", args=[enquiry.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count("Waiting") == 2
    assert page.count(" left") >= 2


def test_r11_the_partner_page_never_shows_a_member_of_the_publics_identity(
    client, make_contact, manager, police
):
    contact = make_contact(
        referrer={"type": "public", "name": "Private Neighbour", "phone": "07000 000000"},
        consent={"consent": "given"},
    )
    request = send(contact, manager).requests.get(agency_key="police")
    client.force_login(police)
    page = client.get(reverse("mash:answer", args=[request.pk])).content.decode()
    assert "Private Neighbour" not in page
    assert "07000" not in page
    assert "identity is protected" in page


def test_another_agencys_enquiry_page_is_not_found(client, contact, manager, health):
    request = send(contact, manager, agencies=["police"]).requests.get()
    client.force_login(health)
    assert client.get(reverse("mash:answer", args=[request.pk])).status_code == 404
    assert client.get(reverse("mash:enquiries")).status_code == 403


def test_a_partner_answers_through_the_page(client, contact, manager, police):
    request = send(contact, manager).requests.get(agency_key="police")
    client.force_login(police)
    page = client.get(reverse("mash:answer", args=[request.pk])).content.decode()
    assert "Why the MASH is asking" in page
    form = {"opinion": "Known to police.", "submission_key": "page-key"}
    for child in contact.children.all():
        form[f"child-{child.pk}-held"] = "nothing"
    for adult in contact.adults.all():
        form[f"adult-{adult.pk}-held"] = "held"
        form[f"adult-{adult.pk}-information"] = "Arrested in 2025."
    response = client.post(reverse("mash:answer", args=[request.pk]), form)
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.answered_at is not None
    client.force_login(manager)
    review = client.get(reverse("mash:review", args=[request.enquiry_id])).content.decode()
    assert "Arrested in 2025." in review
    assert "Known to police." in review


def test_an_answer_page_sent_twice_is_recorded_once_and_goes_on(client, contact, manager, police):
    request = send(contact, manager).requests.get(agency_key="police")
    client.force_login(police)
    form = {"opinion": "Nothing known.", "submission_key": "double-click"}
    for child in contact.children.all():
        form[f"child-{child.pk}-held"] = "nothing"
    for adult in contact.adults.all():
        form[f"adult-{adult.pk}-held"] = "nothing"
    url = reverse("mash:answer", args=[request.pk])
    assert client.post(url, form).status_code == 302
    assert client.post(url, form)["Location"] == reverse("mash:requests")
    assert Opinion.objects.count() == 1


def test_a_post_to_an_answered_enquiry_shows_the_answer_not_errors(
    client, contact, manager, police
):
    request = send(contact, manager).requests.get(agency_key="police")
    enquiries.answer_request(
        request=request, by=police, answers=everyone(contact), opinion="None.", submission_key="k"
    )
    client.force_login(police)
    response = client.post(reverse("mash:answer", args=[request.pk]), {})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Your agency's answer" in page
    assert "govuk-error-summary" not in page


def test_the_schedule_runs_every_job_once_for_cron(contact, manager, police, capsys):
    from django.core.management import call_command

    from frontdoor.schedule import forget_runs

    forget_runs()
    send(contact, manager, rag="red", now=dt.datetime.now(dt.UTC) - dt.timedelta(hours=3))
    call_command("run_schedule", "--once")
    out = capsys.readouterr().out
    assert "chase-enquiries: chased 2 MASH requests" in out
    assert "send-outbox: sent" in out
    assert "remove-abandoned-uploads: removed 0" in out


def test_cron_cannot_run_the_schedule_once_a_minute_on_a_cache_of_its_own(settings):
    from django.core.management import CommandError, call_command

    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    with pytest.raises(CommandError, match="every job, the daily clean-up too, would run"):
        call_command("run_schedule", "--once", stdout=StringIO())
    assert not Message.objects.exists()


def test_cron_every_minute_runs_each_job_at_its_own_interval():
    from frontdoor.schedule import forget_runs, run_due

    forget_runs()
    start = dt.datetime(2026, 12, 7, 9, 0, 1, tzinfo=dt.UTC)
    # Cron's minutes are not exactly sixty seconds apart.
    ran = [
        [name for name, _, _ in run_due(start + dt.timedelta(minutes=minute, seconds=-minute))]
        for minute in range(3)
    ]
    assert ran[0] == [
        "send-outbox",
        "check-deliveries",
        "chase-enquiries",
        "deliver-handoffs",
        "remove-abandoned-uploads",
    ]
    # The daily clean-up waits its day, the delivery check its five minutes; the one-minute jobs
    # run every minute.
    assert ran[1] == ran[2] == ["send-outbox", "chase-enquiries", "deliver-handoffs"]
    assert [name for name, _, _ in run_due(start + dt.timedelta(minutes=2, seconds=10))] == []
    assert "remove-abandoned-uploads" in [
        name for name, _, _ in run_due(start + dt.timedelta(days=1))
    ]


def test_r45_the_partner_export_holds_only_the_agencys_enquiries(
    client, make_contact, manager, police, health
):
    ours = send(make_contact(), manager, agencies=["police"])
    send(make_contact(), manager, agencies=["health"])
    client.force_login(police)
    rows = client.get(reverse("mash:requests"), {"format": "csv"}).content.decode().splitlines()
    assert len(rows) == 2
    assert rows[1].startswith(f"{ours.requests.get().pk},")


# R38: the confirmed final RAG drives what happens next.


def _reviewed(contact, manager, rag):
    enquiry = send(contact, manager, rag="amber")
    enquiries.review_rag(
        enquiry=enquiry, by=manager, rag=rag, reason="The police hold more.", now=SENT
    )
    return contact.children.order_by("id").first()


def _decide(contact, child, manager, outcome, level, **extra):
    from frontdoor.screening.decisions import record_decision

    return record_decision(
        contact=contact,
        child=child,
        by=manager,
        level=level,
        outcome=outcome,
        rationale="As discussed.",
        primary_need="" if outcome in ("information_and_advice", "signposting") else "N1",
        now=SENT + dt.timedelta(hours=3),
        **extra,
    )


def test_r38_a_confirmed_red_cannot_end_in_advice_without_a_recorded_departure(contact, manager):
    child = _reviewed(contact, manager, "red")
    with pytest.raises(DomainError, match="final RAG is Red"):
        _decide(contact, child, manager, "information_and_advice", 1)
    decision = _decide(
        contact,
        child,
        manager,
        "information_and_advice",
        1,
        departure_reason="The police confirmed the allegation was withdrawn and false.",
    )
    assert decision.departs_from_suggestion
    assert any(
        "departs from the final RAG Red" in line and "withdrawn and false" in line
        for line in decision.departures
    )
    # The departure compares with the final RAG, not the screening's suggestion.
    assert not any("the suggestion was" in line for line in decision.departures)


def test_r38_a_confirmed_red_leads_to_a_strategy_discussion(contact, manager):
    child = _reviewed(contact, manager, "red")
    decision = _decide(contact, child, manager, "strategy_discussion", 4, rag="red")
    assert decision.departures == []


def test_r38_a_confirmed_amber_leads_to_an_assessment(contact, manager):
    child = _reviewed(contact, manager, "amber")
    assert _decide(contact, child, manager, "child_and_family_assessment", 3, rag="amber")
    with pytest.raises(DomainError, match="final RAG is Amber"):
        _decide(contact, child, manager, "information_and_advice", 1, based_on=1)


def test_r38_lewisham_green_may_end_in_early_help_or_advice(contact, manager, settings):
    from frontdoor.screening.findings import save_findings

    settings.FRONTDOOR_COUNCIL = "lewisham"
    # Lewisham's routes into MASH are not Sefton's: the manager needs more information.
    save_findings(
        contact=contact,
        child=contact.children.order_by("id").first(),
        by=manager,
        indicators=[],
        concerns=[],
        analysis="Not clear yet.",
        more_information_needed=True,
    )
    child = _reviewed(contact, manager, "green")
    departures = _decide(contact, child, manager, "signposting", 1).departures
    assert not any("final RAG" in line for line in departures)


def test_r38_the_decision_page_shows_the_final_rag_and_asks_why_it_departs(
    client, contact, manager
):
    child = _reviewed(contact, manager, "red")
    client.force_login(manager)
    url = reverse("screening:decide", args=[contact.reference, child.pk])
    page = client.get(url).content.decode()
    assert "The final RAG" in page
    assert "Why the decision departs from the final RAG" in page
    response = client.post(
        url,
        {
            "level": "1",
            "rag": "red",
            "outcome": "information_and_advice",
            "rationale": "Advice only.",
            "based_on": "0",
        },
    )
    assert "final RAG is Red" in response.content.decode()


def test_r35_r36_agencies_presenting_at_the_strategy_meeting_are_not_clocked_or_chased(
    make_contact, manager, police, client
):
    from frontdoor.mash.selectors import request_states

    contact = make_contact(
        concern={
            "worry": "Hit with a belt last night.",
            "immediate_protection_needed": "yes",
            "domestic_abuse": "yes",
        }
    )
    enquiry = send(contact, manager, rag="red")
    assert enquiry.present_at_strategy_meeting
    request = enquiry.requests.get(agency_key="police")
    assert request.due_at is None
    later = SENT + dt.timedelta(days=2)
    assert enquiries.chase(now=later) == 0
    [state, *_] = request_states(current_policy(), enquiry, later)
    assert state.state == "present at the strategy meeting"
    client.force_login(manager)
    page = client.get(reverse("mash:enquiries")).content.decode()
    assert "Present at the strategy meeting" in page
    assert "Waiting" not in page


@pytest.mark.parametrize(
    ("rag", "offered"),
    [("red", "strategy_discussion"), ("amber", "child_and_family_assessment")],
)
def test_r38_the_decision_page_starts_from_the_final_rags_progression(
    client, contact, manager, rag, offered
):
    child = _reviewed(contact, manager, rag)
    client.force_login(manager)
    response = client.get(reverse("screening:decide", args=[contact.reference, child.pk]))
    assert response.status_code == 200
    assert response.context["form"].initial["outcome"] == offered
    assert response.context["form"].initial["rag"] == rag


@pytest.mark.parametrize("council", ["sefton", "sefton-2022", "lewisham"])
def test_r12_r13_a_siblings_consent_does_not_let_an_enquiry_about_a_younger_child_go(
    make_contact, manager, worker, settings, council
):
    from frontdoor.screening.consent import record_consent
    from tests.screening.test_consent import ALEX, ASKED, SAM, more_information_needed

    settings.FRONTDOOR_COUNCIL = council
    contact = make_contact(children=[SAM, ALEX], consent={"consent": "refused"})
    sam = contact.children.get(first_name="Sam")
    alex = contact.children.get(first_name="Alex")
    record_consent(contact=contact, by=worker, child=sam, status="given", now=ASKED)
    more_information_needed(contact, manager)

    def send_about(child):
        return enquiries.send_enquiry(
            contact=contact,
            child=child,
            by=manager,
            rag="amber",
            agencies=["police"],
            reason="Domestic abuse reported in the household.",
            now=SENT,
        )

    with pytest.raises(DomainError, match="Consent for Alex Examplechild was refused"):
        send_about(alex)
    assert send_about(sam).child == sam


def test_r13_a_partner_sees_only_the_name_and_age_of_a_young_person_who_has_not_consented(
    client, make_contact, manager, worker, police
):
    from frontdoor.screening.consent import authorise_sharing_without_consent, record_consent
    from tests.screening.test_consent import ALEX, ASKED, SAM, more_information_needed

    contact = make_contact(
        children=[ALEX, SAM],
        consent={"consent": "not_sought", "not_sought_reason": "increased_risk"},
        concern={
            "worry": "Alex has bruises.",
            "child_voice": "Sam said the shouting goes on every night.",
            "immediate_protection_needed": "no",
        },
    )
    alex = contact.children.get(first_name="Alex")
    sam = contact.children.get(first_name="Sam")
    record_consent(
        contact=contact,
        by=worker,
        adult=contact.adults.first(),
        about=[alex],
        status="given",
        now=ASKED,
    )
    more_information_needed(contact, manager)
    enquiry = enquiries.send_enquiry(
        contact=contact,
        child=alex,
        by=manager,
        rag="red",  # where an authorisation may set consent aside (R16)
        agencies=["police"],
        reason="Domestic abuse reported in the household.",
        now=SENT,
    )
    client.force_login(police)
    url = reverse("mash:answer", args=[enquiry.requests.get().pk])
    page = client.get(url).content.decode()
    assert "Sam Examplechild" in page and "aged 17" in page
    assert "1 May 2009" not in page
    assert "shouting" not in page
    # Nor is the partner asked what it holds about Sam, and an answer about Sam is refused.
    assert "holds about Sam" not in page
    request = enquiry.requests.get()
    with pytest.raises(DomainError, match="not shared"):
        enquiries.answer_request(
            request=request,
            by=police,
            answers=everyone(contact, "Known to us."),
            opinion="Known to police.",
            submission_key="r13-sam",
            now=SENT + dt.timedelta(minutes=30),
        )
    authorise_sharing_without_consent(
        contact=contact,
        child=sam,
        by=manager,
        reason="increased_risk",
        explanation="Sharing is needed to protect Alex.",
    )
    page = client.get(url).content.decode()
    assert "1 May 2009" in page and "shouting" in page


@pytest.mark.parametrize(
    ("agencies", "said"),
    [(("police",), "1 agency asked"), (("police", "health"), "2 agencies asked")],
)
def test_the_persons_timeline_counts_the_agencies_asked_in_words(
    contact, manager, police, health, person_for, agencies, said
):
    from frontdoor.mash.selectors import enquiry_timeline

    person = person_for(contact.children.first())
    send(contact, manager, agencies=agencies)
    (entry,) = enquiry_timeline(person)
    assert entry.detail.startswith(f"{said}. Domestic abuse")


def test_the_persons_timeline_links_an_enquiry_only_for_those_who_may_review_it(
    client, contact, manager, worker, police, person_for
):
    """No dead end (R33): the MASH enquiry on a person's timeline links to its review page for
    the manager who confirms the RAG, and is plain text for a social worker."""
    person = person_for(contact.children.first())
    enquiry = send(contact, manager)
    link = f'href="{reverse("mash:review", args=[enquiry.pk])}"'
    person_page = reverse("people:person", args=[person.pk])
    client.force_login(worker)
    page = client.get(person_page).content.decode()
    assert "Amber MASH enquiry" in page and link not in page
    client.force_login(manager)
    assert link in client.get(person_page).content.decode()


def test_r38_an_enquiry_reviewed_and_waiting_for_its_decision_stays_on_the_list(
    client, contact, manager
):
    child = _reviewed(contact, manager, "amber")
    decide_at = reverse("screening:decide", args=[contact.reference, child.pk])
    client.force_login(manager)
    page = client.get(reverse("mash:enquiries")).content.decode()
    waiting = page[page.index("Final RAG confirmed: decision to record") :]
    assert contact.reference in waiting
    assert decide_at in waiting
    # Decided: the enquiry's work is over, and it leaves the list.
    _decide(contact, child, manager, "child_and_family_assessment", level=3, rag="amber")
    page = client.get(reverse("mash:enquiries")).content.decode()
    assert "decision to record" not in page
    assert contact.reference not in page
