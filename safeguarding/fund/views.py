"""The fund's pages: for support organisations, applying and reporting outcomes; for the
fund administrator, funds, rounds, scoring, awarding, payments and reports."""

from __future__ import annotations

import contextlib
import io
from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from safeguarding.access.middleware import signed_in_user
from safeguarding.access.models import User
from safeguarding.fund import actions
from safeguarding.fund.forms import (
    AllocationForm,
    ApplicationForm,
    AwardForm,
    FundForm,
    OutcomeForm,
    RoundForm,
    ScoreForm,
    apply_errors,
)
from safeguarding.fund.models import GrantApplication
from safeguarding.fund.policy import administers_fund, applies_for_grants, reads_fund, uses_fund
from safeguarding.fund.queries import (
    Report,
    access_application,
    access_fund,
    access_payment,
    access_round,
    applications_visible_to,
    fund_report,
    funds,
    open_rounds,
    rounds_of,
)
from safeguarding.govuk.csvfiles import csv_writer
from safeguarding.govuk.downloads import download
from safeguarding.worklists.actions import record_received
from safeguarding.worklists.queries import receipts_of


def _user(request: HttpRequest) -> User:
    user = signed_in_user(request)
    return user


def _administrator(request: HttpRequest) -> User:
    user = _user(request)
    if not administers_fund(user):
        raise PermissionDenied
    return user


def _reader(request: HttpRequest) -> User:
    user = _user(request)
    if not reads_fund(user):
        raise PermissionDenied
    return user


def _data(request: HttpRequest) -> Any:
    return request.POST if request.method == "POST" else None


