"""Policy files: validated against the schema, with problems named by file, field and line."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from frontdoor.policy.loader import PolicyError, load_policy_dir, load_policy_file
from frontdoor.policy.schema import Policy, TimescaleKey, Unit

REPO = Path(__file__).resolve().parents[2]
POLICIES = REPO / "policies"


def write_variant(tmp_path: Path, source: str, change, name: str | None = None) -> Path:
    """A copy of a shipped policy with `change` applied to its parsed content."""
    data = yaml.safe_load((POLICIES / f"{source}.yaml").read_text(encoding="utf-8"))
    change(data)
    path = tmp_path / f"{name or data['id']}.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


@pytest.mark.parametrize("policy_id", ["sefton", "sefton-2022", "lewisham"])
def test_every_shipped_policy_is_valid(policy_id):
    loaded = load_policy_file(POLICIES / f"{policy_id}.yaml")
    assert loaded.id == policy_id
    assert loaded.version
    assert len(loaded.sha256) == 64


def test_r36_sefton_uses_the_2023_guidance_timescales():
    policy = load_policy_file(POLICIES / "sefton.yaml").policy
    red, amber, green = (
        policy.timescale(key)
        for key in ("mash_enquiry_red", "mash_enquiry_amber", "mash_enquiry_green")
    )
    assert (red.length, red.unit) == (2, Unit.CLOCK_HOURS)
    assert (amber.length, amber.unit) == (6, Unit.CORE_HOURS)
    assert (green.length, green.unit) == (1, Unit.WORKING_DAYS)


def test_r36_sefton_2022_extends_sefton_with_the_committee_report_timescales():
    base = load_policy_file(POLICIES / "sefton.yaml").policy
    variant = load_policy_file(POLICIES / "sefton-2022.yaml").policy
    assert variant.timescale("mash_enquiry_amber").length == 4
    assert variant.timescale("mash_enquiry_green").unit == Unit.CORE_HOURS
    # Everything the variant does not restate is the base policy's, catalogue included.
    assert variant.timescale("contact_progressed") == base.timescale("contact_progressed")
    assert variant.level_of_need == base.level_of_need
    assert variant.council == base.council


def test_lewisham_leaves_rag_timescales_unset_and_sets_r30_r31():
    policy = load_policy_file(POLICIES / "lewisham.yaml").policy
    for key in ("mash_enquiry_red", "mash_enquiry_amber", "mash_enquiry_green"):
        assert policy.timescale(key) is None
    assert policy.timescale(TimescaleKey.REFERRER_FEEDBACK).length == 3
    assert policy.timescale(TimescaleKey.CHILD_SEEN).length == 5
    assert policy.consent.return_referrals_without_consent is True  # R15


def test_r40_sefton_strategy_meeting_needs_the_four_agencies():
    policy = load_policy_file(POLICIES / "sefton.yaml").policy
    assert set(policy.strategy_meeting_required_agencies) == {
        "social_care",
        "police",
        "health",
        "early_help",
    }


def test_r33_routes_into_mash_are_a_list_apart_from_the_r34_criteria():
    sefton = load_policy_file(POLICIES / "sefton.yaml").policy
    assert [route.key for route in sefton.mash_routes] == [
        "strategy_threshold",
        "more_information_needed",
        "anonymous_referral",
        "manager_discretion",
    ]
    assert "manager_discretion" not in {criterion.key for criterion in sefton.mash_criteria}
    assert load_policy_file(POLICIES / "sefton-2022.yaml").policy.mash_routes == sefton.mash_routes
    lewisham = load_policy_file(POLICIES / "lewisham.yaml").policy
    assert lewisham.offers_mash_route("manager_discretion")
    assert lewisham.mash_criteria == []


def test_r33_a_stored_version_listing_routes_among_criteria_reads_them_as_routes():
    data = yaml.safe_load((POLICIES / "sefton.yaml").read_text(encoding="utf-8"))
    data["mash_criteria"] += data.pop("mash_routes")
    policy = Policy.model_validate(data)
    assert policy.offers_mash_route("manager_discretion")
    assert "manager_discretion" not in {criterion.key for criterion in policy.mash_criteria}
    assert len(policy.mash_criteria) == 5


def test_r33_a_policy_with_no_route_and_no_criterion_is_refused(tmp_path):
    def change(data):
        data.pop("mash_routes")
        data.pop("mash_criteria")

    path = write_variant(tmp_path, "sefton", change)
    with pytest.raises(PolicyError, match="give mash_routes or mash_criteria"):
        load_policy_file(path)


def test_a_route_is_not_an_enquiry_criterion(tmp_path):
    def change(data):
        data["mash_routes"].append({"key": "missing", "label": "Missing"})

    with pytest.raises(PolicyError, match="mash_routes"):
        load_policy_file(write_variant(tmp_path, "sefton", change))


def test_a_wrong_unit_is_named_with_file_field_and_line(tmp_path):
    def change(data):
        data["timescales"]["mash_enquiry_amber"]["unit"] = "hours"

    path = write_variant(tmp_path, "sefton", change)
    with pytest.raises(PolicyError) as caught:
        load_policy_file(path)
    message = str(caught.value)
    assert str(path) in message
    assert "timescales.mash_enquiry_amber.unit" in message
    assert "'hours'" in message
    assert "clock_hours" in message  # what was expected
    line = caught.value.problems[0].line
    assert path.read_text().splitlines()[line - 1].strip() == "unit: hours"


def test_an_unknown_key_is_refused(tmp_path):
    path = write_variant(tmp_path, "sefton", lambda data: data.update(colour="blue"))
    with pytest.raises(PolicyError, match="colour: this key is not known"):
        load_policy_file(path)


def test_a_missing_section_is_refused(tmp_path):
    path = write_variant(tmp_path, "sefton", lambda data: data.pop("consent"))
    with pytest.raises(PolicyError, match="consent: this key is required"):
        load_policy_file(path)


def test_a_timescale_with_the_wrong_start_event_is_refused(tmp_path):
    def change(data):
        data["timescales"]["mash_enquiry_red"]["starts"] = "contact_received"

    path = write_variant(tmp_path, "sefton", change)
    with pytest.raises(PolicyError, match="mash_enquiry_red runs from agency_alerted"):
        load_policy_file(path)


def test_working_days_must_be_whole(tmp_path):
    def change(data):
        data["timescales"]["contact_progressed"]["length"] = 1.5

    path = write_variant(tmp_path, "sefton", change)
    with pytest.raises(PolicyError, match="whole number of days"):
        load_policy_file(path)


def test_core_hours_must_open_before_they_close(tmp_path):
    def change(data):
        data["calendar"]["core_hours"]["friday"] = {"opens": "16:00", "closes": "09:00"}

    path = write_variant(tmp_path, "sefton", change)
    with pytest.raises(PolicyError, match=r"calendar\.core_hours\.friday: opens must be before"):
        load_policy_file(path)


def test_a_strategy_meeting_agency_must_be_a_known_agency(tmp_path):
    def change(data):
        data["strategy_meeting_required_agencies"].append("coastguard")

    path = write_variant(tmp_path, "sefton", change)
    with pytest.raises(PolicyError, match="coastguard"):
        load_policy_file(path)


def test_an_indicator_under_an_undeclared_subdomain_is_refused(tmp_path):
    def change(data):
        data["level_of_need"]["levels"][0]["indicators"]["astrology"] = ["Mercury in retrograde"]

    path = write_variant(tmp_path, "sefton", change)
    with pytest.raises(PolicyError, match="astrology"):
        load_policy_file(path)


def test_yaml_syntax_errors_give_the_line(tmp_path):
    path = tmp_path / "sefton.yaml"
    path.write_text("id: sefton\nversion: [unclosed\n")
    with pytest.raises(PolicyError) as caught:
        load_policy_file(path)
    assert "not valid YAML" in str(caught.value)
    assert caught.value.problems[0].line is not None


def test_the_id_must_match_the_file_name(tmp_path):
    path = write_variant(tmp_path, "sefton", lambda data: None, name="wirral")
    with pytest.raises(PolicyError, match=r"id: the id must match the file name \(wirral\)"):
        load_policy_file(path)


def test_extends_names_a_policy_beside_the_file(tmp_path):
    path = tmp_path / "variant.yaml"
    path.write_text("id: variant\nextends: nowhere\nversion: '1'\n")
    with pytest.raises(PolicyError, match="no policy nowhere beside this file"):
        load_policy_file(path)


def test_problems_in_several_files_are_all_reported(tmp_path):
    shutil.copy(POLICIES / "sefton.yaml", tmp_path / "sefton.yaml")
    (tmp_path / "broken.yaml").write_text("id: broken\n")
    (tmp_path / "other.yaml").write_text("- a list\n")
    with pytest.raises(PolicyError) as caught:
        load_policy_dir(tmp_path)
    message = str(caught.value)
    assert "broken.yaml" in message and "other.yaml" in message


def run_frontdoor(*args: str, **env: str) -> subprocess.CompletedProcess:
    import os

    return subprocess.run(
        [sys.executable, "-m", "frontdoor", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        cwd=REPO,
        check=False,
    )


def test_check_policy_command_accepts_valid_files():
    result = run_frontdoor("check-policy", *(str(p) for p in sorted(POLICIES.glob("*.yaml"))))
    assert result.returncode == 0, result.stderr
    assert "sefton.yaml: valid" in result.stdout
    assert "lewisham.yaml: valid" in result.stdout


def test_check_policy_command_names_file_field_and_problem(tmp_path):
    def change(data):
        data["council"]["ons_code"] = "X123"

    path = write_variant(tmp_path, "sefton", change)
    result = run_frontdoor("check-policy", str(path))
    assert result.returncode == 1
    assert str(path) in result.stderr
    assert "council.ons_code" in result.stderr


def test_an_invalid_policy_stops_start_up(tmp_path):
    shutil.copy(POLICIES / "sefton.yaml", tmp_path / "sefton.yaml")

    def change(data):
        data["timescales"]["contact_progressed"]["unit"] = "fortnights"

    write_variant(tmp_path, "lewisham", change)
    result = run_frontdoor("check", FRONTDOOR_POLICY_DIR=str(tmp_path))
    assert result.returncode == 2
    assert "lewisham.yaml" in result.stderr
    assert "timescales.contact_progressed.unit" in result.stderr
    assert "Traceback" not in result.stderr


def test_start_up_refuses_a_council_without_a_policy_file():
    result = run_frontdoor("check", FRONTDOOR_COUNCIL="atlantis")
    assert result.returncode == 2
    assert "no policy file atlantis.yaml" in result.stderr


def test_the_other_council_runs_from_its_policy_file_alone():
    result = run_frontdoor("check", FRONTDOOR_COUNCIL="lewisham")
    assert result.returncode == 0, result.stderr


def test_r40_sefton_amber_can_lead_to_a_strategy_meeting_and_says_so():
    # The MASH leaflet: where the child has suffered or is likely to suffer significant harm,
    # an Amber or Red enquiry is completed and a strategy meeting arranged.
    policy = load_policy_file(POLICIES / "sefton.yaml").policy
    for rag in ("amber", "red"):
        assert "strategy_discussion" in policy.rag[rag].leads_to
        assert "strategy" in policy.rag[rag].progression.lower()


# The agencies the Sefton MASH leaflet says its enquiries gather information from, by kind.
LEAFLET_AGENCY_KINDS = {
    "social_care",
    "health",
    "police",
    "early_help",
    "education",
    "probation",
    "substance_misuse",
    "mental_health",
    "domestic_abuse",
}


def test_r37_sefton_marks_the_agencies_the_leaflet_does_not_list_as_its_own_additions():
    policy = load_policy_file(POLICIES / "sefton.yaml").policy
    additions = {agency.key for agency in policy.agencies if agency.own_addition}
    assert additions == {
        agency.key for agency in policy.agencies if agency.kind not in LEAFLET_AGENCY_KINDS
    }
    assert additions == {"youth_justice", "housing"}


def test_r39_r42_sefton_sends_a_mash_case_discussion_to_the_service_manager_first():
    escalation = load_policy_file(POLICIES / "sefton.yaml").policy.escalation
    assert [step.name for step in escalation.steps_for("mash_case_discussion")][:2] == [
        "Service manager",
        "Practitioner to practitioner",
    ]
    assert escalation.steps_for("strategy_meeting") == escalation.steps
    assert escalation.steps_for(None) == escalation.steps
    # Step 3 is reported to the partnership, and so is step 4's outcome.
    assert "safeguarding partnership" in escalation.steps[2].note
    assert "reported to the safeguarding partnership" in escalation.steps[3].note


def test_a_same_day_timescale_takes_no_length(tmp_path):
    def same_day_with_length(data):
        data["timescales"]["strategy_meeting"] = {
            "length": 1,
            "unit": "same_day",
            "starts": "protection_concerns_identified",
        }

    with pytest.raises(PolicyError, match="takes no length"):
        load_policy_file(write_variant(tmp_path, "lewisham", same_day_with_length))

    def hours_without_length(data):
        data["timescales"]["strategy_meeting"] = {
            "unit": "clock_hours",
            "starts": "protection_concerns_identified",
        }

    with pytest.raises(PolicyError, match="needs a length"):
        load_policy_file(write_variant(tmp_path, "lewisham", hours_without_length))
