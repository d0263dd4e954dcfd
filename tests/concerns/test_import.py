"""Bulk import of concerns from JSON Lines and CSV files (safeguarding import)."""

from __future__ import annotations

import csv
import io
import json
import stat
from pathlib import Path
from typing import Any

import pytest

from safeguarding.access.models import AgencyKind
from safeguarding.access.roles import Role
from safeguarding.audit.models import AuditEntry
from safeguarding.audit.verbs import AuditVerb
from safeguarding.cli import main
from safeguarding.concerns.import_schema import CSV_COLUMNS
from safeguarding.concerns.importer import (
    ImportUsageError,
    MissingSystemAccount,
    import_concerns,
)
from safeguarding.concerns.models import Concern, PersonRole
from safeguarding.people.models import AgencyRecord, Identifier, Person
from tests.factories import Area, make_agency, make_user
from tests.factories import test_range_nhs_number_for as nhs_number_for

pytestmark = pytest.mark.each_database

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples"
NHS_1 = nhs_number_for(11)
NHS_2 = nhs_number_for(12)
NHS_3 = nhs_number_for(13)


def bad_check_digit(nhs_number: str) -> str:
    return nhs_number[:9] + str((int(nhs_number[9]) + 1) % 10)


def child(**overrides: Any) -> dict[str, Any]:
    return {
        "role": "child",
        "given_name": "Amelia",
        "family_name": "Hartley",
        "date_of_birth": "2014-05-17",
        "sex": "female",
        "nhs_number": NHS_1,
        **overrides,
    }


def concern(record_id: str = "POL-1", **overrides: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "record_id": record_id,
        "recorded_at": "2026-03-01T14:30:00+00:00",
        "category": "neglect",
        "summary": "Seen hungry at school.",
        "local_authority": "LA-TEST",
        "persons": [child()],
    }
    row.update(overrides)
    return row


