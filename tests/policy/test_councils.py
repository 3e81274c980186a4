"""Several councils on one service: which council a request serves, and adding one."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from frontdoor.policy import councils as councils_module
from frontdoor.policy.councils import council_for, forget_councils, serving, serving_council
from frontdoor.policy.models import Council, PolicyVersion
from frontdoor.policy.registry import current_policy

POLICIES = Path(__file__).resolve().parents[2] / "policies"


@pytest.fixture
def policy_dir(tmp_path, settings):
    """A policy folder of this test's own holding Sefton's file, served as the default."""
    folder = tmp_path / "policies"
    folder.mkdir()
    (folder / "sefton.yaml").write_bytes((POLICIES / "sefton.yaml").read_bytes())
    settings.FRONTDOOR_POLICY_DIR = folder
    yield folder
    from frontdoor.policy.registry import load_policies

    settings.FRONTDOOR_POLICY_DIR = POLICIES
    load_policies()


@pytest.fixture
def restore_councils():
    """The process's list of councils as it was before the test (whose rows are rolled back)."""
    before = councils_module._read
    yield
    councils_module._read = before


def test_a_database_holds_its_default_council(db):
    assert Council.objects.filter(key="sefton").exists()


def test_one_council_serves_every_address_unprefixed(db, restore_councils):
    forget_councils()
    assert council_for("localhost", "/lewisham/contacts/") == ("sefton", "")
    assert council_for("localhost", "/contacts/") == ("sefton", "")


def test_a_second_council_is_served_under_its_own_path(two_councils):
    assert council_for("localhost", "/lewisham/contacts/") == ("lewisham", "/lewisham")
    assert council_for("localhost", "/lewisham") == ("lewisham", "/lewisham")
    assert council_for("localhost", "/contacts/") == ("sefton", "")
    assert council_for("localhost", "/atlantis/contacts/") == ("sefton", "")


def test_a_council_with_its_own_host_is_served_there(db, restore_councils):
    Council.objects.create(key="lewisham", name="Lewisham Council", host="mash.lewisham.test")
    forget_councils()
    assert council_for("MASH.lewisham.test:8443", "/contacts/") == ("lewisham", "")


def test_tasks_and_commands_serve_the_default_unless_told(settings):
    assert serving_council() == "sefton"
    with serving("lewisham"):
        assert serving_council() == "lewisham"
        assert current_policy().id == "lewisham"
    assert current_policy().id == "sefton"


def test_a_page_under_a_councils_path_is_that_councils_and_its_links_keep_the_path(
    two_councils, client
):
    page = client.get("/lewisham/refer/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Lewisham" in html
    assert 'action="/lewisham/refer/' in html or 'href="/lewisham/' in html
    assert "Sefton" not in html
    # The default council keeps its own addresses.
    default = client.get("/refer/").content.decode()
    assert "Sefton" in default
    assert 'href="/lewisham/' not in default


def test_addresses_made_outside_a_councils_request_are_unprefixed(two_councils, client):
    client.get("/lewisham/refer/")
    assert reverse("home") == "/"


def test_static_files_and_the_api_are_found_under_a_councils_path(two_councils, client):
    page = client.get("/lewisham/api/v1/contacts/?nothing")
    assert page["Content-Type"].startswith("application/json")


def test_add_council_adds_it_records_its_policy_and_copies_the_file(
    db, policy_dir, restore_councils, capsys
):
    call_command("add_council", str(POLICIES / "lewisham.yaml"))
    out = capsys.readouterr().out
    council = Council.objects.get(key="lewisham")
    assert council.name in out and "/lewisham/" in out and "Restart" in out
    assert (policy_dir / "lewisham.yaml").read_bytes() == (POLICIES / "lewisham.yaml").read_bytes()
    assert PolicyVersion.objects.filter(policy_id="lewisham").exists()
    assert council_for("localhost", "/lewisham/contacts/")[0] == "lewisham"


def test_add_council_again_records_the_policys_new_version(
    db, policy_dir, restore_councils, tmp_path, capsys
):
    call_command("add_council", str(POLICIES / "lewisham.yaml"))
    draft = tmp_path / "lewisham.yaml"
    text = (POLICIES / "lewisham.yaml").read_text()
    draft.write_text(text.replace('version: "', 'version: "9', 1))
    with pytest.raises(CommandError, match="different policy lewisham"):
        call_command("add_council", str(draft))
    (policy_dir / "lewisham.yaml").write_text(draft.read_text())
    call_command("add_council", str(policy_dir / "lewisham.yaml"))
    assert "already on this service" in capsys.readouterr().out
    assert Council.objects.filter(key="lewisham").count() == 1
    assert PolicyVersion.objects.filter(policy_id="lewisham").count() == 2


def test_add_council_refuses_an_invalid_policy_and_changes_nothing(
    db, policy_dir, restore_councils, tmp_path
):
    broken = tmp_path / "atlantis.yaml"
    broken.write_text("id: atlantis\n")
    with pytest.raises(CommandError, match="atlantis"):
        call_command("add_council", str(broken))
    assert not Council.objects.filter(key="atlantis").exists()
    assert not (policy_dir / "atlantis.yaml").exists()


def test_add_council_refuses_a_host_another_council_has(db, policy_dir, restore_councils):
    Council.objects.filter(key="sefton").update(host="mash.example.test")
    with pytest.raises(CommandError, match="already serves"):
        call_command("add_council", str(POLICIES / "lewisham.yaml"), host="mash.example.test")
    assert not Council.objects.filter(key="lewisham").exists()


def test_staff_signed_in_at_another_councils_address_are_sent_to_their_own(
    two_councils, client, make_user
):
    from frontdoor.accounts.roles import Role

    lewisham_manager = make_user(Role.MASH_MANAGER, council_id="lewisham")
    client.force_login(lewisham_manager)
    # At the service's root, which serves Sefton, their home page would offer them nothing.
    response = client.get("/")
    assert response.status_code == 302 and response["Location"] == "/lewisham/"
    assert client.get("/lewisham/").status_code == 200
    sefton_manager = make_user(Role.MASH_MANAGER)
    client.force_login(sefton_manager)
    response = client.get("/lewisham/")
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get("/").status_code == 200
    # A partner agency's people work at whichever council's address asks them.
    client.force_login(make_user(Role.PARTNER_AGENCY, agency_key="probation"))
    assert client.get("/lewisham/").status_code == 200
