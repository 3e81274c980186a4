"""R17: a transfer to a council on the same service arrives in that council's inbox."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse

from frontdoor.accounts.roles import Role
from frontdoor.audit.models import AuditEvent
from frontdoor.intake.attachments import add_attachment
from frontdoor.intake.models import Attachment, Contact
from frontdoor.intake.selectors import contacts_visible_to
from frontdoor.policy.clocks import LONDON
from frontdoor.policy.councils import serving
from frontdoor.policy.row_security import database_council, every_council
from frontdoor.privacy.selectors import STATUTORY_DUTY, disclosures
from frontdoor.screening.decisions import DecisionConflict, TransferDetails
from frontdoor.screening.models import Transfer, TransferArrival
from frontdoor.screening.transfers import TRANSFER_BASIS, accept_transfer, arrivals_at
from tests.screening.test_decisions import DECIDED, decide

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("two_councils")]

LEWISHAM = "E09000023"
LIVERPOOL = "E08000012"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def uploads(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def lewisham_worker(make_user):
    return make_user(Role.MASH_SOCIAL_WORKER, council_id="lewisham")


def transfer_to(contact, manager, code=LEWISHAM, **overrides):
    return decide(
        contact,
        contact.children.first(),
        manager,
        level=2,
        outcome="another_council",
        transfer=TransferDetails(
            council_code=code,
            sent_how="Through Front Door",
            what_was_sent="The contact, its documents and our checks",
        ),
        **overrides,
    )


def arrived_contact() -> Contact:
    """The contact the transfer made in Lewisham's inbox: the test looks at both councils."""
    with every_council():
        return TransferArrival.objects.select_related("contact").get().contact


def test_a_transfer_to_a_council_on_the_service_arrives_in_its_inbox(
    contact, manager, lewisham_worker
):
    add_attachment(
        report=contact.reports.get(),
        uploaded_file=SimpleUploadedFile("plan.pdf", PDF, content_type="application/pdf"),
    )
    transfer_to(contact, manager)

    # The sender's arrival row is the sender's to read.
    arrival = TransferArrival.objects.get()
    assert (arrival.from_council, arrival.to_council) == ("sefton", "lewisham")
    arrived = arrived_contact()
    assert arrived.council_id == "lewisham"
    assert arrived.reference != contact.reference
    assert arrived.state == Contact.State.RECEIVED
    assert arrived.policy_version.policy_id == "lewisham"
    assert arrived.received_at == DECIDED  # its clocks run from when it arrived
    # The reports, children, adults and documents arrive, as Lewisham's; the sender's person
    # records do not.
    with serving("lewisham"):
        report = arrived.reports.get()
        children = [c.name for c in arrived.children.all()]
        adults = arrived.adults.count()
        assert all(child.person_id is None for child in arrived.children.all())
        document = report.attachments.get()
        assert (document.original_name, document.file.read()) == ("plan.pdf", PDF)
    assert report.council_id == "lewisham"
    assert report.worry == contact.reports.get().worry
    assert children == [c.name for c in contact.children.all()]
    assert adults == contact.adults.count()
    # The sending council's checks and decision go with it.
    assert arrival.findings["outcome"] == arrival.transfer.decision.outcome_label
    assert any(check["title"] for check in arrival.findings["checks"])
    # In Lewisham's inbox, for Lewisham's staff only.
    with serving("lewisham"):
        assert list(contacts_visible_to(lewisham_worker)) == [arrived]
    assert arrived not in contacts_visible_to(manager)


def test_the_transfer_is_a_disclosure_with_its_lawful_basis_audited_on_both_sides(contact, manager):
    transfer_to(contact, manager)
    arrived = arrived_contact()
    [row] = [row for row in disclosures(user=manager) if row.kind == "Transfer"]
    assert (row.lawful_basis, row.lawful_basis_detail) == (STATUTORY_DUTY, TRANSFER_BASIS)
    assert "London Borough of Lewisham's inbox" in row.what
    assert "not yet accepted" in row.what
    # Each side's entries are on its own trail, and on no other (row_security on PostgreSQL).
    sent = AuditEvent.objects.get(action="transfer.arrived")
    with serving("lewisham"):
        received = AuditEvent.objects.get(action="transfer.received")
        assert AuditEvent.objects.filter(
            action="contact.transferred_in", target_id=str(arrived.pk)
        ).exists()
    assert (sent.target_id, received.target_id) == (str(contact.pk), str(arrived.pk))
    assert (sent.council_id, received.council_id) == ("sefton", "lewisham")


