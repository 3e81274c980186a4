"""Suggested indicators and MASH criteria from a referral's words (R26, R34): negation and
history, the phrases that justify each suggestion, each council's own catalogue, the command."""

from __future__ import annotations

import io
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.core.management import call_command

from frontdoor.policy.catalogue import indicators, indicators_by_key
from frontdoor.policy.loader import load_policy_file
from frontdoor.screening.suggest import CRITERION_FROM_WORDS, METHOD_VERSION, suggest

DEVSET = Path(__file__).parent / "suggest_devset" / "referrals.yaml"
POLICIES = Path(settings.FRONTDOOR_POLICY_DIR)


@pytest.fixture(scope="module")
def sefton():
    return load_policy_file(POLICIES / "sefton.yaml").policy


@pytest.fixture(scope="module")
def cases():
    return yaml.safe_load(DEVSET.read_text())["cases"]


def keys(found) -> list[str]:
    return [item.key for item in found.indicators]


def texts(found) -> str:
    return " | ".join(item.text.casefold() for item in found.indicators)


def test_r26_suggests_the_concern_the_words_describe(sefton):
    found = suggest(
        sefton,
        "Police attended after Dean punched his partner Kelly during an argument. Their son "
        "Tyler (7) was in the room and was crying. The risk assessment was graded high risk.",
    )
    assert "domestic" in texts(found)
    assert found.indicators[0].level >= 3
    assert [item.key for item in found.mash_criteria] == ["domestic_abuse"]
    assert found.method_version == METHOD_VERSION
    assert found.policy_version == sefton.version


def test_r26_a_worry_said_to_be_absent_is_not_suggested(sefton):
    found = suggest(
        sefton,
        "Mum asks for help with Noah's sleep. There are no concerns about attendance. "
        "He has not gone missing.",
    )
    assert "attendance" not in texts(found)
    assert "missing" not in texts(found)


def test_r26_a_past_worry_that_has_ended_is_not_suggested(sefton):
    found = suggest(
        sefton,
        "In 2019 there was a domestic violence incident between mum and her former partner; "
        "there have been none since. Mum now asks for help because Arjun is anxious about school.",
    )
    assert "domestic" not in texts(found)
    assert "domestic_abuse" not in [item.key for item in found.mash_criteria]
    assert "mental health" in texts(found)


def test_r26_reported_speech_and_uncertainty_still_count(sefton):
    found = suggest(
        sefton,
        "A neighbour thinks the children, aged about 3 and 5, are being left on their own in "
        "the evenings. She is not sure whether any adult was there.",
    )
    assert any(
        "alone" in item.text.casefold() or "on their own" in item.text.casefold()
        for item in found.indicators[:5]
    )
    assert "harm_or_neglect" in [item.key for item in found.mash_criteria]


def test_r26_evidence_is_the_referrals_own_words(sefton):
    text = "Ava, aged 4 months, has a bruise on her cheek. Mum could not say how it happened."
    found = suggest(sefton, text)
    assert found.indicators
    for item in found.indicators + found.mash_criteria:
        assert item.evidence
        for phrase in item.evidence:
            assert text[phrase.start : phrase.end] == phrase.text
            assert phrase.text.strip() == phrase.text
    bruising = next(item for item in found.indicators if "bruising" in item.text.casefold())
    assert "bruise" in bruising.evidence[0].text


def test_r26_best_first_with_a_cut_off(sefton):
    found = suggest(sefton, "Kayden (14) has been reported missing three times this month.")
    scores = [item.score for item in found.indicators]
    assert scores == sorted(scores, reverse=True)
    assert 0 < len(scores) <= 10
    assert suggest(sefton, "").indicators == ()


