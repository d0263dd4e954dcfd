"""Every read of a person goes through these gatekeepers: they apply need-to-know and write
the read to the audit log. Views, the API and the CLI never query Person directly."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q, QuerySet
from django.http import Http404
from rapidfuzz import fuzz

from safeguarding.access.models import Agency, User
from safeguarding.access.policy import (
    may_break_glass,
    may_see_person,
    visible_person_condition,
)
from safeguarding.audit.chain import PendingEntry, record, record_many
from safeguarding.audit.verbs import AuditVerb
from safeguarding.audit.vocabulary import LegalBasis, TargetType
from safeguarding.people.identifiers import IdentifierScheme, normalise_identifier
from safeguarding.people.models import AgencyRecord, Identifier, Person, PersonSearchKey
from safeguarding.people.names import fold, phonetic_keys
from safeguarding.writes.rows import in_chunks

# Search results below this score (0-100) are dropped as noise.
MINIMUM_SEARCH_SCORE = 60
MAXIMUM_SEARCH_RESULTS = 50


def visible_persons(user: User) -> QuerySet[Person]:
    """The people ``user`` may see. Lists built on this are audited by their callers."""
    return Person.objects.filter(visible_person_condition(user))


def access_person(user: User, person_id: uuid.UUID | str, *, purpose: str) -> Person:
    """One person for ``user``, audited; Http404 if absent or outside need-to-know, so that
    a refused record is indistinguishable from one that does not exist."""
    try:
        key = uuid.UUID(str(person_id))
    except ValueError as error:
        raise Http404 from error
    person = Person.objects.filter(pk=key).first() if may_see_person(user, key) else None
    if person is None:
        raise Http404
    record_many([person_viewed(user, person, purpose=purpose)])
    return person


def person_viewed(user: User, person: Person, *, purpose: str) -> PendingEntry:
    """The audit entry of ``user`` reading ``person`` for ``purpose``."""
    return PendingEntry(
        AuditVerb.PERSON_VIEWED,
        actor=user,
        target_type=TargetType.PERSON,
        target_id=person.pk,
        reason=purpose,
        legal_basis=LegalBasis.PUBLIC_TASK_SAFEGUARDING,
    )


def people_to_access(user: User, person_ids: Iterable[uuid.UUID | str]) -> dict[uuid.UUID, Person]:
    """The people ``person_ids`` name, by id, for an action of ``user``'s that reads many at
    once and audits each read with person_viewed among its own entries (so that a batch's
    log reads as its items one at a time would). Http404 if any is absent or outside
    need-to-know, as access_person."""
    try:
        keys = {uuid.UUID(str(person_id)) for person_id in person_ids}
    except ValueError as error:
        raise Http404 from error
    found: dict[uuid.UUID, Person] = {}
    for chunk in in_chunks(list(keys)):
        found.update((person.pk, person) for person in visible_persons(user).filter(pk__in=chunk))
    if len(found) != len(keys):
        raise Http404
    return found


def agencies_involved(person: Person) -> list[Agency]:
    """The agencies holding a record on ``person`` (already passed through access_person)."""
    return [
        held.agency
        for held in AgencyRecord.objects.filter(person=person)
        .select_related("agency")
        .order_by("agency__name")
    ]


@dataclass(frozen=True)
class SearchCriteria:
    name: str = ""
    date_of_birth: date | None = None
    identifier: str = ""

    def is_empty(self) -> bool:
        return not (self.name.strip() or self.date_of_birth or self.identifier.strip())

    def fields_used(self) -> list[str]:
        used = []
        if self.name.strip():
            used.append("name")
        if self.date_of_birth:
            used.append("date_of_birth")
        if self.identifier.strip():
            used.append("identifier")
        return used


@dataclass(frozen=True)
class SearchResult:
    person: Person
    score: int


def _identifier_condition(raw: str) -> Q:
    """(scheme, value) pairs the raw text could be, so that the identifier index is used."""
    condition = Q()
    for scheme in IdentifierScheme.values:
        try:
            condition |= Q(scheme=scheme, value=normalise_identifier(scheme, raw))
        except ValidationError:
            continue  # a value invalid in one scheme may fit another
    return condition


def _name_score(query: str, person: Person) -> int:
    names = [person.full_name, f"{person.family_name} {person.given_name}"]
    for other in person.other_names.all():
        # A nickname is usually a given name only: try it with the family name too.
        names += [other.name, f"{other.name} {person.family_name}"]
    folded = fold(query)
    return max(int(fuzz.token_sort_ratio(folded, fold(name))) for name in names)


def search_persons_break_glass(
    user: User, criteria: SearchCriteria, *, reason: str
) -> list[SearchResult]:
    """Search every agency's records, for break-glass. The search and its reason are
    audited; opening a result needs safeguarding.people.grants.grant_break_glass."""
    if not may_break_glass(user):
        raise PermissionDenied("Your role cannot use break-glass access")
    record(
        AuditVerb.BREAK_GLASS_SEARCHED,
        actor=user,
        target_type=TargetType.PERSON_SEARCH,
        reason=reason,
    )
    return search_persons(user, criteria, base=Person.objects.all())


def search_persons(
    user: User, criteria: SearchCriteria, *, base: QuerySet[Person] | None = None
) -> list[SearchResult]:
    """Typo-tolerant search among the people ``user`` may see (or ``base``, for break-glass).

    Candidates share a phonetic key with the name, or have the date of birth (also with day
    and month swapped), or carry the identifier; each is then scored by fuzzy name
    similarity, with bonuses for an exact date of birth or identifier.
    """
    if criteria.is_empty():
        return []
    people = base if base is not None else visible_persons(user)
    candidates = people
    identifier_condition = _identifier_condition(criteria.identifier)
    identifier_values = bool(criteria.identifier.strip()) and bool(identifier_condition)
    if identifier_values:
        candidates = candidates.filter(
            pk__in=Identifier.objects.filter(identifier_condition).values("person_id")
        )
    if criteria.name.strip():
        keys = phonetic_keys(criteria.name)
        candidates = candidates.filter(
            pk__in=PersonSearchKey.objects.filter(key__in=keys).values("person_id")
        )
    if criteria.date_of_birth and not criteria.name.strip() and not identifier_values:
        dob = criteria.date_of_birth
        swapped = [dob]
        if dob.day <= 12:
            with contextlib.suppress(ValueError):
                swapped.append(dob.replace(month=dob.day, day=dob.month))
        candidates = candidates.filter(date_of_birth__in=swapped)

    results: list[SearchResult] = []
    for person in candidates.prefetch_related("other_names")[:2000]:
        score = _name_score(criteria.name, person) if criteria.name.strip() else 70
        if criteria.date_of_birth and person.date_of_birth:
            if person.date_of_birth == criteria.date_of_birth:
                score += 20
            elif (person.date_of_birth.day, person.date_of_birth.month) == (
                criteria.date_of_birth.month,
                criteria.date_of_birth.day,
            ) and person.date_of_birth.year == criteria.date_of_birth.year:
                score += 10
            elif abs(person.date_of_birth.year - criteria.date_of_birth.year) > 2:
                score -= 30
        if identifier_values:
            score += 30
        if score >= MINIMUM_SEARCH_SCORE:
            results.append(SearchResult(person=person, score=min(score, 100)))
    results.sort(key=lambda result: (-result.score, result.person.family_name))
    results = results[:MAXIMUM_SEARCH_RESULTS]
    record(
        AuditVerb.PERSON_SEARCHED,
        actor=user,
        target_type=TargetType.PERSON_SEARCH,
        payload={
            "fields": criteria.fields_used(),
            "results": [str(result.person.pk) for result in results],
            "break_glass": base is not None,
        },
    )
    return results
