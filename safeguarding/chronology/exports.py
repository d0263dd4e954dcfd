"""Chronologies and the "who knew what, when" report as CSV and PDF (WeasyPrint)."""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from django.template.loader import render_to_string
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


def knowledge_pdf(context: dict[str, Any]) -> bytes:
    """The "who knew what, when" report as a tagged PDF (PDF/UA-1): headings, tables and
    their header cells are in the structure tree, with the document's language and title,
    so that a screen reader reads it as it reads the page. WeasyPrint is imported here, as
    in govuk.downloads, since most requests never need it."""
    from weasyprint import HTML

    html = render_to_string(
        "chronology/who_knew_print.html", {**context, "generated_at": timezone.now()}
    )
    pdf: bytes = HTML(string=html, base_url=None).write_pdf(pdf_variant="pdf/ua-1")
    return pdf
