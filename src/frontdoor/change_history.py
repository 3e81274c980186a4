"""Each model's change history (django-simple-history), with its manager class made once.

The library's `instance.history` builds a new manager class (`Manager.from_queryset`, which walks
every method of the queryset class) each time it is read, and it is read for every historical row
written: a third of the cost of each save of a model with history. `HistoricalRecords` here is the
library's with a manager that makes its class once per queryset class; the history written is the
same. It can go when the library caches the class itself.
"""

from __future__ import annotations

import functools

from simple_history import manager, models


class HistoryManager(manager.HistoryManager):
    """The library's history manager, whose class for a queryset class is made once."""

    @classmethod
    @functools.cache
    def from_queryset(cls, queryset_class, class_name=None):
        return super().from_queryset(queryset_class, class_name)


class HistoricalRecords(models.HistoricalRecords):
    """Declares a model's change history, as the library's does (`HistoryManager` above)."""

    def __init__(self, *args, history_manager=HistoryManager, **kwargs) -> None:
        super().__init__(*args, history_manager=history_manager, **kwargs)
