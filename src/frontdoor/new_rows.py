"""Writing a set of new rows together, each with its creation in its model's change history.

Recording a contact writes a contact, its report, the children and adults named, every one's
creation ('+') row in its change history (simple_history), and the audit entry. Through the ORM
that was nine statements, each compiled afresh, and most of the CPU a contact cost. `NewRows`
writes the same rows:

- on PostgreSQL, in one statement: each model's rows in a data-modifying `WITH` clause whose
  `RETURNING *` feeds the next clause's foreign keys and its history copy. The SQL text is built
  from the models' metadata once per shape (which models, how many rows of each) and kept;
- elsewhere (SQLite), model by model with the ORM, each model's history copied by the database
  from the rows just written (`INSERT ... SELECT`).

Either way the rows are written in the order added, every field gets the value the ORM would
give it (`pre_save`, `get_db_prep_save`), constraints are the database's (a unique clash raises
`IntegrityError` and writes nothing), and each object has its primary key afterwards.

What it saves (bench/bench_api.py --in-process 200, Django 5.2, psycopg 3.3, medians of five
runs interleaved with the alternatives, December 2026): on PostgreSQL a contact cost the app
4.2 ms of CPU in 2 statements; written model by model as on SQLite, 9.3 ms in 12; with the plain
ORM (`save()` and simple_history's own history rows; the token found by the ORM too), 13.6 ms in
12. Django's own options did not close the gap: `server_side_binding` 13.1 ms, with the
connection pool as well 13.5 ms. On SQLite, the database copying the history (below) took
6.8 ms against simple_history's 8.1 ms. It can go when the ORM's way comes within about 10% of
it: run the benchmark with `_one_statement_can_write` answering False (tests/test_new_rows.py
runs every test both ways on PostgreSQL, so the ORM's way stays tested there).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from functools import cache

from django.db import connections, models, transaction
from simple_history.exceptions import NotHistoricalModelError
from simple_history.manager import HistoryManager
from simple_history.utils import bulk_create_with_history, get_history_manager_for_model

from frontdoor.accounts.models import User
from frontdoor.audit import services as audit
from frontdoor.audit.models import AuditEvent
from frontdoor.prepared import run_prepared

# The columns simple_history adds to each historical table; the rest are the model's own.
HISTORY_COLUMNS = {
    "history_id",
    "history_date",
    "history_change_reason",
    "history_type",
    "history_user_id",
}


@cache
def history_of(model: type[models.Model]) -> HistoryManager | None:
    """The model's change history, or None for a model that keeps none (the audit trail)."""
    # The class-level manager holds only the historical model, so one per model serves every
    # request (and `frontdoor.change_history` makes its class once).
    try:
        return get_history_manager_for_model(model)
    except NotHistoricalModelError:
        return None


@cache
def _copies_history(model: type[models.Model]) -> bool:
    """Whether the database can copy the model's rows into its history: its historical table
    has the model's own columns and simple_history's, nothing else (no extra fields)."""
    history = history_of(model)
    if history is None:
        return False
    own = {field.column for field in model._meta.concrete_fields}
    return {f.column for f in history.model._meta.concrete_fields} - own == HISTORY_COLUMNS


def _history_insert(model: type[models.Model], quote, source: str) -> str:
    """INSERT ... SELECT copying the rows of `source` into the model's history as creations;
    its two parameters are the history's date and user."""
    history = history_of(model)
    columns = ", ".join(quote(field.column) for field in model._meta.concrete_fields)
    # Table and column names come from the models' metadata, quoted; values are parameters.
    # Only models with a history come here (`history` is not None).
    return (
        f"INSERT INTO {quote(history.model._meta.db_table)} ({columns}, history_date, "  # type: ignore[union-attr]  # noqa: S608
        f"history_user_id, history_type, history_change_reason) "
        f"SELECT {columns}, %s, %s, '+', NULL FROM {source}"
    )


