"""`import-involvements`: involvements from other systems, row by row, safe to re-run (R18-R21)."""

from __future__ import annotations

import datetime as dt
import textwrap

import pytest
from django.core.management import call_command

from frontdoor.audit.models import AuditEvent
from frontdoor.people.models import ExternalIdentifier, Involvement, Person
from tests.people.factories import NHS_NUMBER, PersonFactory

pytestmark = pytest.mark.django_db

HEADER = (
    "person_id,nhs_number,first_name,last_name,date_of_birth,postcode,"
    "kind,started_on,ended_on,allocated_worker,allocated_worker_email,team,external_id\n"
)


def _csv(tmp_path, body: str):
    path = tmp_path / "export.csv"
    path.write_text(HEADER + textwrap.dedent(body).lstrip())
    return path


def _run(path, *extra):
    try:
        call_command("import_involvements", str(path), "--source", "mosaic", *extra)
    except SystemExit as exit_:
        return exit_.code
    return 0


WORKER = "Dana Keeling,dana@example.invalid,Locality North,EP-1"


def test_r19_involvements_are_imported_with_their_people(tmp_path, capsys):
    known = PersonFactory(nhs_number=NHS_NUMBER)
    path = _csv(
        tmp_path,
        f"""
        M1,{NHS_NUMBER},Ellis,Examplechild,2015-03-02,L21 7PQ,social_care,2026-01-05,,{WORKER}
        M2,,Robin,Examplechild,14/09/2018,L21 7PQ,Early help,2025-06-01,2025-12-01,,,,EP-2
        """,
    )
    assert _run(path) == 0
    out = capsys.readouterr()
    assert "2 involvements created" in out.out and "1 people created" in out.out
    assert "2/2 rows" in out.err  # the progress bar
    open_case = Involvement.objects.get(external_id="EP-1")
    assert open_case.person == known and open_case.is_open
    assert open_case.allocated_worker == "Dana Keeling"
    robin = Person.objects.get(first_name="Robin")
    assert robin.date_of_birth == dt.date(2018, 9, 14)
    assert ExternalIdentifier.objects.get(external_id="M2").person == robin
    assert AuditEvent.objects.filter(action="involvements.imported").exists()


def test_r19_running_the_import_again_updates_and_doubles_nothing(tmp_path, capsys):
    row = "M1,,Ellis,Examplechild,2015-03-02,,social_care,2026-01-05,{ended},Dana Keeling,,,EP-1\n"
    path = _csv(tmp_path, row.format(ended=""))
    assert _run(path) == 0
    assert _run(path) == 0
    assert "1 unchanged" in capsys.readouterr().out
    path = _csv(tmp_path, row.format(ended="2026-02-01"))
    assert _run(path) == 0
    assert Person.objects.count() == 1
    involvement = Involvement.objects.get()
    assert involvement.ended_on == dt.date(2026, 2, 1)
    assert involvement.history.count() == 2  # the open episode stays in the history


def test_people_are_found_again_by_exact_name_and_date_of_birth(tmp_path):
    known = PersonFactory(
        first_name="Ellis", last_name="Examplechild", date_of_birth=dt.date(2015, 3, 2)
    )
    path = _csv(tmp_path, ",,ellis,EXAMPLECHILD,2015-03-02,,early_help,2026-01-05,,,,,EH-1\n")
    assert _run(path) == 0
    assert Involvement.objects.get().person == known


def test_rejected_rows_are_reported_with_line_and_reason_and_the_rest_imported(tmp_path, capsys):
    path = _csv(
        tmp_path,
        """
        M1,,Ellis,Examplechild,2015-03-02,,social_care,2026-01-05,,,,,EP-1
        M2,9434765918,Robin,Examplechild,2018-09-14,,social_care,2026-01-05,,,,,EP-2
        M3,,Sam,Examplechild,2016-01-01,,holiday_club,2026-01-05,,,,,EP-3
        M4,,Alex,Examplechild,2016-01-01,,early_help,2026-02-30,,,,,EP-4
        M5,,Jo,Examplechild,2016-01-01,,early_help,2026-02-01,2026-01-01,,,,EP-5
        M6,,Kim,,,,early_help,2026-02-01,,,,,EP-6
        M7,,Lee,Examplechild,2016-01-01,,early_help,2026-02-01,,,not-an-email,,EP-7
        """,
    )
    assert _run(path) == 1
    err = capsys.readouterr().err
    assert f"{path}:3: rejected: nhs_number '9434765918' fails the NHS number check digit" in err
    assert f"{path}:4: rejected: kind 'holiday_club' is not known" in err
    assert f"{path}:5: rejected: started_on '2026-02-30' is not a date" in err
    assert f"{path}:6: rejected: ended_on is before started_on" in err
    assert f"{path}:7: rejected: the person is not known" in err
    assert f"{path}:8: rejected: allocated_worker_email 'not-an-email'" in err
    assert list(Involvement.objects.values_list("external_id", flat=True)) == ["EP-1"]
    assert Person.objects.count() == 1  # rejected rows leave no person behind


