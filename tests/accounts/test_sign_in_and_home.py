"""Staff sign in; the home page shows what each role can do; sign-ins are audited."""

from __future__ import annotations

from html import escape, unescape

import pytest
from django.urls import reverse

from frontdoor.accounts.permissions import ACTIONS, actions_for
from frontdoor.accounts.roles import Role
from frontdoor.audit.models import AuditEvent
from tests.accounts.factories import PASSWORD

pytestmark = pytest.mark.django_db


def test_pages_need_a_signed_in_user(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_the_sign_in_page_is_public(client):
    response = client.get(reverse("accounts:login"))
    assert response.status_code == 200
    assert "Sign in to Front Door" in response.content.decode()


def test_signing_in_takes_you_home_and_is_audited(client, make_user):
    user = make_user(Role.CONTACT_OFFICER)
    response = client.post(
        reverse("accounts:login"), {"username": user.username, "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    event = AuditEvent.objects.get(action="account.signed_in")
    assert event.actor == user


def test_a_wrong_password_is_refused_and_audited(client, make_user):
    user = make_user(Role.CONTACT_OFFICER)
    response = client.post(
        reverse("accounts:login"), {"username": user.username, "password": "not-it"}
    )
    assert response.status_code == 400
    assert "govuk-error-summary" in response.content.decode()
    event = AuditEvent.objects.get(action="account.sign_in_failed")
    assert event.changes == {"username": user.username}
    assert "not-it" not in str(event.changes)


def test_an_empty_sign_in_names_each_field_in_govuk_form(client):
    page = client.post(reverse("accounts:login"), {}).content.decode()
    assert "This field is required." not in page
    assert '<a href="#id_username">Enter your username</a>' in page
    assert '<a href="#id_password">Enter your password</a>' in page
    assert "<title>Error: Sign in" in page


def test_a_wrong_password_is_told_in_govuk_words(client, make_user):
    user = make_user(Role.CONTACT_OFFICER)
    page = client.post(
        reverse("accounts:login"), {"username": user.username, "password": "not-it"}
    ).content.decode()
    assert "Enter a correct username and password" in page
    assert "Please enter" not in page


@pytest.mark.parametrize("role", list(Role))
def test_the_home_page_lists_what_the_role_can_do(client, make_user, role):
    user = make_user(role)
    client.force_login(user)
    page = client.get(reverse("home")).content.decode()
    mine = actions_for(user)
    assert mine, f"{role} can do nothing"
    for action in ACTIONS:
        if action in mine:
            assert escape(action.description) in page
        else:
            assert escape(action.description) not in page
    assert escape(Role(role).label) in page


@pytest.mark.parametrize("role", list(Role))
def test_every_page_the_home_page_links_opens_for_the_role(client, make_user, role):
    import re

    extra = {"agency_key": "police"} if role == Role.PARTNER_AGENCY else {}
    user = make_user(role, **extra)
    # As `accounts.services` makes them: an administrator reaches the admin site.
    user.is_staff = role == Role.ADMINISTRATOR
    user.save(update_fields=["is_staff"])
    client.force_login(user)
    page = client.get(reverse("home")).content.decode()
    main = page[page.index("<main") :]
    links = set(re.findall(r'<a class="govuk-link" href="(/[^"]*)"', main))
    assert links, f"the {role} home page links nowhere"
    for link in links:
        assert client.get(link).status_code == 200, link
    # Each page of the role's work, that needs no record to open, is offered.
    for action in actions_for(user):
        for path in _pages_declaring(action.key):
            if client.get(path).status_code == 200:
                assert path in links, f"the {role} home page does not link {path}"


@pytest.mark.parametrize("role", list(Role))
def test_each_action_on_the_home_page_links_where_it_is_done_or_says_how(client, make_user, role):
    import re

    extra = {"agency_key": "police"} if role == Role.PARTNER_AGENCY else {}
    client.force_login(make_user(role, **extra))
    page = client.get(reverse("home")).content.decode()
    main = page[page.index("<main") :]
    items = re.findall(r"<li>(.*?)</li>", main.split("What you can do")[1].split("</ul>\n")[0])
    assert items
    for item in items:
        assert 'class="govuk-link"' in item or 'class="govuk-body-s' in item, item


def test_the_home_page_says_where_an_administrator_does_the_work_with_no_page(client, make_user):
    client.force_login(make_user(Role.ADMINISTRATOR))
    page = unescape(client.get(reverse("home")).content.decode())
    assert (
        '<a class="govuk-link" href="/api/v1/docs">Through the API (see the API documentation)'
        in page
    )
    assert "python -m frontdoor import-involvements" in page
    assert "python -m frontdoor retention-erase" in page


def _pages_declaring(action: str) -> list[str]:
    """The pages, opened with no id, whose view declares `action` (`accounts.access`)."""
    from django.urls import URLPattern, URLResolver, get_resolver

    def walk(patterns, prefix=""):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                yield from walk(entry.url_patterns, prefix + str(entry.pattern))
            elif isinstance(entry, URLPattern):
                yield prefix + str(entry.pattern), entry.callback

    return [
        "/" + path
        for path, view in walk(get_resolver().url_patterns)
        if "<" not in path and getattr(view, "frontdoor_action", None) == action
    ]


def test_a_partner_sees_their_agency(client, make_user):
    client.force_login(make_user(Role.PARTNER_AGENCY, agency_key="police"))
    page = client.get(reverse("home")).content.decode()
    assert "Merseyside Police" in page
    assert "Answer the MASH enquiries sent to your agency" in page
    assert "Send MASH enquiries" not in page


def test_signing_out_is_a_post_and_is_audited(client, make_user):
    user = make_user()
    client.force_login(user)
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action="account.signed_out", actor=user).exists()
    assert client.get(reverse("home")).status_code == 302
