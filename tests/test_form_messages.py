"""Every form answers in GOV.UK words: a required field left empty is named in its message
("Enter the child's date of birth"), never Django's bare "This field is required."."""

from __future__ import annotations

import copy
import importlib
import pkgutil

from django import forms
from django.contrib.auth.forms import AuthenticationForm

import frontdoor
from frontdoor.govuk_fields import GovukForm, govuk_messages

DJANGO_REQUIRED = str(forms.Field.default_error_messages["required"])
NOT_IMPORTED = {"frontdoor.__main__", "frontdoor.wsgi"}


def _our_forms() -> list[type[forms.BaseForm]]:
    for module in pkgutil.walk_packages(frontdoor.__path__, "frontdoor."):
        if module.name not in NOT_IMPORTED and ".migrations" not in module.name:
            importlib.import_module(module.name)
    found, waiting = [], [forms.BaseForm]
    while waiting:
        for subclass in waiting.pop().__subclasses__():
            waiting.append(subclass)
            if subclass.__module__.startswith("frontdoor."):
                found.append(subclass)
    return found


def _bare(form_class: type[forms.BaseForm]) -> list[str]:
    fields = copy.deepcopy(form_class.base_fields)
    if issubclass(form_class, AuthenticationForm):
        fields = form_class().fields  # named in __init__, as Django's own form makes them there
    if issubclass(form_class, GovukForm):
        for name, field in fields.items():  # as GovukForm.__init__ names them
            govuk_messages(field, name)
    return [
        f"{form_class.__module__}.{form_class.__name__}.{name}"
        for name, field in fields.items()
        if field.required
        and not isinstance(field.widget, forms.HiddenInput)
        and str(field.error_messages.get("required")) == DJANGO_REQUIRED
    ]


def test_every_required_field_has_a_govuk_message_naming_it():
    assert len(_our_forms()) > 10
    bare = [name for form_class in _our_forms() for name in _bare(form_class)]
    assert bare == [], "give each an error_messages={'required': ...} naming the field"
