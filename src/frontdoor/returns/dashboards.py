"""The figures on the managers' and leaders' dashboards (R25, R29, R46).

Leaders monitor timeliness and decisions (R46): how many contacts arrived and how, what is open
and overdue now, how many contacts were progressed within the council's timescale (R25), what was
decided at each level, how many children became referrals and how many of those were re-referrals
(R29). Every figure is counted in the database (one aggregate query each, a fixed handful per
page whatever the number of contacts) and returned as plain dataclasses, so the page, the CSV and
the XLSX downloads show the same numbers.

Two kinds of figure:

- *the period's*: contacts received between the first and last day (London dates, inclusive), and
  what became of them; referrals by the day they were made;
- *now*: the open work, whenever it arrived.

The team is the screening team a contact is assigned to (`screening.Assignment.team`); a contact
not yet taken by anyone belongs to no team, so it counts only when no team is chosen.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import TruncDate, TruncWeek
from django.utils import timezone

from frontdoor.intake.models import (
    Channel,
    Contact,
    ReferrerType,
    Report,
    ReportedChild,
    in_time_condition,
    overdue_condition,
    progressed_condition,
    progressed_on_time_condition,
    running_condition,
    with_the_referrer_condition,
)
from frontdoor.mash.models import (
    AgencyRequest,
    request_figures,
)
from frontdoor.policy.clocks import LONDON
from frontdoor.policy.councils import of_served_council
from frontdoor.policy.rag import NOT_GOING_TO_MASH, Rag
from frontdoor.policy.registry import current_policy
from frontdoor.screening.models import Assignment, Decision, Referral, SingleAgencyEnquiry

State = Contact.State

DEFAULT_DAYS = 28  # the last four weeks, today included
# A contact due within this long is shown as due soon: enough warning to pick it up.
DUE_SOON = dt.timedelta(hours=4)
# Longer periods are charted by week: a bar a day stops being readable.
DAILY_UP_TO_DAYS = 62
# Every state but closed: a decided contact still has follow-ups to finish before it closes.
OPEN_WORK_STATES = (
    State.RECEIVED,
    State.RETURNED,  # R15: back with the referrer for consent, its clock paused
    State.SCREENING,
    State.IN_MASH,
    State.AWAITING_DECISION,
    State.DECIDED,
)
RAG_LABELS: dict[str | None, str] = {
    **dict(Rag.choices),
    "": NOT_GOING_TO_MASH,
    None: "Not yet decided",
}
LEVELS = (1, 2, 3, 4)


@dataclass(frozen=True)
class Period:
    """London dates, both included."""

    first_day: dt.date
    last_day: dt.date

    @classmethod
    def last_weeks(cls, *, today: dt.date, days: int = DEFAULT_DAYS) -> Period:
        return cls(first_day=today - dt.timedelta(days=days - 1), last_day=today)

    @property
    def start(self) -> dt.datetime:
        return dt.datetime.combine(self.first_day, dt.time(), tzinfo=LONDON)

    @property
    def end(self) -> dt.datetime:
        """The first instant after the period (midnight at the end of the last day)."""
        return dt.datetime.combine(self.last_day + dt.timedelta(days=1), dt.time(), tzinfo=LONDON)

    @property
    def days(self) -> int:
        return (self.last_day - self.first_day).days + 1

    def __str__(self) -> str:
        return f"{_day(self.first_day)} to {_day(self.last_day)}"


@dataclass(frozen=True)
class Bar:
    """One labelled count: a bar on a chart and a row of its table."""

    label: str
    count: int
    # The day (or the first day of the week) a bar of contacts over time counts: its table's
    # row holds the date itself, so a download has a date a spreadsheet can sort and sum by.
    day: dt.date | None = None


def day_label(day: dt.date) -> str:
    """A day as the dashboards show it: "Tue 17 Nov 2026"."""
    # strftime's %-d (no leading zero) is not portable: the day is written out instead.
    return f"{day:%a} {day.day} {day:%b %Y}"


@dataclass(frozen=True)
class Share:
    """`part` of `whole`, as a percentage when there is a whole to take it of."""

    part: int
    whole: int

    @property
    def percent(self) -> float | None:
        return round(100 * self.part / self.whole, 1) if self.whole else None

    def __str__(self) -> str:
        return "no contacts" if self.percent is None else f"{self.percent:g}%"


@dataclass(frozen=True)
class DueNow:
    """Open contacts not yet progressed, by their R25 due time as it stands now; one back with its
    referrer for consent is in none of the due times, its clock stopped (R15), but counted."""

    overdue: int
    due_soon: int
    later: int
    no_timescale: int
    with_the_referrer: int


@dataclass(frozen=True)
class Timeliness:
    """R25 for the period's contacts: progressed by the due time (`intake.models.ContactQuerySet`:
    every child's first decision or transfer, so a sibling group at its last child's)?

    A contact still open past its due time is late already; one still within its time, or back
    with its referrer for consent (R15: its clock stopped, restarted when they come back), is
    neither, and is left out of the share. Each contact is in one of the counts.
    """

    on_time: int
    late_progressed: int
    late_open: int
    within_time: int
    with_the_referrer: int
    no_timescale: int

    @property
    def late(self) -> int:
        return self.late_progressed + self.late_open

    @property
    def counted(self) -> int:
        """Every contact of the period, each in one of the counts."""
        return (
            self.on_time + self.late + self.within_time + self.with_the_referrer + self.no_timescale
        )

    @property
    def share(self) -> Share:
        return Share(part=self.on_time, whole=self.on_time + self.late)


@dataclass(frozen=True)
class OutcomeRow:
    label: str
    by_level: tuple[int, ...]  # in LEVELS order

    @property
    def total(self) -> int:
        return sum(self.by_level)


@dataclass(frozen=True)
class AgencyTimeliness:
    """One partner agency's answers to the MASH enquiries it was sent in the period (R36)."""

    agency: str
    asked: int
    on_time: int
    late: int
    overdue: int
    waiting: int
    closed: int = 0  # the enquiry closed before the agency answered
    untimed: int = 0  # no timescale to be on time or late against

    @property
    def share(self) -> Share:
        # Requests still within their time are not yet on time or late, and those closed before
        # an answer never will be: left out of the share.
        return Share(part=self.on_time, whole=self.on_time + self.late + self.overdue)


