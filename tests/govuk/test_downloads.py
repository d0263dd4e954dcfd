"""Every file the service hands over is a download that is never cached."""

from __future__ import annotations

from safeguarding.govuk.downloads import download


def test_a_download_is_saved_not_shown_and_never_cached() -> None:
    response = download(b"a,b\n", "text/csv; charset=utf-8", "chronology-1.csv")

    assert response["Content-Disposition"] == 'attachment; filename="chronology-1.csv"'
    assert response["Cache-Control"] == "no-store"
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.content == b"a,b\n"
    assert "Content-Security-Policy" not in response


def test_a_file_someone_sent_is_sandboxed_and_its_name_cannot_break_the_header() -> None:
    response = download(b"%PDF-", "application/pdf", 'Zoë\'s "notes".pdf', untrusted=True)

    assert response["Content-Security-Policy"] == "sandbox; default-src 'none'"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment; filename*=utf-8''")
    assert '"' not in disposition.removeprefix("attachment; ")
    assert "Zo%C3%AB" in disposition
