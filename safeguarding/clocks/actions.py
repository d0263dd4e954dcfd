"""Starting, meeting and escalating clocks, and changing a local authority's limits."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from itertools import batched

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from safeguarding.access.models import Agency, User
from safeguarding.access.roles import ADMIN_ROLES, Role
from safeguarding.audit.chain import PendingEntry, record, record_many
from safeguarding.audit.verbs import AuditVerb
from safeguarding.audit.vocabulary import TargetType
from safeguarding.clocks.calendar import add_working_days, previous_working_day
from safeguarding.clocks.models import Clock, ClockLimit
from safeguarding.clocks.rules import DEFAULT_LIMITS, Limit, Unit
from safeguarding.notifications.actions import Digest, Message, notify_each
from safeguarding.people.models import Person
from safeguarding.writes.rows import in_chunks, update
from safeguarding.writes.unit import WriteRun, Writes, apply

DELAY_REASON_MIN_LENGTH = 10
# Start dates per recomputing UPDATE: two parameters each, well under SQLite's 32,766.
DUE_DATES_PER_UPDATE = 5000
# Clocks reminded or escalated per transaction.
ESCALATION_BATCH = 500


def limit_for(authority: Agency | None, clock_type: str) -> Limit:
    """The authority's own limit for ``clock_type``, or the national default."""
    if clock_type not in DEFAULT_LIMITS:
        raise ValidationError({"clock_type": [f"Unknown clock '{clock_type}'"]})
    if authority is not None:
        local = ClockLimit.objects.filter(authority=authority, clock_type=clock_type).first()
        if local is not None:
            return Limit(local.amount, local.unit)
    return DEFAULT_LIMITS[clock_type]


def deadline(clock_type: str, start: date, authority: Agency | None = None) -> date:
    return limit_for(authority, clock_type).due(start)


@dataclass(frozen=True)
class ClockStart:
    """A clock to start: the event that starts it sets its type, subject and day 0."""

    clock_type: str
    authority: Agency
    subject: str
    started_on: date
    accountable: User | None = None
    person_id: uuid.UUID | None = None
    actor: User | None = None
    about: object = None  # the record whose audit entries this clock's entry joins


_CLOCK_COLUMNS = (
    "id",
    "clock_type",
    "authority",
    "subject",
    "person",
    "started_on",
    "due_on",
    "accountable",
)


def plan_clocks(
    starts: Sequence[ClockStart], writes: Writes, run: WriteRun, *, as_objects: bool = True
) -> list[Clock]:
    """Add the rows and audit entries that start ``starts`` to ``writes``: the clocks,
    with their ids and due dates worked out now. Each authority's limits are read once
    per run. The clocks are returned as model instances unless ``as_objects`` is False
    (then none are built: thousands of plain rows cost far less)."""
    limits: dict[tuple[int, str], Limit] = run.cache("clocks.limits", dict)
    due_dates: dict[tuple[int, str, date], date] = run.cache("clocks.due", dict)
    rows = []
    for clock_id, start in zip(run.ids(Clock, len(starts)), starts, strict=True):
        authority_id = start.authority.pk
        key = (authority_id, start.clock_type)
        if key not in limits:
            with run.reading():
                limits[key] = limit_for(start.authority, start.clock_type)
        due_key = (authority_id, start.clock_type, start.started_on)
        if due_key not in due_dates:
            due_dates[due_key] = limits[key].due(start.started_on)
        due_on = due_dates[due_key]
        accountable = start.accountable.pk if start.accountable is not None else None
        rows.append(
            (
                clock_id,
                start.clock_type,
                authority_id,
                start.subject,
                start.person_id,
                start.started_on,
                due_on,
                accountable,
            )
        )
        writes.audit(
            PendingEntry(
                AuditVerb.CLOCK_STARTED,
                actor=start.actor,
                target_type=TargetType.CLOCK,
                target_id=clock_id,
                payload={
                    "type": start.clock_type,
                    "subject": start.subject,
                    "due_on": due_on.isoformat(),
                },
            ),
            about=start.about,
        )
    writes.add_values(Clock, _CLOCK_COLUMNS, rows)
    if not as_objects:
        return []
    clocks = []
    for start, row in zip(starts, rows, strict=True):
        clock = Clock(
            pk=row[0],
            clock_type=start.clock_type,
            authority=start.authority,
            subject=start.subject,
            person_id=start.person_id,
            started_on=start.started_on,
            due_on=row[6],
            accountable=start.accountable,
        )
        clock._state.adding = False  # written with the batch's rows
        clocks.append(clock)
    return clocks