def test_r34_missing_reads_the_councils_own_measure(sefton, tmp_path):
    text = "Skye (15) was missing for four days and was found in another city."
    assert "missing" in [item.key for item in suggest(sefton, text).mash_criteria]
    content = yaml.safe_load((POLICIES / "sefton.yaml").read_text())
    for criterion in content["mash_criteria"]:
        if criterion["key"] == "missing":
            criterion["longer_than_hours"] = 120
    content["id"] = "patient"
    path = tmp_path / "patient.yaml"
    path.write_text(yaml.safe_dump(content, allow_unicode=True))
    patient = load_policy_file(path).policy
    assert "missing" not in [item.key for item in suggest(patient, text).mash_criteria]


def test_r26_sefton_2022_reads_the_catalogue_it_inherits(sefton):
    older = load_policy_file(POLICIES / "sefton-2022.yaml").policy
    text = "Ellie (14) took an overdose and was admitted to hospital; she wants to die."
    assert keys(suggest(older, text)) == keys(suggest(sefton, text))
    assert [item.key for item in suggest(older, text).indicators] != []


def test_r26_lewisham_has_no_catalogue_lines_to_suggest():
    lewisham = load_policy_file(POLICIES / "lewisham.yaml").policy
    assert indicators(lewisham) == []
    found = suggest(lewisham, "Dean punched his partner in front of their son Tyler (7).")
    assert found.indicators == ()
    # Lewisham's policy lists no MASH enquiry criteria: none are suggested.
    assert found.mash_criteria == ()


def test_r26_a_council_with_its_own_catalogue_gets_its_own_lines(tmp_path):
    content = yaml.safe_load((POLICIES / "sefton.yaml").read_text())
    content["id"] = "elsewhere"
    for level in content["level_of_need"]["levels"]:
        level["indicators"] = {}
    content["level_of_need"]["levels"][3]["indicators"] = {
        "health": ["Bruising to a baby who cannot yet move about"],
        "family_history_functioning": ["Violence between the adults at home"],
    }
    path = tmp_path / "elsewhere.yaml"
    path.write_text(yaml.safe_dump(content, allow_unicode=True))
    elsewhere = load_policy_file(path).policy
    found = suggest(elsewhere, "Ava, 4 months old and not yet rolling, has bruising on her arm.")
    assert keys(found)[0] == "L4.health.1"
    assert found.indicators[0].text == "Bruising to a baby who cannot yet move about"
    assert set(keys(found)) <= set(indicators_by_key(elsewhere))


def test_r26_the_command_prints_what_the_page_shows(tmp_path):
    path = tmp_path / "referral.txt"
    path.write_text(
        "Police: Callum (15) was found with wraps of crack cocaine and £400 in cash. He was "
        "missing for five days and says he owes money to some lads.",
        encoding="utf-8",
    )
    out = io.StringIO()
    call_command("suggest_indicators", policy="sefton", text_file=str(path), json=True, stdout=out)
    printed = json.loads(out.getvalue())
    assert set(printed) == {"indicators", "mash_criteria"}
    assert printed["indicators"]
    for item in printed["indicators"]:
        assert set(item) == {"key", "level", "subdomain", "text", "score", "evidence"}
        for phrase in item["evidence"]:
            assert set(phrase) == {"start", "end", "text"}
    assert {item["key"] for item in printed["mash_criteria"]} >= {"missing", "child_exploitation"}
    for item in printed["mash_criteria"]:
        assert set(item) == {"key", "score", "evidence"}

    readable = io.StringIO()
    call_command("suggest_indicators", policy="sefton", text_file=str(path), stdout=readable)
    assert "Suggested indicators, best first:" in readable.getvalue()
    assert "Level 4" in readable.getvalue()


def test_the_labelled_referrals_name_real_lines_and_quote_their_text(sefton, cases):
    by_key = indicators_by_key(sefton)
    assert len(cases) >= 40
    assert {by_key[item["key"]].level for case in cases for item in case["indicators"]} == {
        1,
        2,
        3,
        4,
    }
    assert {by_key[item["key"]].subdomain for case in cases for item in case["indicators"]} == {
        indicator.subdomain for indicator in by_key.values()
    }
    for case in cases:
        for item in case["indicators"] + case["mash_criteria"]:
            assert item["evidence"] in case["text"], (case["id"], item["evidence"])


