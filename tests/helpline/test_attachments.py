"""Files sent with a report: accepted by what they are, kept as a sealed original and a
working copy without the hidden details that could identify the reporter, encrypted under
the report key, and opened only by assigned staff, each opening audited."""

from __future__ import annotations

import io
import zipfile

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile, TemporaryUploadedFile
from django.db import connection
from django.test import Client
from PIL import Image, PngImagePlugin
from pypdf import PdfReader, PdfWriter

from safeguarding.audit.models import AuditEntry
from safeguarding.helpline import actions, attachments
from safeguarding.helpline.models import Attachment, Report
from tests.factories import PASSWORD, Area
from tests.helpline.conftest import Helpline, details, hidden, receipt_in, unlocked

pytestmark = pytest.mark.each_database

REPORTER = "Jane Whistleblower"
MARKER = "Minutes of the meeting where the disclosure was buried"


def _jpeg() -> bytes:
    picture = Image.new("RGB", (40, 30), (200, 10, 10))
    exif = Image.Exif()
    exif[0x013B] = REPORTER  # Artist
    exif[0x0112] = 6  # taken on its side: the copy must be turned upright
    out = io.BytesIO()
    picture.save(out, "JPEG", exif=exif.tobytes(), comment=f"Taken by {REPORTER}".encode())
    return out.getvalue()


def _png() -> bytes:
    info = PngImagePlugin.PngInfo()
    info.add_text("Author", REPORTER)
    out = io.BytesIO()
    Image.new("RGB", (8, 8), (0, 0, 255)).save(out, "PNG", pnginfo=info)
    return out.getvalue()


def _pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    writer.add_metadata({"/Author": REPORTER, "/Title": "My notes"})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _xlsx() -> bytes:
    workbook = openpyxl.Workbook()
    workbook.active["A1"] = MARKER
    workbook.properties.creator = REPORTER
    workbook.properties.lastModifiedBy = REPORTER
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _docx() -> bytes:
    w = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    parts = {
        "[Content_Types].xml": '<?xml version="1.0"?><Types/>',
        "word/document.xml": f"<w:document {w}><w:body><w:p><w:r><w:t>{MARKER}</w:t></w:r>"
        f'</w:p><w:ins w:id="1" w:author="{REPORTER}" w:date="2026-01-01T09:00:00Z"/>'
        "</w:body></w:document>",
        "word/comments.xml": f'<w:comments {w}><w:comment w:id="0" w:author="{REPORTER}" '
        'w:initials="JW"><w:p><w:r><w:t>Check this</w:t></w:r></w:p></w:comment></w:comments>',
        "word/people.xml": f'<w15:people xmlns:w15="x"><w15:person w15:author="{REPORTER}">'
        '<w15:presenceInfo w15:providerId="AD" w15:userId="jane@example.org"/></w15:person>'
        "</w15:people>",
        "docProps/core.xml": f'<cp:coreProperties xmlns:cp="c" xmlns:dc="d"><dc:creator>'
        f"{REPORTER}</dc:creator></cp:coreProperties>",
        "docProps/app.xml": "<Properties><Company>Testshire Council</Company></Properties>",
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
    return out.getvalue()


def test_a_photo_loses_its_exif_and_comments_and_is_turned_upright():
    prepared = attachments.prepare("IMG_0001.jpg", _jpeg())
    assert prepared.kind is attachments.JPEG
    assert REPORTER.encode() not in prepared.working_copy
    assert REPORTER.encode() in prepared.original  # the evidence is untouched
    copy = Image.open(io.BytesIO(prepared.working_copy))
    assert "exif" not in copy.info
    assert "comment" not in copy.info
    assert copy.size == (30, 40)
    assert "EXIF (camera, time and place)" in prepared.removed


def test_a_png_loses_its_text():
    prepared = attachments.prepare("screen.png", _png())
    assert REPORTER.encode() not in prepared.working_copy
    assert Image.open(io.BytesIO(prepared.working_copy)).getpixel((1, 1)) == (0, 0, 255)


def test_a_pdf_loses_its_information_dictionary():
    prepared = attachments.prepare("notes.pdf", _pdf())
    assert REPORTER.encode() not in prepared.working_copy
    reader = PdfReader(io.BytesIO(prepared.working_copy))
    assert not reader.metadata
    assert len(reader.pages) == 1
    assert prepared.removed == ("document information",)


def test_a_spreadsheet_loses_its_authors_and_keeps_its_cells():
    prepared = attachments.prepare("register.xlsx", _xlsx())
    assert prepared.kind is attachments.XLSX
    assert REPORTER.encode() not in prepared.working_copy
    workbook = openpyxl.load_workbook(io.BytesIO(prepared.working_copy))
    assert workbook.active["A1"].value == MARKER
    assert workbook.properties.creator != REPORTER


def test_a_word_document_loses_authors_of_comments_changes_and_properties():
    prepared = attachments.prepare("notes.docx", _docx())
    assert prepared.kind is attachments.DOCX
    with zipfile.ZipFile(io.BytesIO(prepared.working_copy)) as archive:
        everything = b"".join(archive.read(name) for name in archive.namelist())
        assert MARKER.encode() in archive.read("word/document.xml")
        assert {member.date_time for member in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}
    for detail in (REPORTER, "JW", "jane@example.org", "Testshire Council"):
        assert detail.encode() not in everything, detail


def test_plain_text_is_kept_as_it_is():
    prepared = attachments.prepare("notes.txt", MARKER.encode())
    assert prepared.kind is attachments.TEXT
    assert prepared.working_copy == MARKER.encode()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.txt", b"", "The selected file is empty"),
        ("page.pdf", b"<html><script>alert(1)</script>\x00</html>", "must be a JPG, PNG, PDF"),
        ("tool.jpg", b"MZ\x90\x00\x03\x00\x00\x00", "must be a JPG, PNG, PDF"),
        ("archive.docx", b"PK\x03\x04 not really a zip", "must be a JPG, PNG, PDF"),
        ("broken.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, "picture cannot be opened"),
        ("broken.pdf", b"%PDF-1.7 nothing else", "PDF cannot be opened"),
        ("big.txt", b"a" * (attachments.MAX_FILE_BYTES + 1), "must be smaller than 10MB"),
    ],
)
def test_files_are_judged_by_what_they_are(name: str, content: bytes, message: str):
    with pytest.raises(attachments.FileRefusedError) as refused:
        attachments.prepare(name, content)
    assert message in str(refused.value)
    assert str(refused.value).startswith(name)


