"""Chronologies and the "who knew what, when" report as CSV and PDF (WeasyPrint)."""

from __future__ import annotations

import io
from collections.abc import Sequence

from django.utils import timezone

from safeguarding.chronology.entries import Entry
from safeguarding.govuk.csvfiles import csv_writer
from safeguarding.govuk.downloads import render_pdf
from safeguarding.people.models import Person

CSV_HEADER = ["date", "time", "source", "kind", "title", "detail", "significant", "analysis"]


def chronology_csv(entries: Sequence[Entry]) -> str:
    buffer = io.StringIO()
    writer = csv_writer(buffer)
    writer.writerow(CSV_HEADER)
    for entry in entries:
        local = timezone.localtime(entry.when)
        writer.writerow(
            [
                local.date().isoformat(),
                local.strftime("%H:%M"),
                entry.source,
                entry.kind,
                entry.title,
                entry.detail,
                "yes" if entry.significant else "no",
                entry.analysis,
            ]
        )
    return buffer.getvalue()


def chronology_pdf(person: Person, entries: Sequence[Entry], *, curated: bool) -> bytes:
    return render_pdf(
        "chronology/chronology_print.html",
        {"person": person, "entries": entries, "curated": curated},
    )
