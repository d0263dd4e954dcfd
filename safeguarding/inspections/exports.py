"""The data pack as files: one CSV per list, or one spreadsheet with a sheet per list.
Every export is audited with the children it discloses."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date

from safeguarding.access.models import User
from safeguarding.audit.chain import record
from safeguarding.audit.verbs import AuditVerb
from safeguarding.audit.vocabulary import LegalBasis, TargetType
from safeguarding.govuk.csvfiles import csv_writer
from safeguarding.inspections.models import Inspection
from safeguarding.inspections.queries import DataList, DataPack, data_pack

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Spreadsheet programs run cells starting with these as formulas.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class ExportedFile:
    filename: str
    content_type: str
    content: bytes


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    text = str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def list_to_csv(data_list: DataList) -> bytes:
    buffer = io.StringIO()
    writer = csv_writer(buffer, lineterminator="\r\n")
    writer.writerow(data_list.columns)
    for row in data_list.rows:
        writer.writerow([_text(cell) for cell in row])
    # With a byte order mark, so that spreadsheet programs read the names as UTF-8.
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def pack_to_xlsx(pack: DataPack) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    about = workbook.active
    assert about is not None
    about.title = "About"
    inspection = pack.inspection
    bold = Font(bold=True)
    for label, value in (
        ("Inspection", inspection.title),
        ("Area", inspection.area.name),
        ("Window", f"{inspection.starts_on:%-d %B %Y} to {inspection.ends_on:%-d %B %Y}"),
        ("Data from", inspection.data_from),
        ("Generated on", pack.generated_on),
        ("Official sensitive", "Personal data of children: keep within the inspection team"),
    ):
        about.append([label, value])
        about.cell(row=about.max_row, column=1).font = bold
    about.append([])
    about.append(["List", "Rows"])
    for data_list in pack.lists:
        about.append([data_list.title, len(data_list.rows)])
    for data_list in pack.lists:
        sheet = workbook.create_sheet(data_list.title[:31])
        sheet.append(data_list.columns)
        for cell in sheet[1]:
            cell.font = bold
        for row in data_list.rows:
            sheet.append(
                [
                    cell if isinstance(cell, (date, int)) or cell is None else _text(cell)
                    for cell in row
                ]
            )
        for column in sheet.iter_cols(min_row=2):
            for cell in column:
                if isinstance(cell.value, date):
                    cell.number_format = "DD/MM/YYYY"
        sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _audit(user: User, pack: DataPack, file_format: str, lists: list[DataList]) -> None:
    record(
        AuditVerb.INSPECTION_DATA_PACK_EXPORTED,
        actor=user,
        target_type=TargetType.INSPECTION,
        target_id=pack.inspection.pk,
        legal_basis=LegalBasis.JOINT_INSPECTION,
        payload={
            "format": file_format,
            "lists": {data_list.key: len(data_list.rows) for data_list in lists},
            "persons": sorted(str(pk) for data_list in lists for pk in data_list.person_ids),
        },
    )


def export_list_csv(user: User, inspection: Inspection, key: str) -> ExportedFile:
    pack = data_pack(user, inspection)
    data_list = pack.list(key)
    _audit(user, pack, "csv", [data_list])
    return ExportedFile(
        filename=f"inspection-{inspection.pk}-{key}.csv",
        content_type="text/csv; charset=utf-8",
        content=list_to_csv(data_list),
    )


def export_pack_xlsx(user: User, inspection: Inspection) -> ExportedFile:
    pack = data_pack(user, inspection)
    _audit(user, pack, "xlsx", pack.lists)
    return ExportedFile(
        filename=f"inspection-{inspection.pk}-data-pack.xlsx",
        content_type=XLSX_TYPE,
        content=pack_to_xlsx(pack),
    )
