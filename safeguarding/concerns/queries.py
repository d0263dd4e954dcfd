"""Reads of concerns, through need-to-know and the audit log."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, prefetch_related_objects
from django.db.models.query import ModelIterable
from django.http import Http404
from django.utils import timezone

from safeguarding.access.models import User
from safeguarding.access.policy import does_case_work, visible_person_condition
from safeguarding.access.roles import Role
from safeguarding.access.visibility import Shown, concern_item, shown_to
from safeguarding.audit.chain import record
from safeguarding.audit.verbs import AuditVerb
from safeguarding.audit.vocabulary import TargetType
from safeguarding.concerns.models import Concern, ConcernPerson
from safeguarding.people.models import Person


def redact(user: User, concern: Concern) -> Concern:
    """``concern`` as ``user`` may see it (access.visibility): another agency's content
    that ``user`` sees only in summary becomes which agency was involved and when. The
    instance is marked ``shown`` ("full" or "summary"); a summary is never saved."""
    shown = shown_to(
        user, concern_item(concern.agency.kind), recorded_by_agency_id=concern.agency_id
    )
    concern.shown = str(shown)  # type: ignore[attr-defined]  # read by templates and tests
    if shown != Shown.FULL:
        concern.summary = (
            f"{concern.agency.name} were involved on "
            f"{timezone.localtime(concern.recorded_at):%-d %B %Y}."
        )
        concern.agency_record_id = ""
        concern.disclosed_on = None
        concern.disclosed_time = None
        concern.save = _refuse_save  # type: ignore[method-assign]  # a redacted copy
    return concern


def _refuse_save(*args: Any, **kwargs: Any) -> None:
    raise RuntimeError("A concern shown in summary is not the record: never save it")


class _RedactedFor(ModelIterable):  # type: ignore[type-arg]  # generic only in the stubs
    """Yields each concern as the queryset's viewer may see it."""

    def __iter__(self) -> Iterator[Concern]:
        viewer: User = self.queryset._hints["viewer"]  # type: ignore[attr-defined]  # set by concerns_about
        for concern in super().__iter__():
            yield redact(viewer, concern)


def concerns_about(user: User, person: Person) -> QuerySet[Concern]:
    """Every agency's concerns naming ``person``, newest first, for the person's timeline,
    each as ``user`` may see it (redact). The caller has already passed ``person``
    through access_person (and its audit)."""
    concerns = (
        Concern.objects.filter(involvements__person=person)
        .select_related("agency", "local_authority")
        .prefetch_related(
            Prefetch(
                "involvements",
                queryset=ConcernPerson.objects.filter(person=person),
                to_attr="roles_of_person",
            )
        )
        .distinct()
        .order_by("-recorded_at")
    )
    # Kept through every later filter, slice and count the callers make (a queryset's
    # clones share its hints and its iterable class).
    concerns._hints["viewer"] = user  # type: ignore[attr-defined]  # private, not in the stubs
    concerns._iterable_class = _RedactedFor
    return concerns


def visible_concerns(user: User) -> QuerySet[Concern]:
    """Concerns the user's agency recorded, and concerns naming at least one person
    ``user`` may see. (An agency whose concern was joined to a person held elsewhere
    holds no record on that person, but sees its own concern.) A semi-join (EXISTS), not a
    join made unique with DISTINCT: DISTINCT over every column would make the database
    sort every matching concern before it could apply an ORDER BY ... LIMIT.

    Each involvement's person is checked on its own (EXISTS on that person), not looked
    for in the list of everyone the user may see: given ``person_id IN (that list)``,
    SQLite searches the (person, concern) index once per listed person for every concern
    it considers, thousands of searches per concern (17 to 27 s for the MASH's home page
    on the demo). Checked per involvement, a concern costs a few indexed look-ups on any
    database."""
    person_visible = Person.objects.filter(visible_person_condition(user), pk=OuterRef("person_id"))
    names_visible = Exists(
        ConcernPerson.objects.filter(Exists(person_visible), concern=OuterRef("pk"))
    )
    if not does_case_work(user):
        return Concern.objects.filter(names_visible)
    return Concern.objects.filter(Q(agency_id=user.agency_id) | Q(names_visible))


def access_concern(user: User, concern_id: uuid.UUID | str, *, purpose: str) -> Concern:
    try:
        key = uuid.UUID(str(concern_id))
    except ValueError as error:
        raise Http404 from error
    concern = visible_concerns(user).filter(pk=key).select_related("agency").first()
    if concern is None:
        raise Http404
    concern = redact(user, concern)
    record(
        AuditVerb.CONCERN_VIEWED,
        actor=user,
        target_type=TargetType.CONCERN,
        target_id=concern.pk,
        reason=purpose,
    )
    return concern


def recent_concerns_for_home(user: User, *, limit: int = 10) -> list[Concern]:
    """The latest concerns about people the user may see or, for the MASH, the latest
    its area received."""
    if user.agency_id is None:
        return []
    base = visible_concerns(user).select_related("agency")
    if user.role == Role.MASH_TRIAGE:
        # What the MASH received: its area's concerns, and its own, each read from its
        # index by date rather than found through every person it may see, and the two
        # merged. Asked for either in one statement, SQLite reads every concern of the
        # area through both indexes and sorts them all.
        latest: dict[uuid.UUID, Concern] = {}
        for received in (Q(local_authority_id=user.agency_id), Q(agency_id=user.agency_id)):
            latest |= {c.pk: c for c in base.filter(received).order_by("-recorded_at")[:limit]}
        concerns = sorted(latest.values(), key=lambda c: c.recorded_at, reverse=True)[:limit]
    else:
        concerns = list(base.order_by("-recorded_at")[:limit])
    # The page names each concern's people, read at once, not concern by concern: only
    # those the user may see. A concern seen through one child may name others (a sibling,
    # an adult) whom the user's agency holds nothing on.
    person_visible = Person.objects.filter(visible_person_condition(user), pk=OuterRef("person_id"))
    prefetch_related_objects(
        concerns,
        Prefetch(
            "involvements",
            queryset=ConcernPerson.objects.filter(Exists(person_visible)).select_related("person"),
        ),
    )
    if concerns:
        record(
            AuditVerb.CONCERNS_LISTED,
            actor=user,
            target_type=TargetType.CONCERN_LIST,
            target_id="home",
            payload={
                "concerns": [str(concern.pk) for concern in concerns],
                # Everyone the page names, so that the log shows whose names were read.
                "persons": sorted(
                    {
                        str(involvement.person_id)
                        for concern in concerns
                        for involvement in concern.involvements.all()
                    }
                ),
            },
        )
    return concerns
