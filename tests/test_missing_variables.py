"""Templates fail loudly in tests when they name a variable the page did not give."""

from __future__ import annotations

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import AnonymousUser
from django.template import engines
from django.template.loader import render_to_string
from django.test import RequestFactory

from frontdoor.accounts.roles import Role
from frontdoor.missing_variables import MissingTemplateVariable


def render(source: str, **context) -> str:
    return engines["django"].from_string(source).render(context)


def test_a_missing_variable_fails_naming_it():
    with pytest.raises(MissingTemplateVariable, match=r"'clock\.time_left' in <unknown source>"):
        render("{{ clock.time_left }}", clock=object())


def test_if_and_for_may_test_for_a_missing_variable():
    assert (
        render("{% if missing %}yes{% else %}no{% endif %}{% for x in missing %}x{% endfor %}")
        == "no"
    )


def test_default_gives_its_fallback_for_a_missing_variable():
    assert render('{{ missing|default:"none given" }}') == "none given"
    assert render('{{ thing.missing|upper|default:"none" }}', thing={}) == "none"


def test_a_given_variable_renders():
    assert render("{{ name }}", name="Ada") == "Ada"


@pytest.mark.django_db
def test_the_admin_sites_own_templates_keep_djangos_behaviour(client, make_user):
    # Django's admin templates are written for missing variables showing as nothing.
    client.force_login(make_user(Role.ADMINISTRATOR, is_staff=True, is_superuser=True))
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/accounts/user/").status_code == 200


def test_an_admin_page_missing_a_variable_renders_as_django_renders_it(rf: RequestFactory):
    # The admin's index page without its `title` (and a filter without its own): Django's
    # admin templates are written for a missing variable showing as nothing, and so it shows.
    request = rf.get("/admin/")
    request.user = AnonymousUser()
    page = render_to_string(
        "admin/index.html",
        {"app_list": [], "log_entries": LogEntry.objects.none()},
        request=request,
    )
    assert "<title> | </title>" in page  # no title, no site_title: nothing, as in Django
    assert 'data-filter-title=""' in render_to_string("admin/filter.html", {"choices": []})


def test_a_front_door_template_missing_a_variable_raises_naming_it_and_the_file():
    with pytest.raises(
        MissingTemplateVariable, match=r"'subject' in templates/includes/record_views\.html"
    ):
        render_to_string("includes/record_views.html", {})