def start_clocks(starts: Sequence[ClockStart]) -> list[Clock]:
    """Start ``starts`` in the caller's transaction. Called by the actions that record the
    events that start clocks (a referral, a strategy discussion...)."""
    writes = Writes()
    clocks = plan_clocks(starts, writes, WriteRun())
    apply(writes)
    return clocks


def start_clock(
    *,
    clock_type: str,
    authority: Agency,
    subject: str,
    started_on: date,
    accountable: User | None,
    person: Person | None = None,
    actor: User | None = None,
) -> Clock:
    """Start one clock: a batch of one."""
    (clock,) = start_clocks(
        [
            ClockStart(
                clock_type=clock_type,
                authority=authority,
                subject=subject,
                started_on=started_on,
                accountable=accountable,
                person_id=person.pk if person is not None else None,
                actor=actor,
            )
        ]
    )
    return clock


@dataclass(frozen=True)
class ClockMeeting:
    """A clock met: the work it timed was done on ``met_on``."""

    clock: Clock
    met_on: date
    actor: User | None = None
    about: object = None  # the record whose audit entries this clock's entry joins


def plan_clock_meetings(meetings: Sequence[ClockMeeting], writes: Writes) -> list[Clock]:
    """Add the changes and audit entries that meet ``meetings`` to ``writes``, in order:
    a clock no longer open (met or stopped already, or earlier in the list) is left as it
    is. The clocks are marked met at once, so that later planning sees them met; their
    rows change once the batch's new rows are written, so a clock started in the same batch
    can be met in it. Nothing is planned if one would be met before it started."""
    if any(m.clock.is_open and m.met_on < m.clock.started_on for m in meetings):
        raise ValidationError({"met_on": ["The clock cannot be met before it started"]})
    met: list[Clock] = []
    for meeting in meetings:
        clock = meeting.clock
        if not clock.is_open:
            continue
        clock.met_on = meeting.met_on
        met.append(clock)
        writes.audit(
            PendingEntry(
                AuditVerb.CLOCK_MET,
                actor=meeting.actor,
                target_type=TargetType.CLOCK,
                target_id=clock.pk,
                payload={
                    "met_on": meeting.met_on.isoformat(),
                    "late": meeting.met_on > clock.due_on,
                },
            ),
            about=meeting.about,
        )
    rows = [(clock.pk, clock.met_on) for clock in met]
    writes.then(lambda: update(Clock, ["met_on"], rows))
    return met


def meet_clocks(meetings: Sequence[ClockMeeting]) -> list[Clock]:
    """Meet ``meetings`` in the caller's transaction; the clocks that were open."""
    writes = Writes()
    met = plan_clock_meetings(meetings, writes)
    apply(writes)
    return met


def meet_clock(*, clock: Clock, met_on: date, actor: User | None = None) -> Clock:
    """Stop a clock because the work was done, on ``met_on``: a batch of one."""
    meet_clocks([ClockMeeting(clock, met_on, actor)])
    return clock


def open_clocks_of(subjects: Iterable[str], clock_type: str) -> dict[str, list[Clock]]:
    """The open clocks of ``clock_type`` running on each of ``subjects``, oldest first."""
    found: dict[str, list[Clock]] = {}
    for chunk in in_chunks(list(dict.fromkeys(subjects))):
        for clock in Clock.objects.filter(
            subject__in=chunk, clock_type=clock_type, met_on__isnull=True, cancelled_on__isnull=True
        ).order_by("pk"):
            found.setdefault(clock.subject, []).append(clock)
    return found


