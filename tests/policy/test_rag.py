"""The RAG rating is declared once (`policy.rag.Rag`): models, forms and pages read it (R35)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string

from frontdoor.mash.forms import ReviewForm, SendForm
from frontdoor.mash.models import Enquiry, RagReview
from frontdoor.policy.rag import Rag, most_urgent
from frontdoor.screening.forms import DecisionForm
from frontdoor.screening.models import Decision

RAG_FIELDS = [(Enquiry, "rag"), (RagReview, "rag"), (Decision, "rag"), (Decision, "suggested_rag")]


def test_r35_the_rag_keeps_its_stored_values_labels_and_order():
    assert Rag.choices == [("red", "Red"), ("amber", "Amber"), ("green", "Green")]


@pytest.mark.parametrize(("model", "name"), RAG_FIELDS)
def test_r35_every_rag_field_takes_only_a_rag(model, name):
    field = model._meta.get_field(name)
    assert field.choices == Rag.choices
    others = [f.name for f in model._meta.get_fields() if f.name != name]
    for good in Rag.values:
        model(**{name: good}).full_clean(
            exclude=others, validate_unique=False, validate_constraints=False
        )
    for bad in ("Red", "purple"):
        with pytest.raises(ValidationError) as refused:
            model(**{name: bad}).full_clean(
                exclude=others, validate_unique=False, validate_constraints=False
            )
        assert set(refused.value.message_dict) == {name}


def test_r35_a_decision_without_mash_may_leave_its_rag_blank():
    others = [f.name for f in Decision._meta.get_fields() if f.name not in {"rag", "suggested_rag"}]
    Decision(rag="", suggested_rag="").full_clean(
        exclude=others, validate_unique=False, validate_constraints=False
    )


@pytest.mark.parametrize(
    "make_form",
    [
        lambda sefton, data: SendForm(data, policy=sefton),
        lambda sefton, data: ReviewForm(data),
        lambda sefton, data: DecisionForm(data, policy=sefton),
    ],
    ids=["send", "review", "decision"],
)
def test_r35_the_forms_offer_the_rags_in_order_and_refuse_any_other(sefton, make_form):
    form = make_form(sefton, {"rag": "purple"})
    offered = [choice for choice in form.fields["rag"].choices if choice[0]]
    assert offered == Rag.choices
    assert not form.is_valid()
    assert "rag" in form.errors
    form = make_form(sefton, {"rag": "amber"})
    form.is_valid()
    assert "rag" not in form.errors


def test_r35_the_most_urgent_rag_is_red_then_amber_then_green():
    assert most_urgent(["green", "", "amber"]) == "amber"
    assert most_urgent(["green", "red", "amber"]) == "red"
    assert most_urgent(["", ""]) == ""


@pytest.mark.parametrize(
    ("rag", "words", "colour"),
    [
        ("red", "Red", "red"),
        ("amber", "Amber", "orange"),
        ("green", "Green", "green"),
        ("", "Not going to MASH", "grey"),
        (None, "Not going to MASH", "grey"),
    ],
)
def test_r35_pages_show_a_rag_in_its_label(rag, words, colour):
    html = render_to_string("screening/_rag.html", {"rag": rag})
    assert html.strip() == f'<strong class="govuk-tag govuk-tag--{colour}">{words}</strong>'
