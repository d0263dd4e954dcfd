"""Files a reporter sends with a report: what is accepted, and the working copy without
the hidden details that could identify the reporter.

A file is accepted by what it is, never by its name or the type the browser claims: its
first bytes, then the library that reads it must open it whole. Each accepted file is kept
twice, both encrypted under the report key (actions.py): the original, untouched, as
evidence, with its SHA-256 so that it can be shown to be what arrived; and a working copy
that caseworkers open, rebuilt without its metadata:

- photos (JPEG, PNG): the pixels alone are copied into a new image, so EXIF (camera,
  time, place), XMP, IPTC, comments and embedded profiles are left behind; the picture is
  turned the right way up first, as its EXIF said;
- PDF: the document information dictionary (author, creator, dates), the XMP stream and
  each page's XMP and application data are removed;
- Word, Excel and PowerPoint (OOXML): the core, extended and custom properties are
  emptied, the authors, initials and user ids of comments, tracked changes and
  co-authors are replaced with "Author", and the times inside the archive are reset;
- plain text has none.

Uploads are held in memory only (UploadHandler), never in a temporary file, and anything
beyond the size limit is discarded as it arrives.
"""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import InMemoryUploadedFile
from django.core.files.uploadhandler import FileUploadHandler
from PIL import Image, ImageOps, UnidentifiedImageError
from pypdf import PdfReader, PdfWriter
from pypdf.errors import PyPdfError
from pypdf.generic import NameObject

MAX_FILES = 5
MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_FILE_LABEL = "10MB"
# Beyond this a picture is refused rather than decoded (a "decompression bomb").
MAX_PIXELS = 50_000_000
# Limits on what an office document may unpack to, for the same reason.
MAX_ARCHIVE_MEMBERS = 5_000
MAX_ARCHIVE_BYTES = 200 * 1024 * 1024
ACCEPTED = "JPG, PNG, PDF, Word, Excel, PowerPoint or plain text"
ACCEPT_ATTRIBUTE = ".jpg,.jpeg,.png,.pdf,.docx,.xlsx,.pptx,.txt"


@dataclass(frozen=True)
class Kind:
    media_type: str
    label: str
    extension: str


JPEG = Kind("image/jpeg", "JPG image", "jpg")
PNG = Kind("image/png", "PNG image", "png")
PDF = Kind("application/pdf", "PDF", "pdf")
DOCX = Kind(
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "Word document",
    "docx",
)
XLSX = Kind(
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "Excel spreadsheet",
    "xlsx",
)
PPTX = Kind(
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "PowerPoint presentation",
    "pptx",
)
TEXT = Kind("text/plain", "Plain text", "txt")
KINDS = {kind.extension: kind for kind in (JPEG, PNG, PDF, DOCX, XLSX, PPTX, TEXT)}
KINDS_BY_MEDIA_TYPE = {kind.media_type: kind for kind in KINDS.values()}

# The main part of each OOXML kind, inside the archive.
_OFFICE_MAIN_PARTS = {
    "word/document.xml": DOCX,
    "xl/workbook.xml": XLSX,
    "ppt/presentation.xml": PPTX,
}


@dataclass(frozen=True)
class Prepared:
    """An accepted file: the original as it arrived and the working copy."""

    name: str
    kind: Kind
    original: bytes = field(repr=False)
    working_copy: bytes = field(repr=False)
    removed: tuple[str, ...] = ()

    @property
    def digest(self) -> str:
        return hashlib.sha256(self.original).hexdigest()


class FileRefusedError(Exception):
    """A file that is not accepted, with the message the sender sees."""


def _error(name: str, message: str) -> FileRefusedError:
    return FileRefusedError(f"{name}: {message}" if name else message)


def safe_name(name: str) -> str:
    """The file's own name, without any folder, control characters or excessive length."""
    base = re.split(r"[\\/]", name)[-1]
    base = "".join(character for character in base if character.isprintable()).strip()
    return base[:120] or "file"


# What a file is --------------------------------------------------------------------------


def identify(content: bytes) -> Kind | None:
    """The kind of file by its content alone."""
    if content.startswith(b"\xff\xd8\xff"):
        return JPEG
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if content.startswith(b"%PDF-"):
        return PDF
    if content.startswith(b"PK\x03\x04"):
        return _office_kind(content)
    return TEXT if _is_plain_text(content) else None


def _office_kind(content: bytes) -> Kind | None:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, ValueError, OSError):
        return None
    if "[Content_Types].xml" not in names:
        return None
    for part, kind in _OFFICE_MAIN_PARTS.items():
        if part in names:
            return kind
    return None


def _is_plain_text(content: bytes) -> bool:
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return all(character.isprintable() or character in "\t\r\n\f" for character in text)


