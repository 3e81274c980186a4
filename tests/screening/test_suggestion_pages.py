"""Suggestions from the referral's words on a child's screening page: shown with their phrases
marked, accepted as a hand tick is, rejected on the record (R27, R28, R34, R45)."""

from __future__ import annotations

import datetime as dt
import re
from html import unescape

import pytest
from django.urls import reverse

from frontdoor.audit.models import AuditEvent
from frontdoor.policy.registry import current_policy
from frontdoor.privacy.restrictions import restrict
from frontdoor.screening.concerns import Concern
from frontdoor.screening.models import ChildScreening, SuggestionResponse
from frontdoor.screening.selectors import child_summary
from frontdoor.screening.suggest import METHOD_VERSION
from frontdoor.screening.threshold import catalogue_by_key
from tests.attacks.html_checks import form_problems

pytestmark = pytest.mark.django_db

WORRY = (
    "Ellis came to school with a bruise on his cheek and said Mum's partner hit him with a belt "
    "last night. He is scared to go home. Police were called to a domestic incident at the house "
    "at the weekend, and Robin saw Mum being pushed."
)
CONCERN = {
    "worry": WORRY,
    "working_well": "Ellis attends school every day.",
    "immediate_protection_needed": "no",
    "domestic_abuse": "yes",
}


@pytest.fixture
def referral(make_contact):
    return make_contact(concern=CONCERN)


def url(name, contact, *args):
    return reverse(f"screening:{name}", args=[contact.reference, *args])


def page_of(client, contact, child) -> str:
    response = client.get(url("findings", contact, child.pk))
    assert response.status_code == 200
    return response.content.decode()


def suggested_keys(page: str, kind: str = "indicator") -> list[str]:
    """The suggestions the page offers to answer, best first."""
    pattern = rf'name="suggestion" value="(?:accept|reject):{kind}:([^"]+)"'
    return list(dict.fromkeys(unescape(key) for key in re.findall(pattern, page)))


def saved_form(child) -> dict:
    """The screening form as the page first shows it: what is saved."""
    screening = ChildScreening.objects.filter(child=child).first()
    if screening is None:
        return {"analysis": "", "urgent_action_needed": "unknown", "version": ""}
    return {
        "keep": screening.indicators,
        "concerns": screening.concerns,
        "analysis": screening.analysis,
        "urgent_action_needed": screening.urgent_action_needed,
        "version": screening.version,
    }


def answer(client, contact, child, key, verdict="accept", kind="indicator", form=None):
    """Press a suggestion's button, sending the screening form with it (as saved, unless
    `form` says how the worker left it)."""
    return client.post(
        url("findings", contact, child.pk),
        {**(saved_form(child) if form is None else form), "suggestion": f"{verdict}:{kind}:{key}"},
    )


@pytest.mark.parametrize("council", ["sefton", "sefton-2022"])
def test_r27_the_page_shows_suggestions_with_their_phrases_marked_and_linked(
    client, referral, worker, settings, council
):
    settings.FRONTDOOR_COUNCIL = council
    client.force_login(worker)
    child = referral.children.first()
    page = page_of(client, referral, child)
    assert "Suggested from the referral's words" in unescape(page)
    keys = suggested_keys(page)
    assert keys, "a referral about a belt and a domestic incident suggests indicators"
    catalogue = catalogue_by_key(current_policy())
    first = catalogue[keys[0]]
    assert first.text in unescape(page)
    assert f"level {first.level}, {first.subdomain}" in unescape(page)
    marks = re.findall(r'<mark id="([^"]+)" class="app-suggested-phrase">', page)
    links = set(re.findall(r'<a class="govuk-link" href="#(phrase-[^"]+)">', page))
    assert marks and links and links <= set(marks)
    # The marks leave the referral's words as they were.
    assert "Mum's partner hit him with a belt" in unescape(re.sub(r"<[^>]+>", "", page))
    assert form_problems(page) == []