def home(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not uses_fund(user):
        raise PermissionDenied
    applicant = applies_for_grants(user)
    return render(
        request,
        "fund/home.html",
        {
            "funds": list(funds(user)),
            "administrator": administers_fund(user),
            "applicant": applicant,
            "open_rounds": list(open_rounds()) if applicant else [],
            "applications": list(applications_visible_to(user)) if applicant else [],
        },
    )


def set_up(request: HttpRequest) -> HttpResponse:
    user = _administrator(request)
    form = FundForm(_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            fund = actions.create_fund(
                actor=user,
                name=form.cleaned_data["name"],
                total=form.cleaned_data["total"],
                allocations=form.allocations(),
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            return redirect("fund:fund", fund_id=fund.pk)
    return render(
        request,
        "fund/set_up.html",
        {"form": form, "has_errors": bool(form.errors)},
        status=400 if form.errors else 200,
    )


def _fund_page(request: HttpRequest, fund_id: int, **bound: forms.Form) -> HttpResponse:
    user = _reader(request)
    fund = access_fund(user, fund_id)
    years = [y.financial_year for y in fund.years.all()]
    context = {
        "fund": fund,
        "report": fund_report(fund),
        "rounds": list(rounds_of(fund)),
        "administrator": administers_fund(user),
        "round_form": bound.get("round_form") or RoundForm(),
        "allocation_form": bound.get("allocation_form") or AllocationForm(years=years),
        "has_errors": any(form.errors for form in bound.values()),
    }
    return render(request, "fund/fund.html", context, status=400 if context["has_errors"] else 200)


def fund_detail(request: HttpRequest, fund_id: int) -> HttpResponse:
    return _fund_page(request, fund_id)


@require_POST
def new_round(request: HttpRequest, fund_id: int) -> HttpResponse:
    user = _administrator(request)
    fund = access_fund(user, fund_id)
    form = RoundForm(request.POST)
    if form.is_valid():
        try:
            grant_round = actions.open_round(
                actor=user,
                fund=fund,
                name=form.cleaned_data["name"],
                opens_on=form.cleaned_data["opens_on"],
                closes_on=form.cleaned_data["closes_on"],
                budget=form.cleaned_data["budget"],
                weights=form.weights(),
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            return redirect("fund:round", round_id=grant_round.pk)
    return _fund_page(request, fund_id, round_form=form)


@require_POST
def change_allocation(request: HttpRequest, fund_id: int) -> HttpResponse:
    user = _administrator(request)
    fund = access_fund(user, fund_id)
    form = AllocationForm(request.POST, years=[y.financial_year for y in fund.years.all()])
    if form.is_valid():
        try:
            actions.set_allocation(
                actor=user,
                fund=fund,
                financial_year=form.cleaned_data["financial_year"],
                allocation=form.cleaned_data["allocation"],
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            return redirect("fund:fund", fund_id=fund.pk)
    return _fund_page(request, fund_id, allocation_form=form)


def round_detail(request: HttpRequest, round_id: int) -> HttpResponse:
    user = _reader(request)
    grant_round = access_round(user, round_id)
    applications = sorted(
        applications_visible_to(user).filter(grant_round=grant_round),
        key=lambda a: (
            -(a.assessment.weighted_total if hasattr(a, "assessment") else -1),
            a.submitted_at,
        ),
    )
    return render(
        request,
        "fund/round.html",
        {"grant_round": grant_round, "applications": applications},
    )


def apply(request: HttpRequest, round_id: int) -> HttpResponse:
    user = _user(request)
    if not applies_for_grants(user):
        raise PermissionDenied
    grant_round = access_round(user, round_id, applying=True)
    years = [y.financial_year for y in grant_round.fund.years.all()]
    form = ApplicationForm(_data(request), years=years)
    if request.method == "POST" and form.is_valid():
        try:
            application = actions.submit_application(
                actor=user,
                grant_round=grant_round,
                proposal=form.proposal(),
                amounts=form.amounts(),
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            return redirect("fund:application", application_id=application.pk)
    return render(
        request,
        "fund/apply.html",
        {"grant_round": grant_round, "form": form, "has_errors": bool(form.errors)},
        status=400 if form.errors else 200,
    )


def _application_page(
    request: HttpRequest, application: GrantApplication, **bound: forms.Form
) -> HttpResponse:
    user = _user(request)
    award = getattr(application, "award", None)
    administrator = administers_fund(user)
    holder = applies_for_grants(user) and user.agency_id == application.organisation_id
    requested = {r.financial_year: r.amount for r in application.requested.all()}
    context: dict[str, Any] = {
        "application": application,
        "assessment": getattr(application, "assessment", None),
        "award": award,
        "payments": list(award.payments.all()) if award else [],
        "outcomes": list(award.outcomes.all()) if award else [],
        "administrator": administrator,
        "may_score": administrator and award is None,
        "may_award": administrator and award is None and hasattr(application, "assessment"),
        "may_report": holder and award is not None,
        "score_form": bound.get("score_form")
        or ScoreForm(grant_round=application.grant_round, initial=_initial_scores(application)),
        "award_form": bound.get("award_form") or AwardForm(requested=requested),
        "outcome_form": bound.get("outcome_form")
        or (OutcomeForm(award=award) if award is not None else None),
        # What became of the award at the organisation, for those who award.
        "receipts": receipts_of("fund-award", [application.pk]).get(str(application.pk), [])
        if administrator
        else [],
    }
    if holder and award is not None and not bound:
        record_received("fund-award", application.pk, actor=user)
    context["has_errors"] = any(form.errors for form in bound.values())
    return render(
        request,
        "fund/application.html",
        context,
        status=400 if context["has_errors"] else 200,
    )


def _initial_scores(application: GrantApplication) -> dict[str, object]:
    assessment = getattr(application, "assessment", None)
    if assessment is None:
        return {}
    return {
        "need": assessment.need,
        "deliverability": assessment.deliverability,
        "value_for_money": assessment.value_for_money,
        "reach": assessment.reach,
        "comments": assessment.comments,
    }


def application_detail(request: HttpRequest, application_id: str) -> HttpResponse:
    return _application_page(request, access_application(_user(request), application_id))


@require_POST
def score(request: HttpRequest, application_id: str) -> HttpResponse:
    user = _administrator(request)
    application = access_application(user, application_id)
    form = ScoreForm(request.POST, grant_round=application.grant_round)
    if form.is_valid():
        try:
            actions.score_application(
                actor=user,
                application=application,
                scores=form.scores(),
                comments=form.cleaned_data["comments"],
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            return redirect("fund:application", application_id=application.pk)
    return _application_page(request, application, score_form=form)


@require_POST
def award(request: HttpRequest, application_id: str) -> HttpResponse:
    user = _administrator(request)
    application = access_application(user, application_id)
    requested = {r.financial_year: r.amount for r in application.requested.all()}
    form = AwardForm(request.POST, requested=requested)
    if form.is_valid():
        try:
            actions.award_grant(actor=user, application=application, amounts=form.amounts())
        except ValidationError as error:
            apply_errors(form, error)
        else:
            return redirect("fund:application", application_id=application.pk)
    return _application_page(request, application, award_form=form)


@require_POST
def pay(request: HttpRequest, payment_id: int) -> HttpResponse:
    user = _administrator(request)
    payment = access_payment(user, payment_id)
    # A payment already recorded (a second click) stays as it was; the page shows it paid.
    with contextlib.suppress(ValidationError):
        actions.record_grant_payment(actor=user, payment=payment, paid_on=timezone.localdate())
    return redirect("fund:application", application_id=payment.award.application_id)


@require_POST
def report_outcome(request: HttpRequest, application_id: str) -> HttpResponse:
    user = _user(request)
    application = access_application(user, application_id)
    award = getattr(application, "award", None)
    if award is None or not applies_for_grants(user):
        raise PermissionDenied
    form = OutcomeForm(request.POST, award=award)
    if form.is_valid():
        try:
            actions.report_outcome(actor=user, award=award, outcomes=form.outcomes())
        except ValidationError as error:
            apply_errors(form, error)
        else:
            return redirect("fund:application", application_id=application.pk)
    return _application_page(request, application, outcome_form=form)


def reports(request: HttpRequest, fund_id: int) -> HttpResponse:
    user = _reader(request)
    fund = access_fund(user, fund_id)
    return render(request, "fund/reports.html", {"fund": fund, "report": fund_report(fund)})


def _csv(rows: list[list[object]], filename: str) -> HttpResponse:
    buffer = io.StringIO()
    csv_writer(buffer).writerows(rows)
    return download(buffer.getvalue(), "text/csv; charset=utf-8", filename)


def _year_rows(report: Report) -> list[list[object]]:
    header: list[object] = [
        "financial_year",
        "allocation",
        "committed",
        "paid",
        "remaining",
        "survivors_supported",
        "therapy_sessions",
    ]
    rows = [header]
    for row in [*report.by_year, report.year_total]:
        rows.append(
            [
                row.label,
                row.allocation,
                row.committed,
                row.paid,
                row.remaining,
                row.survivors_supported,
                row.therapy_sessions,
            ]
        )
    return rows


def _region_rows(report: Report) -> list[list[object]]:
    header: list[object] = [
        "region",
        "awards",
        "committed",
        "paid",
        "survivors_supported",
        "therapy_sessions",
    ]
    rows = [header]
    for row in [*report.by_region, report.region_total]:
        rows.append(
            [
                row.label,
                row.awards,
                row.committed,
                row.paid,
                row.survivors_supported,
                row.therapy_sessions,
            ]
        )
    return rows


def reports_by_year_csv(request: HttpRequest, fund_id: int) -> HttpResponse:
    user = _reader(request)
    fund = access_fund(user, fund_id)
    return _csv(_year_rows(fund_report(fund)), f"support-fund-{fund.pk}-by-year.csv")


def reports_by_region_csv(request: HttpRequest, fund_id: int) -> HttpResponse:
    user = _reader(request)
    fund = access_fund(user, fund_id)
    return _csv(_region_rows(fund_report(fund)), f"support-fund-{fund.pk}-by-region.csv")
