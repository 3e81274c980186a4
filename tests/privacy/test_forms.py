"""A person's record number is asked alike on every privacy page that asks for it: one factory
(`privacy.forms.person_number_field`), so its label, box and messages cannot drift apart."""

from __future__ import annotations

from frontdoor.privacy.forms import PersonNumberForm, RestrictForm


def test_every_privacy_form_asks_a_person_record_number_alike():
    restrict = RestrictForm.base_fields["person"]
    number = PersonNumberForm.base_fields["person"]
    assert restrict.label == number.label == "Person record number"
    assert restrict.error_messages == number.error_messages
    assert restrict.width == number.width == "govuk-input--width-10"  # type: ignore[attr-defined]  # a mark the GOV.UK templates read
    # Restricting a record may be where an administrator starts: it says where to find one.
    assert restrict.help_text == f"{number.help_text}: find the person with Search"


def test_a_person_record_number_is_refused_in_words_when_it_is_not_one(db):
    for form in (PersonNumberForm({"person": "Person 12"}), RestrictForm({"person": "0"})):
        assert not form.is_valid()
        assert form.errors["person"] == ["Enter the record number in figures, like 123"]