def meet_clocks_for(*, subject: str, clock_type: str, met_on: date, actor: User | None) -> int:
    clocks = open_clocks_of([subject], clock_type).get(subject, [])
    return len(meet_clocks([ClockMeeting(clock, met_on, actor) for clock in clocks]))


@dataclass(frozen=True)
class ClockStop:
    """A clock stopped because it no longer applies (the work was closed another way)."""

    clock: Clock
    on: date
    reason: str
    actor: User | None = None
    about: object = None


def plan_clock_stops(stops: Sequence[ClockStop], writes: Writes) -> list[Clock]:
    """Add the changes and audit entries that stop ``stops`` to ``writes``, in order, as
    plan_clock_meetings meets clocks."""
    stopped: list[Clock] = []
    for stop in stops:
        clock = stop.clock
        if not clock.is_open:
            continue
        clock.cancelled_on = stop.on
        stopped.append(clock)
        writes.audit(
            PendingEntry(
                AuditVerb.CLOCK_STOPPED,
                actor=stop.actor,
                target_type=TargetType.CLOCK,
                target_id=clock.pk,
                reason=stop.reason,
            ),
            about=stop.about,
        )
    rows = [(clock.pk, clock.cancelled_on) for clock in stopped]
    writes.then(lambda: update(Clock, ["cancelled_on"], rows))
    return stopped


def stop_clock(*, clock: Clock, on: date, actor: User | None, reason: str) -> Clock:
    """Stop a clock that no longer applies: a batch of one."""
    writes = Writes()
    plan_clock_stops([ClockStop(clock, on, reason, actor)], writes)
    apply(writes)
    return clock


@dataclass(frozen=True)
class RecomputeResult:
    clocks_updated: int
    start_dates: int


def set_clock_limit(
    *, actor: User | None, authority: Agency, clock_type: str, amount: int, unit: str
) -> RecomputeResult:
    """Set an authority's limit and recompute the due date of every open clock of that type.

    A due date depends only on the start date, so the due date of each distinct start date
    is worked out once, and the open clocks are updated by joining them to that list of
    (start, due) pairs: a few statements for a million clocks, not one per clock or per
    start date."""
    if actor is not None and actor.role not in ADMIN_ROLES | {Role.TEAM_MANAGER}:
        raise PermissionDenied("Only an administrator or team manager can change clock limits")
    if clock_type not in DEFAULT_LIMITS:
        raise ValidationError({"clock_type": [f"Unknown clock '{clock_type}'"]})
    if unit not in Unit.values:
        raise ValidationError({"unit": ["Choose working days, days, weeks or months"]})
    if amount < 0 or amount > 3650:
        raise ValidationError({"amount": ["Enter a limit between 0 and 3,650"]})
    limit = Limit(amount, unit)
    with transaction.atomic():
        ClockLimit.objects.update_or_create(
            authority=authority,
            clock_type=clock_type,
            defaults={"amount": amount, "unit": unit, "changed_at": timezone.now()},
        )
        open_clocks = Clock.objects.filter(
            authority=authority,
            clock_type=clock_type,
            met_on__isnull=True,
            cancelled_on__isnull=True,
        )
        starts = list(open_clocks.values_list("started_on", flat=True).distinct())
        updated = _recompute_due_dates(authority, clock_type, limit, starts)
        record(
            AuditVerb.CLOCK_LIMIT_CHANGED,
            actor=actor,
            target_type=TargetType.AGENCY,
            target_id=authority.code,
            payload={
                "type": clock_type,
                "amount": amount,
                "unit": unit,
                "clocks_recomputed": updated,
            },
        )
    return RecomputeResult(clocks_updated=updated, start_dates=len(starts))


