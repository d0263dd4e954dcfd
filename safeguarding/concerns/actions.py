"""Recording concerns. Web forms, the API, bulk files and the demo all call
record_concerns; one concern is a batch of one (record_concern, save_concern)."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from itertools import batched

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DEFAULT_DB_ALIAS, DatabaseError, IntegrityError, connections, transaction
from django.utils import timezone

from safeguarding.access.models import Agency, AgencyKind, User
from safeguarding.access.policy import does_case_work
from safeguarding.audit.chain import PendingEntry
from safeguarding.audit.verbs import AuditVerb
from safeguarding.audit.vocabulary import LegalBasis, TargetType
from safeguarding.concerns.models import Concern, ConcernCategory, ConcernPerson, PersonRole
from safeguarding.concerns.reactions import RecordedConcerns, react
from safeguarding.people.models import Person
from safeguarding.people.resolution import NamedPerson, PersonResolver, person_created
from safeguarding.writes.rows import in_chunks
from safeguarding.writes.unit import Pipeline, WriteRun, Writes, apply

__all__ = [
    "ConcernDetails",
    "NamedPerson",
    "Outcome",
    "record_concern",
    "record_concern_file",
    "record_concerns",
    "save_concern",
]

SUMMARY_MAX_LENGTH = 10_000
# Concerns per batch of a file: large enough that the per-batch queries cost little per
# concern, small enough that a batch's rows and audit entries sit comfortably in memory.
BATCH_SIZE = 1000


@dataclass
class ConcernDetails:
    category: str
    summary: str
    recorded_at: datetime
    local_authority_code: str
    persons: list[NamedPerson] = field(default_factory=list)
    agency_record_id: str = ""
    # When the hub received it: now, except when loading an agency's history.
    received_at: datetime | None = None
    # When what it describes happened or was disclosed (the day, and the time if known).
    disclosed_on: date | None = None
    disclosed_time: time | None = None
    immediate_risk: bool = False


# Read once: an enum's .values builds a new list on every use.
_CATEGORIES = tuple(ConcernCategory.values)
_ROLES = tuple(PersonRole.values)


def _validate(details: ConcernDetails, *, persons_checked: bool = False) -> dict[str, list[str]]:
    """Every problem with ``details``. ``persons_checked`` says the persons' details were
    validated (and so normalised) already, as the import's checks do, and need not be
    again."""
    errors: dict[str, list[str]] = {}
    if details.category not in _CATEGORIES:
        errors["category"] = ["Choose the category of concern"]
    if not details.summary.strip():
        errors["summary"] = ["Enter what happened"]
    elif len(details.summary) > SUMMARY_MAX_LENGTH:
        errors["summary"] = [f"Summary must be {SUMMARY_MAX_LENGTH:,} characters or fewer"]
    if details.recorded_at is None:
        errors["recorded_at"] = ["Enter when the concern was recorded"]
    elif details.recorded_at > timezone.now() + timedelta(minutes=5):
        errors["recorded_at"] = ["The date the concern was recorded must be today or in the past"]
    if details.received_at is not None and details.received_at > timezone.now():
        errors["received_at"] = ["The date the concern was received must be in the past"]
    errors.update(_disclosure_errors(details))
    if len(details.agency_record_id) > 64:
        errors["agency_record_id"] = ["The agency's record id must be 64 characters or fewer"]
    if not details.persons:
        errors["persons"] = ["Name at least one person"]
    elif not any(named.role == PersonRole.CHILD for named in details.persons):
        errors["persons"] = ["Name the child the concern is about"]
    for index, named in enumerate(details.persons, start=1):
        if named.role not in _ROLES:
            errors.setdefault("persons", []).append(f"Person {index}: choose their role")
        if (named.person_id is None) == (named.details is None):
            errors.setdefault("persons", []).append(
                f"Person {index}: give either an existing person or their details"
            )
        if named.details is not None and not persons_checked:
            try:
                named.details.validate()
            except ValidationError as error:
                for key, messages in error.message_dict.items():
                    errors.setdefault(f"persons.{index}.{key}", []).extend(messages)
    return errors


def _disclosure_errors(details: ConcernDetails) -> dict[str, list[str]]:
    """A disclosure is dated on or before the day the concern was recorded, and timed
    before it, in England's local time."""
    if details.disclosed_on is None:
        if details.disclosed_time is not None:
            return {"disclosed_on": ["Enter the date of the disclosure as well as its time"]}
        return {}
    if details.disclosed_on < date(1900, 1, 1):
        return {"disclosed_on": ["The date of the disclosure must be after 1900"]}
    if details.recorded_at is None:
        return {}
    recorded = timezone.localtime(details.recorded_at)
    if details.disclosed_on > recorded.date():
        return {
            "disclosed_on": [
                "The date of the disclosure must be on or before the day the concern was recorded"
            ]
        }
    if (
        details.disclosed_time is not None
        and details.disclosed_on == recorded.date()
        and details.disclosed_time > recorded.time()
    ):
        return {
            "disclosed_time": ["The time of the disclosure must be before the concern was recorded"]
        }
    return {}


