"""The returns page for an authority's performance team: the CIN census for a collection
year previewed (each module counted), the children whose records stop it being made, each
with the rule, the fix and a link to their case work, and the file to download."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from safeguarding.access.middleware import signed_in_user
from safeguarding.access.models import Agency
from safeguarding.govuk.downloads import download
from safeguarding.returns.actions import produce_cin_census
from safeguarding.returns.cin_census import CollectionYear, module_counts
from safeguarding.returns.dfe_rules import run_dfe_rules
from safeguarding.returns.queries import may_produce_returns


def _authority(request: HttpRequest) -> Agency:
    user = signed_in_user(request)
    if not may_produce_returns(user) or user.agency is None:
        raise PermissionDenied
    return user.agency


def current_year(today: date) -> CollectionYear:
    """The collection year whose reference date is the next 31 March, or today."""
    begins = today.year if today.month >= 4 else today.year - 1
    return CollectionYear.parse(f"{begins}-{(begins + 1) % 100:02d}")


def _years(today: date) -> list[CollectionYear]:
    latest = current_year(today)
    return [
        CollectionYear.parse(f"{latest.start.year - n}-{(latest.start.year - n + 1) % 100:02d}")
        for n in range(4)
    ]


def returns_page(request: HttpRequest) -> HttpResponse:
    authority = _authority(request)
    years = _years(timezone.localdate())
    chosen = request.GET.get("year", "")
    # The latest year whose reference date has passed is the one to return, by default.
    year = next((y for y in years if y.label == chosen), years[1])
    year_error = "Choose a collection year from the list" if chosen and chosen != year.label else ""
    census = produce_cin_census(
        actor=signed_in_user(request), authority=authority, year=year, preview=True
    )
    findings = run_dfe_rules(census.xml)
    children = []
    for child in census.problems:
        errors, _queries = findings.for_child(child.la_child_id) if findings else ([], [])
        children.append({"child": child, "dfe_errors": errors})
    return render(
        request,
        "returns/returns.html",
        {
            "authority": authority,
            "years": years,
            "year": year,
            "year_error": year_error,
            "has_errors": bool(year_error),
            "census": census,
            "modules": module_counts(census.xml),
            "children": children,
            "findings": findings,
            "dfe_errors": sorted(findings.errors.items()) if findings else [],
            "dfe_queries": sorted(findings.queries.items()) if findings else [],
        },
    )


def download_cin_census(request: HttpRequest, year: str) -> HttpResponse:
    authority = _authority(request)
    try:
        collection = CollectionYear.parse(year)
    except ValueError as error:
        return render(
            request,
            "web/error.html",
            {"title": "There is no such collection year", "message": str(error)},
            status=404,
        )
    census = produce_cin_census(actor=signed_in_user(request), authority=authority, year=collection)
    if not census.valid:
        return render(
            request,
            "web/error.html",
            {
                "title": "The return cannot be made yet",
                "message": " ".join(
                    [f"{problem.message}. {problem.fix}." for problem in census.authority_problems]
                    + (
                        [
                            f"{len(census.problems)} children's records break the DfE's "
                            "rules. Fix each one listed on the returns page, then download "
                            "again."
                        ]
                        if census.problems
                        else []
                    )
                ),
            },
            status=409,
        )
    return download(
        census.xml,
        "application/xml",
        f"CIN-census-{authority.code}-{collection.label}.xml",
    )