def test_r27_r35_accepting_a_suggestion_ticks_it_as_a_hand_tick_does(client, referral, worker):
    client.force_login(worker)
    child = referral.children.first()
    key = suggested_keys(page_of(client, referral, child))[0]
    response = answer(client, referral, child, key)
    assert response.status_code == 302
    assert ChildScreening.objects.get(child=child).indicators == [key]
    # The same level and RAG as ticking it by hand on a second child.
    robin = referral.children.order_by("id").last()
    client.post(
        url("findings", referral, robin.pk),
        {"add": [key], "analysis": "", "urgent_action_needed": "unknown"},
    )
    policy = current_policy()
    by_suggestion = child_summary(policy=policy, contact=referral, child=child)
    by_hand = child_summary(policy=policy, contact=referral, child=robin)
    assert by_suggestion.level.level == by_hand.level.level == catalogue_by_key(policy)[key].level
    assert by_suggestion.rag == by_hand.rag
    row = SuggestionResponse.objects.get(child=child)
    assert row.accepted and row.key == key and row.method_version == METHOD_VERSION
    assert row.policy_version == policy.version
    assert row.evidence and all(item["text"] in WORRY for item in row.evidence)
    assert key in [item["key"] for item in row.shown["indicators"]]
    assert AuditEvent.objects.filter(action="screening.suggestion_accepted").exists()
    assert AuditEvent.objects.filter(action="screening.saved").exists()
    page = page_of(client, referral, child)
    assert "It is in this child's screening" in unescape(page)


def test_r28_an_accepted_suggestion_naming_abuse_counts_as_that_concern(client, referral, worker):
    client.force_login(worker)
    child = referral.children.first()
    catalogue = catalogue_by_key(current_policy())
    keys = suggested_keys(page_of(client, referral, child))
    naming = [key for key in keys if catalogue[key].concerns]
    assert naming, "a belt and a domestic incident suggest an indicator naming abuse"
    answer(client, referral, child, naming[0])
    summary = child_summary(policy=current_policy(), contact=referral, child=child)
    assert set(catalogue[naming[0]].concerns) <= set(summary.concerns)


def test_r34_accepting_a_suggested_criterion_records_its_concern(client, make_contact, worker):
    # The referrer did not say there is domestic abuse: only the words speak of it.
    referral = make_contact(concern={**CONCERN, "domestic_abuse": "unknown"})
    client.force_login(worker)
    child = referral.children.first()
    assert "domestic_abuse" in suggested_keys(page_of(client, referral, child), "criterion")
    answer(client, referral, child, "domestic_abuse", kind="criterion")
    assert Concern.DOMESTIC_ABUSE.value in ChildScreening.objects.get(child=child).concerns
    row = SuggestionResponse.objects.get(child=child)
    assert row.kind == "criterion" and row.accepted
    page = page_of(client, referral, child)
    assert "domestic_abuse" not in suggested_keys(page, "criterion")
    assert "This child's screening meets it" in unescape(page)


def test_rejecting_a_suggestion_is_recorded_and_audited_and_ticks_nothing(client, referral, worker):
    client.force_login(worker)
    child = referral.children.first()
    key = suggested_keys(page_of(client, referral, child))[0]
    answer(client, referral, child, key, "reject")
    answer(client, referral, child, key, "reject")  # pressed twice: one answer
    row = SuggestionResponse.objects.get(child=child)
    assert not row.accepted and row.by == worker
    assert not ChildScreening.objects.filter(child=child).exists()
    assert AuditEvent.objects.filter(action="screening.suggestion_rejected").count() == 1
    page = page_of(client, referral, child)
    assert "You recorded it as not relevant" in unescape(page)
    with pytest.raises(PermissionError):
        row.delete()