def check_may_record(actor: User) -> Agency:
    """The actor's agency; PermissionDenied unless the actor may record concerns."""
    if not does_case_work(actor) or actor.agency is None:
        raise PermissionDenied("Your role does not allow recording concerns")
    return actor.agency


def concern_errors(
    details: ConcernDetails, local_authority: Agency | None, *, persons_checked: bool = False
) -> dict[str, list[str]]:
    """Every problem with ``details``, keyed by field; ``local_authority`` is the active
    authority its code names, if any. See _validate for ``persons_checked``."""
    errors = _validate(details, persons_checked=persons_checked)
    if local_authority is None:
        errors.setdefault("local_authority", []).append(
            "Choose the local authority responsible for the child's area"
        )
    return errors


def apply_concern_details(
    concern: Concern, details: ConcernDetails, local_authority: Agency
) -> None:
    concern.local_authority = local_authority
    concern.recorded_at = details.recorded_at
    concern.category = details.category
    concern.summary = details.summary.strip()
    concern.disclosed_on = details.disclosed_on
    concern.disclosed_time = details.disclosed_time
    concern.immediate_risk = details.immediate_risk


def concern_record_id(details: ConcernDetails) -> str:
    """The agency's record id, or a new one of the Hub's for a concern sent without."""
    return details.agency_record_id.strip() or f"SGH-{uuid.uuid4().hex[:12].upper()}"


def concern_audit_payload(record_id: str, persons: Iterable[uuid.UUID]) -> dict[str, object]:
    """The payload of a concern's recorded or updated entry: ``persons`` in the order of
    the concern's involvements, a person named in two roles twice."""
    return {"agency_record_id": record_id, "persons": [str(person) for person in persons]}


@dataclass
class Outcome:
    """What became of one concern of a batch: the concern and whether it is new, or the
    error that stopped it (a ValidationError, PermissionDenied or DatabaseError). A
    concern that failed wrote nothing; the others stand. ``persons`` are the records the
    persons named resolved to, in the order named."""

    created: bool = False
    error: Exception | None = None
    concern: Concern | None = None
    persons: list[Person] = field(default_factory=list)


# ---------------------------------------------------------------------------------------
# A batch