def test_a_plain_zip_is_not_an_office_document():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("payload.exe", b"MZ")
    with pytest.raises(attachments.FileRefusedError):
        attachments.prepare("report.docx", out.getvalue())


def test_a_password_protected_pdf_is_refused_with_a_reason():
    writer = PdfWriter()
    writer.add_blank_page(100, 100)
    writer.encrypt("secret")
    out = io.BytesIO()
    writer.write(out)
    with pytest.raises(attachments.FileRefusedError, match="password protected"):
        attachments.prepare("locked.pdf", out.getvalue())


# Through the pages -------------------------------------------------------------------------


def _to_known_as(client: Client, area: Area) -> str:
    page = client.get("/helpline/report/")
    answers = client.post(
        "/helpline/report/",
        {
            "what_happened": "The deputy head told staff to stop writing down disclosures",
            "named_agencies": [area.school.pk],
            "organisations": "Testshire Academy",
            "area": area.council.pk,
            "who": "The deputy head",
            "when": "This term",
            "started": hidden(page, "started"),
            "website": "",
        },
    )
    return hidden(answers, "draft")


def _upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def test_files_travel_from_the_reporter_to_assigned_staff(
    helpline: Helpline, area: Area, client_for
):
    reporter = Client()
    draft = _to_known_as(reporter, area)
    sent = reporter.post(
        "/helpline/report/known-as/",
        {
            "draft": draft,
            "known_as": "anonymous",
            "attached_files": [_upload("IMG_0001.jpg", _jpeg()), _upload("notes.txt", b"Dates")],
        },
    )
    assert sent.status_code == 200, sent.content.decode()[:3000]
    receipt = receipt_in(sent)
    report = Report.objects.get()
    assert report.attachments.count() == 2

    # The reporter sees the files they sent, and adds another with no words.
    page = reporter.post("/helpline/return/", {"receipt": receipt})
    assert "IMG_0001.jpg" in page.content.decode()
    added = reporter.post(
        "/helpline/return/conversation/",
        {"pass": hidden(page, "pass"), "text": "", "attached_files": [_upload("a.pdf", _pdf())]},
    )
    assert added.status_code == 200
    assert "Files added" in added.content.decode()
    assert report.attachments.count() == 3

    staff = client_for(helpline.caseworker)
    staff.post("/helpline/staff/unlock/", {"password": PASSWORD})
    body = staff.get(f"/helpline/staff/reports/{report.pk}/").content.decode()
    assert "IMG_0001.jpg" in body
    assert "a.pdf" in body
    assert "EXIF (camera, time and place)" in body
    photo = report.attachments.get(position=1)
    working = staff.get(f"/helpline/staff/reports/{report.pk}/files/{photo.pk}/")
    assert working.status_code == 200
    assert working["Content-Type"] == "image/jpeg"
    assert working["Content-Disposition"].startswith("attachment;")
    assert "working copy" in working["Content-Disposition"]
    assert "sandbox" in working["Content-Security-Policy"]
    assert REPORTER.encode() not in working.content
    original = staff.get(f"/helpline/staff/reports/{report.pk}/files/{photo.pk}/original/")
    assert original.content == _jpeg_sent(report, photo)
    verbs = list(
        AuditEntry.objects.filter(target_id=str(report.pk))
        .order_by("sequence")
        .values_list("verb", flat=True)
    )
    opened_files = [verb for verb in verbs if verb.endswith("-opened")]
    assert opened_files == ["helpline-attachment-opened", "helpline-original-opened"]


