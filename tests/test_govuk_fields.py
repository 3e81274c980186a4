"""How a staff form's field is drawn is marked in one place, `frontdoor.govuk_fields`: a reader
finds one way, and the staff template (`intake/staff/_field.html`) reads one set of marks."""

from __future__ import annotations

import re
from pathlib import Path

from django import forms

import frontdoor
from frontdoor.govuk_fields import DateField, GovukForm, date, mark

SRC = Path(frontdoor.__file__).parent
HOME = SRC / "govuk_fields.py"
# A mark set by hand (`field.govuk = "text"`), or a widget named to choose a kind by.
BY_HAND = re.compile(r"\.(govuk|width|autocomplete|exclusive)\s*=[^=]|setattr\(.*['\"]govuk")
WIDGET_TO_KIND = re.compile(
    r"isinstance\([^)]*forms\.(RadioSelect|Textarea|CheckboxSelectMultiple)"
)


def _modules() -> list[Path]:
    return [path for path in SRC.rglob("*.py") if path != HOME and "migrations" not in path.parts]


def test_no_module_but_govuk_fields_marks_a_field_by_hand():
    found = [
        f"{path.relative_to(SRC)}:{number}: {line.strip()}"
        for path in _modules()
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if BY_HAND.search(line)
    ]
    assert found == [], "mark the field with govuk_fields.mark, or use its factories"


def test_no_module_but_govuk_fields_chooses_a_kind_from_a_widget():
    found = [
        str(path.relative_to(SRC)) for path in _modules() if WIDGET_TO_KIND.search(path.read_text())
    ]
    assert found == [], "GovukForm (govuk_fields) draws a field from its widget"


class _Form(GovukForm):
    when = DateField(described_as="The date")
    count = mark(forms.IntegerField(label="Count"), "text", width="govuk-input--width-4")
    why = forms.CharField(label="Why", widget=forms.Textarea)
    which = forms.ChoiceField(label="Which", choices=[("a", "A")], widget=forms.RadioSelect)
    asked = date("On", described_as="The day asked")


def test_a_govuk_form_draws_each_field_from_its_widget_unless_marked():
    fields = _Form().fields
    kinds = {name: getattr(field, "govuk", None) for name, field in fields.items()}
    assert kinds == {
        "when": "date",
        "count": "text",
        "why": "textarea",
        "which": "radios",
        "asked": "date",
    }
    assert getattr(fields["count"], "width", None) == "govuk-input--width-4"
    assert fields["why"].error_messages["required"] == "Enter why"
    assert fields["which"].error_messages["required"] == "Select which"


def test_a_date_is_named_in_its_messages_by_its_label_unless_described():
    assert date("Date of birth").described_as == "Date of birth"
    assert date("From", described_as="The start date").described_as == "The start date"
