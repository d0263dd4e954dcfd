"""Pages of the national dashboard, police capacity and the online-abuse pipeline."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from safeguarding.access.middleware import signed_in_user
from safeguarding.access.models import User
from safeguarding.govuk.downloads import download
from safeguarding.govuk.forms import add_action_errors
from safeguarding.taskforce import measures as m
from safeguarding.taskforce.actions import (
    IMPORT_COLUMNS,
    SuspectDetails,
    import_suspects,
    record_suspect,
    record_suspect_outcome,
)
from safeguarding.taskforce.charts import bar_chart
from safeguarding.taskforce.forms import FigureFilterForm, ImportForm, OutcomeForm, SuspectForm
from safeguarding.taskforce.policy import reads_dashboard, records_pipeline, sees_force_capacity
from safeguarding.taskforce.queries import (
    KIND_LABELS,
    access_suspect,
    area_page,
    export_csv,
    force_capacity,
    last_refresh,
    measure_page,
    national_capacity,
    officers_of,
    overview,
    suspects_of_my_force,
    years_available,
)


def _analyst(request: HttpRequest) -> User:
    user = signed_in_user(request)
    if not reads_dashboard(user):
        raise PermissionDenied
    return user


def _filters(request: HttpRequest, *fields: str) -> tuple[FigureFilterForm, str, int, str]:
    years = years_available()
    form = FigureFilterForm(request.GET or None, years=years, fields=fields)
    kind = str(form.choice("kind", "authority"))
    year = int(str(form.choice("year", years[0])))
    by = str(form.choice("by", "quarter"))
    return form, kind, year, by


def _common(form: FigureFilterForm, kind: str, year: int, by: str) -> dict[str, object]:
    return {
        "filters": form,
        "kind": kind,
        "kind_label": KIND_LABELS[kind],
        "year": year,
        "year_label": m.year_label(year),
        "by": by,
        "refreshed": last_refresh(),
    }


def dashboard(request: HttpRequest) -> HttpResponse:
    user = _analyst(request)
    form, kind, year, by = _filters(request, "kind", "year")
    return render(
        request,
        "taskforce/dashboard.html",
        {
            **_common(form, kind, year, by),
            "overview": overview(user, kind, year),
            "measures": m.MEASURES,
        },
    )


def area(request: HttpRequest, code: str) -> HttpResponse:
    user = _analyst(request)
    form, _, year, by = _filters(request, "year", "by")
    page = area_page(user, code, year, by, form.years)
    charts = [
        (trend, bar_chart(f"chart-{trend.key}", trend.label, trend.points)) for trend in page.trends
    ]
    return render(
        request,
        "taskforce/area.html",
        {**_common(form, page.kind, year, by), "page": page, "charts": charts},
    )


def measure(request: HttpRequest, key: str) -> HttpResponse:
    user = _analyst(request)
    form, kind, year, by = _filters(request, "kind", "year", "by")
    page = measure_page(user, key, kind, year, by, form.years)
    chart = bar_chart("chart-national", f"{page.measure.label} in England", page.trend.points)
    return render(
        request,
        "taskforce/measure.html",
        {**_common(form, kind, year, by), "page": page, "chart": chart},
    )


def export(request: HttpRequest) -> HttpResponse:
    user = _analyst(request)
    _, kind, year, _ = _filters(request, "kind", "year")
    return download(
        export_csv(user, kind, year),
        "text/csv; charset=utf-8",
        f"taskforce-{kind}-{year}.csv",
    )


def capacity(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    if sees_force_capacity(user):
        return render(request, "taskforce/capacity_force.html", {"capacity": force_capacity(user)})
    if reads_dashboard(user):
        rows, england = national_capacity(user)
        return render(
            request, "taskforce/capacity_national.html", {"rows": rows, "england": england}
        )
    raise PermissionDenied


# The online-abuse pipeline ---------------------------------------------------------------


def _police(request: HttpRequest) -> User:
    user = signed_in_user(request)
    if not records_pipeline(user):
        raise PermissionDenied
    return user


def _details(data: dict[str, Any], reference: str) -> SuspectDetails:
    return SuspectDetails(
        centre_reference=str(data["centre_reference"]),
        suspect_reference=reference,
        identified_on=data["identified_on"],
        allocated_on=data["allocated_on"],
        arrested_on=data["arrested_on"],
        charged_on=data["charged_on"],
        no_further_action_on=data["no_further_action_on"],
        officer_id=data["officer_id"],
    )


def suspects(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    if not records_pipeline(user) and reads_dashboard(user):
        # The taskforce sees every force's pipeline as published counts, never a suspect.
        form, _, year, by = _filters(request, "year")
        return render(
            request,
            "taskforce/suspects_national.html",
            {
                **_common(form, "force", year, by),
                "overview": overview(user, "force", year, m.PIPELINE_COLUMNS),
            },
        )
    user = _police(request)
    return render(request, "taskforce/suspects.html", {"suspects": suspects_of_my_force(user)})


@require_http_methods(["GET", "POST"])
def record_new_suspect(request: HttpRequest) -> HttpResponse:
    user = _police(request)
    assert user.agency is not None
    form = SuspectForm(
        request.POST if request.method == "POST" else None, officers=officers_of(user.agency.pk)
    )
    if request.method == "POST" and form.is_valid():
        try:
            record_suspect(
                actor=user,
                details=_details(form.cleaned_data, form.cleaned_data["suspect_reference"]),
            )
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            return redirect("taskforce:suspects")
    return render(
        request,
        "taskforce/suspect_form.html",
        {"form": form, "suspect": None, "has_errors": bool(form.errors)},
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
def update_suspect(request: HttpRequest, suspect_id: str) -> HttpResponse:
    user = _police(request)
    assert user.agency is not None
    suspect = access_suspect(user, suspect_id)
    initial = {
        "centre_reference": suspect.centre_reference,
        **{name: getattr(suspect, name) for name in IMPORT_COLUMNS[2:]},
        "officer_id": suspect.officer_id,
    }
    form = OutcomeForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        officers=officers_of(user.agency.pk),
    )
    if request.method == "POST" and form.is_valid():
        try:
            record_suspect_outcome(
                actor=user,
                suspect=suspect,
                details=_details(form.cleaned_data, suspect.suspect_reference),
            )
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            return redirect("taskforce:suspects")
    return render(
        request,
        "taskforce/suspect_form.html",
        {"form": form, "suspect": suspect, "has_errors": bool(form.errors)},
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
def import_suspects_file(request: HttpRequest) -> HttpResponse:
    user = _police(request)
    form = ImportForm(request.POST or None)
    result = None
    if request.method == "POST" and form.is_valid():
        try:
            result = import_suspects(actor=user, text=form.cleaned_data["file"])
        except ValidationError as error:
            problems = [
                f"{where}: {message}" if where != "file" else message
                for where, messages in error.message_dict.items()
                for message in messages
            ]
            for problem in problems[:20]:
                form.add_error("file", problem)
    return render(
        request,
        "taskforce/suspects_import.html",
        {
            "form": form,
            "result": result,
            "columns": ",".join(IMPORT_COLUMNS),
            "has_errors": bool(form.errors),
        },
        status=400 if form.errors else 200,
    )