def _jpeg_sent(report: Report, photo: Attachment) -> bytes:
    # The original as the reporter's browser sent it, read back through a second caseworker
    # who holds their own sealed key: the same bytes, with the EXIF still in.
    opened = actions.open_report(
        actor=report.keys.first().user,
        report=report,
        private_key=unlocked(report.keys.first().user),
    )
    content = opened.attachment_content(photo, original=True)
    assert REPORTER.encode() in content
    return content


def test_a_refused_file_sends_nothing_and_says_which(area: Area, helpline: Helpline):
    reporter = Client()
    draft = _to_known_as(reporter, area)
    page = reporter.post(
        "/helpline/report/known-as/",
        {
            "draft": draft,
            "known_as": "anonymous",
            "attached_files": [_upload("fine.txt", b"ok"), _upload("virus.exe", b"MZ\x00")],
        },
    )
    assert page.status_code == 400
    text = page.content.decode()
    assert "virus.exe: The selected file must be a JPG, PNG, PDF" in text
    assert "govuk-file-upload--error" in text
    assert not Report.objects.exists()
    # The same draft with the file left out goes through.
    sent = reporter.post(
        "/helpline/report/known-as/",
        {"draft": draft, "known_as": "anonymous", "attached_files": [_upload("f.txt", b"ok")]},
    )
    assert sent.status_code == 200
    assert Report.objects.get().attachments.count() == 1


def test_files_chosen_on_a_page_with_other_errors_must_be_chosen_again(
    area: Area, helpline: Helpline
):
    reporter = Client()
    draft = _to_known_as(reporter, area)
    page = reporter.post(
        "/helpline/report/known-as/",
        {"draft": draft, "attached_files": [_upload("fine.txt", b"ok")]},
    )
    assert page.status_code == 400
    assert "Select your files again" in page.content.decode()
    assert not Report.objects.exists()