def test_r26_recall_on_the_labelled_referrals_stays_above_the_target(sefton, cases):
    recall = []
    for case in cases:
        wanted = {item["key"] for item in case["indicators"]}
        recall.append(len(wanted & set(keys(suggest(sefton, case["text"]))[:10])) / len(wanted))
    assert statistics.mean(recall) >= 0.6


def test_r26_words_for_lines_name_lines_of_the_catalogue_they_sit_beside(sefton):
    content = yaml.safe_load((POLICIES / "suggest" / "sefton.yaml").read_text())
    texts = {indicator.text for indicator in indicators(sefton)}
    assert content["lines"]
    assert set(content["lines"]) <= texts


def test_r26_what_is_working_well_meets_only_lines_of_needs_met(sefton):
    found = suggest(
        sefton,
        "The worry: Reece (8) came to school with a bruise on his cheek and said dad grabbed "
        "him.\n\nWhat is working well: Reece is making expected progress in reading and has a "
        "good group of friends.\n",
    )
    assert "progress" not in texts(found)
    assert any(item.level == 1 and "peer" in item.text.casefold() for item in found.indicators)
    assert any("non-accidental" in item.text.casefold() for item in found.indicators[:5])


def test_r26_a_line_about_infants_is_not_met_by_an_older_child(sefton):
    found = suggest(sefton, "Mason (10) came to school with a bruise on his arm.")
    assert "non-mobile infant" not in " | ".join(item.text for item in found.indicators[:3])
    baby = suggest(sefton, "Ava, 4 months old and not yet rolling, has a bruise on her arm.")
    assert "non-mobile infant" in baby.indicators[0].text


def test_missed_appointments_are_not_a_missing_child(sefton):
    found = suggest(sefton, "Harvey (4) missed three audiology appointments this year.")
    assert "missing" not in [item.key for item in found.mash_criteria]
    assert "appointments" in texts(found)


def criteria(found) -> list[str]:
    return [item.key for item in found.mash_criteria]


def test_r34_harm_is_read_across_the_referral(sefton):
    baby = (
        "Theo is 7 weeks old. He was brought to the GP with a swollen wrist. "
        "The explanation given does not fit the injury."
    )
    assert "harm_or_neglect" in criteria(suggest(sefton, baby))
    unborn = (
        "Kayla is 28 weeks pregnant. Her son was removed from her care two years ago "
        "and she has told nobody about the baby's father."
    )
    assert "harm_or_neglect" in criteria(suggest(sefton, unborn))


def test_r34_an_adults_injury_in_a_fight_between_partners_is_not_the_childs_harm(sefton):
    text = (
        "Police were called to a fight between Gemma and her partner. Gemma had a bruise on her "
        "face. Their baby, 5 months old, was upstairs."
    )
    found = criteria(suggest(sefton, text))
    assert "domestic_abuse" in found
    assert "harm_or_neglect" not in found


def test_r34_unexplained_money_with_missing_episodes_is_exploitation(sefton):
    text = (
        "Mason (13) has been reported missing four times since the summer. He came back last "
        "night with new trainers and cash."
    )
    assert "child_exploitation" in criteria(suggest(sefton, text))


def test_r26_a_boyfriend_given_by_age_is_an_older_partner(sefton):
    text = "Amy (14) has a 19-year-old boyfriend and stays at his flat."
    assert "older role models" in suggest(sefton, text).indicators[0].text


def test_r26_a_young_person_who_stopped_going_to_college_is_not_in_education(sefton):
    text = "Kyle (16) stopped going to college in October and spends his days in bed."
    assert "not engaged in education or training (neet)" in texts(suggest(sefton, text))


def test_r26_a_worry_about_a_single_argument_reads_as_a_lower_level(sefton):
    text = "The school is worried because Ben's mum and dad argued once at the school gate."
    first = suggest(sefton, text).indicators[:3]
    assert any("some conflicts or difficulties" in item.text for item in first)