def _recompute_due_dates(
    authority: Agency, clock_type: str, limit: Limit, starts: list[date]
) -> int:
    """Set the due date of every open clock of the type at the authority from its start
    date, with one UPDATE ... FROM (VALUES ...) per chunk of start dates (PostgreSQL, and
    SQLite since 3.33). Dates are sent as ISO text: SQLite stores them so, and PostgreSQL
    casts them."""
    table = connection.ops.quote_name(Clock._meta.db_table)
    cast = "::date" if connection.vendor == "postgresql" else ""
    updated = 0
    with connection.cursor() as cursor:
        for chunk in batched(starts, DUE_DATES_PER_UPDATE):
            values = ", ".join([f"(%s{cast}, %s{cast})"] * len(chunk))
            params: list[str | int] = []
            for start in chunk:
                params += [start.isoformat(), limit.due(start).isoformat()]
            # Only the model's table name and placeholders are formatted in; values are
            # parameters. A VALUES list's columns are column1 and column2 on both databases.
            cursor.execute(
                f"UPDATE {table} SET due_on = due.column2 FROM (VALUES {values}) AS due "  # noqa: S608 - the model's table name and placeholders only
                f"WHERE {table}.authority_id = %s AND {table}.clock_type = %s "
                f"AND {table}.met_on IS NULL AND {table}.cancelled_on IS NULL "
                f"AND {table}.started_on = due.column1",
                [*params, authority.pk, clock_type],
            )
            updated += cursor.rowcount
    return updated


def explain_delay(*, actor: User, clock: Clock, reason: str) -> Clock:
    """Record why a clock was missed: asked of the accountable professional."""
    reason = reason.strip()
    if len(reason) < DELAY_REASON_MIN_LENGTH:
        raise ValidationError(
            {"reason": [f"Explain the delay in at least {DELAY_REASON_MIN_LENGTH} characters"]}
        )
    if actor.pk != clock.accountable_id and actor.role not in {Role.TEAM_MANAGER}:
        raise PermissionDenied("Only the accountable professional or a manager can explain")
    Clock.objects.filter(pk=clock.pk).update(delay_reason=reason)
    clock.delay_reason = reason
    record(
        AuditVerb.CLOCK_DELAY_EXPLAINED,
        actor=actor,
        target_type=TargetType.CLOCK,
        target_id=clock.pk,
        reason=reason,
    )
    return clock


@dataclass(frozen=True)
class EscalationResult:
    reminded: int
    escalated: int


def escalate_clocks(today: date | None = None) -> EscalationResult:
    """Remind the accountable professional one working day before a clock is due; when it is
    missed, tell their manager and the authority's designated senior manager and ask for a
    reason. Idempotent: each clock is reminded and escalated once. Run it every morning.

    Clocks are taken ESCALATION_BATCH at a time, each batch in one transaction: claimed by
    a conditional update of the rows locked (of two workers, each claims only the clocks
    the other has not), then told and audited in a few statements."""
    today = today or timezone.localdate()
    open_clocks = Clock.objects.filter(met_on__isnull=True, cancelled_on__isnull=True)
    due_by = add_working_days(today, 1)
    to_remind = [
        pk
        for pk, due_on in open_clocks.filter(
            reminded_at__isnull=True, due_on__lte=due_by, due_on__gte=today
        )
        .order_by("due_on", "pk")
        .values_list("pk", "due_on")
        if today >= previous_working_day(due_on)
    ]
    reminded = sum(_remind(batch) for batch in batched(to_remind, ESCALATION_BATCH))
    to_escalate = list(
        open_clocks.filter(escalated_at__isnull=True, due_on__lt=today)
        .order_by("due_on", "pk")
        .values_list("pk", flat=True)
    )
    escalated = sum(_escalate(batch) for batch in batched(to_escalate, ESCALATION_BATCH))
    return EscalationResult(reminded=reminded, escalated=escalated)


