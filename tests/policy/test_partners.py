"""Partner agencies the councils on a service share: named alike in every council's policy."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from frontdoor.policy.loader import PolicyError, load_policy_file
from frontdoor.policy.models import Council
from tests.policy.test_councils import policy_dir, restore_councils  # noqa: F401
from tests.policy.test_loader import run_frontdoor, write_variant


def partner(key: str, shared: str):
    def change(data):
        for agency in data["agencies"]:
            if agency["key"] == key:
                agency["partner"] = shared

    return change


def test_a_policy_cannot_name_one_partner_agency_twice(tmp_path):
    def change(data):
        partner("police", "regional_police")(data)
        partner("probation", "regional_police")(data)

    with pytest.raises(PolicyError, match="each partner must be named once"):
        load_policy_file(write_variant(tmp_path, "sefton", change))


def test_check_policy_accepts_councils_naming_one_partner_alike(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    sefton = write_variant(tmp_path / "a", "sefton", partner("probation", "probation_service"))
    lewisham = write_variant(tmp_path / "b", "lewisham", partner("probation", "probation_service"))
    result = run_frontdoor("check-policy", str(sefton), str(lewisham))
    assert result.returncode == 0, result.stderr


def test_check_policy_refuses_councils_giving_one_partner_two_kinds(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    sefton = write_variant(tmp_path / "a", "sefton", partner("police", "regional_police"))
    lewisham = write_variant(tmp_path / "b", "lewisham", partner("health", "regional_police"))
    result = run_frontdoor("check-policy", str(sefton), str(lewisham))
    assert result.returncode == 1
    assert "sefton.yaml: valid" in result.stdout  # each file is valid alone
    assert (
        "the partner agency regional_police is one agency, but the councils give it different "
        "kinds: health in lewisham; police in sefton"
    ) in result.stderr


def test_add_council_refuses_a_partner_another_council_names_as_another_kind(
    db,
    policy_dir,  # noqa: F811
    restore_councils,  # noqa: F811
    tmp_path,
):
    from frontdoor.policy.registry import load_policies

    write_variant(policy_dir, "sefton", partner("police", "regional_police"))
    load_policies()
    lewisham = write_variant(tmp_path, "lewisham", partner("health", "regional_police"))
    with pytest.raises(CommandError, match="regional_police is one agency"):
        call_command("add_council", str(lewisham))
    assert not Council.objects.filter(key="lewisham").exists()
    assert not (policy_dir / "lewisham.yaml").exists()