@dataclass(frozen=True)
class Table:
    """A table as the page, the CSV and the XLSX show it."""

    key: str
    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str | int | float | dt.date | None, ...], ...]

    @property
    def shown(self) -> tuple[tuple[str | int | float | None, ...], ...]:
        """The rows as the page shows them: a date written out (`day_label`)."""
        return tuple(
            tuple(day_label(value) if isinstance(value, dt.date) else value for value in row)
            for row in self.rows
        )


@dataclass(frozen=True)
class Dashboard:
    period: Period
    team: str
    now: dt.datetime
    contacts: int
    by_channel: tuple[Bar, ...]
    by_source: tuple[Bar, ...]
    volume: tuple[Bar, ...]
    volume_by_week: bool
    open_by_stage: tuple[Bar, ...]
    open_by_rag: tuple[Bar, ...]
    due: DueNow
    timeliness: Timeliness
    outcomes: tuple[OutcomeRow, ...]
    conversion: Share  # children referred of the children in the period's contacts (R29)
    re_referrals: Share  # re-referrals of the referrals made in the period (R29)
    enquiries: tuple[AgencyTimeliness, ...] = ()  # R36, by agency alerted in the period
    # R34: contacts received in the period that meet no MASH criterion and had single-agency
    # enquiries recorded.
    single_agency_enquiries: int = 0

    def tables(self) -> dict[str, Table]:
        """Every table on the page, by the key its download link names."""
        unit = "Week beginning" if self.volume_by_week else "Day"
        tables = (
            _bars_table("channels", "Contacts by channel", "Channel", self.by_channel),
            _bars_table("sources", "Contacts by source", "Referrer", self.by_source),
            _bars_table("volume", "Contacts received over the period", unit, self.volume),
            _bars_table("stages", "Open work by stage", "Stage", self.open_by_stage),
            _bars_table("rag", "Children in open work by RAG rating", "RAG", self.open_by_rag),
            Table(
                key="due",
                title="Open contacts not yet progressed, by due time",
                columns=("Due", "Contacts"),
                rows=(
                    ("Overdue", self.due.overdue),
                    (f"Due in the next {_hours(DUE_SOON)}", self.due.due_soon),
                    ("Due later", self.due.later),
                    ("No timescale", self.due.no_timescale),
                    ("Back with the referrer for consent", self.due.with_the_referrer),
                ),
            ),
            Table(
                key="timeliness",
                title="Contacts progressed within the timescale",
                columns=("Contacts", "Number"),
                rows=(
                    ("Progressed on time", self.timeliness.on_time),
                    ("Progressed late", self.timeliness.late_progressed),
                    ("Still open past the due time", self.timeliness.late_open),
                    ("Still open, within time", self.timeliness.within_time),
                    (
                        "Still open, back with the referrer for consent",
                        self.timeliness.with_the_referrer,
                    ),
                    ("No timescale", self.timeliness.no_timescale),
                    ("Share progressed on time (%)", self.timeliness.share.percent),
                ),
            ),
            Table(
                key="outcomes",
                title="Outcomes by Level of Need",
                columns=("Outcome", *(f"Level {level}" for level in LEVELS), "Total"),
                rows=tuple((row.label, *row.by_level, row.total) for row in self.outcomes),
            ),
            Table(
                key="referrals",
                title="Referrals and re-referrals",
                columns=("Measure", "Number"),
                rows=(
                    ("Children in contacts received", self.conversion.whole),
                    ("Children referred", self.conversion.part),
                    ("Contact-to-referral conversion (%)", self.conversion.percent),
                    ("Referrals made", self.re_referrals.whole),
                    ("Re-referrals", self.re_referrals.part),
                    ("Re-referral rate (%)", self.re_referrals.percent),
                    ("Contacts with single-agency enquiries", self.single_agency_enquiries),
                ),
            ),
            Table(
                key="enquiries",
                title="MASH enquiries answered on time, by agency",
                columns=(
                    "Agency",
                    "Asked",
                    "Answered on time",
                    "Answered late",
                    "Not answered, overdue",
                    "Not answered, within time",
                    "Closed before an answer",
                    "No timescale set",
                    "Answered on time (%)",
                ),
                rows=tuple(
                    (
                        row.agency,
                        row.asked,
                        row.on_time,
                        row.late,
                        row.overdue,
                        row.waiting,
                        row.closed,
                        row.untimed,
                        row.share.percent,
                    )
                    for row in self.enquiries
                ),
            ),
        )
        return {table.key: table for table in tables}