def test_a_double_click_or_stale_page_ticks_once_and_keeps_a_colleagues_work(
    client, referral, worker
):
    client.force_login(worker)
    child = referral.children.first()
    keys = suggested_keys(page_of(client, referral, child))
    page = saved_form(child)
    answer(client, referral, child, keys[0], form=page)
    answer(client, referral, child, keys[0], form=page)  # the same button again, same page
    assert ChildScreening.objects.get(child=child).indicators == [keys[0]]
    assert SuggestionResponse.objects.filter(child=child).count() == 1
    # A colleague saves; a page showing the screening before that cannot accept over it.
    client.post(
        url("findings", referral, child.pk),
        {"keep": [keys[0]], "analysis": "Theirs", "urgent_action_needed": "no", "version": 1},
    )
    stale = {"keep": [keys[0]], "analysis": "Mine", "urgent_action_needed": "no", "version": 1}
    response = answer(client, referral, child, keys[1], form=stale)
    # Refused, and the form is shown again as the worker left it.
    assert response.status_code == 400
    shown = unescape(response.content.decode())
    assert "changed this screening while you were working on it" in shown
    assert ">Mine</textarea>" in shown
    screening = ChildScreening.objects.get(child=child)
    assert screening.indicators == [keys[0]] and screening.analysis == "Theirs"
    assert SuggestionResponse.objects.filter(child=child).count() == 1
    # A suggestion the page no longer makes is refused.
    answer(client, referral, child, "L1.not.a.line")
    assert SuggestionResponse.objects.filter(child=child).count() == 1


@pytest.fixture
def restricted_sister(make_contact, person_for, admin, worker):
    """A contact whose words name Ottoline, a child restricted to `worker`; and her brother."""
    worry = (
        "Ottoline Quennevaux came to school with a bruise on her cheek and said her stepfather "
        "hit her with a belt. Police were called to a domestic incident at Ottoline's house."
    )
    contact = make_contact(
        concern={**CONCERN, "worry": worry},
        children=[
            {"first_name": "Caspian", "last_name": "Brackenbury", "date_of_birth": "2015-03-02"},
            {"first_name": "Ottoline", "last_name": "Quennevaux", "date_of_birth": "2017-05-11"},
        ],
    )
    caspian, ottoline = contact.children.order_by("id")
    person_for(caspian)
    restrict(
        person=person_for(ottoline),
        allowed_users=[worker],
        ask="Service Manager",
        reason="A colleague's child",
        by=admin,
    )
    return contact, caspian


def test_r45_a_restricted_childs_names_never_appear_in_suggestions(
    client, restricted_sister, make_user
):
    from frontdoor.accounts.roles import Role

    contact, caspian = restricted_sister
    other = make_user(Role.MASH_SOCIAL_WORKER)
    client.force_login(other)
    page = page_of(client, contact, caspian)
    keys = suggested_keys(page)
    assert keys
    assert "Ottoline" not in page and "Quennevaux" not in page
    answer(client, contact, caspian, keys[0], "reject")
    row = SuggestionResponse.objects.get(child=caspian)
    kept = str(row.evidence) + str(row.shown)
    assert "Ottoline" not in kept and "Quennevaux" not in kept


def test_a_council_without_indicator_lines_says_nothing_is_suggested(
    client, referral, worker, settings
):
    settings.FRONTDOOR_COUNCIL = "lewisham"
    client.force_login(worker)
    page = page_of(client, referral, referral.children.first())
    assert 'id="no-suggestions"' in page
    assert suggested_keys(page) == []


def test_the_page_reads_answers_in_one_query_however_many_there_are(
    client, referral, worker, django_assert_max_num_queries
):
    client.force_login(worker)
    child = referral.children.first()
    keys = suggested_keys(page_of(client, referral, child))
    for key in keys[:3]:
        answer(client, referral, child, key, "reject")
    with django_assert_max_num_queries(15) as counted:
        page_of(client, referral, child)
    before = len(counted.captured_queries)
    for key in keys[3:6]:
        answer(client, referral, child, key, "reject")
    with django_assert_max_num_queries(before) as counted:
        page_of(client, referral, child)


