"""Chronologies and the "who knew what, when" report as CSV and PDF (WeasyPrint)."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from django.utils import timezone

from safeguarding.chronology.entries import Entry
from safeguarding.govuk.downloads import render_pdf
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


def chronology_pdf(person: Person, entries: Sequence[Entry], *, curated: bool) -> bytes:
    return render_pdf(
        "chronology/chronology_print.html",
        {"person": person, "entries": entries, "curated": curated},
    )