def write_jsonl(tmp_path: Path, rows: list[Any], name: str = "concerns.jsonl") -> Path:
    path = tmp_path / name
    lines = [row if isinstance(row, str) else json.dumps(row) for row in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def csv_text(rows: list[dict[str, str]], columns: list[str] | None = None) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns or list(rows[0]), lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def csv_row(record_id: str = "POL-1", **overrides: str) -> dict[str, str]:
    row = {
        "record_id": record_id,
        "recorded_at": "2026-03-01T14:30:00+00:00",
        "category": "neglect",
        "summary": "Seen hungry at school.",
        "local_authority": "LA-TEST",
        "role": "child",
        "given_name": "Amelia",
        "family_name": "Hartley",
        "date_of_birth": "2014-05-17",
        "nhs_number": NHS_1,
        "phones": "",
    }
    row.update(overrides)
    return row


def write_csv(tmp_path: Path, rows: list[dict[str, str]], name: str = "concerns.csv") -> Path:
    path = tmp_path / name
    path.write_text(csv_text(rows), encoding="utf-8", newline="")
    return path


def counts() -> tuple[int, int, int]:
    return Concern.objects.count(), Person.objects.count(), AuditEntry.objects.count()


def messages(report: Any) -> list[str]:
    return [str(problem) for problem in report.problems]


# ---------------------------------------------------------------------------------------
# Good files


def test_good_jsonl_file_imports_every_concern_as_the_system_account(area: Area, tmp_path):
    path = write_jsonl(
        tmp_path,
        [
            concern(
                "POL-1",
                persons=[
                    child(
                        addresses=[
                            {"line_1": "1 High Street", "town": "Testtown", "postcode": "zz1 1aa"}
                        ],
                        nicknames=["Millie"],
                    ),
                    {
                        "role": "adult-of-concern",
                        "given_name": "Darren",
                        "family_name": "Pike",
                        "police_reference": "tp/2026/1",
                        "phones": ["07700 900123"],
                        "vehicles": ["zz24 abc"],
                        "aliases": ["Daz"],
                    },
                ],
            ),
            concern(
                "POL-2",
                category="missing",
                recorded_at="2026-02-10",
                persons=[child(given_name="Noah", family_name="Reid", nhs_number=NHS_2)],
            ),
        ],
    )

    report = import_concerns(path, "POL-TEST")

    assert report.ok
    assert (report.created, report.updated, report.concerns_read, report.rows_read) == (2, 0, 2, 2)
    first = Concern.objects.get(agency=area.police, agency_record_id="POL-1")
    assert first.recorded_by == area.system
    assert first.local_authority == area.council
    adult = first.involvements.get(role=PersonRole.ADULT_OF_CONCERN).person
    assert list(adult.phones.values_list("number", flat=True)) == ["+447700900123"]
    assert list(adult.vehicles.values_list("registration", flat=True)) == ["ZZ24ABC"]
    assert adult.identifiers.get().value == "TP/2026/1"
    amelia = first.involvements.get(role=PersonRole.CHILD).person
    assert amelia.addresses.get().postcode == "ZZ1 1AA"
    assert amelia.other_names.get().name == "Millie"
    # Need-to-know: the importing agency now holds everyone it named.
    assert AgencyRecord.objects.filter(agency=area.police, person=adult).exists()
    # A date alone is midnight, UK time.
    second = Concern.objects.get(agency_record_id="POL-2")
    assert second.recorded_at.isoformat() == "2026-02-10T00:00:00+00:00"


def test_import_writes_one_data_imported_entry_with_counts_and_hash_not_content(area, tmp_path):
    path = write_jsonl(
        tmp_path,
        [concern("POL-1"), concern("POL-2", persons=[child(nhs_number=NHS_2, given_name="Noah")])],
    )

    report = import_concerns(path, "POL-TEST")

    entry = AuditEntry.objects.get(verb=AuditVerb.DATA_IMPORTED)
    assert entry.actor_id == area.system.pk
    assert entry.agency_code == "POL-TEST"
    assert (
        entry.payload["sha256"]
        == report.sha256
        == __import__("hashlib").sha256(path.read_bytes()).hexdigest()
    )
    assert (entry.payload["created"], entry.payload["updated"], entry.payload["rejected"]) == (
        2,
        0,
        0,
    )
    assert "Seen hungry" not in json.dumps(entry.payload)
    assert "Amelia" not in json.dumps(entry.payload)
    assert (
        AuditEntry.objects.filter(verb=AuditVerb.CONCERN_RECORDED, actor_id=area.system.pk).count()
        == 2
    )


def test_good_csv_file_imports_one_concern_from_several_person_rows(area, tmp_path):
    rows = [
        csv_row(
            "POL-1",
            address_line_1="1 High Street",
            address_town="Testtown",
            address_postcode="ZZ1 1AA",
        ),
        # Later rows of the same concern may leave the concern's fields blank.
        csv_row(
            "POL-1",
            recorded_at="",
            category="",
            summary="",
            local_authority="",
            role="parent",
            given_name="Karen",
            family_name="Hartley",
            date_of_birth="",
            nhs_number="",
            phones="07700 900111; 07700 900112",
        ),
        csv_row(
            "POL-2",
            role="child",
            given_name="Noah",
            family_name="Reid",
            nhs_number=NHS_2,
            category="cce",
        ),
    ]
    path = write_csv(tmp_path, rows)

    report = import_concerns(path, "POL-TEST")

    assert report.ok, messages(report)
    assert (report.created, report.rows_read, report.concerns_read) == (2, 3, 2)
    first = Concern.objects.get(agency_record_id="POL-1")
    assert first.involvements.count() == 2
    parent = first.involvements.get(role=PersonRole.PARENT).person
    assert sorted(parent.phones.values_list("number", flat=True)) == [
        "+447700900111",
        "+447700900112",
    ]
    assert Concern.objects.get(agency_record_id="POL-2").category == "cce"


def test_utf8_with_byte_order_mark_is_accepted(area, tmp_path):
    jsonl = tmp_path / "bom.jsonl"
    jsonl.write_bytes(b"\xef\xbb\xbf" + json.dumps(concern("POL-1")).encode() + b"\n")
    spreadsheet = tmp_path / "bom.csv"
    spreadsheet.write_bytes(
        b"\xef\xbb\xbf" + csv_text([csv_row("POL-2", given_name="Zoë")]).encode()
    )

    assert import_concerns(jsonl, "POL-TEST").created == 1
    assert import_concerns(spreadsheet, "POL-TEST").created == 1
    assert (
        Concern.objects.get(agency_record_id="POL-2").involvements.get().person.given_name == "Zoë"
    )


def test_example_files_in_the_docs_import_cleanly(db, tmp_path):
    council = make_agency(AgencyKind.LOCAL_AUTHORITY, code="LA-NORTHBRIDGE")
    police = make_agency(AgencyKind.POLICE_FORCE, code="POL-NORTHBRIDGE", home_authority=council)
    make_user(Role.SYSTEM_INTEGRATION, police, totp=False)

    from_jsonl = import_concerns(EXAMPLES / "concerns.jsonl", "POL-NORTHBRIDGE")
    assert from_jsonl.ok, messages(from_jsonl)
    assert from_jsonl.created == 4
    before = counts()[:2]

    # The CSV example holds the same four concerns: it updates them and adds no one.
    from_csv = import_concerns(EXAMPLES / "concerns.csv", "POL-NORTHBRIDGE")
    assert from_csv.ok, messages(from_csv)
    assert (from_csv.created, from_csv.updated, from_csv.rows_read) == (0, 4, 10)
    assert counts()[:2] == before


# ---------------------------------------------------------------------------------------
# Idempotence


def test_reimport_updates_and_never_duplicates_concerns_or_people(area, tmp_path):
    people = [
        child(),
        {
            "role": "parent",
            "given_name": "Karen",
            "family_name": "Hartley",
            "phones": ["07700 900111"],
        },
        {"role": "adult-of-concern", "family_name": "Unknown", "aliases": ["J"]},
    ]
    path = write_jsonl(tmp_path, [concern("POL-1", persons=people), concern("POL-2")])
    import_concerns(path, "POL-TEST")
    concerns_before, persons_before, _ = counts()

    people[1]["phones"].append("07700 900222")
    path = write_jsonl(
        tmp_path, [concern("POL-1", persons=people, summary="Updated."), concern("POL-2")]
    )
    report = import_concerns(path, "POL-TEST")

    assert (report.created, report.updated) == (0, 2)
    assert counts()[:2] == (concerns_before, persons_before)
    updated = Concern.objects.get(agency_record_id="POL-1")
    assert updated.summary == "Updated."
    assert updated.involvements.count() == 3
    parent = updated.involvements.get(role=PersonRole.PARENT).person
    assert parent.phones.count() == 2
    assert AuditEntry.objects.filter(verb=AuditVerb.CONCERN_UPDATED).count() == 2


def test_agency_local_id_links_the_same_person_across_concerns(area, tmp_path):
    adult = {
        "role": "adult-of-concern",
        "given_name": "Darren",
        "family_name": "Pike",
        "local_id": "P-77",
    }
    path = write_jsonl(
        tmp_path,
        [
            concern("POL-1", persons=[child(), adult]),
            concern("POL-2", persons=[child(given_name="Noah", nhs_number=NHS_2), adult]),
        ],
    )

    assert import_concerns(path, "POL-TEST").created == 2

    holders = Identifier.objects.filter(scheme="local", value="P-77").values("person_id")
    assert holders.count() == 1
    assert Person.objects.filter(pk__in=holders).get().involvements.count() == 2


# ---------------------------------------------------------------------------------------
# Rejecting bad files


def test_bad_rows_reject_the_whole_file_with_row_numbered_reasons(area, tmp_path):
    path = write_jsonl(
        tmp_path,
        [
            concern("POL-1"),
            concern("POL-2", persons=[child(nhs_number=bad_check_digit(NHS_2))]),
            concern("POL-3", recorded_at="yesterday", category="hunger"),
            concern("POL-4"),
        ],
    )
    before = counts()

    report = import_concerns(path, "POL-TEST")

    assert not report.ok
    assert not report.committed
    assert (report.created, report.updated) == (0, 0)
    found = messages(report)
    assert found[0].startswith(
        "row 2: persons[1].nhs_number: The NHS number is not valid: its check digit does not match"
    )
    assert found[1].startswith("row 3: recorded_at: 'yesterday' is not an ISO 8601 date")
    assert found[2].startswith("row 3: category: 'hunger' is not one of: neglect,")
    assert len(found) == 3
    assert counts() == before


def test_a_problem_found_while_recording_rolls_back_the_whole_file(area, tmp_path):
    # Deactivating the authority after the check pass: record_concern itself refuses.
    path = write_jsonl(tmp_path, [concern("POL-1"), concern("POL-2", local_authority="LA-OTHER")])
    before = counts()
    from safeguarding.concerns import importer

    original = importer._read

    def read_then_close_authority(*args: Any, **kwargs: Any) -> Any:
        items = original(*args, **kwargs)
        area.other_council.is_active = False
        area.other_council.save()
        return items

    importer._read = read_then_close_authority
    try:
        report = import_concerns(path, "POL-TEST")
    finally:
        importer._read = original

    assert messages(report) == [
        "row 2: local_authority: Choose the local authority responsible for the child's area"
    ]
    assert (report.created, report.updated) == (0, 0)
    assert counts() == before


def test_duplicate_record_ids_in_one_file_are_rejected_naming_both_rows(area, tmp_path):
    path = write_jsonl(tmp_path, [concern("POL-1"), concern("POL-2"), concern("POL-1")])

    report = import_concerns(path, "POL-TEST")

    assert messages(report) == [
        "row 1: record_id: 'POL-1' is also used at row 3; each record id may appear once",
        "row 3: record_id: 'POL-1' is also used at row 1; each record id may appear once",
    ]
    assert Concern.objects.count() == 0


def test_csv_rows_of_one_concern_must_be_consecutive(area, tmp_path):
    path = write_csv(
        tmp_path,
        [
            csv_row("POL-1"),
            csv_row("POL-2", nhs_number=NHS_2, given_name="Noah"),
            csv_row("POL-1", given_name="Isla", nhs_number=NHS_3),
        ],
    )

    report = import_concerns(path, "POL-TEST")

    assert messages(report) == [
        "row 2: record_id: 'POL-1' is also used at row 4; each record id may appear once "
        "(a concern's rows must be consecutive)",
        "row 4: record_id: 'POL-1' is also used at row 2; each record id may appear once "
        "(a concern's rows must be consecutive)",
    ]


def test_csv_later_row_must_not_contradict_the_concerns_first_row(area, tmp_path):
    path = write_csv(
        tmp_path,
        [
            csv_row("POL-1"),
            csv_row("POL-1", category="cce", role="parent", given_name="Karen", nhs_number=""),
        ],
    )

    report = import_concerns(path, "POL-TEST")

    assert messages(report) == [
        "row 3: category: differs from row 2, this concern's first "
        "row; repeat the same value or leave it blank"
    ]


def test_person_errors_in_csv_name_the_persons_own_row(area, tmp_path):
    path = write_csv(
        tmp_path,
        [
            csv_row("POL-1"),
            csv_row(
                "POL-1",
                role="parent",
                given_name="Karen",
                nhs_number="",
                phones="07700 900111; not a phone",
                date_of_birth="1990-02-30",
            ),
        ],
    )

    report = import_concerns(path, "POL-TEST")

    assert messages(report) == [
        "row 3: date_of_birth: '1990-02-30' is not a real date",
        "row 3: phones[2]: Enter a telephone number, like 01632 960 001 or +44 7700 900 982",
    ]
    rejected = report.rejected[0]
    assert (rejected.row, rejected.rows) == (2, [2, 3])


def test_a_concern_must_name_a_child(area, tmp_path):
    path = write_jsonl(
        tmp_path,
        [concern(persons=[{"role": "parent", "given_name": "Karen", "family_name": "Hartley"}])],
    )

    assert messages(import_concerns(path, "POL-TEST")) == [
        "row 1: persons: name the child the concern is about: no person has the role 'child'"
    ]


def test_a_rows_agency_must_be_the_importing_agency(area, tmp_path):
    path = write_jsonl(tmp_path, [concern(agency="POL-TEST"), concern("POL-2", agency="SCH-TEST")])

    assert messages(import_concerns(path, "pol-test")) == [
        "row 2: agency: is 'SCH-TEST' but this import is for 'POL-TEST' (--agency); an agency "
        "imports only its own records"
    ]


def test_times_need_an_offset_and_must_not_be_in_the_future(area, tmp_path):
    path = write_jsonl(
        tmp_path,
        [
            concern("POL-1", recorded_at="2026-03-01T14:30:00"),
            concern("POL-2", recorded_at="2999-01-01T00:00:00Z"),
        ],
    )

    found = messages(import_concerns(path, "POL-TEST"))

    assert found[0].startswith("row 1: recorded_at: '2026-03-01T14:30:00' has no UTC offset")
    assert found[1] == "row 2: recorded_at: '2999-01-01T00:00:00Z' is in the future"


def test_unknown_and_wrongly_typed_json_fields_are_named(area, tmp_path):
    path = write_jsonl(
        tmp_path,
        [
            concern(catgory="neglect"),
            concern("POL-2", persons=[child(nhs_number=int(NHS_2), nhs_no="x")]),
            [1, 2],
        ],
    )

    assert messages(import_concerns(path, "POL-TEST")) == [
        "row 1: unknown field 'catgory' (did you mean 'category'?)",
        "row 2: persons[1]: unknown field 'nhs_no' (did you mean 'nhs_number'?)",
        "row 2: persons[1].nhs_number: must be text (in quotes), not a number",
        "row 3: must be a JSON object ({...}), not a list",
    ]


def test_invalid_json_line_gives_the_row_and_the_parsers_message(area, tmp_path):
    path = write_jsonl(
        tmp_path,
        [
            concern("POL-1"),
            '{"record_id": "POL-2", "summary": }',
            '{"record_id": "POL-3", "record_id": "POL-4"}',
        ],
    )

    assert messages(import_concerns(path, "POL-TEST")) == [
        "row 2: is not valid JSON: Expecting value (at character 35)",
        "row 3: is not valid: the field 'record_id' appears twice in one object",
    ]


def test_blank_lines_are_skipped_but_counted_for_row_numbers(area, tmp_path):
    path = write_jsonl(tmp_path, [concern("POL-1"), "", "   ", concern("POL-2", category="x")])

    report = import_concerns(path, "POL-TEST")

    assert report.rows_read == 2
    assert messages(report)[0].startswith("row 4: category: 'x' is not one of")


def test_huge_summary_is_rejected_with_its_row(area, tmp_path):
    path = write_jsonl(tmp_path, [concern("POL-1"), concern("POL-2", summary="x" * 10_001)])
    spreadsheet = write_csv(tmp_path, [csv_row("POL-3", summary="y" * 10_001)])

    assert messages(import_concerns(path, "POL-TEST")) == [
        "row 2: summary: must be 10,000 characters or fewer; it has 10,001"
    ]
    assert messages(import_concerns(spreadsheet, "POL-TEST")) == [
        "row 2: summary: must be 10,000 characters or fewer; it has 10,001"
    ]


def test_giant_csv_field_gives_a_clean_error_not_a_traceback(area, tmp_path, capsys):
    path = write_csv(tmp_path, [csv_row("POL-1"), csv_row("POL-2", summary="z" * 300_000)])

    code = main(["import", str(path), "--agency", "POL-TEST", "--quiet"])

    err = capsys.readouterr().err
    assert code == 1
    assert "row 3: the CSV cannot be read past here: field larger than field limit" in err
    assert "Traceback" not in err
    assert Concern.objects.count() == 0


def test_giant_json_line_is_rejected_as_a_row(area, tmp_path):
    path = write_jsonl(
        tmp_path, [concern("POL-1"), concern("POL-2", summary="z" * 2_000_000), concern("POL-3")]
    )
    rejects = tmp_path / "rejects.jsonl"

    report = import_concerns(path, "POL-TEST", partial=True, rejects_path=rejects)

    assert messages(report) == ["row 2: the line is longer than 1,024 KiB and was not read"]
    assert report.created == 2


def test_control_characters_are_refused(area, tmp_path):
    path = write_jsonl(tmp_path, [concern(persons=[child(given_name="Ame\u0000lia")])])

    assert messages(import_concerns(path, "POL-TEST")) == [
        "row 1: persons[1].given_name: contains the control character U+0000, which is not "
        "allowed here"
    ]


def test_a_lone_surrogate_escaped_in_json_is_refused_and_still_written_to_rejects(area, tmp_path):
    # PostgreSQL cannot store U+D800 as text; json.loads accepts the escape regardless.
    line = json.dumps(concern(summary="Seen \ud800 hungry."))
    assert "\\ud800" in line  # written as the six-character escape, as a sender's might be
    path = write_jsonl(tmp_path, [line])
    rejects = tmp_path / "rejects.jsonl"

    report = import_concerns(path, "POL-TEST", partial=True, rejects_path=rejects)

    assert messages(report) == [
        "row 1: summary: contains the control character U+D800, which is not allowed here"
    ]
    assert json.loads(rejects.read_text(encoding="utf-8"))["row"] == 1


def test_csv_row_numbers_are_line_numbers_even_after_a_multi_line_value(area, tmp_path):
    path = write_csv(
        tmp_path,
        [
            csv_row("POL-1", summary="Seen hungry.\nSecond line.\nThird line."),
            csv_row("POL-2", nhs_number=bad_check_digit(NHS_2)),
        ],
    )

    [problem] = messages(import_concerns(path, "POL-TEST"))

    assert problem.startswith("row 5: nhs_number: The NHS number is not valid")


# ---------------------------------------------------------------------------------------
# Encodings, empty files and CSV headers: problems with the file as a whole


def test_latin1_file_is_rejected_naming_the_line(area, tmp_path):
    path = tmp_path / "latin1.csv"
    path.write_bytes(
        csv_text([csv_row("POL-1"), csv_row("POL-2", given_name="Zoë", nhs_number=NHS_2)]).encode(
            "latin-1"
        )
    )

    report = import_concerns(path, "POL-TEST", partial=True, rejects_path=tmp_path / "r.jsonl")

    assert messages(report) == [
        "line 3 is not valid UTF-8 (byte 0xEB at character 80); the file may be saved as "
        "Latin-1 or Windows-1252: save it as UTF-8 and import it again"
    ]
    assert Concern.objects.count() == 0  # even with --partial: the whole file is suspect


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le"])
def test_utf16_file_is_rejected(area, tmp_path, encoding):
    path = tmp_path / "utf16.jsonl"
    path.write_bytes(json.dumps(concern()).encode(encoding))

    found = messages(import_concerns(path, "POL-TEST"))

    assert len(found) == 1
    assert "UTF-16" in found[0]
    assert "save it as UTF-8" in found[0]


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("empty.jsonl", "", "the file is empty"),
        ("empty.csv", "", "the file is empty"),
        ("blank.jsonl", "\n\n  \n", "the file has no concerns in it, only blank lines"),
        (
            "header.csv",
            ",".join(CSV_COLUMNS) + "\r\n",
            "the file has no concerns in it, only a header row",
        ),
    ],
)
def test_empty_files_are_rejected(area, tmp_path, name, content, expected):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")

    report = import_concerns(path, "POL-TEST")

    assert messages(report) == [expected]
    assert not AuditEntry.objects.filter(verb=AuditVerb.DATA_IMPORTED).exists()