def _day(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


def _hours(span: dt.timedelta) -> str:
    hours = int(span.total_seconds() // 3600)
    return f"{hours} hour{'s' if hours != 1 else ''}"


def _bars_table(key: str, title: str, heading: str, bars: Sequence[Bar]) -> Table:
    return Table(
        key=key,
        title=title,
        columns=(heading, "Contacts" if key not in {"rag"} else "Children"),
        rows=tuple((bar.day or bar.label, bar.count) for bar in bars),
    )


# The queries. Each takes the team ("" for all) and filters in the database.


def _for_team(queryset: QuerySet, team: str, *, through: str = "") -> QuerySet:
    """The rows of the council served (`through` leads from a row to its contact), of `team`
    ("" for all): every figure on the dashboards is counted through here."""
    queryset = queryset.filter(of_served_council(f"{through}council"))
    return queryset.filter(**{f"{through}assignment__team": team}) if team else queryset


def _received_in(period: Period, team: str) -> QuerySet[Contact]:
    contacts = Contact.objects.filter(received_at__gte=period.start, received_at__lt=period.end)
    return _for_team(contacts, team)


def _channels_and_sources(period: Period, team: str) -> tuple[tuple[Bar, ...], tuple[Bar, ...]]:
    """Contacts by the channel and the referrer of their first report (R2): what made them.

    The first report is the one recorded first (the lowest id): later reports of the same
    incident (R7) are attached to the contact it made. Read as an anti-join on the reports'
    contact index rather than a subquery per contact.
    """
    earlier = Report.objects.filter(contact_id=OuterRef("contact_id"), id__lt=OuterRef("id"))
    reports = Report.objects.filter(
        contact__received_at__gte=period.start, contact__received_at__lt=period.end
    ).filter(~Exists(earlier))
    rows = (
        _for_team(reports, team, through="contact__")
        .values("channel", "referrer_type")
        .annotate(n=Count("id"))
        .order_by()
    )
    channels: dict[str | None, int] = {}
    sources: dict[str | None, int] = {}
    for row in rows:
        channels[row["channel"]] = channels.get(row["channel"], 0) + row["n"]
        sources[row["referrer_type"]] = sources.get(row["referrer_type"], 0) + row["n"]
    return _in_order(Channel, channels), _in_order(ReferrerType, sources)


def _in_order(choices, counts: dict[str | None, int]) -> tuple[Bar, ...]:
    """Every choice in its declared order, zeros included, so tables line up period to period."""
    bars = [Bar(label=choice.label, count=counts.get(choice.value, 0)) for choice in choices]
    unknown = sum(n for key, n in counts.items() if key not in choices.values)
    if unknown:  # a contact with no report: should not happen, but is not hidden if it does
        bars.append(Bar(label="Not recorded", count=unknown))
    return tuple(bars)


def _volume(period: Period, team: str) -> tuple[tuple[Bar, ...], bool]:
    by_week = period.days > DAILY_UP_TO_DAYS
    trunc = (
        TruncWeek("received_at", tzinfo=LONDON)
        if by_week
        else TruncDate("received_at", tzinfo=LONDON)
    )
    rows = (
        _received_in(period, team)
        .annotate(bucket=trunc)
        .values("bucket")
        .annotate(n=Count("id"))
        .order_by("bucket")
    )
    counts: dict[dt.date, int] = {}
    for row in rows:
        bucket = row["bucket"]
        if isinstance(bucket, dt.datetime):
            bucket = bucket.astimezone(LONDON).date()
        counts[bucket] = counts.get(bucket, 0) + row["n"]
    if by_week:
        day = period.first_day - dt.timedelta(days=period.first_day.weekday())
        step = dt.timedelta(weeks=1)
    else:
        day, step = period.first_day, dt.timedelta(days=1)
    bars = []
    while day <= period.last_day:
        bars.append(Bar(label=day_label(day), count=counts.get(day, 0), day=day))
        day += step
    return tuple(bars), by_week


def _open_work(team: str, now: dt.datetime) -> tuple[tuple[Bar, ...], DueNow]:
    # R15: a contact back with its referrer has no running clock; it is counted on its own.
    waiting = running_condition()
    rows = (
        _for_team(Contact.objects.filter(state__in=OPEN_WORK_STATES), team)
        .values("state")
        .annotate(
            n=Count("id"),
            overdue=Count("id", filter=overdue_condition(now)),
            soon=Count("id", filter=in_time_condition(now) & Q(progress_due_at__lt=now + DUE_SOON)),
            later=Count("id", filter=in_time_condition(now + DUE_SOON)),
            untimed=Count("id", filter=waiting & Q(progress_due_at__isnull=True)),
            returned=Count("id", filter=with_the_referrer_condition()),
        )
        .order_by()
    )
    by_state = {row["state"]: row for row in rows}
    stages = tuple(
        Bar(label=State(state).label, count=by_state.get(state, {}).get("n", 0))
        for state in OPEN_WORK_STATES
    )

    def total(key: str) -> int:
        return sum(row[key] for row in by_state.values())

    due = DueNow(
        overdue=total("overdue"),
        due_soon=total("soon"),
        later=total("later"),
        no_timescale=total("untimed"),
        with_the_referrer=total("returned"),
    )
    return stages, due


def _open_by_rag(team: str) -> tuple[Bar, ...]:
    """Each child in open work by the RAG of their latest decision (R35)."""
    latest = Decision.objects.filter(child=OuterRef("pk")).order_by("-sequence")
    children = ReportedChild.objects.filter(contact__state__in=OPEN_WORK_STATES)
    rows = (
        _for_team(children, team, through="contact__")
        .annotate(latest_rag=Subquery(latest.values("rag")[:1]))
        .values("latest_rag")
        .annotate(n=Count("id"))
        .order_by()
    )
    counts = {row["latest_rag"]: row["n"] for row in rows}
    return tuple(Bar(label=label, count=counts.get(key, 0)) for key, label in RAG_LABELS.items())


def _timeliness(period: Period, team: str, now: dt.datetime) -> Timeliness:
    # One pass over the period's contacts: when each was progressed is on the contact itself.
    figures = _received_in(period, team).aggregate(
        untimed=Count("id", filter=Q(progress_due_at__isnull=True)),
        on_time=Count("id", filter=progressed_on_time_condition()),
        progressed=Count("id", filter=Q(progress_due_at__isnull=False) & progressed_condition()),
        late_open=Count("id", filter=overdue_condition(now)),
        within=Count("id", filter=in_time_condition(now)),
        # R15: back with the referrer, its clock stopped whether or not its due time has passed.
        returned=Count(
            "id", filter=with_the_referrer_condition() & Q(progress_due_at__isnull=False)
        ),
    )
    return Timeliness(
        on_time=figures["on_time"],
        late_progressed=figures["progressed"] - figures["on_time"],
        late_open=figures["late_open"],
        within_time=figures["within"],
        with_the_referrer=figures["returned"],
        no_timescale=figures["untimed"],
    )


def _latest_decisions(period: Period, team: str) -> QuerySet[Decision]:
    """Each child's latest decision, for the period's contacts: a later one supersedes it."""
    later = Decision.objects.filter(child=OuterRef("child"), sequence__gt=OuterRef("sequence"))
    decisions = Decision.objects.filter(
        contact__received_at__gte=period.start,
        contact__received_at__lt=period.end,
        # Redundant, and there for speed: a decision is never made before its contact arrived,
        # so the index on decided_at leaves out the years of decisions before the period.
        decided_at__gte=period.start,
    ).filter(~Exists(later))
    return _for_team(decisions, team, through="contact__")


def _outcomes(period: Period, team: str) -> tuple[OutcomeRow, ...]:
    rows = (
        _latest_decisions(period, team)
        .values("outcome_label", "level")
        .annotate(n=Count("id"))
        .order_by()
    )
    grid: dict[str, dict[int, int]] = {}
    for row in rows:
        grid.setdefault(row["outcome_label"], {})[row["level"]] = row["n"]
    # The most frequent outcome first, as a leader reads the table.
    return tuple(
        sorted(
            (
                OutcomeRow(label=label, by_level=tuple(levels.get(level, 0) for level in LEVELS))
                for label, levels in grid.items()
            ),
            key=lambda row: (-row.total, row.label),
        )
    )


def _conversion(period: Period, team: str) -> Share:
    """R29: of the children in the period's contacts, how many became referrals."""
    children = ReportedChild.objects.filter(
        contact__received_at__gte=period.start, contact__received_at__lt=period.end
    )
    figures = _for_team(children, team, through="contact__").aggregate(
        children=Count("id"),
        referred=Count("id", filter=Q(Exists(Referral.objects.filter(child=OuterRef("pk"))))),
    )
    return Share(part=figures["referred"], whole=figures["children"])


def _single_agency_enquiries(period: Period, team: str) -> int:
    """R34: the period's contacts with single-agency enquiries recorded."""
    return (
        _received_in(period, team)
        .filter(Exists(SingleAgencyEnquiry.objects.filter(contact=OuterRef("pk"))))
        .count()
    )


def _re_referrals(period: Period, team: str) -> Share:
    """R29: of the referrals made in the period, how many were within 12 months of another."""
    referrals = Referral.objects.filter(referred_at__gte=period.start, referred_at__lt=period.end)
    figures = _for_team(referrals, team, through="contact__").aggregate(
        referrals=Count("id"), re_referrals=Count("id", filter=Q(is_re_referral=True))
    )
    return Share(part=figures["re_referrals"], whole=figures["referrals"])


def _enquiries(period: Period, team: str, now: dt.datetime) -> tuple[AgencyTimeliness, ...]:
    """R36: each agency's MASH requests alerted in the period, answered on time or not."""
    requests = AgencyRequest.objects.filter(alerted_at__gte=period.start, alerted_at__lt=period.end)
    rows = (
        _for_team(requests, team, through="enquiry__contact__")
        .values("agency_key")
        .annotate(**request_figures(now))
        .order_by("agency_key")
    )
    policy = current_policy()
    return tuple(
        AgencyTimeliness(
            agency=policy.agency_name(row["agency_key"]),
            asked=row["asked"],
            on_time=row["on_time"],
            late=row["late"],
            overdue=row["overdue"],
            waiting=row["waiting"],
            closed=row["closed"],
            untimed=row["untimed"],
        )
        for row in rows
    )


def teams() -> list[str]:
    """The screening teams the council served's contacts have been assigned to, for the team
    filter."""
    return list(
        Assignment.objects.filter(of_served_council("contact__council"))
        .exclude(team="")
        .order_by("team")
        .values_list("team", flat=True)
        .distinct()
    )


def dashboard(*, period: Period, team: str = "", now: dt.datetime | None = None) -> Dashboard:
    """Every figure of the dashboards for `period` and `team` ("" for every team)."""
    now = now or timezone.now()
    by_channel, by_source = _channels_and_sources(period, team)
    volume, by_week = _volume(period, team)
    stages, due = _open_work(team, now)
    return Dashboard(
        period=period,
        team=team,
        now=now,
        contacts=sum(bar.count for bar in by_channel),
        by_channel=by_channel,
        by_source=by_source,
        volume=volume,
        volume_by_week=by_week,
        open_by_stage=stages,
        open_by_rag=_open_by_rag(team),
        due=due,
        timeliness=_timeliness(period, team, now),
        outcomes=_outcomes(period, team),
        conversion=_conversion(period, team),
        re_referrals=_re_referrals(period, team),
        enquiries=_enquiries(period, team, now),
        single_agency_enquiries=_single_agency_enquiries(period, team),
    )
