"""A form posted and shown again with its errors answers 400 Bad Request on every page, staff
and public alike (`frontdoor.form_errors`); a page read with a GET answers 200."""

from __future__ import annotations

import pytest
from django.urls import reverse

from frontdoor.accounts.roles import Role
from tests.attacks.html_checks import form_errors_answer_400
from tests.intake.test_referral_form import start, url

pytestmark = pytest.mark.django_db


def _checked(response, *, sent: bool = True) -> int:
    assert (
        form_errors_answer_400(response.content.decode(), status=response.status_code, sent=sent)
        == []
    )
    return response.status_code


def test_the_staff_contact_form_answers_400_with_its_errors(client, make_user):
    client.force_login(make_user(Role.CONTACT_OFFICER))
    response = client.post(reverse("intake:new"), {"submission_key": "k" * 24})
    assert "govuk-error-summary" in response.content.decode()
    assert _checked(response) == 400


def test_the_public_form_answers_400_with_its_errors(client):
    journey = start(client)
    assert _checked(client.post(url("danger", journey), {})) == 400


def test_a_staff_page_with_several_forms_answers_400_with_either_forms_errors(client, make_user):
    client.force_login(make_user(Role.CONTACT_OFFICER))
    response = client.post(reverse("intake:consultations"), {})
    assert "govuk-error-summary" in response.content.decode()
    assert _checked(response) == 400


def test_a_page_read_with_a_get_answers_200_whatever_it_shows(client, make_user):
    client.force_login(make_user(Role.CONTACT_OFFICER))
    refused = client.get(reverse("intake:inbox"), {"channel": "carrier_pigeon"})
    assert "There is a problem" in refused.content.decode()
    assert _checked(refused, sent=False) == 200


def test_check_your_answers_visited_answers_200_with_what_is_still_to_answer(client):
    journey = start(client)
    response = client.get(url("check", journey))
    assert response.status_code == 200
    assert _checked(client.post(url("check", journey), {})) == 400