def test_a_dry_run_checks_everything_and_saves_nothing(tmp_path, capsys):
    path = _csv(tmp_path, "M1,,Ellis,Examplechild,2015-03-02,,social_care,2026-01-05,,,,,EP-1\n")
    assert _run(path, "--dry-run") == 0
    assert "Dry run, nothing saved. 1 rows: 1 involvements created" in capsys.readouterr().out
    assert not Involvement.objects.exists() and not Person.objects.exists()


def test_a_file_without_the_required_columns_is_refused(tmp_path):
    from django.core.management.base import CommandError

    path = tmp_path / "bad.csv"
    path.write_text("name,date\nEllis,2026-01-01\n")
    with pytest.raises(CommandError, match="no kind, started_on, external_id column"):
        call_command("import_involvements", str(path))


def test_the_command_is_reachable_with_a_hyphen_through_python_m_frontdoor(monkeypatch):
    import django.core.management

    from frontdoor.__main__ import main

    seen = []
    monkeypatch.setattr(django.core.management, "execute_from_command_line", seen.append)
    main(["frontdoor", "import-involvements", "export.csv", "--source", "mosaic"])
    assert seen == [["frontdoor", "import_involvements", "export.csv", "--source", "mosaic"]]
    assert django.core.management.get_commands()["import_involvements"] == "frontdoor.people"


def test_r19_the_line_manager_is_imported_and_their_address_checked(tmp_path, capsys):
    path = tmp_path / "export.csv"
    path.write_text(
        "person_id,last_name,date_of_birth,kind,started_on,allocated_worker,"
        "allocated_worker_email,line_manager,line_manager_email,external_id\n"
        "P-1,Okafor,2015-03-02,social_care,2026-01-05,Dana Keeling,dana@example.invalid,"
        "Lee Lead,lee@example.invalid,EP-1\n"
        "P-2,Okafor,2016-04-03,social_care,2026-01-05,Dana Keeling,dana@example.invalid,"
        "Lee Lead,not-an-email,EP-2\n"
    )
    assert _run(path) == 1
    involvement = Involvement.objects.get(external_id="EP-1")
    assert (involvement.line_manager, involvement.line_manager_email) == (
        "Lee Lead",
        "lee@example.invalid",
    )
    assert f"{path}:3: rejected: line_manager_email 'not-an-email'" in capsys.readouterr().err


CLOSURE_HEADER = (
    "person_id,last_name,date_of_birth,kind,started_on,ended_on,external_id,"
    "closure_reason,assessment_authorised_on,initial_conference\n"
)


def test_r46_the_case_records_closure_is_imported_for_the_census(tmp_path, capsys):
    path = tmp_path / "closures.csv"
    path.write_text(
        CLOSURE_HEADER
        + "M1,Example,2015-03-02,social_care,2026-01-05,2026-02-20,EP-1,rc8,2026-02-10,\n"
        + "M2,Example,2016-03-02,social_care,2026-01-05,2026-02-20,EP-2,RC7,,Not required\n"
        + "M3,Example,2017-03-02,social_care,2026-01-05,2026-02-20,EP-3,RC7,,2026-01-20\n"
        # Refused: not a DfE code; a reason for an involvement still open; a date unreadable.
        + "M4,Example,2018-03-02,social_care,2026-01-05,2026-02-20,EP-4,RC10,,\n"
        + "M5,Example,2018-03-02,social_care,2026-01-05,,EP-5,RC7,,\n"
        + "M6,Example,2018-03-02,social_care,2026-01-05,2026-02-20,EP-6,RC7,,next week\n"
    )
    assert _run(path) == 1
    err = capsys.readouterr().err
    assert "closure_reason 'RC10' is not a DfE reason for closure" in err
    assert "closure_reason is given but ended_on is empty" in err
    assert "initial_conference 'next week' is not a date" in err
    assessed = Involvement.objects.get(external_id="EP-1")
    assert (assessed.closure_reason, assessed.assessment_authorised_on) == (
        "RC8",
        dt.date(2026, 2, 10),
    )
    not_needed = Involvement.objects.get(external_id="EP-2")
    assert not_needed.conference_not_required and not_needed.initial_conference_on is None
    held = Involvement.objects.get(external_id="EP-3")
    assert held.initial_conference_on == dt.date(2026, 1, 20) and not held.conference_not_required
    assert not Involvement.objects.filter(external_id__in=["EP-4", "EP-5", "EP-6"]).exists()