def test_csv_missing_and_unknown_columns_are_named(area, tmp_path):
    rows = [csv_row()]
    del rows[0]["category"]
    rows[0]["nhs_numbr"] = rows[0].pop("nhs_number")
    path = write_csv(tmp_path, rows)

    assert messages(import_concerns(path, "POL-TEST")) == [
        "row 1: unknown column 'nhs_numbr' (did you mean 'nhs_number'?)",
        "row 1: missing column 'category'",
    ]


def test_csv_separated_by_semicolons_gets_a_hint(area, tmp_path):
    path = tmp_path / "semicolons.csv"
    path.write_text("record_id;category\nPOL-1;neglect\n", encoding="utf-8")

    assert "separated by semicolons" in messages(import_concerns(path, "POL-TEST"))[0]


def test_csv_row_with_the_wrong_number_of_values_is_rejected(area, tmp_path):
    text = csv_text([csv_row("POL-1")]) + "POL-2,2026-03-01,neglect\r\n"
    path = tmp_path / "short.csv"
    path.write_text(text, encoding="utf-8")

    found = messages(import_concerns(path, "POL-TEST"))

    assert found[0] == "row 3: has 3 values but the header has 11 columns"


# ---------------------------------------------------------------------------------------
# --partial


def test_partial_imports_good_rows_and_writes_every_rejected_row(area, tmp_path):
    bad = concern("POL-2", persons=[child(nhs_number=bad_check_digit(NHS_2))])
    path = write_jsonl(
        tmp_path,
        [concern("POL-1"), bad, "not json", concern("POL-4", persons=[child(nhs_number=NHS_3)])],
    )
    rejects = tmp_path / "rejects.jsonl"

    report = import_concerns(path, "POL-TEST", partial=True, rejects_path=rejects)

    assert (report.created, report.updated, len(report.rejected)) == (2, 0, 2)
    assert report.created + report.updated + len(report.rejected) == report.concerns_read == 4
    assert set(Concern.objects.values_list("agency_record_id", flat=True)) == {"POL-1", "POL-4"}
    lines = [json.loads(line) for line in rejects.read_text(encoding="utf-8").splitlines()]
    assert [line["row"] for line in lines] == [2, 3]
    assert lines[0]["record"] == bad
    assert lines[0]["reasons"][0].startswith("persons[1].nhs_number: The NHS number is not valid")
    assert lines[1]["record"] == "not json"
    assert stat.S_IMODE(rejects.stat().st_mode) == 0o600
    entry = AuditEntry.objects.get(verb=AuditVerb.DATA_IMPORTED)
    assert (entry.payload["created"], entry.payload["rejected"]) == (2, 2)