class _Recording:
    """Concerns of one agency recorded batch after batch: the persons they could name
    (people.resolution) and what each batch adds, the authorities read so far."""

    def __init__(self, actor: User, agency: Agency, *, persons_checked: bool) -> None:
        self.actor = actor
        self.agency = agency
        self.persons_checked = persons_checked
        self.run = WriteRun()
        self.resolver = PersonResolver(actor, agency, self.run)
        self.authorities: dict[str, Agency | None] = {}

    def read(self, batch: Sequence[ConcernDetails], existing: Iterable[Concern] = ()) -> None:
        """Read what ``batch`` names: its authorities and everyone its persons could be."""
        codes = {details.local_authority_code for details in batch} - self.authorities.keys()
        with self.run.reading():
            found = {
                authority.code: authority
                for authority in Agency.objects.filter(
                    code__in=codes, kind=AgencyKind.LOCAL_AUTHORITY, is_active=True
                )
            }
        self.authorities.update({code: found.get(code) for code in codes})
        self.resolver.read(
            (named for details in batch for named in details.persons),
            (person_id for concern in existing for person_id, _ in _named(concern)),
        )

    def plan(
        self,
        batch: Sequence[ConcernDetails],
        record_ids: Sequence[str],
        outcomes: Sequence[Outcome],
        existing: dict[str, Concern],
    ) -> Writes:
        """The writes that record ``batch`` (whose record ids are distinct), setting each
        outcome; ``existing`` are the concerns held under those record ids, locked."""
        writes = Writes()
        new: list[Concern] = []
        updated: list[Concern] = []
        named: dict[uuid.UUID, list[tuple[uuid.UUID, str]]] = {}
        involvements: list[tuple[uuid.UUID, uuid.UUID, str]] = []
        entries: list[tuple[uuid.UUID, list[PendingEntry]]] = []
        for details, record_id, outcome in zip(batch, record_ids, outcomes, strict=True):
            authority = self.authorities.get(details.local_authority_code)
            errors = concern_errors(details, authority, persons_checked=self.persons_checked)
            if errors:
                outcome.error = ValidationError(errors)
                continue
            assert authority is not None
            concern = existing.get(record_id)
            try:
                persons, created = self.resolver.resolve(
                    details.persons, _named(concern) if concern is not None else ()
                )
            except ValidationError as error:
                outcome.error = error
                continue
            created_now = concern is None
            if concern is None:
                concern = Concern(agency=self.agency, agency_record_id=record_id)
                concern.recorded_by = self.actor
                if details.received_at is not None:
                    concern.received_at = details.received_at
                new.append(concern)
            else:
                updated.append(concern)
            apply_concern_details(concern, details, authority)
            pairs = list(
                dict.fromkeys(
                    (person.pk, named_person.role)
                    for person, named_person in zip(persons, details.persons, strict=True)
                )
            )
            named[concern.pk] = pairs
            involvements += [(concern.pk, person_id, role) for person_id, role in pairs]
            entries.append(
                (
                    concern.pk,
                    [
                        *(person_created(self.actor, person) for person in created),
                        PendingEntry(
                            AuditVerb.CONCERN_RECORDED
                            if created_now
                            else AuditVerb.CONCERN_UPDATED,
                            actor=self.actor,
                            target_type=TargetType.CONCERN,
                            target_id=concern.pk,
                            legal_basis=LegalBasis.PUBLIC_TASK_SAFEGUARDING_SPECIAL_CATEGORY,
                            payload=concern_audit_payload(
                                record_id, (person_id for person_id, _ in pairs)
                            ),
                        ),
                    ],
                )
            )
            outcome.concern = concern
            outcome.created = created_now
            outcome.persons = persons
        self.resolver.plan(writes)
        if updated:
            writes.first(_updates(updated))
        writes.add_objects(Concern, new)
        writes.add_values(ConcernPerson, ("concern", "person", "role"), involvements)
        for concern_id, concern_entries in entries:
            for entry in concern_entries:
                writes.audit(entry, about=concern_id)
        if new or updated:
            react(RecordedConcerns(self.actor, new, updated, named), writes, self.run)
        return writes


def _named(concern: Concern) -> list[tuple[uuid.UUID, str]]:
    """The (person, role) ``concern`` names, as read with it (see _existing)."""
    found: list[tuple[uuid.UUID, str]] = getattr(concern, "named", [])
    return found


