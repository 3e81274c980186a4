"""A policy's version is recorded with what is computed from it.

A new version changes no past record.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from django.db import transaction

from frontdoor.policy.loader import PolicyError, load_policy_file
from frontdoor.policy.models import PolicyVersion
from frontdoor.policy.versions import current_policy_version, record_policy_version

POLICIES = Path(__file__).resolve().parents[2] / "policies"


@pytest.fixture
def sefton_copy(tmp_path) -> Path:
    path = tmp_path / "sefton.yaml"
    shutil.copy(POLICIES / "sefton.yaml", path)
    return path


def rewrite(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.mark.django_db
def test_the_first_use_stores_the_policy_and_later_uses_find_it(sefton_copy):
    first = record_policy_version(load_policy_file(sefton_copy))
    again = record_policy_version(load_policy_file(sefton_copy))
    assert first.pk == again.pk
    assert (first.policy_id, first.version) == ("sefton", "2026.12")
    assert first.content["timescales"]["mash_enquiry_amber"]["length"] == 6


@pytest.mark.django_db
def test_a_new_version_is_stored_beside_the_old_which_is_unchanged(sefton_copy):
    old = record_policy_version(load_policy_file(sefton_copy))
    rewrite(sefton_copy, "mash_enquiry_amber: {length: 6,", "mash_enquiry_amber: {length: 5,")
    rewrite(sefton_copy, 'version: "2026.12"', 'version: "2026.13"')
    new = record_policy_version(load_policy_file(sefton_copy))
    assert new.pk != old.pk
    old.refresh_from_db()
    assert old.content["timescales"]["mash_enquiry_amber"]["length"] == 6
    assert new.content["timescales"]["mash_enquiry_amber"]["length"] == 5


@pytest.mark.django_db
def test_changed_content_under_the_same_version_is_refused(sefton_copy):
    record_policy_version(load_policy_file(sefton_copy))
    rewrite(sefton_copy, "mash_enquiry_amber: {length: 6,", "mash_enquiry_amber: {length: 5,")
    with pytest.raises(PolicyError, match="give the changed file a new version"):
        record_policy_version(load_policy_file(sefton_copy))
    assert PolicyVersion.objects.count() == 1


@pytest.mark.django_db
def test_the_current_policy_version_is_the_councils():
    version = current_policy_version()
    assert version.policy_id == "sefton"
    assert version.source_file == "sefton.yaml"


@pytest.mark.django_db
def test_a_version_is_read_once_in_a_transaction(sefton_copy, django_assert_num_queries):
    loaded = load_policy_file(sefton_copy)
    first = record_policy_version(loaded)
    with django_assert_num_queries(0):
        assert record_policy_version(loaded).pk == first.pk


@pytest.mark.django_db
def test_a_version_stored_in_a_rolled_back_savepoint_is_stored_again(sefton_copy):
    loaded = load_policy_file(sefton_copy)
    with pytest.raises(RuntimeError), transaction.atomic():
        record_policy_version(loaded)
        raise RuntimeError("undone")
    again = record_policy_version(loaded)
    assert PolicyVersion.objects.filter(pk=again.pk).exists()
