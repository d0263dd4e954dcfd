"""Reads for statutory returns: every child an authority worked with in a period.

A return is the authority's own account of its case work, so it reads its own episodes
whole; who may produce it is decided here, and every production is audited by the caller
with the children it names."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date

from django.db.models import Q, QuerySet
from django.utils import timezone

from safeguarding.access.models import Agency, AgencyKind, User
from safeguarding.access.roles import Role
from safeguarding.casework.models import ChildProfile, Episode
from safeguarding.concerns.models import PersonRole
from safeguarding.mash.models import Contact
from safeguarding.people.identifiers import IdentifierScheme
from safeguarding.people.models import Identifier, Person
from safeguarding.writes.rows import in_chunks

# The performance team's work falls to team managers until it has a role of its own.
RETURN_ROLES = frozenset({Role.TEAM_MANAGER})


def may_produce_returns(user: User) -> bool:
    agency = user.agency
    return (
        user.is_active
        and user.role in RETURN_ROLES
        and agency is not None
        and agency.kind == AgencyKind.LOCAL_AUTHORITY
    )


def episodes_in_period(authority: Agency, start: date, end: date) -> QuerySet[Episode]:
    """Episodes open at any time from ``start`` to ``end``, with their parts."""
    return (
        Episode.objects.filter(authority=authority, referral_date__lte=end)
        .filter(Q(closure_date__isnull=True) | Q(closure_date__gte=start))
        .select_related("person")
        .prefetch_related("assessments", "cin_plans", "enquiries", "protection_plans")
        .order_by("person_id", "referral_date", "recorded_at")
    )


def all_episodes(authority: Agency, person_ids: Sequence[uuid.UUID]) -> QuerySet[Episode]:
    return Episode.objects.filter(authority=authority, person_id__in=person_ids).prefetch_related(
        "protection_plans"
    )


def profiles(authority: Agency, person_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, ChildProfile]:
    return {
        p.person_id: p
        for p in ChildProfile.objects.filter(authority=authority, person_id__in=person_ids)
    }


def pupil_numbers(person_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, str]:
    return dict(
        Identifier.objects.filter(
            person_id__in=person_ids, scheme=IdentifierScheme.UNIQUE_PUPIL_NUMBER
        ).values_list("person_id", "value")
    )


def contacts_received(
    authority: Agency, start: date, end: date
) -> list[tuple[date, str, list[uuid.UUID]]]:
    """Contacts the authority's front door received from ``start`` to ``end``: the day,
    the kind of agency that raised the concern, and the children it names."""
    contacts = (
        Contact.objects.filter(
            authority=authority,
            received_at__date__gte=start,
            received_at__date__lte=end,
        )
        .select_related("concern__agency")
        .prefetch_related("concern__involvements")
        .order_by("received_at")
    )
    return [
        (
            timezone.localtime(contact.received_at).date(),
            contact.concern.agency.kind,
            [
                involvement.person_id
                for involvement in contact.concern.involvements.all()
                if involvement.role == PersonRole.CHILD
            ],
        )
        for contact in contacts
    ]


def people(person_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, Person]:
    found: dict[uuid.UUID, Person] = {}
    for chunk in in_chunks(list(person_ids)):
        found.update((p.pk, p) for p in Person.objects.filter(pk__in=chunk))
    return found


def authority_episodes(authority: Agency, up_to: date) -> QuerySet[Episode]:
    """Every episode the authority holds referred on or before ``up_to``, with its parts."""
    return (
        Episode.objects.filter(authority=authority, referral_date__lte=up_to)
        .select_related("person")
        .prefetch_related("assessments", "cin_plans", "enquiries", "protection_plans")
        .order_by("person_id", "referral_date", "recorded_at")
    )
