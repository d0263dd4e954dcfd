"""Every read of linkage data. Pairs and merges name people, so each read applies
need-to-know (both people of a pair must be visible to the reviewer) and is audited."""

from __future__ import annotations

import uuid
from collections import Counter
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404

from safeguarding.access.models import Agency, User
from safeguarding.access.policy import may_see_person
from safeguarding.audit.chain import record
from safeguarding.audit.verbs import AuditVerb
from safeguarding.audit.vocabulary import LegalBasis, TargetType
from safeguarding.linkage.models import CandidatePair, Merge, MergeMove, ResolvedRecord
from safeguarding.linkage.policy import reviews_matches
from safeguarding.people.identifiers import IdentifierScheme
from safeguarding.people.models import AgencyRecord, Identifier, Person, Sex
from safeguarding.people.queries import visible_persons

QUEUE_LENGTH = 100


@dataclass(frozen=True)
class PairForReview:
    pair: CandidatePair
    person_a: Person
    person_b: Person
    # The agencies holding each record, so a reviewer can judge where each came from.
    agencies_a: tuple[str, ...] = ()
    agencies_b: tuple[str, ...] = ()


def _agencies_of(person_ids: set[uuid.UUID]) -> dict[uuid.UUID, tuple[str, ...]]:
    held: dict[uuid.UUID, set[str]] = {person_id: set() for person_id in person_ids}
    for person_id, name in AgencyRecord.objects.filter(person_id__in=person_ids).values_list(
        "person_id", "agency__name"
    ):
        held[person_id].add(name)
    return {person_id: tuple(sorted(names)) for person_id, names in held.items()}


def _reviewer(user: User) -> None:
    if not reviews_matches(user):
        raise PermissionDenied


def _people(ids: set[uuid.UUID]) -> dict[uuid.UUID, Person]:
    return {
        person.pk: person
        for person in Person.objects.filter(pk__in=ids).prefetch_related(
            "other_names", "identifiers", "addresses", "phones"
        )
    }


def review_queue(user: User) -> list[PairForReview]:
    """Pending pairs where ``user`` may see both people, likeliest first; audited."""
    _reviewer(user)
    visible = visible_persons(user).values("pk")
    pairs = list(
        CandidatePair.objects.filter(
            status=CandidatePair.Status.PENDING,
            person_a_id__in=visible,
            person_b_id__in=visible,
        ).order_by("-match_probability", "created_at")[:QUEUE_LENGTH]
    )
    people = _people({pair.person_a_id for pair in pairs} | {pair.person_b_id for pair in pairs})
    shown = [
        PairForReview(pair, people[pair.person_a_id], people[pair.person_b_id])
        for pair in pairs
        if pair.person_a_id in people and pair.person_b_id in people
    ]
    record(
        AuditVerb.MATCH_REVIEW_VIEWED,
        actor=user,
        target_type=TargetType.MATCH_REVIEW_QUEUE,
        payload={"pairs": [str(item.pair.pk) for item in shown]},
    )
    return shown


def access_pair(user: User, pair_id: uuid.UUID | str) -> PairForReview:
    """One pair with both people; Http404 unless ``user`` may see both. Audited."""
    _reviewer(user)
    try:
        key = uuid.UUID(str(pair_id))
    except ValueError as error:
        raise Http404 from error
    pair = CandidatePair.objects.filter(pk=key).first()
    if pair is None or not (
        may_see_person(user, pair.person_a_id) and may_see_person(user, pair.person_b_id)
    ):
        raise Http404
    people = _people({pair.person_a_id, pair.person_b_id})
    if len(people) != 2:
        raise Http404  # one of them was merged away since: the pair no longer stands
    record(
        AuditVerb.MATCH_REVIEW_VIEWED,
        actor=user,
        target_type=TargetType.MATCH,
        target_id=pair.pk,
        legal_basis=LegalBasis.PUBLIC_TASK_SAFEGUARDING,
        payload={"people": [str(pair.person_a_id), str(pair.person_b_id)]},
    )
    agencies = _agencies_of({pair.person_a_id, pair.person_b_id})
    return PairForReview(
        pair,
        people[pair.person_a_id],
        people[pair.person_b_id],
        agencies[pair.person_a_id],
        agencies[pair.person_b_id],
    )


@dataclass(frozen=True)
class MergedRecord:
    """One of the two records a merge joined, as it was: enough to judge the match."""

    name: str
    date_of_birth: date | None
    sex: str
    identifiers: tuple[str, ...]
    agencies: tuple[str, ...]


@dataclass(frozen=True)
class MergeForReview:
    merge: Merge
    survivor: Person
    kept: MergedRecord
    joined: MergedRecord
    may_undo: bool

    @property
    def absorbed_name(self) -> str:
        return self.joined.name

    @property
    def pair(self) -> CandidatePair | None:
        return self.merge.pair

    @property
    def kept_and_joined(self) -> tuple[MergedRecord, MergedRecord]:
        return self.kept, self.joined


def _identifier_text(scheme: str, value: str) -> str:
    return f"{IdentifierScheme(scheme).label}: {value}" if scheme in IdentifierScheme else value