def test_partial_csv_rejects_list_every_row_of_a_rejected_concern(area, tmp_path):
    path = write_csv(
        tmp_path,
        [
            csv_row("POL-1"),
            csv_row("POL-1", role="parent", given_name="Karen", nhs_number="", phones="12"),
            csv_row("POL-2", nhs_number=NHS_2, given_name="Noah"),
        ],
    )
    rejects = tmp_path / "rejects.jsonl"

    report = import_concerns(path, "POL-TEST", partial=True, rejects_path=rejects)

    assert (report.created, len(report.rejected)) == (1, 1)
    [line] = [json.loads(text) for text in rejects.read_text(encoding="utf-8").splitlines()]
    assert (line["row"], line["rows"]) == (2, [2, 3])
    assert [row["given_name"] for row in line["record"]] == ["Amelia", "Karen"]
    assert line["reasons"] == [
        "row 3: phones[1]: Enter a telephone number, like 01632 960 001 or +44 7700 900 982"
    ]


# ---------------------------------------------------------------------------------------
# Who the import runs as


def test_agency_without_a_system_account_cannot_import(area, tmp_path):
    path = write_jsonl(tmp_path, [concern()])

    with pytest.raises(MissingSystemAccount) as error:
        import_concerns(path, "SCH-TEST")

    assert (
        "safeguarding create-user sch-test-system --role system-integration --agency "
        "SCH-TEST" in str(error.value)
    )


