"""`python -m frontdoor cin-census` and `annex-a`: what they write, print and exit with (R46)."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from frontdoor.__main__ import main
from frontdoor.audit.models import AuditEvent
from tests.returns.conftest import ASSESS, BOXING_CLUB, SCHOOL, child, current_collection_year
from tests.returns.test_annex_a import days_ago

pytestmark = pytest.mark.django_db
YEAR = current_collection_year(timezone.localdate() - dt.timedelta(days=3))


def run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_r46_cin_census_writes_the_file_and_prints_its_counts(record, tmp_path):
    record(at=days_ago(3), referrer=SCHOOL, children=[child("Ellis")], decisions=[[ASSESS]])
    output = tmp_path / "cin.xml"
    printed = run("cin_census", "--year", str(YEAR), "--output", str(output))
    assert output.read_bytes().startswith(b"<?xml")
    assert f"wrote {output}" in printed
    assert "  referrals: 1\n" in printed and "  assessments: 1\n" in printed
    written = AuditEvent.objects.get(action="export.downloaded")
    assert written.changes["export"] == "returns.cin_census"
    assert written.changes["through"] == "command line"
    assert written.changes["rows"] == 1


def test_cin_census_exits_non_zero_with_the_list_when_blocked(record, tmp_path):
    contact = record(
        at=days_ago(3), referrer=BOXING_CLUB, children=[child("Ellis")], decisions=[[ASSESS]]
    )
    output = tmp_path / "cin.xml"
    out = StringIO()
    with pytest.raises(CommandError, match="not written"):
        call_command("cin_census", "--year", str(YEAR), "--output", str(output), stdout=out)
    assert not output.exists()
    printed = out.getvalue()
    assert "NOT written" in printed
    assert "BLOCKS THE FILE: 1 referrer has no referral source code" in printed
    assert f"/contacts/{contact.reference}/  Professional: Bootle Boxing Club" in printed


def test_r46_a_draft_leaves_out_the_blocked_children_and_lists_them_beside_it(record, tmp_path):
    import csv

    from lxml import etree

    blocked = record(
        at=days_ago(3), referrer=BOXING_CLUB, children=[child("Ellis")], decisions=[[ASSESS]]
    )
    record(at=days_ago(3), referrer=SCHOOL, children=[child("Robin")], decisions=[[ASSESS]])
    output = tmp_path / "cin.xml"
    fix = tmp_path / "fix.csv"
    printed = run(
        "cin_census", "--year", str(YEAR), "--output", str(output), "--draft",
        "--data-to-fix", str(fix),
    )  # fmt: skip
    kids = etree.parse(str(output)).getroot().findall("Children/Child")
    assert len(kids) == 1  # Robin's; Ellis's referrer has no source code
    manifest = tmp_path / "cin-left-out.csv"
    assert f"DRAFT: 1 child left out, listed with why in {manifest}" in printed
    (row,) = list(csv.DictReader(manifest.open(encoding="utf-8")))
    assert row["Contact"] == blocked.reference
    assert row["Link"] == f"/contacts/{blocked.reference}/"
    assert row["Why it was left out"].startswith("referrer has no referral source code")
    (problem,) = [line for line in csv.DictReader(fix.open(encoding="utf-8")) if line["Effect"]]
    assert problem["Effect"] == "Stops the file" and problem["Contact"] == blocked.reference


def test_without_draft_a_blocked_census_is_still_not_written(record, tmp_path):
    record(at=days_ago(3), referrer=BOXING_CLUB, children=[child("Ellis")], decisions=[[ASSESS]])
    with pytest.raises(CommandError, match="give --draft"):
        run("cin_census", "--year", str(YEAR), "--output", str(tmp_path / "c.xml"))
    assert not (tmp_path / "c.xml").exists()
    assert not (tmp_path / "c-left-out.csv").exists()


def test_the_hyphenated_command_line_exits_1_when_blocked(record, tmp_path, capsys):
    record(at=days_ago(3), referrer=BOXING_CLUB, children=[child("Ellis")], decisions=[[ASSESS]])
    argv = ["frontdoor", "cin-census", "--year", str(YEAR), "--output", str(tmp_path / "c.xml")]
    with pytest.raises(SystemExit) as exit_:
        main(argv)
    assert exit_.value.code == 1
    assert "The census was not written" in capsys.readouterr().err


def test_r46_annex_a_writes_xlsx_and_prints_the_rows_of_each_list(record, tmp_path):
    record(at=days_ago(3), referrer=BOXING_CLUB, children=[child("Ellis")], decisions=[[ASSESS]])
    output = tmp_path / "annex.xlsx"
    today = timezone.localdate()
    printed = run(
        "annex_a", "--from", f"{today - dt.timedelta(days=30)}", "--to", f"{today}",
        "--output", str(output),
    )  # fmt: skip
    assert output.exists()
    assert "List 1 (Contacts): 1 rows" in printed
    assert "List 3 (Referrals): 1 rows" in printed
    assert "- 1 referrer has no contact source code" in printed
    written = AuditEvent.objects.get(action="export.downloaded")
    assert (written.changes["export"], written.changes["file"]) == ("returns.annex_a", str(output))


def test_annex_a_refuses_a_bad_date_or_format(tmp_path, db):
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        run("annex_a", "--from", "1/4/2026", "--to", "2027-03-31", "--output", "a.xlsx")
    with pytest.raises(CommandError, match="on or after its start"):
        run("annex_a", "--from", "2027-04-01", "--to", "2027-03-31", "--output", "a.xlsx")
    with pytest.raises(CommandError, match=r"xlsx, \.csv or \.zip"):
        run("annex_a", "--from", "2026-04-01", "--to", "2027-03-31", "--output", "a.pdf")
