"""An escalation about a contact with a restricted child and a child the user may see (R45).

The escalation stays readable, as the contact does, with the restricted child's names withheld
from what was written: on its page, the lists, the log and the log's downloads. An escalation
of a decision for the restricted child is that child's alone, and says only whom to ask.
"""

from __future__ import annotations

import csv
import io
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from frontdoor.accounts.roles import Role
from frontdoor.errors import DomainError
from frontdoor.escalations.services import open_escalation
from frontdoor.privacy.restrictions import restrict
from tests.escalations.test_pages import days_ago
from tests.escalations.test_services import discuss
from tests.mash.test_enquiries import send
from tests.privacy.test_restricted_sibling_pages import CASPIAN, OTTOLINE
from tests.screening.test_decisions import decide

pytestmark = pytest.mark.django_db

ASK = "The head of service"
WITHHELD = f"[restricted: ask {ASK}]"
NAMES = ("Ottoline", "Quennevaux", "Lina")


@pytest.fixture
def named_manager(make_user):
    """A MASH manager the restriction names."""
    return make_user(Role.MASH_MANAGER, team="MASH", email="named@council.example")


@pytest.fixture
def sibling_escalations(make_contact, person_for, manager, named_manager, police, admin):
    """Caspian and his half-sister Ottoline, whom only `named_manager` may see: the police
    escalated the contact, naming her, and the decision for each child."""
    contact = make_contact(children=[CASPIAN, OTTOLINE])
    caspian, ottoline = contact.children.order_by("id")
    person_for(caspian)
    send(contact, manager, agencies=["police"])
    for_caspian = decide(contact, caspian, manager)
    for_ottoline = decide(contact, ottoline, manager)
    opened = days_ago(3)
    about_contact = open_escalation(
        contact=contact,
        about="Ottoline Quennevaux was hit in front of Caspian; Lina is scared.",
        by=police,
        now=opened,
    )
    discuss(
        about_contact,
        police,
        days_ago(2),
        outcome="resolved",
        participants="Police MASH officer; Ottoline's teacher",
        discussion="Whether Ottoline's disclosure meets s47.",
        agreed_plan="Strategy discussion about Ottoline and Caspian by Friday.",
    )
    about_caspian = open_escalation(
        contact=contact,
        decision=for_caspian,
        about="Caspian saw Ottoline being hit: the assessment is not enough.",
        by=police,
        now=opened,
    )
    about_ottoline = open_escalation(
        contact=contact,
        decision=for_ottoline,
        about="Ottoline needs a section 47 enquiry.",
        by=police,
        now=opened,
    )
    restrict(
        person=person_for(ottoline),
        allowed_users=[named_manager],
        ask=ASK,
        reason="A family member works for the police.",
        by=admin,
    )
    return contact, about_contact, about_caspian, about_ottoline


def _text(response) -> str:
    return response.content.decode().replace("&#x27;", "'").replace("&quot;", '"')


def _names_in(text: str) -> list[str]:
    return [name for name in NAMES if re.search(rf"\b{name}\b", text, re.IGNORECASE)]


@pytest.fixture(params=["police", "manager"])
def unnamed(request, police, manager):
    """Who may not see Ottoline: the police, who raised the escalations, and a MASH manager."""
    return {"police": police, "manager": manager}[request.param]


def test_r45_an_escalation_page_stays_open_and_withholds_the_restricted_siblings_names(
    client, sibling_escalations, unnamed
):
    contact, about_contact, about_caspian, _ = sibling_escalations
    client.force_login(unnamed)
    for escalation in (about_contact, about_caspian):
        response = client.get(reverse("escalations:detail", args=[escalation.pk]))
        assert response.status_code == 200
        page = _text(response)
        assert "Restricted: ask" not in page
        assert contact.reference in page and "Caspian" in page
        assert not _names_in(page)
    page = _text(client.get(reverse("escalations:detail", args=[about_contact.pk])))
    assert f"{WITHHELD} was hit in front of Caspian; {WITHHELD} is scared." in page
    assert f"Whether {WITHHELD}'s disclosure meets s47." in page
    assert f"Police MASH officer; {WITHHELD}'s teacher" in page
    assert f"Strategy discussion about {WITHHELD} and Caspian by Friday." in page


def test_r45_an_escalation_of_the_restricted_childs_decision_says_only_whom_to_ask(
    client, sibling_escalations, manager
):
    _, _, _, about_ottoline = sibling_escalations
    # The police raised it and follow it, without her details (test_raiser_follows).
    client.force_login(manager)
    response = client.get(reverse("escalations:detail", args=[about_ottoline.pk]))
    assert response.status_code == 403
    page = _text(response)
    assert ASK in page
    assert not _names_in(page) and "section 47 enquiry" not in page


