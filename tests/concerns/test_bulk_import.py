"""Recording a file in batches (concerns.actions.record_concern_file) gives the same result
as recording it one concern at a time (each a batch of one).

Each comparison imports the same file twice from the same starting state, rolled back in
between: once whole (recorded a batch at a time) and once with --partial (recorded one
concern at a time through save_concern), and compares normalised snapshots of everything
written: concerns, persons and what they hold, contacts, clocks and audit entries, with
persons and clocks named by where they appear rather than by their ids.
"""

from __future__ import annotations

import json
import random
import threading
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from safeguarding.audit.chain import PendingEntry, record, record_many, verify_chain
from safeguarding.audit.models import AuditEntry, AuditHead
from safeguarding.audit.sealing import readable_reasons
from safeguarding.audit.verbs import AuditVerb
from safeguarding.audit.vocabulary import LegalBasis, TargetType
from safeguarding.clocks.models import Clock
from safeguarding.concerns import actions as concern_actions
from safeguarding.concerns import importer
from safeguarding.concerns.importer import ImportReport, import_concerns
from safeguarding.concerns.models import Concern, ConcernPerson, PersonRole
from safeguarding.demo.generator import drama_phone, fictional_upn
from safeguarding.mash.models import Contact
from safeguarding.people.actions import PersonDetails
from safeguarding.people.models import (
    Address,
    AgencyRecord,
    Identifier,
    Person,
    PersonName,
    PersonSearchKey,
    Phone,
    Vehicle,
)
from safeguarding.writes import unit
from safeguarding.writes.unit import apply
from tests.factories import Area, adult_details, child_details, make_concern, nhs_number_for

pytestmark = [pytest.mark.django_db, pytest.mark.each_database]

NHS_SCHOOL = nhs_number_for(1)  # the child the school already holds (Area.child_known_to_school)
NHS_C = nhs_number_for(21)
NHS_D = nhs_number_for(22)
UPN_C = fictional_upn(random.Random(5))


def person(role: str, given: str, family: str, **fields: Any) -> dict[str, Any]:
    return {"role": role, "given_name": given, "family_name": family, **fields}


def concern(record_id: str, persons: list[dict[str, Any]], **fields: Any) -> dict[str, Any]:
    return {
        "record_id": record_id,
        "recorded_at": "2026-03-01T14:30:00+00:00",
        "category": "neglect",
        "summary": f"Seen hungry at school ({record_id}).",
        "local_authority": "LA-TEST",
        "persons": persons,
        **fields,
    }


