"""Reading a child's case work to record more of it: the authority's own episodes and
characteristics, for a member of its staff who does case work and may see the child. The
read is audited as a view of the child (access_person). What other agencies may see of an
authority's case work is read through queries.py."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django.http import Http404

from safeguarding.access.models import Agency, AgencyKind, User
from safeguarding.access.policy import break_glass_only, does_case_work
from safeguarding.casework.models import ChildProfile, Episode
from safeguarding.people.models import Person, PersonKind
from safeguarding.people.queries import access_person


def may_record_case_work(user: User) -> bool:
    """Case work in census codes is the local authority's record: its case-working staff
    keep it."""
    agency = user.agency
    return does_case_work(user) and agency is not None and agency.kind == AgencyKind.LOCAL_AUTHORITY


@dataclass
class CaseWork:
    person: Person
    authority: Agency
    profile: ChildProfile | None
    episodes: list[Episode]
    # Break-glass access reads and never writes.
    read_only: bool

    def episode(self, episode_id: uuid.UUID | str) -> Episode:
        for episode in self.episodes:
            if str(episode.pk) == str(episode_id):
                return episode
        raise Http404


def case_work_of(user: User, person_id: uuid.UUID | str, *, purpose: str) -> CaseWork:
    """The child's case work at ``user``'s authority; Http404 for a person the user may not
    see, who is not a child, or a user whose role keeps no case work."""
    person = access_person(user, person_id, purpose=purpose)
    if person.kind != PersonKind.CHILD or not may_record_case_work(user) or user.agency is None:
        raise Http404
    authority = user.agency
    episodes = list(
        Episode.objects.filter(person=person, authority=authority)
        .prefetch_related("assessments", "cin_plans", "enquiries", "protection_plans")
        .order_by("referral_date", "recorded_at")
    )
    profile = ChildProfile.objects.filter(person=person, authority=authority).first()
    return CaseWork(
        person=person,
        authority=authority,
        profile=profile,
        episodes=episodes,
        read_only=break_glass_only(user, person.pk) is not None,
    )