def _merged_records(
    merges: list[Merge], survivors: dict[uuid.UUID, Person]
) -> dict[uuid.UUID, tuple[MergedRecord, MergedRecord]]:
    """Each merge's two records side by side: the joined one from its snapshot and the
    identifiers and agency records the merge moved (or removed as duplicates), the kept
    one from the survivor less what the merge brought in."""
    identifier_label, record_label = Identifier._meta.label, AgencyRecord._meta.label
    moved: dict[uuid.UUID, dict[str, set[str]]] = {}
    removed: dict[uuid.UUID, dict[str, list[dict[str, Any]]]] = {}
    for move in MergeMove.objects.filter(
        merge__in=merges, model_label__in=(identifier_label, record_label)
    ):
        if move.action == MergeMove.Action.MOVED:
            moved.setdefault(move.merge_id, {}).setdefault(move.model_label, set()).add(move.row_pk)
        elif move.action == MergeMove.Action.REMOVED and move.snapshot:
            removed.setdefault(move.merge_id, {}).setdefault(move.model_label, []).extend(
                item["fields"] for item in move.snapshot
            )
    person_ids = {merge.survivor_id for merge in merges}
    identifiers = list(Identifier.objects.filter(person_id__in=person_ids))
    records = list(AgencyRecord.objects.filter(person_id__in=person_ids).select_related("agency"))
    agency_names = dict(Agency.objects.values_list("pk", "name"))
    shown: dict[uuid.UUID, tuple[MergedRecord, MergedRecord]] = {}
    for merge in merges:
        survivor = survivors[merge.survivor_id]
        brought = moved.get(merge.pk, {})
        ids_in, records_in = brought.get(identifier_label, set()), brought.get(record_label, set())
        duplicates = removed.get(merge.pk, {})
        own = [i for i in identifiers if i.person_id == survivor.pk]
        held = [r for r in records if r.person_id == survivor.pk]
        kept = MergedRecord(
            survivor.full_name,
            survivor.date_of_birth,
            survivor.get_sex_display(),
            tuple(_identifier_text(i.scheme, i.value) for i in own if str(i.pk) not in ids_in),
            tuple(sorted({r.agency.name for r in held if str(r.pk) not in records_in})),
        )
        fields = merge.absorbed_snapshot[0]["fields"] if merge.absorbed_snapshot else {}
        born = fields.get("date_of_birth")
        joined = MergedRecord(
            f"{fields.get('given_name', '')} {fields.get('family_name', '')}".strip(),
            date.fromisoformat(born) if born else None,
            Sex(fields["sex"]).label if fields.get("sex") in Sex else "Not known",
            tuple(
                [_identifier_text(i.scheme, i.value) for i in own if str(i.pk) in ids_in]
                + [
                    _identifier_text(row["scheme"], row["value"])
                    for row in duplicates.get(identifier_label, [])
                ]
            ),
            tuple(
                sorted(
                    {r.agency.name for r in held if str(r.pk) in records_in}
                    | {
                        agency_names.get(int(row["agency_id"]), "")
                        for row in duplicates.get(record_label, [])
                    }
                )
            ),
        )
        shown[merge.pk] = (kept, joined)
    return shown


def recent_merges(user: User, *, limit: int = 50) -> list[MergeForReview]:
    """Recent merges into people ``user`` may see, newest first, each with both records
    side by side; audited."""
    _reviewer(user)
    visible = visible_persons(user).values("pk")
    merges = list(
        Merge.objects.filter(survivor_id__in=visible)
        .select_related("pair", "merged_by", "undone_by")
        .order_by("-merged_at")[:limit]
    )
    survivors = _people({merge.survivor_id for merge in merges})
    merges = [merge for merge in merges if merge.survivor_id in survivors]
    sides = _merged_records(merges, survivors)
    shown = [
        MergeForReview(merge, survivors[merge.survivor_id], *sides[merge.pk], not merge.is_undone)
        for merge in merges
    ]
    record(
        AuditVerb.MATCH_REVIEW_VIEWED,
        actor=user,
        target_type=TargetType.MERGE_LIST,
        payload={"merges": [str(item.merge.pk) for item in shown]},
    )
    return shown


def access_merge(user: User, merge_id: uuid.UUID | str) -> MergeForReview:
    """One merge with both records and the evidence; Http404 unless ``user`` may see the
    record kept. Audited."""
    _reviewer(user)
    try:
        key = uuid.UUID(str(merge_id))
    except ValueError as error:
        raise Http404 from error
    merge = Merge.objects.select_related("pair", "merged_by", "undone_by").filter(pk=key).first()
    if merge is None or not may_see_person(user, merge.survivor_id):
        raise Http404
    survivors = _people({merge.survivor_id})
    if not survivors:
        raise Http404
    kept, joined = _merged_records([merge], survivors)[merge.pk]
    record(
        AuditVerb.MATCH_REVIEW_VIEWED,
        actor=user,
        target_type=TargetType.MERGE,
        target_id=merge.pk,
        legal_basis=LegalBasis.PUBLIC_TASK_SAFEGUARDING,
        payload={"people": [str(merge.survivor_id), str(merge.absorbed_id)]},
    )
    return MergeForReview(merge, survivors[merge.survivor_id], kept, joined, not merge.is_undone)


@dataclass(frozen=True)
class AgencyHolding:
    agency_name: str
    records: int
    linked_by_resolution: bool


def known_across_agencies(person: Person) -> list[AgencyHolding]:
    """Which agencies hold records on ``person`` (already opened with access_person, which
    audited the read) and how many: agency names and counts only, never the records."""
    counts: Counter[str] = Counter()
    linked: set[str] = set()
    covered: set[int] = set()
    for agency_id, agency_name, original in ResolvedRecord.objects.filter(
        person=person
    ).values_list("agency_id", "agency__name", "original_person_id"):
        counts[agency_name] += 1
        covered.add(agency_id)
        if original != person.pk:
            linked.add(agency_name)
    for agency_id, agency_name in AgencyRecord.objects.filter(person=person).values_list(
        "agency_id", "agency__name"
    ):
        if agency_id not in covered:
            counts[agency_name] += 1
    return [AgencyHolding(name, counts[name], name in linked) for name in sorted(counts)]