def test_r34_a_suggested_criterion_the_referral_already_meets_shows_as_met(
    client, referral, worker
):
    client.force_login(worker)
    page = page_of(client, referral, referral.children.first())
    # The referrer answered yes to domestic abuse: met without the worker, nothing to accept.
    assert 'id="suggestion-criterion-domestic_abuse"' in page
    assert "domestic_abuse" not in suggested_keys(page, "criterion")
    assert "This child's screening meets it" in unescape(page)


def test_r45_no_one_answers_a_suggestion_for_a_child_restricted_from_them(
    client, referral, person_for, admin, worker, make_user
):
    from frontdoor.accounts.roles import Role

    child = referral.children.first()
    key = suggested_keys(page_of(client_for(client, worker), referral, child))[0]
    restrict(
        person=person_for(child),
        allowed_users=[worker],
        ask="Service Manager",
        reason="A colleague's child",
        by=admin,
    )
    client.force_login(make_user(Role.MASH_SOCIAL_WORKER))
    response = answer(client, referral, child, key)
    assert response.status_code == 403
    assert not SuggestionResponse.objects.exists()
    assert not ChildScreening.objects.filter(child=child).exists()


def client_for(client, user):
    client.force_login(user)
    return client


def test_answering_a_suggestion_keeps_what_the_worker_changed_and_had_not_saved(
    client, referral, worker
):
    client.force_login(worker)
    child = referral.children.first()
    keys = suggested_keys(page_of(client, referral, child))
    client.post(
        url("findings", referral, child.pk),
        {"add": [keys[2]], "analysis": "First", "urgent_action_needed": "unknown"},
    )
    # The worker unticks an indicator, ticks a concern and types, then accepts a suggestion.
    typed = {
        "keep": [],
        "concerns": [Concern.NEGLECT.value],
        "analysis": "Typed and not saved",
        "urgent_action_needed": "yes",
        "more_information_needed": "on",
        "version": 1,
    }
    response = answer(client, referral, child, keys[0], form=typed)
    assert response.status_code == 302
    screening = ChildScreening.objects.get(child=child)
    assert screening.indicators == [keys[0]]
    assert screening.concerns == [Concern.NEGLECT.value]
    assert screening.analysis == "Typed and not saved"
    assert screening.urgent_action_needed == "yes" and screening.more_information_needed
    # Rejecting keeps the worker's changes too, in one save with the answer.
    typed = {**saved_form(child), "analysis": "Typed again"}
    response = answer(client, referral, child, keys[1], "reject", form=typed)
    assert response.status_code == 302
    screening.refresh_from_db()
    assert screening.analysis == "Typed again" and screening.indicators == [keys[0]]
    assert screening.version == 3
    assert not SuggestionResponse.objects.get(child=child, key=keys[1]).accepted


def test_a_search_left_open_stays_open_after_answering(client, referral, worker):
    client.force_login(worker)
    child = referral.children.first()
    key = suggested_keys(page_of(client, referral, child))[0]
    response = answer(
        client, referral, child, key, "reject", form={**saved_form(child), "q": "belt"}
    )
    assert response.status_code == 302
    assert response["Location"].endswith("?q=belt&level=#suggestions")


def test_a_button_the_page_did_not_make_records_nothing_and_keeps_the_form(
    client, referral, worker
):
    client.force_login(worker)
    child = referral.children.first()
    form = {**saved_form(child), "analysis": "Kept"}
    for sent in ["maybe:indicator:L1.x", "accept:opinion:L1.x", "accept:indicator:"]:
        response = client.post(url("findings", referral, child.pk), {**form, "suggestion": sent})
        assert response.status_code == 400
        page = unescape(response.content.decode())
        assert "Choose a suggestion from the page to accept or mark as not relevant" in page
        assert ">Kept</textarea>" in page
    assert not SuggestionResponse.objects.exists()
    assert not ChildScreening.objects.filter(child=child).exists()


def history_of(page: str) -> str:
    """The decision page's section of suggestions and answers, as text."""
    found = re.search(r'<section id="suggestion-history".*?</section>', page, re.DOTALL)
    assert found, "the decision page shows the suggestions and their answers"
    return found.group()


