"""Templates fail loudly in tests when they name a variable the page did not give."""

from __future__ import annotations

import pytest
from django.template import engines

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
