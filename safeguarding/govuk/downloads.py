"""Files the service hands over: every export and attachment leaves through download(),
and printable reports are rendered to PDF by render_pdf()."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.http import content_disposition_header


def download(
    content: bytes | str, content_type: str, filename: str, *, untrusted: bool = False
) -> HttpResponse:
    """``content`` as a file to save, never shown in the page and never cached: exports
    hold personal data. ``untrusted`` content (a file someone sent) is also sandboxed, so
    that a browser which opens it anyway runs nothing of it in the service's origin."""
    response = HttpResponse(content, content_type=content_type)
    # Django's header quotes or encodes the name as RFC 6266 requires.
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=filename
    )
    response["Cache-Control"] = "no-store"
    if untrusted:
        response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    return response


def render_pdf(template: str, context: dict[str, Any]) -> bytes:
    """Render a print template to PDF. WeasyPrint is imported here, not at start-up, since
    it loads native libraries that most requests never need."""
    from weasyprint import HTML

    html = render_to_string(template, {**context, "generated_at": timezone.now()})
    pdf: bytes = HTML(string=html, base_url=None).write_pdf()
    return pdf