def _updates(concerns: list[Concern]) -> Callable[[], None]:
    """Saving concerns held already, and clearing the persons they named: their new
    persons are added with the batch's."""

    def update() -> None:
        for concern in concerns:
            concern.save()
        ConcernPerson.objects.filter(concern__in=concerns).delete()

    return update


def _existing(agency: Agency, record_ids: Iterable[str]) -> dict[str, Concern]:
    """This agency's concerns held under ``record_ids``, locked, each with the persons it
    names (as ``named``)."""
    found: dict[str, Concern] = {}
    for chunk in in_chunks(dict.fromkeys(record_ids)):
        for concern in Concern.objects.select_for_update().filter(
            agency=agency, agency_record_id__one_of=chunk
        ):
            found[concern.agency_record_id] = concern
    if found:
        named: dict[uuid.UUID, list[tuple[uuid.UUID, str]]] = {}
        by_id = {concern.pk: concern for concern in found.values()}
        for ids in in_chunks(list(by_id)):
            for concern_id, person_id, role in (
                ConcernPerson.objects.filter(concern_id__in=ids)
                .order_by("pk")
                .values_list("concern_id", "person_id", "role")
            ):
                named.setdefault(concern_id, []).append((person_id, role))
        for concern_id, concern in by_id.items():
            concern.named = named.get(concern_id, [])  # type: ignore[attr-defined]  # read by _named
    return found


def record_concerns(
    *, actor: User, batch: Sequence[ConcernDetails], persons_checked: bool = False
) -> list[Outcome]:
    """Record (or, for an agency record id seen before, update) each concern of ``batch``
    in order, in the caller's transaction (or a new one): the persons each names resolved
    by people.resolution, its authority's MASH told (through the reactions registered in
    concerns.reactions), every write audited. A record id repeated in the batch updates
    the concern the earlier one recorded. ``persons_checked`` says the persons' details
    were validated and normalised already (as the import's checks do)."""
    outcomes = [Outcome() for _ in batch]
    agency = _agency_or_refuse(actor, outcomes)
    if agency is None:
        return outcomes
    record_ids = [concern_record_id(details) for details in batch]
    with transaction.atomic():
        for indexes in _without_repeats(record_ids):
            _record_part(actor, agency, batch, record_ids, outcomes, indexes, persons_checked)
    return outcomes


def _agency_or_refuse(actor: User, outcomes: list[Outcome]) -> Agency | None:
    """The actor's agency; None, with every outcome refused, if they may not record."""
    try:
        return check_may_record(actor)
    except PermissionDenied as error:
        for outcome in outcomes:
            outcome.error = error
        return None


def _without_repeats(record_ids: Sequence[str]) -> Iterator[list[int]]:
    """The indexes of ``record_ids`` in order, in runs within which no id repeats."""
    run: list[int] = []
    seen: set[str] = set()
    for index, record_id in enumerate(record_ids):
        if record_id in seen:
            yield run
            run, seen = [], set()
        run.append(index)
        seen.add(record_id)
    if run:
        yield run


def _record_part(
    actor: User,
    agency: Agency,
    batch: Sequence[ConcernDetails],
    record_ids: Sequence[str],
    outcomes: list[Outcome],
    indexes: list[int],
    persons_checked: bool,
) -> None:
    part = [batch[index] for index in indexes]
    ids = [record_ids[index] for index in indexes]
    results = [Outcome() for _ in indexes]
    try:
        with transaction.atomic():
            existing = _existing(agency, ids)
            recording = _Recording(actor, agency, persons_checked=persons_checked)
            recording.read(part, existing.values())
            apply(recording.plan(part, ids, results, existing))
    except DatabaseError:
        # Rare (a concurrent import of the same records, say): recording each on its own
        # names the concern at fault, and the loser of a race to record a new record id
        # updates the winner's concern instead of failing.
        results = [
            _record_alone(actor, agency, details, record_id, persons_checked)
            for details, record_id in zip(part, ids, strict=True)
        ]
    for index, result in zip(indexes, results, strict=True):
        outcomes[index] = result