def test_r25_the_manager_reads_the_suggestions_and_answers_on_the_decision_page(
    client, referral, worker, manager
):
    client.force_login(worker)
    child = referral.children.first()
    keys = suggested_keys(page_of(client, referral, child))
    client.force_login(manager)
    page = client.get(url("decide", referral, child.pk)).content.decode()
    assert 'id="no-suggestion-answers"' in history_of(page)
    client.force_login(worker)
    answer(client, referral, child, keys[0])
    answer(client, referral, child, keys[1], "reject")
    client.force_login(manager)
    response = client.get(url("decide", referral, child.pk))
    assert response.status_code == 200
    section = history_of(response.content.decode())
    text = " ".join(unescape(re.sub(r"<[^>]+>", " ", section)).split())
    catalogue = catalogue_by_key(current_policy())
    first, second = catalogue[keys[0]], catalogue[keys[1]]
    assert f"Accepted by {worker}" in text and f"Not relevant by {worker}" in text
    assert f"{METHOD_VERSION}, guidance version {current_policy().version}" in text
    assert first.text in text and second.text in text
    shown = SuggestionResponse.objects.get(child=child, key=keys[1]).shown
    # Every suggestion the worker was last shown, with its phrases, answered or not.
    assert text.count("Not answered") == len(shown["indicators"]) + len(shown["mash_criteria"]) - 2
    for item in shown["indicators"]:
        for phrase in item["evidence"]:
            assert f"“{' '.join(phrase['text'].split())}”" in text
    # Read-only: nothing in the section can be sent.
    assert "<form" not in section and "<button" not in section and "<input" not in section
    assert form_problems(response.content.decode()) == []


def test_r45_the_decision_page_withholds_names_the_worker_could_see(
    client, restricted_sister, worker, manager
):
    contact, caspian = restricted_sister
    client.force_login(worker)
    for key in suggested_keys(page_of(client, contact, caspian))[:3]:
        answer(client, contact, caspian, key, "reject")
    assert "Ottoline" in str(SuggestionResponse.objects.filter(child=caspian).first().shown)
    client.force_login(manager)
    page = client.get(url("decide", contact, caspian.pk)).content.decode()
    section = history_of(page)
    assert f"Not relevant by {worker}" in " ".join(re.sub(r"<[^>]+>", " ", section).split())
    assert "Ottoline" not in section and "Quennevaux" not in section


def test_r29_r34_a_re_referral_comes_from_the_childs_record_not_the_words(
    client, make_contact, worker, person_for, involvement
):
    worry = f"This is the second referral this year. {WORRY}"
    contact = make_contact(concern={**CONCERN, "worry": worry})
    ellis, robin = contact.children.order_by("id")
    client.force_login(worker)
    # The words say "second referral"; the record knows of none: no re-referral is suggested.
    page = page_of(client, contact, robin)
    assert 'id="suggestion-criterion-re_referral"' not in page
    # The record holds a referral within the council's months: shown met, with the checks' words.
    referred = contact.received_at.date() - dt.timedelta(days=60)
    involvement(person_for(ellis), "referral", referred)
    page = unescape(page_of(client, contact, ellis))
    found = re.search(
        r'<li class="app-suggestion" id="suggestion-criterion-re_referral">.*?</li>',
        page,
        re.DOTALL,
    )
    assert found, "the record's re-referral is shown among the suggested criteria"
    item = found.group()
    assert "From the child's record, not the referral's words: Referred on" in item
    assert "This child's screening meets it" in item and "<button" not in item
    summary = child_summary(policy=current_policy(), contact=contact, child=ellis)
    record = next(check for check in summary.mash.criteria if check.key == "re_referral")
    assert record.met and record.evidence[0] in item
    # Answering another suggestion keeps the record's re-referral in what was shown.
    key = suggested_keys(page)[0]
    answer(client, contact, ellis, key, "reject")
    shown = SuggestionResponse.objects.get(child=ellis).shown["mash_criteria"]
    assert [item["record"] for item in shown if item["key"] == "re_referral"] == [record.evidence]
