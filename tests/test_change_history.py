"""Each model's change history is declared through `frontdoor.change_history`."""

from django.apps import apps

from frontdoor.change_history import HistoryManager


def _historical_models():
    return [
        model
        for model in apps.get_models()
        if getattr(model._meta, "simple_history_manager_attribute", None)
    ]


def test_every_model_with_a_history_declares_it_through_change_history():
    models = _historical_models()
    assert models
    for model in models:
        manager = getattr(model, model._meta.simple_history_manager_attribute)
        assert isinstance(manager, HistoryManager), model._meta.label


def test_a_history_manager_class_is_made_once_not_at_each_read():
    for model in _historical_models():
        name = model._meta.simple_history_manager_attribute
        assert type(getattr(model, name)) is type(getattr(model, name)), model._meta.label
