"""Referral sources, ethnicity and sex read as the DfE's codes, from the council's policy (R46)."""

from __future__ import annotations

import pytest

from frontdoor.policy.registry import current_policy
from frontdoor.policy.schema import ReferralSourceRule, Returns
from frontdoor.returns.codes import (
    ETHNICITIES,
    REFERRAL_SOURCES,
    Ethnicities,
    ReferralSources,
    Referrer,
    ofsted_ethnicity,
    ofsted_gender,
    ofsted_source,
    sex_code,
)


def professional(agency: str, role: str = "", **extra) -> Referrer:
    return Referrer(
        channel="telephone", referrer_type="professional", agency=agency, role=role, **extra
    )


@pytest.mark.parametrize(
    ("referrer", "code"),
    [
        (professional("Litherland High School", "Designated safeguarding lead"), "2A"),
        (professional("Merseyside Police (Bootle)", "Constable"), "6"),
        (professional("Sampleford Medical Centre", "GP"), "3A"),
        (professional("Health visiting team", "Health visitor"), "3B"),
        (professional("Southport and Ormskirk NHS Trust", "School nurse"), "3C"),
        (professional("Alder Hey", "Nurse, Emergency Department"), "3E"),
        (professional("Housing options", "Housing officer"), "4"),
        (professional("Family Wellbeing Centre", "Worker"), "5D"),
        (professional("Youth Justice Service", "Case worker"), "5B"),
        (Referrer(channel="telephone", referrer_type="family"), "1A"),
        (Referrer(channel="telephone", referrer_type="public", relationship="Neighbour"), "1B"),
        (Referrer(channel="online_form", referrer_type="public", relationship="Myself"), "1C"),
        (Referrer(channel="telephone", referrer_type="public"), "1D"),
        (Referrer(channel="online_form", referrer_type="anonymous"), "9"),
        (Referrer(channel="police_notification", referrer_type="professional"), "6"),
    ],
)
def test_referral_sources_follow_the_councils_rules(referrer, code):
    assert ReferralSources(current_policy()).code_for(referrer) == code


def test_a_referrer_no_rule_fits_has_no_code_rather_than_a_guess():
    sources = ReferralSources(current_policy())
    assert sources.code_for(professional("Bootle Boxing Club", "Coach")) is None


def test_a_referrer_from_one_of_the_councils_agencies_takes_its_kind():
    sources = ReferralSources(current_policy())
    # "Probation Service" is one of Sefton's agencies (kind probation): other legal agency.
    assert sources.agency_kind(professional("Probation Service")) == "probation"
    assert sources.code_for(professional("Probation Service", "Officer")) == "7"
    # A partner agency's user recording a report speaks for their agency.
    assert sources.code_for(professional("", "Analyst", recorder_agency_key="police")) == "6"


def test_a_source_rule_must_give_a_condition():
    with pytest.raises(ValueError, match="gives no channel"):
        ReferralSourceRule(code="8")
    assert Returns().referral_sources == []


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("White British", "WBRI"),
        ("white - british", "WBRI"),
        ("WBRI", "WBRI"),
        ("Any other White background", "WOTH"),
        ("Pakistani", "APKN"),
        ("White and Black Caribbean", "MWBC"),
        ("White English", "WBRI"),  # Sefton's policy adds this spelling
        ("Prefer not to say", "REFU"),
    ],
)
def test_typed_ethnicity_maps_to_the_dfe_code(typed, code):
    assert Ethnicities(current_policy()).code_for(typed) == code


def test_an_ethnicity_nothing_maps_is_not_guessed():
    assert Ethnicities(current_policy()).code_for("Scouse") is None


@pytest.mark.parametrize("policy_id", ["sefton", "lewisham"])
@pytest.mark.parametrize("typed", ["Other", "other", "OTHER."])
def test_a_bare_other_is_not_mapped_it_could_be_any_other_background(policy_id, typed):
    # "Other" names no group: any other White, Mixed, Asian, Black or other background. Only
    # the DfE's own label for OOTH maps to it; the rest is listed to fix on the child's record.
    from frontdoor.policy.registry import get_loaded_policy

    ethnicities = Ethnicities(get_loaded_policy(policy_id).policy)
    assert ethnicities.code_for(typed) is None
    assert ethnicities.code_for("Any other ethnic group") == "OOTH"


def test_sex_is_m_f_or_u_and_always_u_for_an_unborn_child():
    assert sex_code(sex="male", unborn=False) == "M"
    assert sex_code(sex="female", unborn=False) == "F"
    assert sex_code(sex="", unborn=False) == "U"
    assert sex_code(sex="not_known", unborn=False) == "U"
    assert sex_code(sex="female", unborn=True) == "U"


def test_ofsted_codes_are_written_as_its_template_lists_them():
    assert ofsted_gender(gender="female", unborn=False) == "b) Female"
    assert ofsted_gender(gender="male", unborn=True) == "c) Not stated/recorded"
    assert ofsted_ethnicity("WBRI") == "a) WBRI"
    assert ofsted_ethnicity("REFU") == "s) REFU"
    assert ofsted_ethnicity("NOBT") == "t) NOBT"
    assert ofsted_source("1A") == "a) 1A: Individual"
    assert ofsted_source("5D") == "p1) 5D: LA services"
    assert ofsted_source("10") == "u) 10: Unknown"
    assert len(REFERRAL_SOURCES) == 22 and len(ETHNICITIES) == 20
