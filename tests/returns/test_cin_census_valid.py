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
