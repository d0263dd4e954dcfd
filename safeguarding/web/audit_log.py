"""The audit log's page, for auditors: who did what to which record, and when, filtered by
date, action, agency, user and record, and exported as CSV. It shows record ids, never case
content; a reason is shown opened (reasons are stored sealed), or as the redacted copy an
erasure left. It is part of the web shell, beside the auditors' home page, since deciding who
may read it takes access's roles, which sit above the log."""

from __future__ import annotations

import io
from datetime import date, datetime, time, timedelta
from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import urlencode

from safeguarding.access.middleware import signed_in_user
from safeguarding.access.roles import AUDIT_ROLES
from safeguarding.audit.chain import record
from safeguarding.audit.models import AuditEntry
from safeguarding.audit.sealing import readable_reasons
from safeguarding.audit.verbs import AuditVerb
from safeguarding.audit.vocabulary import TargetType
from safeguarding.govuk.csvfiles import csv_writer
from safeguarding.govuk.downloads import download
from safeguarding.govuk.forms import GovukDateField
from safeguarding.govuk.templatetags.govuk import govuk_pagination

PAGE_SIZE = 50
# An export is for a question with a filter, not a copy of the log: beyond this many
# entries, narrow the filter (the operators' tools copy the whole log).
EXPORT_LIMIT = 100_000
CSV_HEADER = [
    "sequence",
    "occurred_at",
    "user",
    "agency",
    "verb",
    "action",
    "target_type",
    "target_id",
    "reason",
    "legal_basis",
]


class AuditLogFilter(forms.Form):
    # A Django form read from the query string, so that a filtered view can be bookmarked
    # and every page of it keeps the filter.
    date_from = GovukDateField(label="From", required=False, noun="start date")
    date_to = GovukDateField(label="To", required=False, noun="end date")
    verb = forms.ChoiceField(
        label="Action", required=False, choices=[("", "Any action"), *AuditVerb.choices]
    )
    agency = forms.CharField(label="Agency code", required=False, max_length=32)
    actor = forms.CharField(label="Username", required=False, max_length=150)
    target = forms.CharField(label="Record id", required=False, max_length=64)

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", "The end date must be the same as or after the start date")
        return cleaned

    def applied(self) -> dict[str, str]:
        """The filters in use, as text: for the audit entry and the export's name."""
        if not self.is_valid():
            return {}
        return {
            name: value.isoformat() if isinstance(value, date) else str(value).strip()
            for name, value in self.cleaned_data.items()
            if value
        }


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def filtered_entries(form: AuditLogFilter) -> QuerySet[AuditEntry]:
    entries = AuditEntry.objects.order_by("-sequence")
    if not form.is_valid():
        return entries.none()
    data = form.cleaned_data
    if data["date_from"]:
        entries = entries.filter(occurred_at__gte=_day_start(data["date_from"]))
    if data["date_to"]:
        entries = entries.filter(occurred_at__lt=_day_start(data["date_to"] + timedelta(days=1)))
    if data["verb"]:
        entries = entries.filter(verb=data["verb"])
    if data["agency"].strip():
        entries = entries.filter(agency_code=data["agency"].strip().upper())
    if data["actor"].strip():
        entries = entries.filter(actor_label=data["actor"].strip().lower())
    if data["target"].strip():
        entries = entries.filter(target_id=data["target"].strip())
    return entries


def _auditor(request: HttpRequest) -> Any:
    user = signed_in_user(request)
    if user.role not in AUDIT_ROLES:
        raise PermissionDenied
    return user


def log(request: HttpRequest) -> HttpResponse:
    user = _auditor(request)
    form = AuditLogFilter(request.GET)
    if request.GET.get("format") == "csv" and form.is_valid():
        return _export(user, form)
    page = Paginator(filtered_entries(form), PAGE_SIZE).get_page(request.GET.get("page"))
    # Sealed reasons opened for the page in one query (or their redacted copies read).
    reasons = readable_reasons(page.object_list)
    filters = form.applied()
    # One entry for the page view, naming the filter and the page shown.
    record(
        AuditVerb.AUDIT_LOG_VIEWED,
        actor=user,
        target_type=TargetType.AUDIT_LOG,
        payload={**filters, "page": page.number},
    )
    # Every filter parameter is kept in the pagination and export links.
    kept: dict[str, Any] = {
        name: str(request.GET.get(name, ""))
        for name in request.GET
        if name not in {"page", "format"}
    }
    return render(
        request,
        "web/audit_log.html",
        {
            "form": form,
            "page": page,
            "rows": [(entry, reasons[entry.sequence]) for entry in page],
            "has_errors": bool(form.errors),
            "pagination": govuk_pagination(
                page, label="Pagination", previous="Newer", following="Older", **kept
            ),
            "export_query": urlencode([*kept.items(), ("format", "csv")]),
        },
    )


def _export(user: Any, form: AuditLogFilter) -> HttpResponse:
    entries = list(filtered_entries(form)[:EXPORT_LIMIT])
    filters = form.applied()
    record(
        AuditVerb.AUDIT_LOG_EXPORTED,
        actor=user,
        target_type=TargetType.AUDIT_LOG,
        payload={**filters, "entries": len(entries)},
    )
    labels = dict(AuditVerb.choices)
    reasons = readable_reasons(entries)
    buffer = io.StringIO()
    writer = csv_writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    for entry in entries:
        writer.writerow(
            [
                entry.sequence,
                entry.occurred_at.isoformat(),
                entry.actor_label,
                entry.agency_code,
                entry.verb,
                labels.get(entry.verb, entry.verb),
                entry.target_type,
                entry.target_id,
                str(reasons[entry.sequence]),
                entry.legal_basis,
            ]
        )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return download(buffer.getvalue(), "text/csv; charset=utf-8", f"audit-log-{stamp}.csv")
