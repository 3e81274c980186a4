"""`python -m frontdoor due`: a due time for a manager or analyst checking a deadline."""

from __future__ import annotations

import pytest

from frontdoor.policy.cli import due


def run_due(capsys, *args: str) -> tuple[int, str, str]:
    try:
        status = due(list(args))
    except SystemExit as stop:  # argparse refusals
        status = stop.code
    out, err = capsys.readouterr()
    return status, out.strip(), err.strip()


def test_due_by_timescale_prints_iso_8601_with_offset(capsys):
    # R36 Amber, 6 core hours, at 17:00 on Christmas Eve 2026: half an hour that evening, then
    # Christmas Day, the weekend and the Boxing Day holiday (Monday 28th) are closed.
    status, out, _ = run_due(
        capsys, "sefton", "--timescale", "mash_enquiry_amber", "--from", "2026-12-24T17:00"
    )
    assert status == 0
    assert out == "2026-12-29T14:30:00+00:00"


def test_due_by_length_and_unit_matches_the_timescale(capsys):
    status, out, _ = run_due(
        capsys, "sefton", "--length", "6", "--unit", "core_hours", "--from", "2026-12-24T17:00"
    )
    assert (status, out) == (0, "2026-12-29T14:30:00+00:00")


def test_a_same_day_clock_is_due_at_midnight_with_no_length(capsys):
    status, out, _ = run_due(
        capsys, "lewisham", "--timescale", "strategy_meeting", "--from", "2027-06-01T16:45"
    )
    assert (status, out) == (0, "2027-06-02T00:00:00+01:00")
    status, out, _ = run_due(capsys, "sefton", "--unit", "same_day", "--from", "2027-06-01T16:45")
    assert (status, out) == (0, "2027-06-02T00:00:00+01:00")
    status, _, err = run_due(
        capsys, "sefton", "--length", "1", "--unit", "same_day", "--from", "2027-06-01T16:45"
    )
    assert status == 2 and "takes no --length" in err


def test_due_shows_summer_time_offset(capsys):
    status, out, _ = run_due(
        capsys, "sefton", "--timescale", "mash_enquiry_red", "--from", "2027-06-01T10:00"
    )
    assert (status, out) == (0, "2027-06-01T12:00:00+01:00")


def test_due_accepts_a_policy_file(capsys):
    status, out, _ = run_due(
        capsys,
        "policies/sefton-2022.yaml",
        "--timescale",
        "mash_enquiry_green",
        "--from",
        "2026-11-19T15:00",
    )
    # The committee report's Green: 4 core hours from Thursday 15:00: two and a half that
    # afternoon, one and a half on Friday morning.
    assert (status, out) == (0, "2026-11-20T10:30:00+00:00")


def test_an_unset_timescale_says_there_is_no_clock(capsys):
    status, out, err = run_due(
        capsys, "lewisham", "--timescale", "mash_enquiry_red", "--from", "2026-12-24T17:00"
    )
    assert status == 3
    assert out == ""
    assert "lewisham sets no mash_enquiry_red timescale" in err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["sefton", "--length", "6", "--from", "2026-12-24T17:00"], "--length needs --unit"),
        (["sefton", "--timescale", "mash_enquiry_red", "--from", "Christmas"], "not a date"),
        (
            ["sefton", "--length", "-1", "--unit", "core_hours", "--from", "2026-12-24"],
            "more than 0",
        ),
        (
            ["sefton", "--length", "1.5", "--unit", "working_days", "--from", "2026-12-24"],
            "whole number",
        ),
        (["sefton", "--timescale", "tea_break", "--from", "2026-12-24"], "invalid choice"),
    ],
)
def test_bad_arguments_are_refused_with_a_reason(capsys, args, message):
    status, _, err = run_due(capsys, *args)
    assert status == 2
    assert message in err


def test_an_unknown_policy_is_refused(capsys):
    status, _, err = run_due(
        capsys, "atlantis", "--timescale", "mash_enquiry_red", "--from", "2026-12-24T17:00"
    )
    assert status == 2
    assert "atlantis.yaml" in err
    assert "does not exist" in err
