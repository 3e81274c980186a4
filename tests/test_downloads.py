"""Every download Front Door serves, from a referral made through the public online form: no cell
a referrer typed is run as a formula, no member of the public who referred is named, and each
download is on the audit trail and in its maker's access log (R11, R45).

The downloads come from `frontdoor.exports.EXPORTS`: an export added there and not downloaded
here fails `test_r45_every_export_is_downloaded_here_in_every_format`.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import zipfile
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from lxml import etree
from openpyxl import load_workbook

from frontdoor import exports
from frontdoor.accounts.roles import Role
from frontdoor.audit.models import AuditEvent, RecordView
from frontdoor.escalations.services import open_escalation
from frontdoor.intake.models import Contact
from frontdoor.people.models import Person
from frontdoor.returns.views import current_collection_year
from frontdoor.screening.decisions import record_decision
from tests.intake.test_referral_form import date_fields, post, start, submit, url
from tests.mash.test_enquiries import send
from tests.screening.factories import ASSESSMENT

pytestmark = pytest.mark.django_db

# Each child's first name starts with what a spreadsheet runs as a formula (OWASP). The form
# strips the white space around every answer, so a leading tab or carriage return never reaches
# the record: what follows it, a formula, does.
TYPED = {
    "=": '=HYPERLINK("http://evil.example","Open")',
    "+": "+1+cmd|' /C calc'!A0",
    "-": "-2+3+cmd|' /C calc'!A0",
    "@": "@SUM(1+1)*cmd|' /C calc'!A0",
    "tab": "\t=1+1",
    "carriage return": "\r=2+2",
}
# What a spreadsheet runs as a formula, as OWASP lists it: kept here, not read from the module.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
PUBLIC_REFERRER = "=Alexandra Neighbourly"  # a member of the public: never disclosed (R11)


def _refer_through_the_public_form(client: Client, first_name: str, born: dt.date) -> Contact:
    journey = start(client)
    post(client, url("danger", journey), {"danger": "no"})
    post(client, url("who", journey), {"type": "public"})
    post(
        client,
        url("referrer", journey),
        {
            "name": PUBLIC_REFERRER,
            "phone": "0151 000 0009",
            "relationship_to_child": "-Neighbour",
        },
    )
    post(
        client,
        url("child_add", journey),
        {
            "first_name": first_name,
            "last_name": "@Examplechild",
            "unborn": "no",
            **date_fields("date_of_birth", born),
            "gender": "female",
            "ethnicity": "White British",
            "postcode": "L21 7PQ",
        },
    )
    post(client, url("children", journey), {"add": "no"})
    post(client, url("adults", journey), {"add": "no"})
    post(client, url("worry", journey), {"worry": "=Shouting at night; the child is hurt"})
    post(client, url("safety", journey), {"immediate_protection_needed": "no"})
    post(client, url("household", journey), {"domestic_abuse": "yes"})
    post(client, url("consent", journey), {"consent": "given"})
    post(client, url("level", journey), {"referrer_level_of_need": "not_known"})
    post(client, url("documents", journey), {"action": "continue"})
    assert submit(client, journey).status_code == 302
    return Contact.objects.get(reports__submission_key=f"marf-{journey}")


@dataclass(frozen=True)
class Download:
    """One file asked for, by whom, and a user the same request must refuse."""

    by: Any
    path: str
    query: dict[str, Any]
    refused: Any
    filters: dict[str, Any] = field(default_factory=dict)
    method: str = "get"

    def fetch(self, client: Client, user=None):
        client.force_login(user or self.by)
        return getattr(client, self.method)(self.path, self.query)


def _days(name: str, day: dt.date) -> dict[str, int]:
    return {f"{name}-day": day.day, f"{name}-month": day.month, f"{name}-year": day.year}


@dataclass
class World:
    contacts: list[Contact]
    users: dict[str, Any]
    downloads: dict[str, list[Download]]


@pytest.fixture
def world(client, make_user) -> World:
    """Six public referrals of a child each, each sent into MASH, one decided and escalated, and
    every download there is, each with a user who may make it and one who may not."""
    contacts = [
        _refer_through_the_public_form(client, first_name, dt.date(2012 + number, 3, 2))
        for number, first_name in enumerate(TYPED.values())
    ]
    manager = make_user(Role.MASH_MANAGER)
    police = make_user(Role.PARTNER_AGENCY, agency_key="police")
    auditor = make_user(Role.SERVICE_MANAGER)
    admin = make_user(Role.ADMINISTRATOR)
    analyst = make_user(Role.PERFORMANCE_ANALYST)
    for contact in contacts:
        send(contact, manager, now=timezone.now())
    contact, first = contacts[0], contacts[0].children.get()
    person = Person.objects.create(
        first_name=first.first_name, last_name=first.last_name, date_of_birth=first.date_of_birth
    )
    first.person = person
    first.save(update_fields=["person"])
    decision = record_decision(
        contact=contact, child=first, by=manager, now=timezone.now(), **ASSESSMENT
    )
    open_escalation(contact=contact, decision=decision, about="=cmd|' /C calc'!A0", by=police)

    today = timezone.localdate()
    week = {**_days("start", today - dt.timedelta(days=7)), **_days("end", today)}
    period = {"start": (today - dt.timedelta(days=7)).isoformat(), "end": today.isoformat()}
    year = current_collection_year(today)
    tables = client_tables(client, manager, week)
    downloads = {
        exports.PARTNER_ENQUIRIES.key: [
            Download(
                police,
                reverse("mash:requests"),
                {"format": "csv"},
                refused=manager,
                filters={"agency": "police"},
            )
        ],
        exports.DISCLOSURE_LOG.key: [
            Download(
                auditor,
                reverse("privacy:disclosures"),
                {"start": today.isoformat(), "format": "csv"},
                refused=manager,
                filters={"start": today.isoformat()},
            )
        ],
        exports.SUBJECT_ACCESS.key: [
            Download(
                admin,
                reverse("privacy:subject_access", args=[person.pk]),
                {"format": "json"},
                refused=auditor,
                filters={"person": person.pk},
                method="post",
            )
        ],
        exports.ESCALATION_LOG.key: [
            Download(manager, reverse("escalations:log"), {"format": f}, refused=analyst)
            for f in exports.ESCALATION_LOG.formats
        ],
        exports.ESCALATION_STEPS.key: [
            Download(auditor, reverse("escalations:report"), {"format": f}, refused=police)
            for f in exports.ESCALATION_STEPS.formats
        ],
        exports.DASHBOARD_TABLE.key: [
            Download(
                analyst,
                reverse("dashboards"),
                {**week, "download": table, "format": f},
                refused=police,
                filters={"table": table, **period},
            )
            for table in tables
            for f in exports.DASHBOARD_TABLE.formats
        ],
        exports.ANNEX_A.key: [
            Download(
                analyst,
                reverse("returns:returns"),
                {"return": "annex-a", "download": "1", "format": f, **week},
                refused=police,
                filters=period,
            )
            for f in exports.ANNEX_A.formats
        ],
        exports.CIN_CENSUS.key: [
            Download(
                manager,
                reverse("returns:returns"),
                {"return": "cin-census", "year": year, "download": "1"},
                refused=police,
                filters={"year": year},
            ),
            Download(
                manager,
                reverse("returns:returns"),
                {"return": "cin-census", "year": year, "download": "1", "draft": "1"},
                refused=police,
                filters={"year": year, "draft": 0},
            ),
        ],
        exports.DATA_TO_FIX.key: [
            Download(
                analyst,
                reverse("returns:returns"),
                {"return": "cin-census", "year": year, "download": "data-to-fix"},
                refused=police,
                filters={"year": year},
            )
        ],
        # Last: the manager's access log, which by then lists the downloads above.
        exports.ACCESS_LOG.key: [
            Download(
                auditor,
                reverse("privacy:access"),
                {"viewer": manager.pk, "format": "csv"},
                refused=analyst,
                filters={"viewer": manager.pk},
            )
        ],
    }
    users = {"manager": manager, "police": police, "auditor": auditor, "admin": admin}
    return World(contacts=contacts, users=users, downloads=downloads)


def client_tables(client: Client, user, query: dict) -> list[str]:
    """The keys of the tables the dashboards page offers to download."""
    client.force_login(user)
    return list(client.get(reverse("dashboards"), query).context["tables"])


def _csv_rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


@dataclass
class File:
    """What a download holds: its spreadsheet cells, its data rows, and all its text."""

    format: str
    cells: list[Any]  # CSV cells are text; XLSX cells are openpyxl cells
    rows: int
    text: list[str]


def _read(response) -> File:
    kind = response["Content-Disposition"].rsplit(".", 1)[1].rstrip('"')
    if kind == exports.CSV:
        rows = _csv_rows(response.content.decode())
        cells = [cell for row in rows for cell in row]
        return File(kind, cells, len(rows) - 1, cells)
    if kind == exports.ZIP:
        with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
            members = [_csv_rows(archive.read(name).decode()) for name in archive.namelist()]
        cells = [cell for rows in members for row in rows for cell in row]
        return File(kind, cells, sum(len(rows) - 1 for rows in members), cells)
    if kind == exports.XLSX:
        workbook = load_workbook(io.BytesIO(response.content))
        cells = [cell for sheet in workbook for row in sheet.iter_rows() for cell in row]
        rows = sum(sheet.max_row - 1 for sheet in workbook)
        return File(kind, cells, rows, [str(cell.value) for cell in cells])
    if kind == exports.JSON:
        document = json.loads(response.content)
        return File(kind, [], len(document["contacts"]), _strings(document))
    root = etree.fromstring(response.content)
    children = root.findall("./Children/Child")
    return File(kind, [], len(children), [item.text or "" for item in root.iter()])


def _strings(value) -> list[str]:
    if isinstance(value, dict):
        return [text for item in value.values() for text in _strings(item)]
    if isinstance(value, list):
        return [text for item in value for text in _strings(item)]
    return [str(value)]


def _every_download(world: World):
    for key, downloads in world.downloads.items():
        for download in downloads:
            yield key, download


def test_r45_every_export_is_downloaded_here_in_every_format(world):
    assert set(world.downloads) == set(exports.EXPORTS)
    for key, downloads in world.downloads.items():
        formats = {
            download.query.get("format", exports.EXPORTS[key].formats[0]) for download in downloads
        }
        assert formats == set(exports.EXPORTS[key].formats), key


def test_r45_no_download_runs_what_a_referrer_typed_as_a_formula(client, world):
    stored = {contact.children.get().first_name for contact in world.contacts}
    # The form strips white space: a tab or carriage return first leaves the formula after it.
    assert stored == {typed.strip() for typed in TYPED.values()}
    quoted: dict[str, set[str]] = {}
    for key, download in _every_download(world):
        response = download.fetch(client)
        assert response.status_code == 200, (key, download.query)
        held = _read(response)
        if held.format in (exports.CSV, exports.ZIP):
            raw = [cell for cell in held.cells if cell.startswith(FORMULA_STARTS)]
            assert raw == [], (key, held.format)
            found = {name for name in stored if any(f"'{name}" in c for c in held.cells)}
            quoted.setdefault(key, set()).update(found)
        elif held.format == exports.XLSX:
            assert [c.coordinate for c in held.cells if c.data_type == "f"] == [], key
            typed = [c for c in held.cells if str(c.value or "").startswith(FORMULA_STARTS)]
            assert all(c.data_type == "s" and c.quotePrefix for c in typed), key
    # The names did reach the two files that once wrote them raw, quoted.
    assert quoted[exports.PARTNER_ENQUIRIES.key] == stored
    assert quoted[exports.DISCLOSURE_LOG.key] == stored


def test_r11_no_download_names_a_member_of_the_public_who_referred(client, world):
    name = PUBLIC_REFERRER.lstrip("=")
    for key, download in _every_download(world):
        held = _read(download.fetch(client))
        assert not [text for text in held.text if name in text], key


def test_r45_each_download_is_audited_with_its_rows_and_filters_and_in_the_access_log(
    client, world
):
    for key, download in _every_download(world):
        before = AuditEvent.objects.filter(action=exports.DOWNLOADED).count()
        held = _read(download.fetch(client))
        event = AuditEvent.objects.filter(action=exports.DOWNLOADED).latest("id")
        assert AuditEvent.objects.filter(action=exports.DOWNLOADED).count() == before + 1
        assert event.actor == download.by
        assert event.changes["export"] == key
        assert event.changes["format"] == held.format
        assert event.changes["rows"] == held.rows, key
        assert event.changes["filters"] == download.filters, key
        view = RecordView.objects.get(target_type="audit.auditevent", target_id=str(event.pk))
        assert view.viewer == download.by
    # Each maker's access log lists their downloads by export, never by a child's name.
    client.force_login(world.users["auditor"])
    page = client.get(reverse("privacy:access"), {"viewer": world.users["police"].pk})
    text = page.content.decode()
    assert "Download: MASH enquiries sent to the agency" in text
    assert "CSV file, 6 rows: agency police" in text
    assert "Examplechild" not in text


def test_r45_a_refused_user_gets_no_file_and_no_entry(client, world):
    for key, download in _every_download(world):
        response = download.fetch(client, download.refused)
        assert response.status_code in (403, 404), key
        assert "Content-Disposition" not in response, key
    assert not AuditEvent.objects.filter(action=exports.DOWNLOADED).exists()
    assert not RecordView.objects.filter(target_type="audit.auditevent").exists()