def test_r34_the_words_say_a_re_referral_for_the_command_to_report(sefton):
    # The command has only the words; the screening page lets the record's answer stand.
    for text in [
        "This is the second referral this year about Mia's hygiene; she smells of urine.",
        "We referred Mia to you in March and she was re-referred by the GP in May.",
    ]:
        assert "re_referral" in {item.key for item in suggest(sefton, text).mash_criteria}


def test_r34_abuse_and_violence_said_to_be_absent_are_no_criterion(sefton):
    for text in [
        "Baby Noah (10 weeks) has missed two weighing clinics. There is no known domestic abuse "
        "and no drug or alcohol use.",
        "Nana says mum is not violent and has never hit the children, and there is no new partner.",
    ]:
        assert "domestic_abuse" not in criteria(suggest(sefton, text))


def test_r34_a_history_before_a_semicolon_has_ended(sefton):
    text = (
        "In 2021 mum's partner was violent to her and there was a MARAC; he is now in prison and "
        "has had no contact for over two years. Mum feels lonely and knows nobody in the area."
    )
    assert "domestic_abuse" not in criteria(suggest(sefton, text))


def test_r34_found_days_later_is_missing_longer_than_the_policy_allows(sefton):
    text = (
        "Kayla (15) was reported missing on Friday evening and was found by officers on Tuesday "
        "morning, four days later."
    )
    assert "missing" in criteria(suggest(sefton, text))


def test_r34_a_referral_wished_for_elsewhere_is_no_re_referral(sefton):
    text = (
        "Oscar missed his speech therapy and was discharged. We would like help to get Oscar "
        "re-referred."
    )
    assert "re_referral" not in criteria(suggest(sefton, text))


def test_r26_a_parent_named_once_is_the_parent_where_named_again(sefton):
    text = (
        "Lacey (6) lives with her mother, Danielle. Danielle is dependent on alcohol and drinks "
        "from the morning."
    )
    found = suggest(sefton, text)
    assert any("parent" in item.text.casefold() for item in found.indicators[:3])


def test_r26_suggestions_do_not_change_with_the_hash_seed(sefton):
    # Scores are summed in a fixed order: the same words always give the same list.
    script = (
        "import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'frontdoor.settings');"
        "django.setup();"
        "from frontdoor.policy.loader import load_policy_file;"
        "from frontdoor.screening.suggest import suggest;"
        f"p = load_policy_file({str(POLICIES / 'sefton.yaml')!r}).policy;"
        "t = 'Police attended after mum was punched by her partner; Tyler (7) was in the room.';"
        "print([(i.key, round(i.score, 9)) for i in suggest(p, t).indicators])"
    )
    seen = {
        subprocess.run(
            [sys.executable, "-c", script],
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "PYTHONHASHSEED": seed},
        ).stdout
        for seed in ("1", "2", "3")
    }
    assert len(seen) == 1


def test_r26_a_negated_list_runs_through_its_short_items(sefton):
    text = (
        "Theo (8 months) is meeting his milestones. There are no current concerns about domestic "
        "abuse, drugs or alcohol."
    )
    assert "alcohol" not in texts(suggest(sefton, text))


def test_r26_the_writers_role_is_not_what_the_referral_says(sefton):
    text = "Attendance officer, Litherland High. Ethan (12) arrives late most days."
    found = suggest(sefton, text)
    assert all("attendance" not in item.text.casefold() for item in found.indicators[:3])


TRAINED_ON = {"dev", "heldout", "fresh", "fresh2", "fresh3", "fresh4", "fresh5"}