# Working copies --------------------------------------------------------------------------


# Names for what a picture carried, as caseworkers see them.
_IMAGE_DETAILS = {
    "exif": "EXIF (camera, time and place)",
    "xmp": "XMP",
    "XML:com.adobe.xmp": "XMP",
    "comment": "comment",
    "icc_profile": "colour profile",
    "photoshop": "IPTC",
}


def _image_copy(content: bytes, kind: Kind) -> tuple[bytes, tuple[str, ...]]:
    try:
        with Image.open(io.BytesIO(content)) as probe:
            probe.verify()
        with Image.open(io.BytesIO(content)) as image:
            if image.width * image.height > MAX_PIXELS:
                raise _error("", "The selected picture is too large to open")
            removed = tuple(
                sorted(
                    _IMAGE_DETAILS.get(str(key), str(key))
                    for key in image.info
                    if not str(key).startswith(("dpi", "jfif"))
                )
            )
            upright = ImageOps.exif_transpose(image)
            if kind is JPEG and upright.mode not in {"L", "RGB", "CMYK"}:
                upright = upright.convert("RGB")
            # A new image from the pixels alone carries none of the original's details.
            clean = Image.frombytes(upright.mode, upright.size, upright.tobytes())
            if upright.mode == "P":
                palette = upright.getpalette()
                if palette is not None:
                    clean.putpalette(palette)
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
        raise _error("", "The selected picture cannot be opened") from error
    output = io.BytesIO()
    if kind is JPEG:
        clean.save(output, "JPEG", quality=95)
    else:
        clean.save(output, "PNG")
    return output.getvalue(), removed


def _pdf_copy(content: bytes) -> tuple[bytes, tuple[str, ...]]:
    try:
        reader = PdfReader(io.BytesIO(content))
        if reader.is_encrypted:
            raise _error("", "The selected PDF must not be password protected")
        writer = PdfWriter(clone_from=reader)
    except (PyPdfError, ValueError, KeyError, TypeError, OSError) as error:
        raise _error("", "The selected PDF cannot be opened") from error
    removed: list[str] = []
    if reader.metadata:
        removed.append("document information")
    root = writer.root_object
    if NameObject("/Metadata") in root:
        del root[NameObject("/Metadata")]
        removed.append("XMP")
    for page in writer.pages:
        for key in ("/Metadata", "/PieceInfo"):
            if NameObject(key) in page:
                del page[NameObject(key)]
                removed.append(f"page {key[1:]}")
    # No information dictionary at all: not even the writer's own "Producer".
    writer.metadata = None
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue(), tuple(dict.fromkeys(removed))


_EMPTY_PROPERTIES = {
    "docProps/core.xml": (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        b'<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/'
        b'metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" '
        b'xmlns:dcterms="http://purl.org/dc/terms/" '
        b'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"/>'
    ),
    "docProps/app.xml": (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
        b'extended-properties"/>'
    ),
    "docProps/custom.xml": (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
        b'custom-properties"/>'
    ),
}
_PROPERTY_LABELS = {
    "docProps/core.xml": "author and dates",
    "docProps/app.xml": "application and company",
    "docProps/custom.xml": "custom properties",
}
# People in any part: the authors of comments and tracked changes, and their initials.
_PERSON_ATTRIBUTES = re.compile(
    rb'\b((?:\w+:)?(?:author|initials|userId|providerId|lastModifiedBy))="[^"]*"'
)
# The parts that list co-authors (Word's people.xml, PowerPoint's commentAuthors.xml,
# Excel's persons/person.xml), where their names are attributes of their own.
_PEOPLE_PARTS = {"people.xml", "commentAuthors.xml", "person.xml"}
_PEOPLE_ATTRIBUTES = re.compile(
    rb'\b((?:\w+:)?(?:author|initials|userId|providerId|displayName|name))="[^"]*"'
)
# Excel's legacy comments list their authors as elements.
_EXCEL_AUTHORS = re.compile(rb"<author>[^<]*</author>")
_ARCHIVE_TIME = (1980, 1, 1, 0, 0, 0)


def _office_copy(content: bytes) -> tuple[bytes, tuple[str, ...]]:
    removed: list[str] = []
    output = io.BytesIO()
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            members = archive.infolist()
            if len(members) > MAX_ARCHIVE_MEMBERS or (
                sum(member.file_size for member in members) > MAX_ARCHIVE_BYTES
            ):
                raise _error("", "The selected document is too large to open")
            with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as copy:
                for member in members:
                    data = archive.read(member)
                    data, what = _clean_part(member.filename, data)
                    removed.extend(what)
                    # A fixed time: the archive's own times say when it was edited.
                    entry = zipfile.ZipInfo(member.filename, _ARCHIVE_TIME)
                    copy.writestr(entry, data, compress_type=zipfile.ZIP_DEFLATED)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError) as error:
        raise _error("", "The selected document cannot be opened") from error
    return output.getvalue(), tuple(dict.fromkeys(removed))