class NewRows:
    """New rows of several models, written together by `write()`.

    `add()` them parents first: a foreign key to an object added earlier is filled with that
    object's new primary key. `pk_of` names other fields to fill so (the audit entry's
    `target_id`, as text).
    """

    def __init__(self, *, user: User | None, at: dt.datetime, using: str = "default"):
        self.user, self.at, self.using = user, at, using
        self._groups: list[tuple[type[models.Model], list[models.Model], dict]] = []

    def add(self, objs: Sequence[models.Model], **pk_of: models.Model) -> None:
        """Add new rows of one model (none is fine)."""
        if objs:
            self._groups.append((type(objs[0]), list(objs), pk_of))

    def write(self) -> None:
        """Write every row added, all or none: a refusal (a unique clash raises
        `IntegrityError`) leaves nothing written, and inside a transaction spoils nothing else."""
        # Checked first, so a row referring to a new row not added refuses before any is written.
        linked = [self._links(objs, pk_of) for _, objs, pk_of in self._groups]
        connection = connections[self.using]
        one_statement = connection.vendor == "postgresql" and all(
            _one_statement_can_write(model) for model, _, _ in self._groups
        )
        if one_statement and not connection.in_atomic_block:
            # One statement is a transaction of its own: no BEGIN and COMMIT round trips.
            self._write_in_one_statement(connection, linked)
        else:
            # Inside a transaction, a savepoint: a refused write is undone alone.
            with transaction.atomic(using=self.using):
                if one_statement:
                    self._write_in_one_statement(connection, linked)
                else:
                    for model, objs, pk_of in self._groups:
                        self._write_with_orm(connection, model, objs, pk_of)
        for model, objs, _ in self._groups:
            if model is AuditEvent:  # as `audit.record` does for the entries it writes
                for event in objs:
                    audit.written(by=event.actor)  # type: ignore[attr-defined]  # an AuditEvent

    def _links(self, objs: list[models.Model], pk_of: dict) -> dict[str, int]:
        """The columns filled from an object added earlier, each with that object's group."""
        positions = {id(o): n for n, (_, group, _) in enumerate(self._groups) for o in group}
        found = []
        for obj in objs:
            links = {}
            for field in obj._meta.concrete_fields:
                parent = pk_of.get(field.name)
                if parent is None and field.is_relation and field.is_cached(obj):  # type: ignore[attr-defined]  # a relation's field caches its object
                    parent = field.get_cached_value(obj)  # type: ignore[attr-defined]  # as above
                if parent is None or parent.pk is not None:
                    continue
                if id(parent) not in positions:
                    raise ValueError(f"{field.name}: add the new row it refers to first")
                if len(self._groups[positions[id(parent)]][1]) != 1:
                    raise ValueError(f"{field.name}: refers to one of several new rows")
                links[field.column] = positions[id(parent)]
            found.append(links)
        if any(links != found[0] for links in found):
            raise ValueError("Rows added together must refer to the same new rows")
        return found[0]

    # PostgreSQL: one statement.

    def _write_in_one_statement(self, connection, linked: list[dict[str, int]]) -> None:
        shape, params = [], []
        for (model, objs, _), links in zip(self._groups, linked, strict=True):
            shape.append((model, len(objs), tuple(sorted(links.items()))))
            for obj in objs:
                for field in model._meta.concrete_fields:
                    if field.column in links or field.primary_key:
                        continue
                    value = field.pre_save(obj, True)
                    params.append(field.get_db_prep_save(value, connection))
            if _copies_history(model):
                params += [connection.ops.adapt_datetimefield_value(self.at), self._user_pk()]
        keys = run_prepared(_statement(connection.alias, tuple(shape)), params, using=self.using)
        # Keys are drawn in the order the rows are listed, so sorted keys follow the objects.
        for position, (_, objs, _) in enumerate(self._groups):
            new = sorted(pk for group, pk in keys if group == position)
            for obj, pk in zip(objs, new, strict=True):
                obj.pk = pk
                obj._state.adding, obj._state.db = False, self.using
        for (model, objs, _), links in zip(self._groups, linked, strict=True):
            columns = {field.column: field for field in model._meta.concrete_fields}
            for column, group in links.items():
                field = columns[column]
                value = field.to_python(self._groups[group][1][0].pk)
                for obj in objs:
                    setattr(obj, field.attname, value)

    def _user_pk(self) -> int | None:
        return self.user.pk if self.user else None

    # Elsewhere: the ORM, model by model.

    def _write_with_orm(self, connection, model, objs: list[models.Model], pk_of: dict) -> None:
        for obj in objs:
            for name, parent in pk_of.items():
                field = model._meta.get_field(name)
                setattr(obj, field.attname, field.to_python(parent.pk))
        has_history = history_of(model) is not None
        if len(objs) == 1:
            obj = objs[0]
            obj.skip_history_when_saving = True  # type: ignore[attr-defined]  # read by simple_history as it saves; its history row is written below
            try:
                obj.save(force_insert=True, using=self.using)
            finally:
                del obj.skip_history_when_saving  # type: ignore[attr-defined]  # as above
        elif connection.features.can_return_rows_from_bulk_insert or not has_history:
            model.objects.using(self.using).bulk_create(objs)
        else:  # no ids come back from a bulk insert here: the library looks them up
            bulk_create_with_history(objs, model, default_user=self.user, default_date=self.at)
            return
        if not has_history:
            return
        if not _copies_history(model):
            history_of(model).bulk_history_create(  # type: ignore[union-attr]  # has_history, above
                objs, default_user=self.user, default_date=self.at
            )
            return
        quote = connection.ops.quote_name
        ids = [obj.pk for obj in objs]
        source = (
            f"{quote(model._meta.db_table)} WHERE {quote(model._meta.pk.column)} "
            f"IN ({', '.join(['%s'] * len(ids))})"
        )
        with connection.cursor() as cursor:
            cursor.execute(
                _history_insert(model, quote, source),
                [connection.ops.adapt_datetimefield_value(self.at), self._user_pk(), *ids],
            )