def test_the_sender_sees_when_the_receiving_council_accepted_it(
    client, contact, manager, lewisham_worker
):
    decision = transfer_to(contact, manager)
    arrived = arrived_contact()
    accepted_at = DECIDED + dt.timedelta(hours=1)
    with serving("lewisham"):
        accept_transfer(contact=arrived, by=lewisham_worker, now=accepted_at)
    arrival = TransferArrival.objects.get()
    assert (arrival.accepted_at, arrival.accepted_by) == (accepted_at, lewisham_worker)
    # The sender's trail says it was accepted; the receiver's that it accepted it.
    assert AuditEvent.objects.filter(
        action="transfer.accepted_by_receiver", target_id=str(contact.pk)
    ).exists()
    with serving("lewisham"):
        assert AuditEvent.objects.filter(
            action="transfer.accepted", target_id=str(arrived.pk)
        ).exists()

    client.force_login(manager)
    page = client.get(reverse("screening:contact", args=[contact.reference]))
    text = page.content.decode()
    assert f'id="transfer-arrival-{decision.pk}"' in text
    assert "accepted at 14:00 on" in text


def test_the_receiving_council_accepts_it_on_its_screening_page(
    client, contact, manager, lewisham_worker
):
    transfer_to(contact, manager)
    arrived = arrived_contact()
    client.force_login(lewisham_worker)
    page = client.get(f"/lewisham/contacts/{arrived.reference}/screening/")
    text = page.content.decode()
    assert "Transferred from another council" in text
    assert "From Sefton Council" in text or "From Sefton" in text
    assert "Accept the transfer" in text
    client.post(f"/lewisham/contacts/{arrived.reference}/screening/accept-transfer/")
    assert TransferArrival.objects.get().accepted_by == lewisham_worker
    # The sending council's staff cannot open the contact that arrived.
    client.force_login(manager)
    assert client.get(f"/contacts/{arrived.reference}/screening/").status_code == 404


def test_sending_twice_makes_one_contact(contact, manager):
    decision = transfer_to(contact, manager)
    with pytest.raises(DecisionConflict):  # the same form submitted again
        transfer_to(contact, manager)
    # A revised decision that transfers the child again arrives in the same contact.
    transfer_to(contact, manager, based_on=decision.sequence)
    assert Transfer.objects.count() == 2
    assert TransferArrival.objects.values("contact").distinct().count() == 1
    with every_council():
        assert Contact.objects.filter(council="lewisham").count() == 1


def test_a_transfer_to_a_council_not_on_the_service_is_recorded_as_before(contact, manager):
    transfer_to(contact, manager, code=LIVERPOOL)
    assert Transfer.objects.get().to_council_name == "Liverpool"
    assert not TransferArrival.objects.exists()
    with every_council():
        assert not Contact.objects.filter(council="lewisham").exists()


def test_the_decision_page_says_which_councils_a_transfer_arrives_at(client, contact, manager):
    client.force_login(manager)
    child = contact.children.first()
    page = client.get(reverse("screening:decide", args=[contact.reference, child.pk]))
    text = page.content.decode()
    assert ">Lewisham (on this service: it arrives in their inbox)<" in text
    assert "Liverpool (on this service" not in text


on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="row-level security exists only on PostgreSQL; on SQLite the selectors' filter "
    "alone keeps the councils apart (test_the_receiving_council_accepts_it_on_its_screening_page)",
)