def _clean_part(name: str, data: bytes) -> tuple[bytes, list[str]]:
    if name in _EMPTY_PROPERTIES:
        empty = _EMPTY_PROPERTIES[name]
        return empty, ([_PROPERTY_LABELS[name]] if data != empty else [])
    if not name.endswith(".xml"):
        return data, []
    people_part = name.rsplit("/", 1)[-1] in _PEOPLE_PARTS
    pattern = _PEOPLE_ATTRIBUTES if people_part else _PERSON_ATTRIBUTES
    cleaned = pattern.sub(rb'\1="Author"', data)
    cleaned = _EXCEL_AUTHORS.sub(b"<author>Author</author>", cleaned)
    return cleaned, (["names of authors and reviewers"] if cleaned != data else [])


def _working_copy(kind: Kind, content: bytes) -> tuple[bytes, tuple[str, ...]]:
    if kind in (JPEG, PNG):
        return _image_copy(content, kind)
    if kind is PDF:
        return _pdf_copy(content)
    if kind in (DOCX, XLSX, PPTX):
        return _office_copy(content)
    return content, ()


def prepare(name: str, content: bytes) -> Prepared:
    """Accept one file or say why not (FileRefusedError, with the message to show)."""
    shown = safe_name(name)
    if not content:
        raise _error(shown, "The selected file is empty")
    if len(content) > MAX_FILE_BYTES:
        raise _error(shown, f"The selected file must be smaller than {MAX_FILE_LABEL}")
    kind = identify(content)
    if kind is None:
        raise _error(shown, f"The selected file must be a {ACCEPTED} file")
    try:
        working, removed = _working_copy(kind, content)
    except FileRefusedError as refused:
        raise _error(shown, str(refused)) from refused
    return Prepared(name=shown, kind=kind, original=content, working_copy=working, removed=removed)


def prepare_all(uploads: Iterable[Any]) -> list[Prepared]:
    """Every uploaded file accepted, or a ValidationError naming each one refused."""
    files = list(uploads)
    if len(files) > MAX_FILES:
        raise ValidationError(f"Select up to {MAX_FILES} files")
    prepared: list[Prepared] = []
    problems: list[str] = []
    for upload in files:
        if getattr(upload, "too_large", False):
            problems.append(
                f"{safe_name(upload.name)}: The selected file must be smaller than {MAX_FILE_LABEL}"
            )
            continue
        try:
            prepared.append(prepare(upload.name or "", upload.read()))
        except FileRefusedError as refused:
            problems.append(str(refused))
    if problems:
        # One message naming every file refused (a field shows one error).
        raise ValidationError("; ".join(problems))
    return prepared


# Receiving uploads -----------------------------------------------------------------------


class CheckedUpload(InMemoryUploadedFile):
    """An uploaded file that says whether it went past the size limit (its content is then
    not kept)."""

    too_large = False


class UploadHandler(FileUploadHandler):
    """Keeps each uploaded file in memory, never in a temporary file, and stops keeping it
    past the size limit: the rest is read and thrown away, and the file is marked too
    large so that the form can say so. Past the number of files allowed, nothing more is
    kept at all (the files still arrive as empty placeholders, so the form can say how
    many were sent), so one request holds at most MAX_FILES x MAX_FILE_BYTES."""

    files_seen = 0

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self.files_seen += 1
        self.buffer = io.BytesIO()
        self.size = 0
        self.too_large = False
        self.kept = self.files_seen <= MAX_FILES

    def receive_data_chunk(self, raw_data: bytes, start: int) -> None:
        self.size += len(raw_data)
        if self.size > MAX_FILE_BYTES:
            self.too_large = True
            self.buffer = io.BytesIO()
        elif self.kept and not self.too_large:
            self.buffer.write(raw_data)
        return None

    def file_complete(self, file_size: int) -> CheckedUpload:
        self.buffer.seek(0)
        uploaded = CheckedUpload(
            file=self.buffer,
            field_name=self.field_name,
            name=self.file_name,
            content_type="application/octet-stream",
            size=0 if self.too_large else self.size,
            charset=None,
            content_type_extra=None,
        )
        uploaded.too_large = self.too_large
        return uploaded


def receive_in_memory(request: Any) -> None:
    """Use the in-memory handler for this request; call before reading request.POST."""
    request.upload_handlers = [UploadHandler(request)]