def test_r45_the_lists_show_the_sibling_escalations_and_the_restricted_decisions_as_whom_to_ask(
    client, sibling_escalations, police, manager
):
    contact, about_contact, about_caspian, about_ottoline = sibling_escalations
    client.force_login(manager)
    page = _text(client.get(reverse("escalations:list")))
    assert not _names_in(page)
    assert page.count(f">{contact.reference}<") == 2
    assert page.count(f"Restricted: ask {ASK}") == 1
    # The restricted child's escalation comes last, with only its reference: not a link to
    # a page that would refuse.
    html_page = client.get(reverse("escalations:list")).content.decode()
    assert reverse("escalations:detail", args=[about_ottoline.pk]) not in html_page
    assert reverse("escalations:detail", args=[about_caspian.pk]) in html_page
    assert page.index(about_caspian.reference) < page.index(about_ottoline.reference)
    assert page.index(about_contact.reference) < page.index(about_ottoline.reference)
    # The police raised all three, and follow the third without her (test_raiser_follows).
    client.force_login(police)
    page = _text(client.get(reverse("escalations:raised")))
    assert not _names_in(page)
    assert page.count(f">{contact.reference}<") == 3
    assert "Restricted: ask" not in page and page.count(f"Details withheld: ask {ASK}") == 1


def test_r39_r45_the_police_follow_their_escalation_of_the_restricted_childs_decision(
    client, sibling_escalations, police
):
    _, _, _, about_ottoline = sibling_escalations
    client.force_login(police)
    response = client.get(reverse("escalations:detail", args=[about_ottoline.pk]))
    assert response.status_code == 200
    page = _text(response)
    assert not _names_in(page)
    assert f"{WITHHELD} needs a section 47 enquiry." in page
    assert f"For more, ask {ASK}." in page


def _log(client, file_format: str | None = None) -> list[list[str]]:
    if file_format is None:
        page = _text(client.get(reverse("escalations:log")))
        body = page[page.index("<tbody") : page.index("</tbody>")]
        return [re.findall(r"<td[^>]*>(.*?)</td>", row, re.S) for row in body.split("</tr>")[:-1]]
    response = client.get(reverse("escalations:log"), {"format": file_format})
    if file_format == "csv":
        return list(csv.reader(io.StringIO(response.content.decode())))[1:]
    sheet = load_workbook(io.BytesIO(response.content)).active
    return [
        ["" if v is None else str(v) for v in row]
        for row in sheet.iter_rows(min_row=2, values_only=True)
    ]


@pytest.mark.parametrize("file_format", [None, "csv", "xlsx"])
def test_r45_the_log_and_its_downloads_withhold_the_restricted_siblings_names(
    client, sibling_escalations, manager, file_format
):
    contact, about_contact, about_caspian, about_ottoline = sibling_escalations
    client.force_login(manager)
    rows = _log(client, file_format)
    assert [row[0] for row in rows] == [
        about_contact.reference,
        about_caspian.reference,
        about_ottoline.reference,
    ]
    assert not _names_in(repr(rows))
    first, second, third = rows
    assert first[1] == contact.reference
    assert first[3] == f"{WITHHELD} was hit in front of Caspian; {WITHHELD} is scared."
    assert first[13] == f"Strategy discussion about {WITHHELD} and Caspian by Friday."
    assert second[2].endswith("for Caspian Brackenbury")
    assert second[3] == f"Caspian saw {WITHHELD} being hit: the assessment is not enough."
    assert third[1] == f"Restricted: ask {ASK}"
    assert not any(third[2:])


def test_r45_the_named_manager_reads_every_escalation_as_written(
    client, sibling_escalations, named_manager
):
    _, about_contact, _, about_ottoline = sibling_escalations
    client.force_login(named_manager)
    page = _text(client.get(reverse("escalations:detail", args=[about_contact.pk])))
    assert "Ottoline Quennevaux was hit in front of Caspian; Lina is scared." in page
    page = _text(client.get(reverse("escalations:detail", args=[about_ottoline.pk])))
    assert "Ottoline needs a section 47 enquiry." in page
    rows = list(
        csv.reader(
            io.StringIO(client.get(reverse("escalations:log"), {"format": "csv"}).content.decode())
        )
    )
    assert rows[1][3].startswith("Ottoline Quennevaux was hit")
    assert rows[3][3] == "Ottoline needs a section 47 enquiry."
    assert "Restricted: ask" not in _text(client.get(reverse("escalations:list")))


def test_r45_the_restricted_childs_decision_cannot_be_escalated_by_whoever_may_not_see_her(
    client, sibling_escalations, manager
):
    contact, _, _, about_ottoline = sibling_escalations
    decision = about_ottoline.decision
    with pytest.raises(DomainError, match=f"restricted: ask {ASK}"):
        open_escalation(contact=contact, decision=decision, about="Disagree.", by=manager)
    client.force_login(manager)
    response = client.get(reverse("escalations:open", args=[contact.reference, decision.pk]))
    assert response.status_code == 403
    assert ASK in _text(response) and not _names_in(_text(response))
    for_caspian = about_ottoline.contact.decisions.get(child__first_name="Caspian")
    page = _text(client.get(reverse("escalations:open", args=[contact.reference, for_caspian.pk])))
    assert "About the decision for Caspian" in page