def _claim(clock_ids: Sequence[int], field: str, related: Sequence[str]) -> list[Clock]:
    """Of ``clock_ids``, the clocks whose ``field`` is still empty, now marked with this
    moment, in the caller's transaction. The rows are locked first, skipping those another
    worker holds (PostgreSQL; SQLite's transaction already holds the write lock), and read
    again once locked, so that a clock another worker has just claimed is left to it."""
    claimed = list(
        Clock.objects.select_for_update(skip_locked=True, of=("self",))
        .filter(pk__in=clock_ids, **{f"{field}__isnull": True})
        .select_related(*related)
        .order_by("due_on", "pk")
    )
    Clock.objects.filter(pk__in=[clock.pk for clock in claimed]).update(**{field: timezone.now()})
    return claimed


def _remind(clock_ids: Sequence[int]) -> int:
    with transaction.atomic():
        clocks = _claim(clock_ids, "reminded_at", ["accountable"])
        notify_each(
            [
                Message(
                    [clock.accountable],
                    subject=f"{clock.get_clock_type_display()} due {clock.due_on:%-d %B %Y}",
                    body=f"The {clock.get_clock_type_display().lower()} you are accountable "
                    f"for is due on {clock.due_on:%A %-d %B %Y}.",
                    link=f"/clocks/{clock.pk}/",
                    digest=due_digest(),
                )
                for clock in clocks
                if clock.accountable is not None
            ]
        )
        record_many(
            [
                PendingEntry(
                    AuditVerb.CLOCK_REMINDER_SENT,
                    actor=None,
                    target_type=TargetType.CLOCK,
                    target_id=clock.pk,
                )
                for clock in clocks
            ]
        )
    return len(clocks)


def due_digest(today: date | None = None) -> Digest:
    """A day's reminders of deadlines about to fall due reach each person as one
    notification, as missed ones do."""
    today = today or timezone.localdate()
    return Digest(
        key=f"due-deadlines:{today.isoformat()}",
        subject="Due soon: {count} deadlines you are accountable for",
        body="{count} deadlines you are accountable for fall due by the next working day. "
        "Your deadlines page lists each, with its child.",
        link="/clocks/",
    )


def missed_digest(today: date | None = None) -> Digest:
    """A day's missed deadlines reach each person as one notification, not one each."""
    today = today or timezone.localdate()
    return Digest(
        key=f"missed-deadlines:{today.isoformat()}",
        subject="Missed: {count} deadlines passed without being met",
        body="{count} deadlines that you, or someone you manage, are accountable for "
        "passed without being met. Each needs the reason for the delay recorded.",
        link="/clocks/",
    )


def _escalate(clock_ids: Sequence[int]) -> int:
    with transaction.atomic():
        clocks = _claim(
            clock_ids,
            "escalated_at",
            ["accountable__manager", "authority__designated_senior_manager"],
        )
        told = {
            clock.pk: [
                user
                for user in (
                    clock.accountable,
                    clock.accountable.manager if clock.accountable else None,
                    clock.authority.designated_senior_manager,
                )
                if user is not None
            ]
            for clock in clocks
        }
        notify_each(
            [
                Message(
                    list(dict.fromkeys(told[clock.pk])),
                    subject=f"Missed: {clock.get_clock_type_display()} was due "
                    f"{clock.due_on:%-d %B %Y}",
                    body=f"A {clock.get_clock_type_display().lower()} was due on "
                    f"{clock.due_on:%A %-d %B %Y} and has not been met. The accountable "
                    "professional is asked to record the reason for the delay.",
                    link=f"/clocks/{clock.pk}/",
                    digest=missed_digest(),
                )
                for clock in clocks
            ]
        )
        record_many(
            [
                PendingEntry(
                    AuditVerb.CLOCK_ESCALATED,
                    actor=None,
                    target_type=TargetType.CLOCK,
                    target_id=clock.pk,
                    payload={"told": [user.pk for user in told[clock.pk]]},
                )
                for clock in clocks
            ]
        )
    return len(clocks)


def open_clocks_q() -> Q:
    return Q(met_on__isnull=True, cancelled_on__isnull=True)