def _ids(sql: str, *params) -> set[int]:
    """A raw query with no council filter of its own, through the app's connection."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {row[0] for row in cursor.fetchall()}


@on_postgresql
def test_the_sender_reads_the_arrival_and_nothing_of_the_receivers_copy(
    client, contact, manager, lewisham_worker, person_for
):
    add_attachment(
        report=contact.reports.get(),
        uploaded_file=SimpleUploadedFile("plan.pdf", PDF, content_type="application/pdf"),
    )
    transfer_to(contact, manager)
    # Once the copy is made, the door that made it is shut: the sender is served alone.
    assert database_council() == "sefton"
    arrived = arrived_contact()
    with serving("lewisham"):
        # The receiver links the child to a person record of its own, as matching would.
        person = person_for(arrived.children.first())
        copied = {
            "intake_report": set(arrived.reports.values_list("pk", flat=True)),
            "intake_reportedchild": set(arrived.children.values_list("pk", flat=True)),
            "intake_reportedadult": set(arrived.adults.values_list("pk", flat=True)),
            "intake_attachment": set(
                Attachment.objects.filter(report__contact=arrived).values_list("pk", flat=True)
            ),
        }
    assert all(copied.values())

    # Serving the sender: the arrival row is its own to read (arrived, accepted or not)...
    arrival = TransferArrival.objects.get()
    assert arrival.contact_id == arrived.pk
    # ...and nothing of the receiver's contact, its reports, people or history through it.
    with pytest.raises(Contact.DoesNotExist):
        arrival.contact  # noqa: B018
    assert not TransferArrival.objects.values_list("contact__reference", flat=True)
    assert not TransferArrival.objects.filter(contact__children__person=person).exists()
    assert not Contact.objects.filter(arrivals__isnull=False).exists()
    assert arrived.pk not in _ids("SELECT id FROM intake_contact")
    assert not _ids("SELECT id FROM intake_historicalcontact WHERE id = %s", arrived.pk)
    for table, pks in copied.items():
        assert not _ids(f"SELECT id FROM {table}") & pks, table  # noqa: S608
    assert not _ids("SELECT id FROM people_person WHERE id = %s", person.pk)
    assert not _ids("SELECT id FROM people_historicalperson WHERE id = %s", person.pk)
    assert arrivals_at(contact) == []  # the sender's own contact: nothing arrived at it

    # The sender's pages and lists do not find it.
    assert arrived not in contacts_visible_to(manager)
    client.force_login(manager)
    for path in (reverse("intake:inbox"), reverse("screening:contact", args=[contact.reference])):
        response = client.get(path)
        assert response.status_code == 200, path
        assert arrived.reference not in response.content.decode(), path
    found = client.get(reverse("search:search", query={"q": arrived.reference})).content.decode()
    assert "No contact or person record matches" in found
    assert f"/contacts/{arrived.reference}/" not in found
    for path in (
        f"/contacts/{arrived.reference}/",
        f"/contacts/{arrived.reference}/screening/",
    ):
        assert client.get(path).status_code == 404, path

    # The receiver reads and accepts it, the door open to the sender: the sender still reads
    # only its arrival row, now accepted.
    with serving("lewisham"):
        accept_transfer(contact=arrived, by=lewisham_worker)
    assert database_council() == "sefton"
    assert TransferArrival.objects.get().accepted_by == lewisham_worker
    assert arrived.pk not in _ids("SELECT id FROM intake_contact")
    assert not _ids("SELECT contact_id FROM intake_report WHERE contact_id = %s", arrived.pk)


def test_the_receivers_disclosure_log_says_what_arrived_from_which_council_and_when(
    client, contact, manager, lewisham_worker, make_user
):
    transfer_to(contact, manager)
    arrived = arrived_contact()
    child = contact.children.first()
    # The sender's log has its transfer only; the receiver's, what arrived.
    assert [row.kind for row in disclosures(user=manager)] == ["Transfer"]
    with serving("lewisham"):
        [row] = disclosures(user=lewisham_worker)
    assert (row.kind, row.to) == (
        "Transfer received from Sefton Council",
        "London Borough of Lewisham",
    )
    assert (row.at, row.contact_reference, row.child) == (DECIDED, arrived.reference, str(child))
    assert (row.lawful_basis, row.lawful_basis_detail) == (STATUTORY_DUTY, TRANSFER_BASIS)
    assert "The contact, its documents and our checks (Through Front Door)" in row.what
    assert "Arrived from Sefton Council at" in row.what and "not yet accepted" in row.what
    assert row.by == f"{manager} (Sefton Council)"

    with serving("lewisham"):
        accept_transfer(contact=arrived, by=lewisham_worker, now=DECIDED + dt.timedelta(hours=1))
    head = make_user(Role.SERVICE_MANAGER, council_id="lewisham")
    client.force_login(head)
    page = client.get("/lewisham/privacy/disclosures/").content.decode()
    assert "Transfer received from Sefton Council" in page
    assert "accepted at 14:00 on" in page
    assert arrived.reference in page
    # Filtered by the day it arrived, as every disclosure is by its own day.
    day = DECIDED.astimezone(LONDON).date()
    with serving("lewisham"):
        assert disclosures(user=head, start=day, end=day)
        assert not disclosures(user=head, start=day + dt.timedelta(days=1))