def test_r26_the_stored_reranking_model_is_what_training_rebuilds(sefton, cases):
    from frontdoor.screening.suggest.training import train

    stored = json.loads((POLICIES / "suggest" / "trained-sefton.json").read_text())
    rebuilt = train(sefton, [case for case in cases if case["split"] in TRAINED_ON])
    assert json.loads(json.dumps(rebuilt.as_json())) == stored
    # Every labelled split but fresh6 is trained on (fresh3 and fresh4 since the criteria were
    # tuned on them in version 13, fresh5 since version 14); fresh6, labelled by a writer who had
    # not read the method, is the honest check.
    assert len(stored["examples"]) == sum(case["split"] in TRAINED_ON for case in cases)


def test_r26_the_reranking_model_applies_only_to_the_catalogue_it_was_trained_on(sefton):
    from frontdoor.screening.suggest import trained_model

    older = load_policy_file(POLICIES / "sefton-2022.yaml").policy
    lewisham = load_policy_file(POLICIES / "lewisham.yaml").policy
    assert trained_model(sefton) is not None
    assert trained_model(older) is not None  # the same catalogue, inherited
    assert trained_model(lewisham) is None  # its own catalogue: the lexical order stands


def test_r26_a_reranking_model_for_lines_worded_otherwise_does_not_apply(sefton):
    from frontdoor.screening.suggest.rerank import Learned, Model

    line = indicators_by_key(sefton)["L4.health.7"]
    learned = Learned(idf={}, examples=(), phrases=())
    assert Model({line.key: line.text}, learned, (0.0,) * 9).applies_to(sefton)
    assert not Model({line.key: "Bruising"}, learned, (0.0,) * 9).applies_to(sefton)


def test_r34_a_referral_said_not_made_or_made_elsewhere_is_no_re_referral(sefton):
    for text in [
        "Dad is asking for parenting support. There have been no previous referrals.",
        "Jo (9) has never been referred before.",
        "He was referred to speech and language therapy in March but was not brought.",
    ]:
        assert "re_referral" not in criteria(suggest(sefton, text)), text
    text = "We referred Mia (13) to the front door in March for the same reason."
    assert "re_referral" in criteria(suggest(sefton, text))


def test_r34_neglect_said_in_so_many_words_is_harm_or_neglect(sefton):
    for text in [
        "Staff have noticed that Kacey's (8) hair is matted and her clothes smell of urine.",
        "Baby Noah, 10 weeks old, has dropped from the 50th to the 9th centile since birth.",
    ]:
        assert "harm_or_neglect" in criteria(suggest(sefton, text)), text
    for text in [
        "Kai (6) has head lice.",
        "Baby Ava (8 weeks) is gaining weight well and has not lost weight.",
        "Her clothes are not dirty and she is well presented.",
    ]:
        assert "harm_or_neglect" not in criteria(suggest(sefton, text)), text


def test_r34_a_childs_own_behaviour_is_not_harm_done_to_them(sefton):
    text = (
        "Dad is asking for some parenting support. His son Kai (8) has tantrums at home, kicks "
        "doors and has been sent out of class a few times for being disruptive."
    )
    assert "harm_or_neglect" not in criteria(suggest(sefton, text))


def test_r34_harm_in_the_words_of_the_criterion_is_read_of_a_child_only(sefton):
    for text in [
        "Ellie (14) disclosed physical abuse by her stepfather.",
        "Sam (9) said his mum slapped him across the face.",
    ]:
        assert "harm_or_neglect" in criteria(suggest(sefton, text)), text
    for text in [
        "Mum says she was emotionally abused as a child.",
        "There is no suggestion of physical or emotional harm.",
        "Leila (12) was pushed down the stairs by older pupils.",
    ]:
        assert "harm_or_neglect" not in criteria(suggest(sefton, text)), text


def test_r34_one_parent_violent_to_the_other_is_domestic_abuse_not_the_childs_harm(sefton):
    found = criteria(suggest(sefton, "Dad punched mum in front of Tyler (7)."))
    assert "domestic_abuse" in found
    assert "harm_or_neglect" not in found


