"""Every write of the linkage app: linking runs, merges, review decisions, undo, export.

A run scores pairs with the engine (outside any transaction: it can take minutes), then in
one transaction merges the pairs at or above the automatic threshold, queues those between
the two thresholds for review, records which person every agency's record resolved to, and
writes one audit entry."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.http import Http404
from django.utils import timezone

from safeguarding.access.models import User
from safeguarding.access.policy import may_see_person
from safeguarding.access.roles import CASE_WORK_ROLES, Role
from safeguarding.audit.chain import record
from safeguarding.audit.verbs import AuditVerb
from safeguarding.audit.vocabulary import LegalBasis, TargetType
from safeguarding.govuk.csvfiles import csv_writer
from safeguarding.linkage.components import DisjointSets
from safeguarding.linkage.engine import (
    DEFAULT_AUTO_MATCH_PROBABILITY,
    DEFAULT_REVIEW_PROBABILITY,
    Backend,
    Engine,
    ScoredPair,
    scored_pairs,
)
from safeguarding.linkage.merging import merge_many, snapshot_person, undo_rows
from safeguarding.linkage.models import (
    CandidatePair,
    LinkageModel,
    LinkageRun,
    Merge,
    ResolvedRecord,
)
from safeguarding.linkage.policy import reviews_matches
from safeguarding.linkage.records import records_for
from safeguarding.notifications.actions import notify_users
from safeguarding.people.models import AgencyRecord, Person
from safeguarding.writes.rows import in_chunks

Progress = Callable[[str], None]
# Pairs and merges per INSERT.
BATCH_SIZE = 1000
EXPORT_COLUMNS = ("agency_code", "agency_record_id", "source_person_id", "person_id")


def thresholds() -> tuple[float, float]:
    """(automatic merge, review) match probabilities, from settings when set there."""
    auto = float(
        getattr(settings, "LINKAGE_AUTO_MATCH_PROBABILITY", DEFAULT_AUTO_MATCH_PROBABILITY)
    )
    review = float(getattr(settings, "LINKAGE_REVIEW_PROBABILITY", DEFAULT_REVIEW_PROBABILITY))
    return auto, review


def _ordered(a: str | uuid.UUID, b: str | uuid.UUID) -> tuple[uuid.UUID, uuid.UUID]:
    first, second = uuid.UUID(str(a)), uuid.UUID(str(b))
    return (first, second) if str(first) < str(second) else (second, first)


def _evidence(pair: ScoredPair) -> list[dict[str, Any]]:
    return [
        {
            "comparison": outcome.comparison,
            "level": outcome.level,
            "match_weight": outcome.match_weight,
            "agreed": outcome.agreed,
        }
        for outcome in pair.outcomes
    ]


@dataclass(frozen=True)
class RunOptions:
    backend: Backend = "duckdb"
    retrain: bool = False
    auto_match_probability: float | None = None
    review_probability: float | None = None
    spark: Any = None


def _unresolved_records() -> list[tuple[int, str, uuid.UUID]]:
    """(agency id, agency record id, person id) of agency records not yet resolved."""
    resolved = ResolvedRecord.objects.filter(
        agency_id=OuterRef("agency_id"), person_id=OuterRef("person_id")
    )
    return list(
        AgencyRecord.objects.filter(~Exists(resolved))
        .order_by("pk")
        .values_list("agency_id", "agency_record_id", "person_id")
    )


def run_linkage(
    *, actor: User | None, options: RunOptions | None = None, progress: Progress | None = None
) -> LinkageRun:
    """Link agencies' records of people. The first run (or ``retrain``) trains a model on
    every record and compares them all; later runs compare only new records with the
    resolved ones and with each other, using the stored model."""
    options = options or RunOptions()
    say = progress or (lambda _message: None)
    auto, review = thresholds()
    auto = options.auto_match_probability or auto
    review = options.review_probability or review
    if not 0 < review <= auto <= 1:
        raise ValidationError("The review threshold must be above 0 and at most the automatic one")
    unresolved = _unresolved_records()
    new_ids = {str(person_id) for _, _, person_id in unresolved}
    stored = LinkageModel.objects.first()
    full = options.retrain or stored is None
    resolved_ids: set[str] = set()
    resolved_rows: list[dict[str, Any]] = []
    new_rows: list[dict[str, Any]] = []
    pairs: list[ScoredPair] = []
    model_parameters: dict[str, Any]
    with Engine.open(options.backend, spark=options.spark) as engine:
        if full:
            say("Reading every person's details")
            everyone = records_for(None)
            new_ids = {row["unique_id"] for row in everyone}
            if len(everyone) < 2:
                raise ValidationError("There are too few people to train a linkage model")
            table = engine.register(everyone)
            say(f"Training the model on {len(everyone):,} records")
            model_parameters = engine.train(table)
            say("Scoring pairs")
            linker, predictions = engine.predict(table, model_parameters, threshold=review)
            pairs = scored_pairs(linker, predictions)
        else:
            assert stored is not None
            model_parameters = stored.parameters
            resolved_ids = {
                str(person_id)
                for person_id in ResolvedRecord.objects.values_list("person_id", flat=True)
            } - new_ids
            if new_ids:
                say(f"Reading {len(new_ids):,} new and {len(resolved_ids):,} resolved records")
                everyone = records_for(None)
                new_rows = [row for row in everyone if row["unique_id"] in new_ids]
                resolved_rows = [row for row in everyone if row["unique_id"] in resolved_ids]
            if new_ids and resolved_rows:
                new_table = engine.register(new_rows)
                resolved_table = engine.register(resolved_rows)
                say("Scoring new records against resolved ones")
                pairs = engine.predict_new(
                    resolved_table, new_table, model_parameters, threshold=review
                )
            elif len(new_ids) > 1:
                new_table = engine.register(new_rows)
                linker, predictions = engine.predict(new_table, model_parameters, threshold=review)
                pairs = scored_pairs(linker, predictions)
    say(f"Deciding {len(pairs):,} scored pairs")
    with transaction.atomic():
        if full:
            stored = LinkageModel.objects.create(
                backend=options.backend,
                records_trained_on=len(new_ids),
                parameters=model_parameters,
            )
        assert stored is not None
        run = LinkageRun.objects.create(
            mode=LinkageRun.Mode.FULL if full else LinkageRun.Mode.INCREMENTAL,
            backend=options.backend,
            model=stored,
            new_records=len(new_ids),
            resolved_records=len(resolved_ids),
            pairs_scored=len(pairs),
            auto_match_probability=auto,
            review_probability=review,
        )
        ResolvedRecord.objects.bulk_create(
            [
                ResolvedRecord(
                    agency_id=agency_id,
                    agency_record_id=record_id,
                    original_person_id=person_id,
                    person_id=person_id,
                    run=run,
                )
                for agency_id, record_id, person_id in unresolved
            ],
            ignore_conflicts=True,
        )
        merges, queued = _decide(run, pairs, resolved_ids=resolved_ids, auto=auto)
        run.merges, run.queued_for_review = len(merges), queued
        run.finished_at = timezone.now()
        run.save(update_fields=["merges", "queued_for_review", "finished_at"])
        record(
            AuditVerb.LINKAGE_RUN,
            actor=actor,
            target_type=TargetType.LINKAGE_RUN,
            target_id=run.pk,
            payload={
                "mode": run.mode,
                "backend": run.backend,
                "new_records": run.new_records,
                "resolved_records": run.resolved_records,
                "pairs_scored": run.pairs_scored,
                "merges": [str(merge.pk) for merge in merges],
                "queued_for_review": queued,
                "thresholds": [auto, review],
            },
        )
    return run


def _decide(
    run: LinkageRun, pairs: list[ScoredPair], *, resolved_ids: set[str], auto: float
) -> tuple[list[Merge], int]:
    """Merge confident pairs, queue the rest. Two people already resolved are never merged
    automatically through a new record that resembles both: that goes to review."""
    known = {
        (str(a), str(b)): status
        for a, b, status in CandidatePair.objects.values_list(
            "person_a_id", "person_b_id", "status"
        )
    }
    groups = DisjointSets()
    confident: list[ScoredPair] = []
    unsure: list[ScoredPair] = []
    for pair in sorted(pairs, key=lambda scored: -scored.match_probability):
        key = tuple(str(part) for part in _ordered(pair.left_id, pair.right_id))
        if key in known:
            continue  # decided or queued before: a rejection keeps them apart for good
        (confident if pair.match_probability >= auto else unsure).append(pair)
    components: dict[str, list[ScoredPair]] = {}
    for pair in confident:
        groups.union(pair.left_id, pair.right_id)
    for pair in confident:
        components.setdefault(groups.find(pair.left_id), []).append(pair)
    mergeable: list[tuple[set[str], list[ScoredPair]]] = []
    for members in components.values():
        people = {pair.left_id for pair in members} | {pair.right_id for pair in members}
        if len(people & resolved_ids) > 1:
            unsure.extend(members)
            continue
        mergeable.append((people, members))
    # Every component at once: its people read together, then merged in one pass.
    everyone = _people({person for people, _ in mergeable for person in people})
    planned: list[tuple[Person, Person, CandidatePair]] = []
    # A pair absorbing both its people (into a third) is stored once.
    stored: dict[tuple[uuid.UUID, uuid.UUID], CandidatePair] = {}
    for people, members in mergeable:
        survivor = _survivor_of([everyone[p] for p in people if p in everyone])
        absorbed_by_pair: dict[str, ScoredPair] = {}
        for pair in members:
            for person_id in (pair.left_id, pair.right_id):
                if person_id != str(survivor.pk):
                    absorbed_by_pair.setdefault(person_id, pair)
        for person_id, pair in absorbed_by_pair.items():
            ordered = _ordered(pair.left_id, pair.right_id)
            if ordered not in stored:
                stored[ordered] = _pair(run, pair, CandidatePair.Status.MERGED_AUTOMATICALLY)
            planned.append((survivor, everyone[person_id], stored[ordered]))
    CandidatePair.objects.bulk_create(stored.values(), batch_size=BATCH_SIZE)
    merges = _merge_many(
        [(survivor, absorbed, pair) for survivor, absorbed, pair in planned],
        actor=None,
        automatic=True,
    )
    queued = 0
    seen: set[tuple[str, ...]] = set()
    for pair in unsure:
        key = tuple(str(part) for part in _ordered(pair.left_id, pair.right_id))
        if key in seen:
            continue
        seen.add(key)
        if Person.objects.filter(pk__in=key).count() != 2:
            continue
        _store_pair(run, pair, CandidatePair.Status.PENDING)
        queued += 1
    return merges, queued


def _survivor(person_ids: Iterable[str]) -> Person:
    """The person recorded first survives, so older references stay where they are."""
    return _survivor_of(list(_people(set(map(str, person_ids))).values()))


def _survivor_of(people: list[Person]) -> Person:
    if not people:
        raise ValidationError("The people to merge no longer exist")
    return min(people, key=lambda person: (person.created_at, person.pk))


def _people(person_ids: set[str]) -> dict[str, Person]:
    """The people that exist among ``person_ids``, by id as text."""
    found: dict[str, Person] = {}
    for chunk in in_chunks(sorted(person_ids)):
        found.update((str(person.pk), person) for person in Person.objects.filter(pk__in=chunk))
    return found


def _pair(run: LinkageRun, pair: ScoredPair, status: str) -> CandidatePair:
    """A new pair, not yet saved."""
    first, second = _ordered(pair.left_id, pair.right_id)
    return CandidatePair(
        person_a_id=first,
        person_b_id=second,
        match_probability=pair.match_probability,
        match_weight=pair.match_weight,
        evidence=_evidence(pair),
        status=status,
        run=run,
    )


def _store_pair(run: LinkageRun, pair: ScoredPair, status: str) -> CandidatePair:
    first, second = _ordered(pair.left_id, pair.right_id)
    stored, _ = CandidatePair.objects.update_or_create(
        person_a_id=first,
        person_b_id=second,
        defaults={
            "match_probability": pair.match_probability,
            "match_weight": pair.match_weight,
            "evidence": _evidence(pair),
            "status": status,
            "run": run,
        },
    )
    return stored


def _merge(
    survivor: Person,
    absorbed: Person,
    *,
    pair: CandidatePair | None,
    actor: User | None,
    automatic: bool,
) -> Merge:
    (merge,) = _merge_many([(survivor, absorbed, pair)], actor=actor, automatic=automatic)
    return merge


def _merge_many(
    planned: list[tuple[Person, Person, CandidatePair | None]],
    *,
    actor: User | None,
    automatic: bool,
) -> list[Merge]:
    """Merge each (survivor, absorbed, pair) in turn, each absorbed person as it stood."""
    merges = [
        Merge(
            survivor_id=survivor.pk,
            absorbed_id=absorbed.pk,
            absorbed_snapshot=snapshot_person(absorbed),
            pair=pair,
            automatic=automatic,
            merged_by=actor,
        )
        for survivor, absorbed, pair in planned
    ]
    Merge.objects.bulk_create(merges, batch_size=BATCH_SIZE)
    merge_many(
        [
            (merge, survivor, absorbed)
            for merge, (survivor, absorbed, _) in zip(merges, planned, strict=True)
        ]
    )
    return merges


def _reviewer(actor: User) -> User:
    if not reviews_matches(actor):
        raise PermissionDenied("Your role does not review possible matches")
    return actor


def _pending_pair_for(actor: User, pair_id: uuid.UUID | str) -> CandidatePair:
    """The pending pair, locked; Http404 unless the actor may see both people."""
    try:
        key = uuid.UUID(str(pair_id))
    except ValueError as error:
        raise Http404 from error
    pair = CandidatePair.objects.select_for_update().filter(pk=key).first()
    if pair is None or not (
        may_see_person(actor, pair.person_a_id) and may_see_person(actor, pair.person_b_id)
    ):
        raise Http404
    if pair.status != CandidatePair.Status.PENDING:
        raise ValidationError({"decision": "This possible match has already been decided"})
    return pair


@transaction.atomic
def confirm_match(*, actor: User, pair_id: uuid.UUID | str) -> Merge:
    """The two people are one: merge them into the one recorded first."""
    _reviewer(actor)
    pair = _pending_pair_for(actor, pair_id)
    survivor = _survivor([str(pair.person_a_id), str(pair.person_b_id)])
    absorbed_id = pair.person_b_id if survivor.pk == pair.person_a_id else pair.person_a_id
    absorbed = Person.objects.get(pk=absorbed_id)
    merge = _merge(survivor, absorbed, pair=pair, actor=actor, automatic=False)
    pair.status = CandidatePair.Status.CONFIRMED
    pair.decided_by, pair.decided_at = actor, timezone.now()
    pair.save(update_fields=["status", "decided_by", "decided_at"])
    record(
        AuditVerb.MATCH_CONFIRMED,
        actor=actor,
        target_type=TargetType.MATCH,
        target_id=pair.pk,
        payload={
            "merge": str(merge.pk),
            "survivor": str(survivor.pk),
            "absorbed": str(absorbed_id),
            "match_probability": pair.match_probability,
            "moves": merge.moves.count(),
        },
    )
    return merge


@transaction.atomic
def reject_match(*, actor: User, pair_id: uuid.UUID | str) -> CandidatePair:
    """The two people are different: keep them apart in every later run."""
    _reviewer(actor)
    pair = _pending_pair_for(actor, pair_id)
    pair.status = CandidatePair.Status.REJECTED
    pair.decided_by, pair.decided_at = actor, timezone.now()
    pair.save(update_fields=["status", "decided_by", "decided_at"])
    record(
        AuditVerb.MATCH_REJECTED,
        actor=actor,
        target_type=TargetType.MATCH,
        target_id=pair.pk,
        payload={
            "people": [str(pair.person_a_id), str(pair.person_b_id)],
            "match_probability": pair.match_probability,
        },
    )
    return pair


UNDO_REASON_MIN_LENGTH = 10
UNDO_REASON_MAX_LENGTH = 2_000
# At each agency holding one of the records, the staff told of an undone merge: those who
# answer for the agency's records; where it has none, every member of staff doing case
# work there, so that no holding agency goes untold.
UNDO_TOLD_ROLES = frozenset(
    {Role.TEAM_MANAGER, Role.DESIGNATED_SAFEGUARDING_LEAD, Role.MASH_TRIAGE}
)


def _undo_reason_errors(reason: str) -> list[str]:
    if len(reason) < UNDO_REASON_MIN_LENGTH:
        return [f"Explain why the merge was wrong, in at least {UNDO_REASON_MIN_LENGTH} characters"]
    if len(reason) > UNDO_REASON_MAX_LENGTH:
        return [f"The reason must be {UNDO_REASON_MAX_LENGTH:,} characters or fewer"]
    return []


def _tell_holding_agencies(actor: User, merge: Merge, reason: str) -> int:
    """Tell each agency holding either record that they are two people again."""
    agency_ids = set(
        AgencyRecord.objects.filter(
            person_id__in=[merge.survivor_id, merge.absorbed_id]
        ).values_list("agency_id", flat=True)
    )
    staff = User.objects.filter(
        agency_id__in=agency_ids, is_active=True, role__in=CASE_WORK_ROLES
    ).exclude(pk=actor.pk)
    by_agency: dict[int, list[User]] = {}
    for user in staff:
        assert user.agency_id is not None
        by_agency.setdefault(user.agency_id, []).append(user)
    recipients = [
        user
        for users in by_agency.values()
        for user in ([u for u in users if u.role in UNDO_TOLD_ROLES] or users)
    ]
    agency = actor.agency.name if actor.agency else "another agency"
    return notify_users(
        recipients,
        subject="A merge of records your agency holds was undone",
        body=(
            f"{actor.get_full_name() or actor.username} ({agency}) found that two records "
            f"joined as one person are two different people, and separated them. "
            f"Their reason: {reason}"
        ),
        link=f"/people/{merge.survivor_id}/",
    )


def undo_merge(*, actor: User, merge_id: uuid.UUID | str, reason: str) -> Merge:
    """Restore the absorbed person and everything the merge moved, for a stated reason.
    Later merges involving the survivor must be undone first. The pair is then recorded as
    two different people, so that the next run does not merge them again, and every agency
    holding either record is told."""
    _reviewer(actor)
    try:
        key = uuid.UUID(str(merge_id))
    except ValueError as error:
        raise Http404 from error
    reason = (reason or "").strip()
    with transaction.atomic():
        merge = Merge.objects.select_for_update().filter(pk=key).first()
        if merge is None or not may_see_person(actor, merge.survivor_id):
            raise Http404
        if merge.is_undone:
            raise ValidationError("This merge has already been undone")
        errors = _undo_reason_errors(reason)
        if errors:
            raise ValidationError({"reason": errors})
        later = Merge.objects.filter(undone_at__isnull=True, merged_at__gt=merge.merged_at).filter(
            survivor_id__in=[merge.survivor_id, merge.absorbed_id]
        ) | Merge.objects.filter(
            undone_at__isnull=True, merged_at__gt=merge.merged_at, absorbed_id=merge.survivor_id
        )
        if later.exists():
            raise ValidationError("A later merge involves this person: undo the later merge first")
        undo_rows(merge)
        merge.undone_at, merge.undone_by, merge.undo_reason = timezone.now(), actor, reason
        merge.save(update_fields=["undone_at", "undone_by", "undo_reason"])
        if merge.pair is not None:
            merge.pair.status = CandidatePair.Status.REJECTED
            merge.pair.decided_by, merge.pair.decided_at = actor, timezone.now()
            merge.pair.save(update_fields=["status", "decided_by", "decided_at"])
        told = _tell_holding_agencies(actor, merge, reason)
        record(
            AuditVerb.MERGE_UNDONE,
            actor=actor,
            target_type=TargetType.MERGE,
            target_id=merge.pk,
            reason=reason,
            legal_basis=LegalBasis.PUBLIC_TASK_SAFEGUARDING,
            payload={
                "survivor": str(merge.survivor_id),
                "restored": str(merge.absorbed_id),
                "automatic": merge.automatic,
                "notified": told,
            },
        )
    return merge


def export_resolution(*, actor: User | None, path: Path) -> int:
    """Write every agency's record of a person with the person it resolved to (CSV with
    EXPORT_COLUMNS); records not yet through a run resolve to their own person. Returns
    the number of rows written. For operators checking accuracy against ground truth."""
    from safeguarding.access.models import Agency

    codes = dict(Agency.objects.values_list("pk", "code"))
    rows = 0
    with transaction.atomic(), path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv_writer(handle)
        writer.writerow(EXPORT_COLUMNS)
        for agency_id, record_id, source, person_id in (
            ResolvedRecord.objects.order_by("pk")
            .values_list("agency_id", "agency_record_id", "original_person_id", "person_id")
            .iterator(chunk_size=5000)
        ):
            writer.writerow((codes[agency_id], record_id, source, person_id))
            rows += 1
        for agency_id, record_id, person_id in _unresolved_records():
            writer.writerow((codes[agency_id], record_id, person_id, person_id))
            rows += 1
        record(
            AuditVerb.LINKAGE_EXPORTED,
            actor=actor,
            target_type=TargetType.LINKAGE_EXPORT,
            payload={"rows": rows, "file": path.name},
        )
    return rows