@cache
def _one_statement_can_write(model: type[models.Model]) -> bool:
    """Every column gets its value from Python (no database default to read back), and the
    history, if kept, can be copied by the database."""
    fields = model._meta.concrete_fields
    if any(f.db_default is not models.NOT_PROVIDED for f in fields):
        return False
    return history_of(model) is None or _copies_history(model)


@cache
def _statement(alias: str, shape: tuple) -> str:
    """The one statement for rows of this shape: ((model, rows, ((column, group), ...)), ...).

    Clause tN inserts group N's rows and returns them whole: hN copies them into the history,
    and a later group's foreign key to them reads their key from tN. The statement's result is
    (group, key) for every row. Every name in it comes from the models' metadata, quoted, and
    every value is a parameter.
    """
    quote = connections[alias].ops.quote_name
    clauses, keys = [], []
    for position, (model, count, links) in enumerate(shape):
        links = dict(links)
        fields = [f for f in model._meta.concrete_fields if not f.primary_key]
        values = []
        for field in fields:
            if field.column not in links:
                values.append("%s")
                continue
            group = links[field.column]
            parent = f"(SELECT {quote(shape[group][0]._meta.pk.column)} FROM t{group})"  # noqa: S608
            values.append(parent if field.is_relation else f"CAST({parent} AS text)")
        columns = ", ".join(quote(f.column) for f in fields)
        rows = ", ".join([f"({', '.join(values)})"] * count)
        table = quote(model._meta.db_table)
        clauses.append(
            f"t{position} AS (INSERT INTO {table} ({columns}) VALUES {rows} RETURNING *)"  # noqa: S608
        )
        if _copies_history(model):
            clauses.append(f"h{position} AS ({_history_insert(model, quote, f't{position}')})")
        keys.append(f"SELECT {position}, {quote(model._meta.pk.column)} FROM t{position}")  # noqa: S608
    return f"WITH {', '.join(clauses)} {' UNION ALL '.join(keys)}"
