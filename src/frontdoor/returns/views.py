"""The statutory returns page: Ofsted's Annex A and the DfE children in need census (R46).

Views are thin: check the permission, read the period or year from the query string, ask
`returns.annex_a` or `returns.cin_census` for the return, and show the data to fix before the
download. The census is refused (409, with the list) when the DfE's error rules would reject it.
Dashboards live beside these, in `dashboard_views`.
"""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from django import forms
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from frontdoor import exports
from frontdoor.accounts.access import SignedInRequest, allowed
from frontdoor.govuk_fields import date, mark
from frontdoor.returns.annex_a import LISTS, build_annex_a, find_problems, sheets
from frontdoor.returns.cin_census import (
    DATA_TO_FIX_HEADER,
    build_census,
    collection_period,
    draft,
    write_census,
)
from frontdoor.returns.data_to_fix import shows_names

LONGEST_PERIOD_DAYS = 366 * 2
FIRST_CENSUS_YEAR = 2013  # referral sources are required from 1 April 2013 (DfE rule 8866)


def current_collection_year(today: dt.date) -> int:
    """The collection year (ending 31 March) that holds `today`."""
    return today.year + 1 if today.month >= 4 else today.year


class AnnexAForm(forms.Form):
    start = date("From", described_as="The start date", required_message="Enter the start date")
    end = date("To", described_as="The end date", required_message="Enter the end date")
    format = mark(
        forms.ChoiceField(
            label="Format",
            choices=[
                ("xlsx", "Excel (XLSX), a sheet per list"),
                ("zip", "CSV, a file per list (zip)"),
            ],
            initial="xlsx",
            required=False,
        ),
        "radios",
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        start, end = data.get("start"), data.get("end")
        if start and end:
            if start > end:
                self.add_error("end", "The end date must be the same as or after the start date")
            elif (end - start).days >= LONGEST_PERIOD_DAYS:
                self.add_error("end", "Choose a period of two years or less")
        data["format"] = data.get("format") or "xlsx"
        return data


class CensusForm(forms.Form):
    year = mark(
        forms.IntegerField(
            label="Collection year ending 31 March",
            help_text="For example, 2027 for 1 April 2026 to 31 March 2027",
            error_messages={
                "required": "Enter the year the collection ends",
                "invalid": "Enter the year as a number, like 2027",
            },
        ),
        "text",
        width="govuk-input--width-4",
    )

    def __init__(self, *args, latest: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.latest = latest

    def clean_year(self) -> int:
        year = self.cleaned_data["year"]
        if not FIRST_CENSUS_YEAR <= year <= self.latest:
            raise forms.ValidationError(f"Enter a year from {FIRST_CENSUS_YEAR} to {self.latest}")
        return year


def _annex_a_download(request: SignedInRequest, form: AnnexAForm) -> HttpResponse:
    data = form.cleaned_data
    annex = build_annex_a(start=data["start"], end=data["end"])
    return exports.download(
        export=exports.ANNEX_A,
        by=request.user,
        file_format=data["format"],
        filename=f"annex-a-{data['start']:%Y-%m-%d}-to-{data['end']:%Y-%m-%d}",
        sheets=sheets(annex),
        filters={"start": data["start"], "end": data["end"]},
    )


def _census_download(request: SignedInRequest, year: int, *, as_draft: bool) -> HttpResponse:
    census = build_census(year=year)
    left_out: list = []
    if as_draft:
        census, left_out = draft(census)
    if census.problems.blocking:
        return render(
            request,
            "returns/census_blocked.html",
            {
                "census": census,
                "problems": census.problems,
                "names": shows_names(request.user),
            },
            status=409,
        )
    buffer = io.BytesIO()
    write_census(census, buffer)
    return exports.respond(
        export=exports.CIN_CENSUS,
        by=request.user,
        file_format=exports.XML,
        filename=f"cin-census-{year}" + ("-draft" if as_draft else ""),
        content=buffer.getvalue(),
        rows=len(census.children),
        filters={"year": year, **({"draft": len(left_out)} if as_draft else {})},
    )


def _census_data_to_fix(request: SignedInRequest, year: int) -> HttpResponse:
    """Every item of the census's data to fix, with the link to each record, as CSV."""
    problems = build_census(year=year).problems
    rows = [
        [*row[:3], request.build_absolute_uri(row[3]) if row[3] else "", *row[4:]]
        for row in problems.rows(names=shows_names(request.user))
    ]
    return exports.download(
        export=exports.DATA_TO_FIX,
        by=request.user,
        file_format=exports.CSV,
        filename=f"cin-census-{year}-data-to-fix",
        sheets=[exports.Sheet("Data to fix", DATA_TO_FIX_HEADER, rows)],
        filters={"year": year},
    )


@require_http_methods(["GET"])
@allowed("returns.view")
def returns(request: SignedInRequest) -> HttpResponse:
    """Produce Annex A for a period and the CIN census for a year, data to fix shown first."""
    today = timezone.localdate()
    latest = current_collection_year(today)
    which = request.GET.get("return")
    download = "download" in request.GET

    annex_form = AnnexAForm(
        request.GET if which == "annex-a" else None,
        initial={"start": collection_period(latest)[0], "end": today, "format": "xlsx"},
    )
    census_form = CensusForm(
        request.GET if which == "cin-census" else None, latest=latest, initial={"year": latest}
    )
    context = {
        "annex_form": annex_form,
        "census_form": census_form,
        "lists": LISTS,
        "names": shows_names(request.user),
    }
    if which == "annex-a" and annex_form.is_valid():
        if download:
            return _annex_a_download(request, annex_form)
        data = annex_form.cleaned_data
        annex = build_annex_a(start=data["start"], end=data["end"])
        context["annex"] = annex
        context["annex_problems"] = find_problems(annex)
        query = request.GET.copy()
        query["download"] = "1"
        context["annex_download"] = query.urlencode()
    if which == "cin-census" and census_form.is_valid():
        year = census_form.cleaned_data["year"]
        if request.GET.get("download") == "data-to-fix":
            return _census_data_to_fix(request, year)
        if download:
            return _census_download(request, year, as_draft=request.GET.get("draft") == "1")
        census = build_census(year=year)
        context["census"] = census
        context["census_period"] = collection_period(year)
        context["census_left_out"] = draft(census)[1] if census.problems.blocking else []
        query = request.GET.copy()
        query["download"] = "1"
        context["census_download"] = query.urlencode()
        query["draft"] = "1"
        context["census_draft_download"] = query.urlencode()
        query.pop("draft")
        query["download"] = "data-to-fix"
        context["census_data_to_fix"] = query.urlencode()
    forms_with_errors = [form for form in (annex_form, census_form) if form.errors]
    context["form"] = forms_with_errors[0] if forms_with_errors else None
    return render(request, "returns/returns.html", context)
