"""The census Front Door writes passes the DfE's own validation rules (R46).

The rules run in the DfE-endorsed validator `csc-validator-be-cin`, installed by
`python3 dev.py test` in `.venv-cin` (it needs an older pandas than Front Door's).
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from frontdoor.returns.cin_census import produce_census

pytestmark = pytest.mark.django_db

REPO = Path(__file__).resolve().parents[2]
CIN_PYTHON = REPO / ".venv-cin" / "bin" / "python"
VALIDATOR_RUNNER = Path(__file__).with_name("run_cin_validator.py")


def validate(path: Path, *, year: int) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(CIN_PYTHON), str(VALIDATOR_RUNNER), str(path), "--year", str(year)],
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )


@pytest.mark.skipif(not CIN_PYTHON.exists(), reason="python3 dev.py test installs .venv-cin")
def test_the_census_for_a_year_of_contacts_has_no_dfe_errors(year_of_contacts, tmp_path):
    year, _ = year_of_contacts
    output = tmp_path / "cin.xml"
    result = produce_census(year=year, output=output)
    assert result.written, result.census.problems.lines()
    counts = result.census.counts
    assert counts["referrals"] >= 20
    assert counts["assessments"] and counts["section 47 enquiries"]
    assert counts["referrals with no further action"]
    checked = validate(output, year=year)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert re.search(r"^errors: 0$", checked.stdout, re.MULTILINE), checked.stdout


@pytest.mark.skipif(not CIN_PYTHON.exists(), reason="python3 dev.py test installs .venv-cin")
def test_r46_a_child_referred_again_after_the_case_record_closed_files_with_no_dfe_errors(
    record, tmp_path
):
    from tests.returns.test_cin_census import YEAR, _returning_child

    _returning_child(record, closure_reason="RC8")
    output = tmp_path / "cin.xml"
    result = produce_census(year=YEAR, output=output)
    assert result.written, result.census.problems.lines()
    checked = validate(output, year=YEAR)
    assert re.search(r"^errors: 0$", checked.stdout, re.MULTILINE), checked.stdout


def test_r31_annex_a_says_a_child_was_seen_where_the_council_sets_no_timescale(
    year_of_contacts, manager
):
    """Sefton sets no timescale for seeing the child, yet records when the child is seen."""
    from django.utils import timezone

    from frontdoor.policy.registry import current_policy
    from frontdoor.policy.schema import TimescaleKey
    from frontdoor.returns.annex_a import UNKNOWN, YES, build_annex_a
    from frontdoor.returns.cin_census import collection_period
    from frontdoor.returns.selectors import child_key
    from frontdoor.screening.decisions import complete_follow_up
    from frontdoor.screening.models import FollowUp

    year, _ = year_of_contacts
    assert current_policy().timescale(TimescaleKey.CHILD_SEEN) is None
    to_see = FollowUp.objects.filter(kind=FollowUp.Kind.CHILD_SEEN).select_related("decision")
    seen = to_see[0]
    not_yet = to_see.exclude(decision__child=seen.decision.child).first()
    complete_follow_up(
        follow_up=seen, by=manager, note="Seen at home.", now=seen.decision.decided_at
    )
    start, _ = collection_period(year)
    annex = build_annex_a(start=start, end=timezone.localdate())
    said = {row[0]: row[-5] for row in annex.rows(4)}

    def key(follow_up: FollowUp) -> str:
        child = follow_up.decision.child
        return child_key(person_id=child.person_id, reported_child_id=child.pk)

    assert said[key(seen)] == YES
    assert said[key(not_yet)] == UNKNOWN


@pytest.mark.skipif(not CIN_PYTHON.exists(), reason="python3 dev.py test installs .venv-cin")
@pytest.mark.parametrize(
    "case",
    [
        "born before the census date",
        "born after the census date",
        "still unborn at the census date",
    ],
)
def test_r5_r46_a_child_unborn_at_the_contact_files_with_no_dfe_errors(record, tmp_path, case):
    from tests.returns.test_cin_census import LAST_YEAR, unborn_case

    unborn_case(record, case)
    output = tmp_path / "cin.xml"
    result = produce_census(year=LAST_YEAR, output=output)
    assert result.written, result.census.problems.lines()
    checked = validate(output, year=LAST_YEAR)
    assert re.search(r"^errors: 0$", checked.stdout, re.MULTILINE), checked.stdout
