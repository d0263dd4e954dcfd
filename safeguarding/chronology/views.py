"""A child's chronology on screen, its marks, and its CSV and PDF exports; and the "who
knew what, when" report."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from safeguarding.access.middleware import signed_in_user
from safeguarding.access.models import User
from safeguarding.access.policy import case_worker
from safeguarding.access.roles import AUDIT_ROLES
from safeguarding.access.visibility import sees_every_item_in_full
from safeguarding.audit.chain import record
from safeguarding.audit.verbs import AuditVerb
from safeguarding.audit.vocabulary import TargetType
from safeguarding.chronology.actions import mark_entry
from safeguarding.chronology.entries import Entry, build_chronology, curated
from safeguarding.chronology.exports import chronology_csv, chronology_pdf, knowledge_pdf
from safeguarding.chronology.forms import MarkForm
from safeguarding.chronology.knowledge import open_knowledge_report, who_knew_what
from safeguarding.govuk.downloads import download
from safeguarding.people.models import Person
from safeguarding.people.queries import access_person

# Entries on one screen: a long chronology is read a page at a time (the exports hold all).
PAGE_SIZE = 50


def _page_number_of(entries: list[Entry], ref: str) -> int:
    """The page an entry is on, so that a practitioner whose mark failed sees it again."""
    for index, entry in enumerate(entries):
        if entry.ref == ref:
            return _page_at(index)
    return 1


def _page_at(position: int) -> int:
    """The page number of the entry at ``position`` (from 0) in the chronology."""
    return position // PAGE_SIZE + 1


def _page(
    request: HttpRequest,
    user: User,
    person: Person,
    *,
    failed: MarkForm | None = None,
    failed_ref: str = "",
) -> HttpResponse:
    entries = build_chronology(person, user)
    show_curated = request.GET.get("view") == "curated"
    shown = curated(entries) if show_curated else entries
    paginator = Paginator(shown, PAGE_SIZE)
    if failed is not None:
        page = paginator.get_page(_page_number_of(shown, failed_ref))
    else:
        page = paginator.get_page(request.GET.get("page"))
    rows = []
    # Prefixes number entries across the whole chronology, so that each is unique.
    for index, entry in enumerate(page.object_list, start=page.start_index()):
        form = (
            failed
            if failed is not None and entry.ref == failed_ref
            else MarkForm(
                prefix=f"e{index}",
                initial={
                    "entry": entry.ref,
                    "significant": entry.significant,
                    "analysis": entry.analysis,
                },
            )
        )
        rows.append((entry, form))
    record(
        AuditVerb.CHRONOLOGY_VIEWED,
        actor=user,
        target_type=TargetType.PERSON,
        target_id=person.pk,
        payload={"page": page.number},
    )
    return render(
        request,
        "chronology/chronology.html",
        {
            "person": person,
            "rows": rows,
            "page": page,
            "show_curated": show_curated,
            "failed": failed,
            "has_errors": failed is not None,
        },
        status=400 if failed is not None else 200,
    )


def chronology(request: HttpRequest, person_id: str) -> HttpResponse:
    user = case_worker(request)
    person = access_person(user, person_id, purpose="view chronology")
    return _page(request, user, person)


@require_POST
def mark(request: HttpRequest, person_id: str) -> HttpResponse:
    user = case_worker(request)
    prefix = request.POST.get("prefix", "")
    if not prefix.startswith("e") or not prefix[1:].isdigit():
        return redirect("chronology:view", person_id=person_id)
    form = MarkForm(request.POST, prefix=prefix)
    if form.is_valid():
        try:
            marked = mark_entry(
                actor=user,
                person_id=person_id,
                entry_ref=form.cleaned_data["entry"],
                significant=form.cleaned_data["significant"],
                analysis=form.cleaned_data["analysis"],
            )
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            # Back to the page the entry is on, so the practitioner lands on it.
            number = _page_at(marked.position)
            return redirect(
                reverse("chronology:view", args=[person_id])
                + (f"?page={number}" if number > 1 else "")
                + f"#entry-{form.cleaned_data['entry']}"
            )
    person = access_person(user, person_id, purpose="view chronology")
    return _page(
        request, user, person, failed=form, failed_ref=form.data.get(f"{prefix}-entry", "")
    )


def chronology_export(request: HttpRequest, person_id: str, fmt: str) -> HttpResponse:
    user = case_worker(request)
    person = access_person(user, person_id, purpose="export chronology")
    entries = build_chronology(person, user)
    only_curated = request.GET.get("curated") == "1"
    if only_curated:
        entries = curated(entries)
    record(
        AuditVerb.CHRONOLOGY_EXPORTED,
        actor=user,
        target_type=TargetType.PERSON,
        target_id=person.pk,
        payload={"format": fmt, "curated": only_curated},
    )
    # File names carry the record id, never the child's name.
    name = f"chronology-{person.pk}{'-curated' if only_curated else ''}"
    if fmt == "csv":
        return download(chronology_csv(entries), "text/csv; charset=utf-8", f"{name}.csv")
    return download(
        chronology_pdf(person, entries, curated=only_curated), "application/pdf", f"{name}.pdf"
    )


def _period(request: HttpRequest) -> tuple[date | None, date | None]:
    """The report's period from ``from`` and ``to`` (YYYY-MM-DD), either may be left out."""
    days = []
    for name in ("from", "to"):
        raw = request.GET.get(name, "").strip()
        try:
            days.append(date.fromisoformat(raw) if raw else None)
        except ValueError as error:
            raise ValidationError(
                f"Enter the {name} date as YYYY-MM-DD, like 2025-04-01"
            ) from error
    start, end = days
    if start and end and start > end:
        raise ValidationError("The period must start on or before its last day")
    return start, end


def knowledge_report(request: HttpRequest, person_id: str) -> HttpResponse:
    user = signed_in_user(request)
    try:
        start, end = _period(request)
    except ValidationError as error:
        return HttpResponseBadRequest(" ".join(error.messages), content_type="text/plain")
    person = open_knowledge_report(user, person_id)
    auditor = user.role in AUDIT_ROLES
    # Auditors see the trail, not the case: the report names the child by record id only,
    # and leaves out what was written.
    subject = f"record {person.pk}" if auditor else person.full_name
    # Every agency's content side by side, so only for an agency that reads all of it in
    # full (access.visibility); a police or school manager gets the trail without it.
    content = not auditor and sees_every_item_in_full(user)
    report = who_knew_what(person, content=content, start=start, end=end)
    pdf = knowledge_pdf({"subject": subject, "report": report, "produced_by": user.display_name})
    return download(pdf, "application/pdf", f"who-knew-what-{person.pk}.pdf")