def write_jsonl(path: Path, rows: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    return path


AMELIA = person(
    "child", "Amelia", "Hartley", date_of_birth="2014-05-17", sex="female", nhs_number=NHS_SCHOOL
)
DARREN = person(
    "adult-of-concern",
    "Darren",
    "Pike",
    police_reference="TP/2026/1",
    aliases=["Daz"],
    vehicles=["ZZ24 ABC"],
)


def linkage_file(path: Path) -> Path:
    """Every way a person can resolve, several of them repeated within the file."""
    noah = person("child", "Noah", "Reid", date_of_birth="2016-01-02")
    isla = person("child", "Isla", "Moss", date_of_birth="2015-07-07", nhs_number=NHS_C, upn=UPN_C)
    local = person("adult-of-concern", "Wayne", "Cole", local_id="L-9", phones=["07700 900901"])
    return write_jsonl(
        path,
        [
            # The school's child, by NHS number, name and date of birth, with a new address;
            # an adult the force already holds under its own reference; a new parent.
            concern(
                "POL-1",
                [
                    {
                        **AMELIA,
                        "addresses": [{"line_1": "1 High Street", "postcode": "zz1 1aa"}],
                    },
                    person("parent", "Karen", "Hartley", phones=["07700 900111"]),
                    {**DARREN, "phones": ["07700 900123"]},
                ],
            ),
            # The same again: the same child and adult, and the parent as new (no key).
            concern(
                "POL-2",
                [
                    {**AMELIA, "nicknames": ["Millie"]},
                    person("parent", "Karen", "Hartley", phones=["07700 900111"]),
                    {**DARREN, "phones": ["07700 900124"], "aliases": ["Daz", "D"]},
                ],
                category="missing",
            ),
            # Without any identifier a child is new each time, as record_concern has it.
            concern("POL-3", [noah, person("parent", "Jo", "Reid")]),
            concern("POL-4", [noah]),
            # A new child with an NHS number and UPN, named again later in the file.
            concern("POL-5", [isla, person("sibling", "Ben", "Moss", date_of_birth="2018-02-02")]),
            concern(
                "POL-6",
                [{**isla, "nicknames": ["Izzy"], "phones": [drama_phone(random.Random(1))]}],
            ),
            # The school's NHS number with another name and date of birth: a new person.
            concern(
                "POL-7",
                [
                    person(
                        "child", "Zara", "Smith", date_of_birth="2013-01-01", nhs_number=NHS_SCHOOL
                    )
                ],
            ),
            # One person in two roles of one concern.
            concern(
                "POL-8",
                [
                    person("child", "Ava", "Lane", date_of_birth="2012-12-12", nhs_number=NHS_D),
                    person("sibling", "Ava", "Lane", date_of_birth="2012-12-12", nhs_number=NHS_D),
                ],
            ),
            # The force's own local id: the first time new, then linked; named twice in one
            # concern, the second is left as details (and so becomes a new record).
            concern("POL-9", [person("child", "Lily", "Marsh"), local]),
            concern(
                "POL-10",
                [person("child", "Lily", "Marsh"), local, {**local, "role": "other"}],
            ),
            # The school's local id means nothing to the force.
            concern(
                "POL-11",
                [person("child", "Finn", "Gray", local_id="S-1", date_of_birth="2011-11-11")],
                local_authority="LA-OTHER",
            ),
        ],
    )


def held_before_import(area: Area) -> None:
    """What the other agencies and the force itself already hold."""
    area.child_known_to_school()
    make_concern(
        area.dsl,
        local_authority=area.council,
        child=PersonDetails(
            given_name="Finn",
            family_name="Gray",
            date_of_birth=date(2011, 11, 11),
            identifiers=[("local", "S-1")],
        ),
        agency_record_id="SCH-1",
    )
    make_concern(
        area.police_analyst,
        local_authority=area.council,
        child=child_details("Poppy", "Pike", nhs_number=nhs_number_for(30)),
        others=[("adult-of-concern", adult_details(identifiers=[("police", "TP/2026/1")]))],
        agency_record_id="POL-0",
    )


# ---------------------------------------------------------------------------------------
# Snapshots


def snapshot(since: int) -> dict[str, Any]:
    """Everything written, with persons labelled in order of first appearance (concerns by
    agency and record id, involvements in order) and clocks by their concern."""
    concerns = list(
        Concern.objects.select_related("agency", "local_authority", "recorded_by").order_by(
            "agency__code", "agency_record_id"
        )
    )
    labels: dict[Any, str] = {}

    def label(person_id: Any) -> str:
        if person_id is None:
            return "-"
        if person_id not in labels:
            labels[person_id] = f"P{len(labels) + 1}"
        return labels[person_id]

    concern_rows = {}
    for item in concerns:
        involved = [
            (involvement.role, label(involvement.person_id))
            for involvement in ConcernPerson.objects.filter(concern=item).order_by("pk")
        ]
        concern_rows[f"{item.agency.code}/{item.agency_record_id}"] = (
            item.category,
            item.summary,
            item.recorded_at,
            item.local_authority.code,
            item.recorded_by.username if item.recorded_by else None,
            involved,
        )
    for person_id in Person.objects.order_by(
        "family_name", "given_name", "date_of_birth"
    ).values_list("pk", flat=True):
        label(person_id)  # persons named in no concern

    def by_person(model: Any, *fields: str) -> dict[str, list[tuple[Any, ...]]]:
        result: dict[str, list[tuple[Any, ...]]] = {}
        for person_id, *values in model.objects.values_list("person_id", *fields):
            result.setdefault(label(person_id), []).append(tuple(values))
        return {key: sorted(value, key=repr) for key, value in result.items()}

    persons = {
        label(row[0]): row[1:]
        for row in Person.objects.values_list(
            "pk",
            "kind",
            "given_name",
            "family_name",
            "date_of_birth",
            "date_of_birth_is_estimated",
            "sex",
        )
    }
    contacts = {}
    contact_concern = {}
    for contact in Contact.objects.select_related("concern__agency", "authority"):
        key = f"{contact.concern.agency.code}/{contact.concern.agency_record_id}"
        contact_concern[str(contact.pk)] = key
        contacts[key] = (
            contact.authority.code,
            contact.rag,
            contact.decision,
            contact.received_at == contact.concern.received_at,
        )
    clock_concern = {}
    clocks = {}
    for clock in Clock.objects.select_related("authority"):
        key = contact_concern.get(clock.subject.removeprefix("contact:"), clock.subject)
        clock_concern[str(clock.pk)] = key
        clocks[key] = (
            clock.clock_type,
            clock.authority.code,
            label(clock.person_id),
            clock.started_on,
            clock.due_on,
            clock.accountable_id,
            clock.met_on,
        )
    concern_key = {str(item.pk): f"{item.agency.code}/{item.agency_record_id}" for item in concerns}

    def target(entry: AuditEntry) -> str:
        if entry.target_type == TargetType.PERSON:
            return label(entry.target_id)
        if entry.target_type == TargetType.CONCERN:
            return concern_key.get(entry.target_id, entry.target_id)
        if entry.target_type == TargetType.CLOCK:
            return clock_concern.get(entry.target_id, entry.target_id)
        if entry.target_type == TargetType.HAND_OFF:  # a referral's receipt: its contact
            return contact_concern.get(entry.target_id, entry.target_id)
        return entry.target_id

    def payload(entry: AuditEntry) -> dict[str, Any]:
        result = dict(entry.payload)
        if "persons" in result:
            result["persons"] = [label(person_id) for person_id in result["persons"]]
        if "subject" in result:
            result["subject"] = contact_concern.get(
                result["subject"].removeprefix("contact:"), result["subject"]
            )
        result.pop("partial", None)  # the per-row reference runs with --partial
        return result

    logged = list(AuditEntry.objects.filter(sequence__gt=since).order_by("sequence"))
    # Reasons are stored sealed, each under a key of its own: compared as they read.
    reasons = readable_reasons(logged)
    audit = [
        (
            entry.verb,
            entry.actor_id,
            entry.actor_label,
            entry.agency_code,
            entry.target_type,
            target(entry),
            reasons[entry.sequence].text,
            entry.legal_basis,
            payload(entry),
        )
        for entry in logged
    ]
    return {
        "concerns": concern_rows,
        "persons": persons,
        "identifiers": by_person(Identifier, "scheme", "value", "issuing_agency__code"),
        "names": by_person(PersonName, "kind", "name"),
        "addresses": by_person(Address, "line_1", "town", "postcode", "recorded_by__code"),
        "phones": by_person(Phone, "number", "recorded_by__code"),
        "vehicles": by_person(Vehicle, "registration", "description", "recorded_by__code"),
        "search_keys": by_person(PersonSearchKey, "key"),
        "agency_records": by_person(AgencyRecord, "agency__code", "agency_record_id"),
        "contacts": contacts,
        "clocks": clocks,
        "audit": audit,
    }


def head() -> int:
    found = AuditHead.objects.filter(pk=1).first()
    return found.last_sequence if found is not None else 0


def outcome(run: Callable[[], Any]) -> tuple[Any, dict[str, Any]]:
    """What ``run`` returns and the state it leaves, then undo it."""
    since = head()
    with transaction.atomic():
        result = run()
        state = snapshot(since)
        transaction.set_rollback(True)
    return result, state


def whole(path: Path) -> Callable[[], ImportReport]:
    return lambda: import_concerns(path, "POL-TEST")


def per_row(path: Path) -> Callable[[], ImportReport]:
    rejects = path.with_suffix(".rejects")
    return lambda: import_concerns(path, "POL-TEST", partial=True, rejects_path=rejects)


def assert_same(bulk_state: dict[str, Any], row_state: dict[str, Any]) -> None:
    for part in row_state:
        assert bulk_state[part] == row_state[part], part


# ---------------------------------------------------------------------------------------
# The same result as the per-row path


def test_a_file_imports_to_the_same_state_in_batches_as_row_by_row(area: Area, tmp_path):
    held_before_import(area)
    path = linkage_file(tmp_path / "concerns.jsonl")

    bulk_report, bulk_state = outcome(whole(path))
    row_report, row_state = outcome(per_row(path))

    assert bulk_report.ok, bulk_report.problems
    assert row_report.ok, row_report.problems
    assert (bulk_report.created, bulk_report.updated) == (row_report.created, 0) == (11, 0)
    assert_same(bulk_state, row_state)
    # And the cases meant to be covered were: linked, repeated, and kept apart.
    concerns = bulk_state["concerns"]
    amelia = concerns["POL-TEST/POL-1"][5][0][1]
    assert concerns["POL-TEST/POL-2"][5][0][1] == amelia  # linked by NHS number, twice
    # Joined, but not opened: the police hold no record on a child only the school held.
    assert bulk_state["agency_records"][amelia] == [("SCH-TEST", "")]
    assert concerns["POL-TEST/POL-7"][5][0][1] != amelia  # same NHS number, another child
    darren = concerns["POL-TEST/POL-1"][5][2][1]
    assert concerns["POL-TEST/POL-2"][5][2][1] == darren == concerns["POL-TEST/POL-0"][5][1][1]
    assert concerns["POL-TEST/POL-3"][5][0][1] != concerns["POL-TEST/POL-4"][5][0][1]
    isla = concerns["POL-TEST/POL-5"][5][0][1]
    assert concerns["POL-TEST/POL-6"][5][0][1] == isla
    assert ("nickname", "Izzy") in bulk_state["names"][isla]
    ava = concerns["POL-TEST/POL-8"][5]
    assert [role for role, _ in ava] == ["child", "sibling"]
    assert ava[0][1] == ava[1][1]
    wayne_9 = concerns["POL-TEST/POL-9"][5][1][1]
    assert concerns["POL-TEST/POL-10"][5][1][1] == wayne_9
    assert concerns["POL-TEST/POL-10"][5][2][1] != wayne_9
    finn = concerns["POL-TEST/POL-11"][5][0][1]
    assert finn != concerns["SCH-TEST/SCH-1"][5][0][1]
    assert bulk_state["clocks"]["POL-TEST/POL-11"][1] == "LA-OTHER"
    verbs = [entry[0] for entry in bulk_state["audit"]]
    assert verbs.count(AuditVerb.CONCERN_RECORDED) == 11
    assert verbs[-1] == AuditVerb.DATA_IMPORTED


@pytest.mark.parametrize("batch_size", [1, 2, 3])
def test_batch_boundaries_do_not_change_the_result(area: Area, tmp_path, monkeypatch, batch_size):
    # Persons named again in a later batch are found in the database, not in memory.
    held_before_import(area)
    path = linkage_file(tmp_path / "concerns.jsonl")
    _, row_state = outcome(per_row(path))

    monkeypatch.setattr(importer, "BATCH_SIZE", batch_size)
    _, bulk_state = outcome(whole(path))

    assert_same(bulk_state, row_state)


def test_linkage_to_a_person_already_held_by_nhs_number_name_and_date_of_birth(
    area: Area, tmp_path
):
    known = area.child_known_to_school()
    path = write_jsonl(
        tmp_path / "concerns.jsonl",
        [
            concern("POL-1", [AMELIA]),
            # One letter out still agrees; another date of birth does not.
            concern("POL-2", [{**AMELIA, "given_name": "Amelie"}]),
            concern("POL-3", [{**AMELIA, "date_of_birth": "2014-05-18"}]),
        ],
    )
    _, row_state = outcome(per_row(path))
    _, bulk_state = outcome(whole(path))
    assert_same(bulk_state, row_state)

    report = import_concerns(path, "POL-TEST")

    assert report.ok, report.problems
    named = {
        record_id: Concern.objects.get(agency_record_id=record_id).involvements.get().person_id
        for record_id in ("POL-1", "POL-2", "POL-3")
    }
    assert named["POL-1"] == named["POL-2"] == known.pk
    assert named["POL-3"] != known.pk
    # Joined, but not opened: the police hold no record on the school's pupil.
    assert not AgencyRecord.objects.filter(person=known, agency=area.police).exists()


def test_a_person_repeated_within_a_file_becomes_one_person(area: Area, tmp_path):
    child = person("child", "Ava", "Lane", date_of_birth="2012-12-12", nhs_number=NHS_D)
    adult = person("adult-of-concern", "Wayne", "Cole", police_reference="W/1")
    path = write_jsonl(
        tmp_path / "concerns.jsonl",
        [concern(f"POL-{number}", [child, adult]) for number in range(1, 6)],
    )

    report = import_concerns(path, "POL-TEST")

    assert report.created == 5
    assert Person.objects.count() == 2
    assert ConcernPerson.objects.values("person_id").distinct().count() == 2
    assert Identifier.objects.filter(value=NHS_D).count() == 1
    assert AgencyRecord.objects.filter(agency=area.police).count() == 2
    assert (
        AuditEntry.objects.filter(verb=AuditVerb.PERSON_CREATED, actor_id=area.system.pk).count()
        == 2
    )


def test_reimport_updates_and_never_duplicates(area: Area, tmp_path):
    first = linkage_file(tmp_path / "first.jsonl")
    rows = [json.loads(line) for line in first.read_text().splitlines()]
    # Not POL-9 and POL-10: they made two records holding the same local id under the same
    # name, and which of two equally good records the per-row path picks is then up to the
    # order the database returns them in.
    rows = [row for row in rows if row["record_id"] not in ("POL-9", "POL-10")]
    rows[0]["summary"] = "Updated."
    rows[2]["persons"][1]["phones"] = ["07700 900999"]
    # A mixed file: updates interleaved with new concerns.
    rows.insert(1, concern("POL-20", [person("child", "Evie", "Hart")]))
    rows.append(concern("POL-21", [AMELIA]))
    second = write_jsonl(tmp_path / "second.jsonl", rows)

    def both(run: Callable[[Path], Callable[[], ImportReport]]) -> Callable[[], Any]:
        return lambda: (run(first)(), run(second)())

    (bulk_first, bulk_second), bulk_state = outcome(both(whole))
    (row_first, row_second), row_state = outcome(both(per_row))

    assert (bulk_first.created, bulk_second.created, bulk_second.updated) == (11, 2, 9)
    assert (row_first.created, row_second.created, row_second.updated) == (11, 2, 9)
    assert_same(bulk_state, row_state)
    assert bulk_state["concerns"]["POL-TEST/POL-1"][1] == "Updated."
    assert len(bulk_state["concerns"]) == 13
    verbs = [entry[0] for entry in bulk_state["audit"]]
    assert verbs.count(AuditVerb.CONCERN_UPDATED) == 9


def test_the_audit_chain_verifies_after_a_bulk_import(area: Area, tmp_path):
    held_before_import(area)
    import_concerns(linkage_file(tmp_path / "concerns.jsonl"), "POL-TEST")
    record(AuditVerb.SIGNED_IN, actor=area.admin)  # the chain goes on from the batch

    result = verify_chain()

    assert result.ok, result.problem
    assert result.entries_checked == AuditEntry.objects.count()


def test_a_failing_row_rejects_the_whole_file_with_nothing_written(area: Area, tmp_path):
    # Found only while recording: the authority closes between the check and the write.
    path = linkage_file(tmp_path / "concerns.jsonl")
    before = (
        Concern.objects.count(),
        Person.objects.count(),
        AuditEntry.objects.count(),
        PersonSearchKey.objects.count(),
        Clock.objects.count(),
    )
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

    assert [str(problem) for problem in report.problems] == [
        "row 11: local_authority: Choose the local authority responsible for the child's area"
    ]
    assert not report.committed
    assert (report.created, report.updated) == (0, 0)
    after = (
        Concern.objects.count(),
        Person.objects.count(),
        AuditEntry.objects.count(),
        PersonSearchKey.objects.count(),
        Clock.objects.count(),
    )
    assert after == before
    assert verify_chain().ok


def test_a_database_error_in_a_batch_falls_back_to_one_concern_at_a_time(
    area: Area, tmp_path, monkeypatch
):
    held_before_import(area)
    path = linkage_file(tmp_path / "concerns.jsonl")
    _, row_state = outcome(per_row(path))

    def concerns_in(writes: Any) -> int:
        return sum(entry.verb == AuditVerb.CONCERN_RECORDED for entry in writes.entries)

    def fail_batches(writes: Any) -> None:
        if concerns_in(writes) > 1:
            raise IntegrityError("a concurrent import took a record id")
        apply(writes)

    def fail(item: Any) -> None:
        raise IntegrityError("a concurrent import took a record id")

    monkeypatch.setattr(concern_actions, "apply", fail_batches)
    monkeypatch.setattr(unit, "_apply_chained", fail)
    report, bulk_state = outcome(whole(path))

    assert report.ok
    assert report.created == 11
    assert_same(bulk_state, row_state)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a writer thread on PostgreSQL")
def test_a_database_error_after_a_batch_was_written_leaves_nothing_of_it_behind(
    area: Area, tmp_path, monkeypatch
):
    # On PostgreSQL a whole new file is prepared batch by batch while a writer thread
    # writes the batch before. If the database refuses the second batch, the first is
    # undone with it and the file is recorded again batch by batch, to the same state as
    # row by row.
    held_before_import(area)
    path = linkage_file(tmp_path / "concerns.jsonl")
    _, row_state = outcome(per_row(path))
    original = unit._apply_chained
    threads: list[str] = []

    def fail_second(prepared: Any) -> None:
        threads.append(threading.current_thread().name)
        if len(threads) == 2:
            raise IntegrityError("a concurrent import took a record id")
        original(prepared)

    monkeypatch.setattr(unit, "_apply_chained", fail_second)
    monkeypatch.setattr(importer, "BATCH_SIZE", 4)
    with CaptureQueriesContext(connection) as captured:
        report, bulk_state = outcome(whole(path))

    assert report.ok, report.problems
    assert report.created == 11
    assert threads == ["batch-writer", "batch-writer"]  # written apart from the building
    assert_same(bulk_state, row_state)
    # The failed attempt's writes were undone before the batch-by-batch ones.
    statements = [query["sql"] for query in captured.captured_queries]
    assert any(sql.startswith("ROLLBACK TO SAVEPOINT") for sql in statements)


def test_a_batch_costs_the_same_number_of_queries_however_many_concerns(
    area: Area, tmp_path, monkeypatch
):
    # The registers that watch every concern run their own checks per concern; those are
    # theirs to count.
    from safeguarding.reportingduty import alerts as duty
    from safeguarding.warningnotices import alerts as notices

    monkeypatch.setattr(duty, "on_concern_recorded", lambda concern: 0)
    monkeypatch.setattr(notices, "on_concern_recorded", lambda concern: 0)
    held_before_import(area)

    def queries(count: int) -> int:
        rows = [
            concern(
                f"POL-{100 + number}",
                [
                    person(
                        "child",
                        "Child",
                        f"Number{number}",
                        date_of_birth="2015-01-01",
                        nhs_number=nhs_number_for(100 + number),
                        addresses=[{"line_1": f"{number} Mill Lane", "postcode": "ZZ1 1AA"}],
                    ),
                    {**DARREN, "phones": [f"07700 900{number:03d}"]},
                    person("parent", "Pat", f"Number{number}", phones=["07700 900001"]),
                ],
            )
            for number in range(count)
        ]
        path = write_jsonl(tmp_path / f"{count}.jsonl", rows)
        with transaction.atomic(), CaptureQueriesContext(connection) as captured:
            report = import_concerns(path, "POL-TEST")
            transaction.set_rollback(True)
        assert report.created == count
        return len(captured)

    assert queries(40) == queries(5)


# ---------------------------------------------------------------------------------------
# record_many


def audit_rows_written(write: Callable[[], Any], *columns: str) -> list[tuple[Any, ...]]:
    """The audit entries ``write`` appends (their sequence from 1, then ``columns``), read
    inside a transaction that is then rolled back, the chain checked whole first."""
    since = head()
    with transaction.atomic():
        write()
        rows = list(
            AuditEntry.objects.filter(sequence__gt=since)
            .order_by("sequence")
            .values_list("sequence", *columns)
        )
        if "reason" in columns:
            # Reasons are stored sealed, each under a key of its own: compared as they read.
            at = columns.index("reason") + 1
            reasons = readable_reasons(AuditEntry.objects.filter(sequence__gt=since))
            rows = [(*row[:at], reasons[row[0]].text, *row[at + 1 :]) for row in rows]
        assert verify_chain().ok
        assert head() == since + len(rows)
        transaction.set_rollback(True)
    return [(row[0] - since, *row[1:]) for row in rows]


def test_record_many_writes_what_as_many_records_would(area: Area):
    entries = [
        PendingEntry(
            AuditVerb.PERSON_CREATED,
            actor=area.system,
            target_type=TargetType.PERSON,
            target_id="p1",
        ),
        PendingEntry(
            AuditVerb.CLOCK_STARTED,
            actor=None,
            target_type=TargetType.CLOCK,
            target_id=7,
            payload={"type": "referral-decision", "due_on": "2026-03-02"},
        ),
        PendingEntry(
            AuditVerb.CONCERN_RECORDED,
            actor=area.system,
            target_type=TargetType.CONCERN,
            target_id="c1",
            legal_basis=LegalBasis.PUBLIC_TASK_SAFEGUARDING_SPECIAL_CATEGORY,
            reason="a reason",
            payload={"persons": ["p1", "p1"], "agency_record_id": "POL-1"},
            actor_label="someone else",
        ),
    ]
    fields = (
        "verb",
        "actor_id",
        "actor_label",
        "agency_code",
        "target_type",
        "target_id",
        "reason",
        "legal_basis",
        "payload",
    )

    def written(write: Callable[[], Any]) -> list[tuple[Any, ...]]:
        return audit_rows_written(write, *fields)

    one_by_one = written(
        lambda: [
            record(
                entry.verb,
                actor=entry.actor,
                target_type=entry.target_type,
                target_id=entry.target_id,
                reason=entry.reason,
                legal_basis=entry.legal_basis,
                payload=entry.payload,
                actor_label=entry.actor_label,
            )
            for entry in entries
        ]
    )
    together = written(lambda: record_many(entries))

    assert together == one_by_one
    assert [row[0] for row in together] == [1, 2, 3]
    assert [row[1] for row in together] == [
        AuditVerb.PERSON_CREATED,
        AuditVerb.CLOCK_STARTED,
        AuditVerb.CONCERN_RECORDED,
    ]


def test_record_many_of_nothing_changes_nothing(db):
    before = AuditEntry.objects.count()

    assert record_many([]) == head()
    assert AuditEntry.objects.count() == before


def test_record_many_stores_and_hashes_payloads_as_record_does(area: Area):
    # Keys that are not strings become strings in JSON, and sort differently then.
    payloads = [
        None,
        {"persons": ["p1", "p2"], "agency_record_id": "POL-1"},
        {"nested": {"b": [1, 2.5, None, True], "a": "ü\u2028"}, "on": date(2026, 3, 2)},
        {10: "ten", 9: "nine"},
        {"list": [{3: "c", 20: "t"}]},
    ]

    def written(write: Callable[[], Any]) -> list[tuple[Any, ...]]:
        return [row[1:] for row in audit_rows_written(write, "payload", "entry_hash")]

    entries = [
        PendingEntry(AuditVerb.DATA_IMPORTED, actor=area.system, payload=payload)
        for payload in payloads
    ]
    one_by_one = written(
        lambda: [record(entry.verb, actor=entry.actor, payload=entry.payload) for entry in entries]
    )
    together = written(lambda: record_many(entries))

    assert [payload for payload, _ in together] == [payload for payload, _ in one_by_one]
    assert together[3][0] == {"9": "nine", "10": "ten"}
    assert together[4][0] == {"list": [{"3": "c", "20": "t"}]}


def test_a_file_is_written_from_a_small_first_batch_on():
    # Nothing is written while the first batch is prepared: it is a tenth of the others.
    ready: list[Any] = list(range(2345))
    batches = [ready[start:stop] for start, stop in concern_actions._batch_bounds(2345, 1000)]

    assert [len(batch) for batch in batches] == [100, 1000, 1000, 245]
    assert [index for batch in batches for index in batch] == ready
    assert [stop - start for start, stop in concern_actions._batch_bounds(3, 4)] == [1, 2]
    assert list(concern_actions._batch_bounds(0, 1000)) == []


def test_involvements_are_written_in_the_order_the_persons_were_named(area: Area, tmp_path):
    path = write_jsonl(
        tmp_path / "concerns.jsonl",
        [
            concern(
                "POL-1",
                [
                    person("parent", "Karen", "Hartley"),
                    person("child", "Amelia", "Hartley"),
                    person("child", "Noah", "Hartley"),
                ],
            )
        ],
    )

    import_concerns(path, "POL-TEST")

    roles = list(ConcernPerson.objects.order_by("pk").values_list("role", "person__given_name"))
    assert roles == [
        (PersonRole.PARENT, "Karen"),
        (PersonRole.CHILD, "Amelia"),
        (PersonRole.CHILD, "Noah"),
    ]
    # The decision clock runs on the first child named.
    assert Clock.objects.get().person.given_name == "Amelia"