def _record_alone(
    actor: User, agency: Agency, details: ConcernDetails, record_id: str, persons_checked: bool
) -> Outcome:
    for attempt in range(2):
        outcome = Outcome()
        try:
            with transaction.atomic():
                existing = _existing(agency, [record_id])
                recording = _Recording(actor, agency, persons_checked=persons_checked)
                recording.read([details], existing.values())
                apply(recording.plan([details], [record_id], [outcome], existing))
            return outcome
        except IntegrityError as error:
            if attempt:
                return Outcome(error=error)
        except DatabaseError as error:
            return Outcome(error=error)
    raise AssertionError("unreachable")


# ---------------------------------------------------------------------------------------
# One at a time


@dataclass(frozen=True)
class RecordedConcern:
    concern: Concern
    created: bool


def save_concern(
    *, actor: User, details: ConcernDetails, persons_checked: bool = False
) -> RecordedConcern:
    """Record (or, for an agency record id seen before, update) one concern: a batch of
    one. Raises ValidationError listing every problem, keyed by field, or
    PermissionDenied."""
    (outcome,) = record_concerns(actor=actor, batch=[details], persons_checked=persons_checked)
    if outcome.error is not None:
        raise outcome.error
    assert outcome.concern is not None
    return RecordedConcern(concern=outcome.concern, created=outcome.created)


def record_concern(*, actor: User, details: ConcernDetails) -> Concern:
    """Record (or update) one concern. See save_concern."""
    return save_concern(actor=actor, details=details).concern


# ---------------------------------------------------------------------------------------
# A whole file


def record_concern_file(
    *,
    actor: User,
    concerns: Sequence[ConcernDetails],
    batch_size: int = BATCH_SIZE,
    progress: Callable[[int], object] = lambda count: None,
    persons_checked: bool = True,
) -> list[Outcome]:
    """Record a whole file's ``concerns``, in order, with the result record_concerns gives
    batch by batch, in the caller's transaction. ``progress`` is told how many concerns
    each step recorded.

    On PostgreSQL, when every concern is new (a first load, the common case), everyone
    they could name is read once, up front; then each batch is planned while a writer
    thread applies the batch before over the same connection (writes.unit.Pipeline).
    Otherwise, or if the database refuses a write, batch by batch."""
    outcomes = [Outcome() for _ in concerns]
    agency = _agency_or_refuse(actor, outcomes)
    if agency is None:
        return outcomes
    record_ids = [concern_record_id(details) for details in concerns]
    counted = 0

    def count(done: int) -> None:
        nonlocal counted
        counted += done
        progress(done)

    if connections[DEFAULT_DB_ALIAS].vendor == "postgresql":
        try:
            with transaction.atomic():
                with ConcernStream(
                    actor,
                    agency,
                    batch_size=batch_size,
                    persons_checked=persons_checked,
                    progress=count,
                ) as stream:
                    stream.add(concerns, record_ids)
                if stream.refused:
                    raise _NotAllNew
            return stream.outcomes
        except (DatabaseError, _NotAllNew):
            progress(-counted)  # what was counted was rolled back: start again
    outcomes = []
    for part in batched(concerns, batch_size):
        outcomes += record_concerns(actor=actor, batch=part, persons_checked=persons_checked)
        progress(len(part))
    return outcomes


class _NotAllNew(Exception):  # noqa: N818 - control flow inside this module, not an error
    """A file that is not all new concerns: recorded batch by batch instead."""