def test_deactivated_system_account_is_not_used(area, tmp_path):
    from safeguarding.access.actions import deactivate_user

    deactivate_user(actor=None, user=area.system)

    with pytest.raises(MissingSystemAccount):
        import_concerns(write_jsonl(tmp_path, [concern()]), "POL-TEST")


def test_unknown_agency_is_a_usage_error(area, tmp_path):
    with pytest.raises(ImportUsageError, match="no agency with code 'POL-NOWHERE'"):
        import_concerns(write_jsonl(tmp_path, [concern()]), "POL-NOWHERE")


# ---------------------------------------------------------------------------------------
# The command line


def run(*args: str) -> int:
    return main(["import", *args, "--quiet"])


def test_cli_exits_0_and_summarises_a_good_import(area, tmp_path, capsys):
    path = write_jsonl(tmp_path, [concern("POL-1")])

    assert run(str(path), "--agency", "POL-TEST") == 0
    assert (
        capsys.readouterr().out.strip() == "Read 1 concern: 1 imported as new, 0 updated, "
        "0 rejected."
    )
    assert run(str(path), "--agency", "POL-TEST") == 0
    assert "0 imported as new, 1 updated" in capsys.readouterr().out


def test_cli_exits_1_listing_each_bad_row(area, tmp_path, capsys):
    path = write_jsonl(tmp_path, [concern("POL-1"), concern("POL-2", category="hunger")])

    assert run(str(path), "--agency", "POL-TEST") == 1

    err = capsys.readouterr().err
    assert "row 2: category: 'hunger' is not one of" in err
    assert (
        "Read 2 concerns: 1 with problems, so the file was rejected and nothing was imported" in err
    )
    assert Concern.objects.count() == 0


