"""The dashboards page for managers and leaders, and its tables as CSV and XLSX (R25, R29, R46).

The view is thin: check the permission, read the period and team from the query string, ask
`returns.dashboards` for the figures, and either draw the page or send one table as a file.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from frontdoor import exports
from frontdoor.accounts.access import SignedInRequest, allowed
from frontdoor.govuk_fields import date, mark
from frontdoor.policy.clocks import LONDON
from frontdoor.returns import charts
from frontdoor.returns.dashboards import Dashboard, Period, Table, dashboard, teams

LONGEST_PERIOD_DAYS = 366 * 2  # a two-year comparison is the longest a leader asks for


class DashboardFilterForm(forms.Form):
    """The period and team, sent by GET so a filtered dashboard has an address to share."""

    start = date("From", described_as="The start date")
    end = date("To", described_as="The end date")
    team = mark(forms.ChoiceField(label="Team", required=False), "select")

    def __init__(self, *args, team_names: list[str], default: Period, **kwargs):
        super().__init__(*args, **kwargs)
        self.default = default
        team = self.fields["team"]
        team.choices = [("", "All teams"), *((name, name) for name in team_names)]  # type: ignore[attr-defined]  # a ChoiceField; the stubs type fields as Field
        team.error_messages["invalid_choice"] = "Select a team from the list"

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if self.has_error("start") or self.has_error("end"):
            return data
        # A date left empty is the default period's: the other is checked against it.
        start = data["start"] = data.get("start") or self.default.first_day
        end = data["end"] = data.get("end") or self.default.last_day
        if start and end:
            if start > end:
                self.add_error("end", "The end date must be the same as or after the start date")
            elif (end - start).days >= LONGEST_PERIOD_DAYS:
                self.add_error("end", "Choose a period of two years or less")
        return data


def _period(form: DashboardFilterForm) -> Period:
    if form.is_bound and form.is_valid():
        return Period(first_day=form.cleaned_data["start"], last_day=form.cleaned_data["end"])
    return form.default


def _download(
    request: SignedInRequest, table: Table, figures: Dashboard, file_format: str
) -> HttpResponse:
    period = figures.period
    return exports.download(
        export=exports.DASHBOARD_TABLE,
        by=request.user,
        file_format=file_format,
        filename=f"{table.key}-{period.first_day:%Y-%m-%d}-to-{period.last_day:%Y-%m-%d}",
        sheets=[exports.Sheet(table.key, table.columns, table.rows)],
        filters={
            "table": table.key,
            "start": period.first_day,
            "end": period.last_day,
            "team": figures.team,
        },
    )


@require_http_methods(["GET"])
@allowed("returns.view")
def dashboards(request: SignedInRequest) -> HttpResponse:
    """Contacts, open work, timeliness, outcomes and referrals for a period and team (R46)."""
    now = timezone.now()
    team_names = teams()
    filtering = bool(set(request.GET) & {"start-day", "end-day", "team"})
    form = DashboardFilterForm(
        request.GET if filtering else None,
        team_names=team_names,
        default=Period.last_weeks(today=now.astimezone(LONDON).date()),
    )
    wanted, file_format = request.GET.get("download"), request.GET.get("format", "csv")
    if filtering and not form.is_valid():
        # No figures for a period or team asked for wrongly: the default period's numbers under
        # the error would read as the answer to the question asked.
        if wanted is not None:
            return HttpResponse(
                "Correct the period or team on the dashboards page, then download the table.",
                status=400,
                content_type="text/plain; charset=utf-8",
            )
        return render(request, "returns/dashboards.html", {"form": form, "figures": None})
    period = _period(form)
    team = form.cleaned_data.get("team", "") if filtering else ""
    figures = dashboard(period=period, team=team, now=now)
    tables = figures.tables()

    if wanted is not None:
        if wanted not in tables or file_format not in exports.DASHBOARD_TABLE.formats:
            return HttpResponse(
                "Choose a table on the dashboards page and download it as CSV or XLSX.",
                status=404,
                content_type="text/plain; charset=utf-8",
            )
        return _download(request, tables[wanted], figures, file_format)

    query = request.GET.copy()
    for key in ("download", "format"):
        query.pop(key, None)
    return render(
        request,
        "returns/dashboards.html",
        {
            "form": form,
            "figures": figures,
            "tables": tables,
            "query": query.urlencode(),
            "charts": {
                "channels": charts.bar_chart(
                    chart_id="chart-channels",
                    title="Contacts by channel",
                    bars=figures.by_channel,
                ),
                "sources": charts.bar_chart(
                    chart_id="chart-sources", title="Contacts by source", bars=figures.by_source
                ),
                "volume": charts.column_chart(
                    chart_id="chart-volume",
                    title=f"Contacts received each {'week' if figures.volume_by_week else 'day'}",
                    bars=figures.volume,
                ),
                "stages": charts.bar_chart(
                    chart_id="chart-stages", title="Open work by stage", bars=figures.open_by_stage
                ),
                "rag": charts.bar_chart(
                    chart_id="chart-rag",
                    title="Children in open work by RAG rating",
                    bars=figures.open_by_rag,
                ),
            },
        },
    )
