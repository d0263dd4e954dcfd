"""Chronologies and the "who knew what, when" report as CSV and PDF (WeasyPrint)."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone

from safeguarding.chronology.entries import Entry
from safeguarding.people.models import Person

CSV_HEADER = ["date", "time", "source", "kind", "title", "detail", "significant", "analysis"]


def _safe_cell(value: str) -> str:
    # A cell starting with = + - @ would run as a formula in a spreadsheet (CSV injection).
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def chronology_csv(entries: Sequence[Entry]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_HEADER)
    for entry in entries:
        local = timezone.localtime(entry.when)
        writer.writerow(
            [
                local.date().isoformat(),
                local.strftime("%H:%M"),
                _safe_cell(entry.source),
                entry.kind,
                _safe_cell(entry.title),
                _safe_cell(entry.detail),
                "yes" if entry.significant else "no",
                _safe_cell(entry.analysis),
            ]
        )
    return buffer.getvalue()


def render_pdf(template: str, context: dict[str, Any]) -> bytes:
    """Render a print template to PDF. WeasyPrint is imported here, not at start-up, since
    it loads native libraries that most requests never need."""
    from weasyprint import HTML

    html = render_to_string(template, {**context, "generated_at": timezone.now()})
    pdf: bytes = HTML(string=html, base_url=None).write_pdf()
    return pdf


def chronology_pdf(person: Person, entries: Sequence[Entry], *, curated: bool) -> bytes:
    return render_pdf(
        "chronology/chronology_print.html",
        {"person": person, "entries": entries, "curated": curated},
    )
