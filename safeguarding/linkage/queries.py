"""Every read of linkage data. Pairs and merges name people, so each read applies
need-to-know (both people of a pair must be visible to the reviewer) and is audited."""

from __future__ import annotations

import uuid
from collections import Counter
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.http import Http404

from safeguarding.access.models import User
from safeguarding.access.policy import may_see_person
from safeguarding.audit.chain import record
from safeguarding.audit.verbs import AuditVerb
from safeguarding.audit.vocabulary import LegalBasis, TargetType
from safeguarding.linkage.models import CandidatePair, Merge, ResolvedRecord
from safeguarding.linkage.policy import reviews_matches
from safeguarding.people.models import AgencyRecord, Person
from safeguarding.people.queries import visible_persons

QUEUE_LENGTH = 100


@dataclass(frozen=True)
class PairForReview:
    pair: CandidatePair
    person_a: Person
    person_b: Person


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
    return PairForReview(pair, people[pair.person_a_id], people[pair.person_b_id])


@dataclass(frozen=True)
class MergeForReview:
    merge: Merge
    survivor: Person
    absorbed_name: str
    may_undo: bool


def recent_merges(user: User, *, limit: int = 50) -> list[MergeForReview]:
    """Recent merges into people ``user`` may see, newest first; audited."""
    _reviewer(user)
    visible = visible_persons(user).values("pk")
    merges = list(Merge.objects.filter(survivor_id__in=visible).order_by("-merged_at")[:limit])
    survivors = _people({merge.survivor_id for merge in merges})
    shown = []
    for merge in merges:
        if merge.survivor_id not in survivors:
            continue
        fields = merge.absorbed_snapshot[0]["fields"] if merge.absorbed_snapshot else {}
        name = f"{fields.get('given_name', '')} {fields.get('family_name', '')}".strip()
        shown.append(MergeForReview(merge, survivors[merge.survivor_id], name, not merge.is_undone))
    record(
        AuditVerb.MATCH_REVIEW_VIEWED,
        actor=user,
        target_type=TargetType.MERGE_LIST,
        payload={"merges": [str(item.merge.pk) for item in shown]},
    )
    return shown


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