def test_r34_missing_episodes_counted_in_a_month_and_not_when_denied_or_past(sefton):
    for text in [
        "Kayla (15) was missing overnight on three occasions in March.",
        "This is Kayla's fourth missing episode this month.",
    ]:
        assert "missing" in criteria(suggest(sefton, text)), text
    for text in [
        "In 2022 Kayla (15) was missing for four days; there have been no missing episodes since.",
        "Kayla (15) has never been missing for more than a few hours.",
    ]:
        assert "missing" not in criteria(suggest(sefton, text)), text


def test_r34_missing_counts_the_days_named(sefton):
    longer = "Jade (14) went missing at 6pm on Monday and was found by police at 8pm on Thursday."
    assert "missing" in criteria(suggest(sefton, longer))
    shorter = "Jade (14) went missing at 8pm on Monday and was found by police at 6pm on Thursday."
    assert "missing" not in criteria(suggest(sefton, shorter))


def test_r34_an_injury_consistent_with_the_account_is_no_harm(sefton):
    text = (
        "Ward nurse: Mason Reilly (6) broke his arm falling off the climbing frame in the park; "
        "the injury is consistent with the history his mum and the park warden gave."
    )
    assert "harm_or_neglect" not in criteria(suggest(sefton, text))
    unexplained = text + " A second bruise on his back could not be explained."
    assert "harm_or_neglect" in criteria(suggest(sefton, unexplained))


def test_r34_a_baby_asleep_on_a_sofa_is_a_danger(sefton):
    text = (
        "Health visitor: Noah Platt is aged 9 days. Dad had taken cocaine and fell asleep on the "
        "sofa with Noah lying on him."
    )
    assert "harm_or_neglect" in criteria(suggest(sefton, text))
    advice = "Health visitor: Noah Platt is aged 9 days. Mum was given safe sleep advice."
    assert "harm_or_neglect" not in criteria(suggest(sefton, advice))


def test_r34_a_parent_left_alone_is_not_a_child_left_alone(sefton):
    carer = (
        "Aisha Khan (11) cooks and shops for her dad since his stroke. She is late for school "
        "and is frightened about leaving him on his own."
    )
    assert "harm_or_neglect" not in criteria(suggest(sefton, carer))
    left = "Aisha Khan (6) was left on her own overnight while her dad went out."
    assert "harm_or_neglect" in criteria(suggest(sefton, left))


def test_r34_clothes_named_in_passing_are_no_neglect(sefton):
    text = "Jayden Moss (13) has gone out every night this week and came back in new clothes."
    assert "harm_or_neglect" not in criteria(suggest(sefton, text))
    dirty = "Jayden Moss (5) comes to school every day in dirty clothes that smell of urine."
    assert "harm_or_neglect" in criteria(suggest(sefton, dirty))


def test_r34_a_child_damaging_the_home_is_harming_not_harmed(sefton):
    text = (
        "Mrs Lowe says her son Kyle (15) is out of control. Last night he punched a hole in the "
        "bedroom door and hit her when she took his phone."
    )
    assert "harm_or_neglect" not in criteria(suggest(sefton, text))


def test_r34_a_child_blackmailed_with_intimate_images_is_exploited(sefton):
    text = (
        "Dad rang: Ethan (14) was pressured into sending intimate images to someone on Instagram, "
        "who now says they will post them online unless he pays."
    )
    assert "child_exploitation" in criteria(suggest(sefton, text))


def test_r34_sexual_contact_by_the_adult_named_before_is_harm(sefton):
    text = (
        "Class teacher: Maisie Holt (10) said her stepdad sometimes sleeps in her room. "
        "She said he touched her under her pyjamas."
    )
    # Read from the words themselves, not only from the lines suggested.
    harm = next(
        item for item in suggest(sefton, text).mash_criteria if item.key == "harm_or_neglect"
    )
    assert harm.score >= CRITERION_FROM_WORDS
    assert harm.evidence[0].text == "She said he touched her under her pyjamas"