def test_an_oversized_upload_is_discarded_as_it_arrives_and_never_written_to_disk(
    area: Area, helpline: Helpline, monkeypatch: pytest.MonkeyPatch
):
    made: list[str] = []
    original_init = TemporaryUploadedFile.__init__

    def spy(self, *args, **kwargs):
        made.append(args[0] if args else "")
        original_init(self, *args, **kwargs)

    monkeypatch.setattr(TemporaryUploadedFile, "__init__", spy)
    reporter = Client()
    draft = _to_known_as(reporter, area)
    big = b"a" * (attachments.MAX_FILE_BYTES + 1024)
    page = reporter.post(
        "/helpline/report/known-as/",
        {"draft": draft, "known_as": "anonymous", "attached_files": [_upload("big.txt", big)]},
    )
    assert page.status_code == 400
    assert "big.txt: The selected file must be smaller than 10MB" in page.content.decode()
    # A file over Django's 2.5MB in-memory limit that is accepted stays in memory too.
    medium = MARKER.encode() * (3 * 1024 * 1024 // len(MARKER))
    sent = reporter.post(
        "/helpline/report/known-as/",
        {"draft": draft, "known_as": "anonymous", "attached_files": [_upload("m.txt", medium)]},
    )
    assert sent.status_code == 200
    assert made == []


def test_a_database_dump_holds_none_of_a_file(helpline: Helpline, area: Area):
    actions.submit_report(
        details(
            area,
            attachments=[
                attachments.prepare(f"{REPORTER}.txt", MARKER.encode()),
                attachments.prepare("photo.jpg", _jpeg()),
            ],
        )
    )
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {Attachment._meta.db_table}")
        raw = b" ".join(
            bytes(value) if isinstance(value, memoryview | bytes) else str(value).encode()
            for row in cursor.fetchall()
            for value in row
        )
    for plaintext in (MARKER, REPORTER, "photo.jpg", "image/jpeg", "Plain text"):
        assert plaintext.encode() not in raw


def test_an_altered_original_is_not_handed_over_as_evidence(
    helpline: Helpline, area: Area, client_for
):
    report = actions.submit_report(
        details(area, attachments=[attachments.prepare("notes.txt", MARKER.encode())])
    ).report
    attachment = report.attachments.get()
    # Someone with database access swaps in the working copy's ciphertext: it was sealed for
    # another purpose, so it does not open as the original.
    Attachment.objects.filter(pk=attachment.pk).update(original=attachment.working_copy)
    attachment.refresh_from_db()
    opened = actions.open_report(
        actor=helpline.caseworker,
        report=report,
        private_key=unlocked(helpline.caseworker),
    )
    with pytest.raises(actions.crypto.DecryptionError):
        opened.attachment_content(attachment, original=True)
    assert opened.attachment_content(attachment, original=False) == MARKER.encode()
    staff = client_for(helpline.caseworker)
    staff.post("/helpline/staff/unlock/", {"password": PASSWORD})
    page = staff.get(f"/helpline/staff/reports/{report.pk}/files/{attachment.pk}/original/")
    assert page.status_code == 409
    assert "This file cannot be opened" in page.content.decode()
    assert MARKER.encode() not in page.content


def test_staff_not_assigned_cannot_open_a_file(helpline: Helpline, area: Area, client_for):
    report = actions.submit_report(
        details(area, attachments=[attachments.prepare("notes.txt", MARKER.encode())])
    ).report
    report.keys.filter(user=helpline.colleague).delete()
    attachment = report.attachments.get()
    colleague = client_for(helpline.colleague)
    colleague.post("/helpline/staff/unlock/", {"password": PASSWORD})
    for suffix in ("", "original/"):
        response = colleague.get(
            f"/helpline/staff/reports/{report.pk}/files/{attachment.pk}/{suffix}"
        )
        assert response.status_code == 403
        assert MARKER.encode() not in response.content
    # A file id from another report does not open through this one.
    other = actions.submit_report(
        details(area, attachments=[attachments.prepare("other.txt", b"other")])
    ).report
    caseworker = client_for(helpline.caseworker)
    caseworker.post("/helpline/staff/unlock/", {"password": PASSWORD})
    stranger = other.attachments.get()
    assert (
        caseworker.get(f"/helpline/staff/reports/{report.pk}/files/{stranger.pk}/").status_code
        == 404
    )


def test_more_files_than_allowed_sends_nothing_and_keeps_none_in_memory(
    area: Area, helpline: Helpline
):
    reporter = Client()
    draft = _to_known_as(reporter, area)
    files = [_upload(f"page-{n}.txt", b"x" * 1000) for n in range(attachments.MAX_FILES + 2)]
    page = reporter.post(
        "/helpline/report/known-as/",
        {"draft": draft, "known_as": "anonymous", "attached_files": files},
    )
    assert page.status_code == 400
    assert f"Select up to {attachments.MAX_FILES} files" in page.content.decode()
    assert not Report.objects.exists()


def test_the_upload_handler_keeps_no_more_than_the_files_allowed():
    handler = attachments.UploadHandler()
    kept = []
    for number in range(attachments.MAX_FILES + 3):
        handler.new_file("attached_files", f"f{number}.txt", "text/plain", 3)
        handler.receive_data_chunk(b"abc", 0)
        kept.append(handler.file_complete(3).read())
    assert kept == [b"abc"] * attachments.MAX_FILES + [b""] * 3
