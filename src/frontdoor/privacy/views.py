"""Privacy pages: the "ask whom" page, restrictions, the disclosure log, subject access (R45).

Thin, like every view here: check the permission, load through selectors, call one function.
"""

from __future__ import annotations

import json

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from frontdoor import exports
from frontdoor.accounts.access import SignedInRequest, allowed
from frontdoor.audit import services as audit
from frontdoor.errors import DomainError
from frontdoor.people.selectors import people_of_served_council
from frontdoor.policy.registry import current_policy
from frontdoor.privacy import restrictions, selectors
from frontdoor.privacy.forms import (
    AccessLogForm,
    DisclosureFilterForm,
    LiftForm,
    PersonNumberForm,
    RestrictForm,
)
from frontdoor.privacy.subject_access import subject_access_export


@require_http_methods(["GET", "POST"])
@allowed("privacy.restrict")
def restriction_list(request: SignedInRequest) -> HttpResponse:
    """Restrictions in force, and setting one (R45)."""
    form = RestrictForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        person = people_of_served_council().filter(pk=form.cleaned_data["person"]).first()
        if person is None:
            form.add_error("person", "There is no person with that record number")
        else:
            try:
                restrictions.restrict(
                    person=person,
                    allowed_users=form.cleaned_data["allowed_users"],
                    ask=form.cleaned_data["ask"],
                    reason=form.cleaned_data["reason"],
                    by=request.user,
                )
                messages.success(request, f"{person}'s record is restricted.")
                return redirect("privacy:restrictions")
            except DomainError as error:
                form.add_error(None, error.message)
    return render(
        request,
        "privacy/restrictions.html",
        {"form": form, "restrictions": selectors.restrictions_in_force()},
    )


@require_http_methods(["POST"])
@allowed("privacy.restrict")
def lift(request: SignedInRequest) -> HttpResponse:
    form = LiftForm(request.POST)
    if form.is_valid():
        person = get_object_or_404(people_of_served_council(), pk=form.cleaned_data["person"])
        try:
            restrictions.lift_restriction(
                person=person, by=request.user, reason=form.cleaned_data["reason"]
            )
            messages.success(request, f"The restriction on {person}'s record is lifted.")
        except DomainError as error:
            messages.error(request, error.message)
    else:
        messages.error(request, "Enter why the restriction is lifted.")
    return redirect("privacy:restrictions")


CSV_COLUMNS = (
    "at",
    "kind",
    "to",
    "what",
    "by",
    "lawful_basis",
    "lawful_basis_detail",
    "contact_reference",
    "child",
)


@require_http_methods(["GET"])
@allowed("audit.view")
def disclosure_log(request: SignedInRequest) -> HttpResponse:
    """Every disclosure to another agency, with its lawful basis, on screen or as CSV (R45)."""
    form = DisclosureFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    person = None
    if filters.get("person"):
        person = people_of_served_council().filter(pk=filters["person"]).first()
    rows = selectors.disclosures(
        user=request.user,
        person=person,
        start=filters.get("start"),
        end=filters.get("end"),
        policy=current_policy(),
    )
    if person is None and filters.get("person"):
        rows = []
    if request.GET.get("format") == "csv":
        return _csv(
            request,
            export=exports.DISCLOSURE_LOG,
            filename="disclosures",
            columns=CSV_COLUMNS,
            rows=rows,
            filters={
                "person": filters.get("person"),
                "start": filters.get("start"),
                "end": filters.get("end"),
            },
        )
    return render(
        request,
        "privacy/disclosures.html",
        {"form": form, "rows": rows, "csv_query": _csv_query(request)},
    )


def _csv(
    request: SignedInRequest,
    *,
    export: exports.Export,
    filename: str,
    columns: tuple[str, ...],
    rows,
    filters: dict,
) -> HttpResponse:
    """`rows` as a CSV download, a column per attribute named; times in ISO 8601."""
    table = ([getattr(row, column) for column in columns] for row in rows)
    return exports.download(
        export=export,
        by=request.user,
        file_format=exports.CSV,
        filename=filename,
        sheets=[exports.Sheet(export.title, columns, table)],
        filters=filters,
    )


def _csv_query(request: HttpRequest) -> str:
    """This page's query with the CSV asked for: the download link's."""
    query = request.GET.copy()
    query["format"] = "csv"
    return query.urlencode()


@require_http_methods(["GET"])
@allowed("audit.view")
def access_log(request: SignedInRequest) -> HttpResponse:
    """Every record one member of staff has seen, on screen or as CSV (R45)."""
    form = AccessLogForm(request.GET or None)
    if not (form.is_bound and form.is_valid()):
        return render(request, "privacy/access_log.html", {"form": form})
    viewer, start, end = (form.cleaned_data[key] for key in ("viewer", "start", "end"))
    # Reading what someone has seen is itself recorded: who looked, at whose views, for when.
    audit.record(
        actor=request.user,
        action="access_log.read",
        target=viewer,
        reason=f"from {start or 'the start'} to {end or 'today'}",
    )
    csv_wanted = request.GET.get("format") == "csv"
    rows, count = selectors.access_log(
        viewer=viewer, start=start, end=end, limit=None if csv_wanted else selectors.ACCESS_SHOWN
    )
    if csv_wanted:
        return _csv(
            request,
            export=exports.ACCESS_LOG,
            filename=f"access-{viewer.username}",
            columns=("at", "record", "through"),
            rows=rows,
            filters={"viewer": viewer.pk, "start": start, "end": end},
        )
    return render(
        request,
        "privacy/access_log.html",
        {
            "form": form,
            "viewer": viewer,
            "rows": rows,
            "count": count,
            "csv_query": _csv_query(request),
        },
    )


@require_http_methods(["GET"])
@allowed("privacy.subject_access")
def subject_access_find(request: HttpRequest) -> HttpResponse:
    """Start a subject access export from the person's record number."""
    form = PersonNumberForm(request.GET or None)
    if form.is_bound and form.is_valid():
        number = form.cleaned_data["person"]
        if people_of_served_council().filter(pk=number).exists():
            return redirect("privacy:subject_access", pk=number)
        form.add_error("person", "There is no person with that record number")
    return render(request, "privacy/subject_access_find.html", {"form": form})


@require_http_methods(["GET", "POST"])
@allowed("privacy.subject_access")
def subject_access(request: SignedInRequest, pk: int) -> HttpResponse:
    """Produce a person's subject access export: only on POST, as producing it is a disclosure."""
    person = get_object_or_404(people_of_served_council(), pk=pk)
    if request.method == "GET":
        return render(request, "privacy/subject_access_start.html", {"person": person})
    export = subject_access_export(person=person, by=request.user, through="subject access page")
    if request.POST.get("format") == "json":
        return exports.respond(
            export=exports.SUBJECT_ACCESS,
            by=request.user,
            file_format=exports.JSON,
            filename=f"subject-access-{pk}",
            content=json.dumps(export, indent=2, ensure_ascii=False),
            rows=len(export["contacts"]),
            filters={"person": pk},
        )
    return render(request, "privacy/subject_access.html", {"export": export, "person": person})