class ConcernStream:
    """New concerns of one agency recorded as they arrive (PostgreSQL, in the caller's
    transaction): each batch is planned while a writer thread applies the one before
    (writes.unit.Pipeline), in batches of ``batch_size`` after a first of a tenth.

    ``add`` takes concerns in the order they are to be recorded, as many at a time as the
    caller has. The stream is ``refused``, and records nothing more, when they are not all
    new: a record id given twice, or one the agency holds already (found when they are
    read, which may be at the block's end). The caller then rolls back and records batch
    by batch (record_concerns), which updates and reports repeats. What the concerns could
    name is read for everything received but not yet read, so that a caller that has the
    whole file reads once, up front. ``outcomes`` are the concerns' outcomes, in order,
    once the block has ended."""

    def __init__(
        self,
        actor: User,
        agency: Agency,
        *,
        batch_size: int = BATCH_SIZE,
        persons_checked: bool = True,
        progress: Callable[[int], object] = lambda count: None,
    ) -> None:
        self.recording = _Recording(actor, agency, persons_checked=persons_checked)
        self.pipeline = Pipeline(self.recording.run)
        self.batch_size = batch_size
        self.progress = progress
        self.received: list[ConcernDetails] = []
        self.record_ids: list[str] = []
        self.seen: set[str] = set()
        self.outcomes: list[Outcome] = []
        self.read_up_to = 0
        self.refused = False

    def __enter__(self) -> ConcernStream:
        self.pipeline.__enter__()
        return self

    def add(self, concerns: Sequence[ConcernDetails], record_ids: Sequence[str] = ()) -> bool:
        """Take ``concerns`` (with their record ids, when the caller has them) and record
        every batch now complete. False when they are not all new: a record id given
        twice, or one the agency holds (found when the concerns are read, with the
        batch that first needs them); the stream then records nothing more."""
        if self.refused:
            return False
        ids = list(record_ids) or [concern_record_id(details) for details in concerns]
        if len(set(ids)) < len(ids) or not self.seen.isdisjoint(ids):
            self.refused = True
            return False
        self.seen.update(ids)
        self.received += concerns
        self.record_ids += ids
        for start, stop in _batch_bounds(len(self.received), self.batch_size):
            if start < len(self.outcomes):
                continue
            if stop - start < self._size(start):
                break  # not yet a whole batch: the rest comes later, or at the end
            if not self._record(start, stop):
                break
        return not self.refused

    def _size(self, start: int) -> int:
        return _first_batch_size(self.batch_size) if start == 0 else self.batch_size

    def _record(self, start: int, stop: int) -> bool:
        """Plan and submit the batch; False if the stream refuses it or the writer failed."""
        if self.pipeline.failed:
            return False  # the block's end raises the writer's error
        if stop > self.read_up_to and not self._read_ahead():
            return False
        outcomes = [Outcome() for _ in range(start, stop)]
        self.pipeline.submit(
            self.recording.plan(
                self.received[start:stop], self.record_ids[start:stop], outcomes, {}
            )
        )
        self.outcomes += outcomes
        self.progress(stop - start)
        return True

    def _read_ahead(self) -> bool:
        """Read for everything received and not yet read, at once: reading waits for the
        writer to finish its batch, so the fewer reads the better. False, refusing the
        stream, if the agency already holds any of their record ids."""
        unread = slice(self.read_up_to, len(self.received))
        with self.recording.run.reading():
            held = _existing(self.recording.agency, self.record_ids[unread])
        if held:
            self.refused = True
            return False
        self.recording.read(self.received[unread])
        self.read_up_to = len(self.received)
        return True

    def __exit__(self, exc_type: object, exc: BaseException | None, traceback: object) -> None:
        if exc is None and not self.refused:
            for start, stop in _batch_bounds(len(self.received), self.batch_size):
                if start >= len(self.outcomes) and not self._record(start, stop):
                    break
        self.pipeline.__exit__(exc_type, exc, traceback)


def _first_batch_size(batch_size: int) -> int:
    return max(1, batch_size // 10)


def _batch_bounds(count: int, batch_size: int) -> Iterator[tuple[int, int]]:
    """Batches of ``batch_size``, but a first batch of a tenth of that: nothing is written
    while the first batch is planned, so the smaller it is, the sooner the writer starts."""
    first = min(count, _first_batch_size(batch_size))
    if first:
        yield 0, first
    for start in range(first, count, batch_size):
        yield start, min(count, start + batch_size)