def test_cli_partial_exits_1_when_rows_were_rejected_and_counts_add_up(area, tmp_path, capsys):
    path = write_csv(tmp_path, [csv_row("POL-1"), csv_row("POL-2", category="hunger")])
    rejects = tmp_path / "rejects.jsonl"

    assert run(str(path), "--agency", "POL-TEST", "--partial", "--rejects", str(rejects)) == 1

    out = capsys.readouterr().out
    assert (
        f"Read 2 concerns in 2 rows: 1 imported as new, 0 updated, 1 rejected. Rejected "
        f"rows and reasons are in {rejects}." in out
    )


def test_cli_exits_1_telling_the_operator_how_to_create_a_system_account(area, tmp_path, capsys):
    assert run(str(write_jsonl(tmp_path, [concern()])), "--agency", "NHS-TEST") == 1
    assert (
        "safeguarding create-user nhs-test-system --role system-integration --agency "
        "NHS-TEST" in capsys.readouterr().err
    )


@pytest.mark.parametrize(
    ("make_args", "expected"),
    [
        (lambda d: [str(d / "missing.jsonl"), "--agency", "POL-TEST"], "error: no such file"),
        (lambda d: [str(d), "--agency", "POL-TEST"], "is a directory, not a file"),
        (
            lambda d: [str(d / "c.jsonl"), "--agency", "POL-TEST", "--partial"],
            "--partial needs --rejects FILE",
        ),
        (lambda d: [str(d / "c.jsonl"), "--agency", "POL-NOWHERE"], "no agency with code"),
        (
            lambda d: [str(d / "c.txt"), "--agency", "POL-TEST"],
            "use --format jsonl or --format csv",
        ),
        (
            lambda d: [
                str(d / "c.jsonl"),
                "--agency",
                "POL-TEST",
                "--partial",
                "--rejects",
                str(d),
            ],
            "is a directory; give a file name for --rejects",
        ),
        (
            lambda d: [str(d / "c.jsonl"), "--agency", "POL-TEST", "--rejects", str(d / "c.jsonl")],
            "the rejects file must not be the file being imported",
        ),
    ],
)
def test_cli_usage_errors_exit_2(area, tmp_path, capsys, make_args, expected):
    write_jsonl(tmp_path, [concern()], name="c.jsonl")
    write_jsonl(tmp_path, [concern()], name="c.txt")

    assert run(*make_args(tmp_path)) == 2
    assert expected in capsys.readouterr().err
    assert Concern.objects.count() == 0


def test_cli_format_option_overrides_the_extension(area, tmp_path, capsys):
    path = write_jsonl(tmp_path, [concern()], name="export.txt")

    assert run(str(path), "--agency", "POL-TEST", "--format", "jsonl") == 0


def test_cli_reports_an_encoding_problem_without_a_traceback(area, tmp_path, capsys):
    path = tmp_path / "latin1.jsonl"
    path.write_bytes(
        json.dumps(concern(persons=[child(given_name="Zoë")]), ensure_ascii=False).encode("latin-1")
        + b"\n"
    )

    assert run(str(path), "--agency", "POL-TEST") == 1

    err = capsys.readouterr().err
    assert "line 1 is not valid UTF-8" in err
    assert "The file was rejected and nothing was imported." in err
    assert "Traceback" not in err