def test_r34_two_kinds_of_basic_care_unmet_are_neglect(sefton):
    text = (
        "Neighbour: Leo (4) and Amy (2) live in a flat with dog mess on the floors. "
        "The heating has been cut off since November."
    )
    assert "harm_or_neglect" in criteria(suggest(sefton, text))
    poverty = (
        "Family hub: Leo (4) and Amy (2). The family have used the food bank since November. "
        "The flat has mould in the bathroom."
    )
    assert "harm_or_neglect" not in criteria(suggest(sefton, poverty))


def test_r34_words_for_a_month_a_parent_and_an_accident(sefton):
    month = "Mia Rowe (14) has been reported missing three times in the past month."
    assert "missing" in criteria(suggest(sefton, month))
    child_saw = "Kai Lowe (4) told nursery that daddy hit mummy and mummy cried."
    assert "domestic_abuse" in criteria(suggest(sefton, child_saw))
    accident = (
        "Kai Lowe (4) has a broken leg from falling down the stairs; the doctors are satisfied "
        "it was an accident."
    )
    assert "harm_or_neglect" not in criteria(suggest(sefton, accident))
    said_by_mum = "Kai Lowe (4) has a broken leg; mum said it was an accident."
    assert "harm_or_neglect" in criteria(suggest(sefton, said_by_mum))


def test_r34_an_older_man_and_coercive_control_read_across_clauses(sefton):
    older = "Amy Hart (14) has been missing for two days; police think she is with an older man."
    assert "child_exploitation" in criteria(suggest(sefton, older))
    control = (
        "Mum told the health visitor that her partner controls the money and will not let her see "
        "her family. Their son Leo is 2."
    )
    assert "domestic_abuse" in criteria(suggest(sefton, control))


def test_r34_police_called_to_an_argument_is_a_domestic_incident(sefton):
    text = "Police were called to the house on Sunday; it was a row about money. Zac (6) slept."
    assert "domestic_abuse" in criteria(suggest(sefton, text))
    saw = "Zac Ward (6) saw his dad strangle his mum on Saturday; police arrested dad."
    assert criteria(suggest(sefton, saw)) == ["domestic_abuse"]
    baby = "Health visitor: baby Ava, 5 weeks, has a torn frenulum; mum could not explain it."
    assert "harm_or_neglect" in criteria(suggest(sefton, baby))


def test_r34_a_child_whose_boyfriend_is_an_adult_is_an_exploitation_concern(sefton):
    text = (
        "Maisie Cole (14) goes to meet her boyfriend after school and her sister says he is 26 and "
        "drives a van."
    )
    assert "child_exploitation" in criteria(suggest(sefton, text))
    same_age = "Maisie Cole (14) has a boyfriend in her class and her sister says he is 14."
    assert "child_exploitation" not in criteria(suggest(sefton, same_age))


def test_r34_goods_a_missing_child_will_not_account_for_are_an_exploitation_concern(sefton):
    text = (
        "Reece Dunn (13) came home after two nights missing wearing a jacket with the tags still "
        "on; he will not say who gave it to him."
    )
    assert "child_exploitation" in criteria(suggest(sefton, text))


def test_r34_an_injury_a_doctor_calls_typical_of_the_fall_described_is_an_accident(sefton):
    text = (
        "Ruby Platt (2) has a fractured collarbone after tumbling off the sofa at home; the "
        "consultant said the fracture was typical of the fall her father described."
    )
    assert "harm_or_neglect" not in criteria(suggest(sefton, text))
    unexplained = "Ruby Platt (2) has a fractured collarbone that nobody can explain."
    assert "harm_or_neglect" in criteria(suggest(sefton, unexplained))


def test_r27_strengths_in_everyday_words_find_the_level_1_lines(sefton):
    text = (
        "Nursery: Isla Grant (3) has had a cough for a month. Her dad is loving and attentive at "
        "pick-up, and she is always clean and well dressed."
    )
    first_ten = keys(suggest(sefton, text))[:10]
    assert "L1.emotional_warmth_stability.1" in first_ten
    assert "L1.health.4" in first_ten
