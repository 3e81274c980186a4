"""Row-level security on PostgreSQL: the second wall between councils' personal data.

The first wall is the selectors' filter (`councils.of_served_council`). This one is PostgreSQL's:
each table of personal data has a policy that shows and accepts a row only when it belongs to the
council the statement runs for, so a query that forgets the filter still finds nothing of
another council. SQLite has no such thing, and there the filter alone keeps councils apart.

Which council a statement runs for is the database setting `frontdoor.council`. Every statement
the app sends goes through `keep_council` (a wrapper on each connection), which first makes the
setting the council served now (`councils.serving_council`): the request's, or the one a task or
command names with `serving(key)`. So a setting can never outlive the request that made it: the
next request's first statement replaces it, and so does every statement after a change of council.
Outside a transaction the setting is the session's (each statement there is a transaction of its
own, so a transaction-local one would be gone before the statement ran), remembered on the
connection so that it costs a round trip only when the council changes; inside a transaction it
is set local to that transaction before each statement until the transaction ends, so a rollback
that undoes it can never leave the wrong council in place.

A connection on which nothing set it (psql, a report tool) sees no row at all. The exceptions
set it to "*": `every_council()`, for the maintenance paths that serve every council and no
request (`migrate`, the regular jobs of `run-schedule`, the outbox's sender and its failure
listener; only those use it), and a service of one council, which keeps nothing apart.

A few doors cross councils on purpose, and open the wall to the councils they cross, and no
further, with `open_to(keys)`: the setting then names the council served and those, separated by
commas ("sefton,lewisham"). They are:

- a partner agency's enquiries, answers and answering times, to the councils that share the
  agency (`mash.selectors.agency_councils_open`, from `policy.partners.same_agency`);
- a partner agency's escalations (R39, R42) about those councils' contacts and meetings, to
  the same councils (`mash.views.across_the_agencys_councils`, around `escalations.views`);
- a transfer that arrives (R17), to the sending and the receiving council while the contact is
  copied (`intake.arrivals.arrive`), and to the senders while the receiver reads and accepts
  it (`screening.transfers`);
- known elsewhere (R18), to the councils asked (`people.matching.known_to`,
  `screening.known_elsewhere`).

The demo loaded as several councils (`demo.councils.load_demo_councils`) crosses them only
through those doors, each council's records made while it is served.

The policies bind the tables' owner too (FORCE ROW LEVEL SECURITY), since the app usually
connects as the role that owns its tables. A superuser, or a role with BYPASSRLS, passes every
policy: the app must not connect as one (`check_database_role` warns at deployment).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.core import checks
from django.db import connections
from django.db.backends.base.base import NO_DB_ALIAS, BaseDatabaseWrapper
from psycopg.pq import TransactionStatus

from frontdoor.policy.councils import councils, serving_council

SETTING = "frontdoor.council"
EVERY_COUNCIL = "*"
POLICY = "frontdoor_council"

_every: ContextVar[bool] = ContextVar("frontdoor_every_council", default=False)


@contextmanager
def every_council() -> Iterator[None]:
    """Within the block, statements see and write every council's rows: for maintenance that
    serves all councils and no request (see the module's docstring for the few that do)."""
    token = _every.set(True)
    try:
        yield
    finally:
        _every.reset(token)


_open: ContextVar[frozenset[str]] = ContextVar("frontdoor_open_to", default=frozenset())


@contextmanager
def open_to(keys: Iterable[str]) -> Iterator[None]:
    """Within the block, statements also see and write the rows of the councils `keys`, beside
    the council served: for the few doors that cross councils on purpose (see the module's
    docstring), each opening it to the councils it crosses and no others."""
    keys = frozenset(keys)
    for key in keys:
        if not key or "," in key or key == EVERY_COUNCIL:
            raise ValueError(f"not a council's key: {key!r}")
    token = _open.set(_open.get() | keys)
    try:
        yield
    finally:
        _open.reset(token)


_reading_councils: ContextVar[bool] = ContextVar("frontdoor_reading_councils", default=False)


def database_council() -> str | None:
    """The value of `frontdoor.council` for a statement run now: None while this process reads
    the list of councils (which no wall holds), to set nothing then."""
    if _every.get():
        return EVERY_COUNCIL
    if _reading_councils.get():
        return None
    token = _reading_councils.set(True)
    try:
        several = councils().several
    finally:
        _reading_councils.reset(token)
    # A service of one council keeps no records apart, as its selectors do not
    # (`of_served_council`): a deployment that renames its council still sees its records.
    if not several:
        return EVERY_COUNCIL
    return ",".join(sorted({serving_council(), *_open.get()}))


def keep_council(
    execute: Callable[..., Any], sql: str, params: Any, many: bool, context: dict[str, Any]
) -> Any:
    """Before each statement, make `frontdoor.council` the council it runs for."""
    connection = context["connection"]
    want = database_council()
    # In a failed transaction only a rollback runs (Django's, of a savepoint): it reads no row.
    failed = connection.connection.info.transaction_status == TransactionStatus.INERROR
    if want is not None and connection.frontdoor_council != want and not failed:
        local = connection.in_atomic_block or not connection.get_autocommit()
        # The driver's own cursor: this statement is not the app's, and is neither logged
        # nor counted among a page's queries.
        with connection.connection.cursor() as cursor:
            cursor.execute("SELECT set_config(%s, %s, %s)", [SETTING, want, local])
        # A setting made in a transaction lasts until it ends, which this wrapper is not told
        # of: set again before the next statement, in this transaction or after it.
        connection.frontdoor_council = None if local else want
    return execute(sql, params, many, context)


def watch_connection(sender: Any, connection: BaseDatabaseWrapper, **kwargs: Any) -> None:
    """On each new PostgreSQL connection: nothing set on it yet, and every statement kept to
    its council (`keep_council`). Connected to `connection_created`."""
    if connection.vendor != "postgresql" or connection.alias == NO_DB_ALIAS:
        return  # the server's own database, to make or drop one: no app statement runs there
    # DatabaseWrapper declares no such attribute: the council known set on its connection.
    connection.frontdoor_council = None  # type: ignore[attr-defined]
    if keep_council not in connection.execute_wrappers:
        connection.execute_wrappers.append(keep_council)


@dataclass(frozen=True)
class Wall:
    """A table whose rows belong to a council: by its own column `column` when `parent` is
    empty, else through the row of `parent` its column `column` names (a report through its
    contact). A row that belongs to two councils (a transfer's arrival, the sender's and the
    receiver's) names the second in its column `also`."""

    table: str
    column: str
    parent: str = ""
    also: str = ""

    def condition(self) -> str:
        setting = f"current_setting('{SETTING}', true)"
        # The council served, and those a door that crosses councils opened it to (`open_to`).
        named = f"ANY (string_to_array({setting}, ','))"
        if self.parent:
            # The parent's own policy applies inside: its row is found only if it is the
            # council's.
            # Names from WALLS, never from input.
            mine = f"EXISTS (SELECT 1 FROM {self.parent} p WHERE p.id = {self.table}.{self.column})"  # noqa: S608
        else:
            mine = f"{self.column} = {named}"
            if self.also:
                mine = f"{mine} OR {self.also} = {named}"
        return f"({mine} OR {setting} = '{EVERY_COUNCIL}')"

    def raise_sql(self) -> list[str]:
        condition = self.condition()
        return [
            f"ALTER TABLE {self.table} ENABLE ROW LEVEL SECURITY",
            f"ALTER TABLE {self.table} FORCE ROW LEVEL SECURITY",
            f"DROP POLICY IF EXISTS {POLICY} ON {self.table}",
            f"CREATE POLICY {POLICY} ON {self.table} USING {condition} WITH CHECK {condition}",
        ]

    def lower_sql(self) -> list[str]:
        return [
            f"DROP POLICY IF EXISTS {POLICY} ON {self.table}",
            f"ALTER TABLE {self.table} NO FORCE ROW LEVEL SECURITY",
            f"ALTER TABLE {self.table} DISABLE ROW LEVEL SECURITY",
        ]


def _through(parent: str, column: str, *tables: str) -> tuple[Wall, ...]:
    return tuple(Wall(table, column, parent) for table in tables)


# Every table of personal data, and how its rows find their council. A table that names a
# contact goes through the contact, one that names a person through the person, and the rest
# through the record they belong to. The history tables go the same way as their records.
# tests/policy/test_row_security.py checks that every table reachable from a contact or a
# person is here or said to need no wall (NOT_WALLED).
WALLS: tuple[Wall, ...] = (
    Wall("intake_contact", "council_id"),
    Wall("intake_historicalcontact", "council_id"),
    Wall("people_person", "council_id"),
    Wall("people_historicalperson", "council_id"),
    # A contact's report and the people it names are written in the same statement as the
    # contact (`new_rows`), where a policy cannot yet see the contact: they name the council.
    Wall("intake_report", "council_id"),
    Wall("intake_historicalreport", "council_id"),
    Wall("intake_reportedchild", "council_id"),
    Wall("intake_historicalreportedchild", "council_id"),
    Wall("intake_reportedadult", "council_id"),
    Wall("intake_historicalreportedadult", "council_id"),
    # A consultation names no child, but what a professional asked and was told is its
    # council's alone.
    Wall("intake_consultation", "council_id"),
    Wall("intake_historicalconsultation", "council_id"),
    # A household's address, as its members' records.
    Wall("people_household", "council_id"),
    Wall("people_historicalhousehold", "council_id"),
    # What a corrected detail said before and after: its record's council's.
    Wall("people_correction", "council_id"),
    # The audit trail names the records acted on and seen, and what changed in them: each
    # entry is the trail of its target's council (`audit.services.council_of`).
    Wall("audit_auditevent", "council_id"),
    Wall("audit_recordview", "council_id"),
    # A message holds a referrer's address and what became of a child. One queue sends every
    # council's: its sender runs for every council (`outbox.services.send_pending`).
    Wall("outbox_message", "council_id"),
    # A transfer's arrival is the sender's and the receiver's: the sender reads whether it was
    # accepted, the receiver accepts it (R17). Its contact is the receiver's.
    Wall("screening_transferarrival", "from_council", also="to_council"),
    *_through(
        "intake_contact",
        "contact_id",
        "intake_missingepisode",
        "intake_historicalmissingepisode",
        "screening_assignment",
        "screening_historicalassignment",
        "screening_childscreening",
        "screening_historicalchildscreening",
        "screening_consentrecord",
        "screening_sharingauthorisation",
        "screening_policenotification",
        "screening_singleagencyenquiry",
        "screening_decision",
        "screening_referral",
        "screening_transfer",
        "screening_referralreturn",
        "screening_historicalreferralreturn",
        "screening_suggestionresponse",
        "handoffs_handoff",
        "mash_enquiry",
        "mash_meeting",
        "mash_historicalmeeting",
        "mash_exploitationscreening",
        "escalations_escalation",
        "escalations_historicalescalation",
    ),
    *_through(
        "people_person",
        "person_id",
        "people_detailconflict",
        "people_historicaldetailconflict",
        "people_externalidentifier",
        "people_historicalexternalidentifier",
        "people_phonenumber",
        "people_historicalphonenumber",
        "people_householdmember",
        "people_historicalhouseholdmember",
        "people_relationship",
        "people_historicalrelationship",
        "people_involvement",
        "people_historicalinvolvement",
        "people_restriction",
        "people_historicalrestriction",
    ),
    Wall("intake_attachment", "report_id", "intake_report"),
    Wall("screening_followup", "decision_id", "screening_decision"),
    Wall("screening_historicalfollowup", "decision_id", "screening_decision"),
    *_through(
        "handoffs_handoff",
        "handoff_id",
        "handoffs_identifiercorrection",
        "handoffs_deliveryattempt",
    ),
    *_through("mash_enquiry", "enquiry_id", "mash_agencyrequest", "mash_ragreview"),
    *_through("mash_agencyrequest", "request_id", "mash_answer", "mash_opinion"),
    *_through(
        "mash_meeting", "meeting_id", "mash_attendee", "mash_historicalattendee", "mash_dissent"
    ),
    Wall("mash_briefingaction", "child_id", "intake_reportedchild"),
    *_through(
        "escalations_escalation",
        "escalation_id",
        "escalations_steprecord",
        "escalations_historicalsteprecord",
        "escalations_discussion",
    ),
)

# Tables reachable from a contact or a person, or naming a council, that need no wall of their
# own, and why. tests/policy/test_row_security.py checks that every such table is in WALLS or
# here.
NOT_WALLED: dict[str, str] = {
    "people_historicalrestriction_allowed_users": "names only members of staff",
    "accounts_user": "staff accounts, read across councils by sign-in before any council is "
    "known and by a shared partner agency's alerts (`mash.selectors.users_of_agency_asked`); "
    "the selectors list a council's own staff (`accounts.selectors.staff_of_served_council`)",
    "accounts_historicaluser": "as accounts_user",
}


def council_of_row(row: Any, *, through_parents: bool = False) -> str | None:
    """The council `row` belongs to when its table's wall reads a council column of its own
    (a contact, a person, a household); with `through_parents`, also a row whose wall goes
    through the record it belongs to (a decision, through its contact: a query per record not
    yet loaded). None for any other row (a member of staff, whose council is their employer)."""
    for wall in WALLS:
        if wall.table != row._meta.db_table:
            continue
        if not wall.parent:
            council = getattr(row, "council_id", None) if wall.column == "council_id" else None
            return str(council) if council else None
        if not through_parents:
            return None
        field = next(f for f in row._meta.concrete_fields if f.column == wall.column)
        if getattr(row, field.attname) is None and not field.is_cached(row):
            return None
        parent = getattr(row, field.name)
        return council_of_row(parent, through_parents=True) if parent is not None else None
    return None


def crossing() -> bool:
    """Whether statements now may reach more than the council served (`every_council`, or a
    door `open_to` other councils): what is written then names its council from its record."""
    return _every.get() or bool(_open.get() - {serving_council()})


def _run(connection: BaseDatabaseWrapper, statements: list[str]) -> None:
    if connection.vendor != "postgresql":
        return  # SQLite has no row-level security
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def raise_walls(connection: BaseDatabaseWrapper, walls: tuple[Wall, ...] = WALLS) -> None:
    """Put the policies of `walls` on their tables (on PostgreSQL; nothing elsewhere)."""
    _run(connection, [statement for wall in walls for statement in wall.raise_sql()])


def lower_walls(connection: BaseDatabaseWrapper, walls: tuple[Wall, ...] = WALLS) -> None:
    """Take the policies of `walls` off their tables (on PostgreSQL; nothing elsewhere)."""
    _run(connection, [statement for wall in walls for statement in wall.lower_sql()])


@checks.register(checks.Tags.database, deploy=True)
def check_database_role(**kwargs: Any) -> list[checks.CheckMessage]:
    """A superuser, or a role with BYPASSRLS, passes every row-level policy."""
    found: list[checks.CheckMessage] = []
    for alias in kwargs.get("databases") or []:
        connection = connections[alias]
        if connection.vendor != "postgresql":
            continue
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT rolname FROM pg_roles "
                "WHERE rolname = current_user AND (rolsuper OR rolbypassrls)"
            )
            row = cursor.fetchone()
        if row:
            found.append(
                checks.Warning(
                    f"The database role {row[0]} passes row-level security (a superuser or "
                    "BYPASSRLS): councils are kept apart by the selectors alone.",
                    hint="Connect as the role that owns the tables, without SUPERUSER or "
                    "BYPASSRLS (docs/councils.md).",
                    id="frontdoor.W010",
                )
            )
    return found
