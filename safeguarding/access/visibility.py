"""Need-to-know at the level of each item: of a person a user may see, which items they
see in full, in summary ("Northbridge Police were involved on 3 October 2026") or not at
all. Seeing a person (access.policy) opens their record; this table decides what of each
agency's content is on it. The table is written out for people in
docs/developers/visibility.md, and tests/access/test_visibility_matrix.py checks the two
agree and that every gatekeeper applies it.

An agency always sees in full what it recorded itself. The local authority's children's
social care, the lead agency for safeguarding, sees every agency's content in full. Other
agencies see each other's content by need: the police and health share safeguarding
concerns, but health information stays with health, and police intelligence with the
police, unless the authority shares it; schools and voluntary organisations see who else
is involved and when, and the outcome of their own referrals.
"""

from __future__ import annotations

from datetime import date, datetime

from django.db import models
from django.utils import timezone

from safeguarding.access.agency_kinds import AgencyKind
from safeguarding.access.models import User
from safeguarding.access.roles import CASE_WORK_ROLES


class Item(models.TextChoices):
    """The kinds of item on a person's record, by what they hold."""

    CONCERN_SUMMARY = "concern-summary", "Concern summary (a school, charity or council's)"
    POLICE_INTELLIGENCE = "police-intelligence", "Police intelligence (a police concern)"
    HEALTH_INFORMATION = "health-information", "Health information (an NHS concern)"
    MASH_DECISION = "mash-decision", "MASH decision on another agency's referral"
    REFERRAL_OUTCOME = "referral-outcome", "The outcome of one's own referral"
    PATHWAY_EVENT = "pathway-event", "A statutory pathway event and its notes"
    CHRONOLOGY_ANALYSIS = "chronology-analysis", "A practitioner's analysis on a chronology"
    PARTNER_ANSWER = "partner-answer", "A partner's answer to a MASH's information request"
    ASSESSMENT = "assessment", "Case-work assessment: its factors, the child's wishes and feelings"
    HELPLINE_REFERRAL = "helpline-referral", "A helpline referral sent to an agency"


class Shown(models.TextChoices):
    FULL = "full", "In full"
    SUMMARY = "summary", "In summary: which agency was involved, and when"
    NONE = "none", "Not at all"


# The kinds of agency whose staff read records (aggregate-only and audit roles see no
# identifiable record at all: access.policy).
VIEWER_KINDS: tuple[str, ...] = (
    AgencyKind.LOCAL_AUTHORITY,
    AgencyKind.POLICE_FORCE,
    AgencyKind.NHS_BODY,
    AgencyKind.SCHOOL,
    AgencyKind.VOLUNTARY_ORGANISATION,
)

F, S, N = Shown.FULL, Shown.SUMMARY, Shown.NONE
# Item -> viewer's agency kind -> what they see of another agency's item.
MATRIX: dict[str, dict[str, Shown]] = {
    Item.CONCERN_SUMMARY: {
        AgencyKind.LOCAL_AUTHORITY: F,
        AgencyKind.POLICE_FORCE: F,
        AgencyKind.NHS_BODY: F,
        AgencyKind.SCHOOL: S,
        AgencyKind.VOLUNTARY_ORGANISATION: S,
    },
    Item.POLICE_INTELLIGENCE: {
        AgencyKind.LOCAL_AUTHORITY: F,
        AgencyKind.POLICE_FORCE: F,
        AgencyKind.NHS_BODY: S,
        AgencyKind.SCHOOL: S,
        AgencyKind.VOLUNTARY_ORGANISATION: S,
    },
    Item.HEALTH_INFORMATION: {
        AgencyKind.LOCAL_AUTHORITY: F,
        AgencyKind.POLICE_FORCE: S,
        AgencyKind.NHS_BODY: F,
        AgencyKind.SCHOOL: S,
        AgencyKind.VOLUNTARY_ORGANISATION: S,
    },
    Item.MASH_DECISION: {
        AgencyKind.LOCAL_AUTHORITY: F,
        AgencyKind.POLICE_FORCE: N,
        AgencyKind.NHS_BODY: N,
        AgencyKind.SCHOOL: N,
        AgencyKind.VOLUNTARY_ORGANISATION: N,
    },
    # Of the referrals an agency made itself: told to the referrer whatever its kind.
    Item.REFERRAL_OUTCOME: dict.fromkeys(VIEWER_KINDS, F),
    # Conferences, plans and assessments: the statutory partners (police and health sit
    # on conferences) read them; schools and charities learn who was involved, and when.
    Item.PATHWAY_EVENT: {
        AgencyKind.LOCAL_AUTHORITY: F,
        AgencyKind.POLICE_FORCE: F,
        AgencyKind.NHS_BODY: F,
        AgencyKind.SCHOOL: S,
        AgencyKind.VOLUNTARY_ORGANISATION: S,
    },
    # A social worker's analysis weighs every agency's content (police intelligence,
    # health information) together, so only those who read all of it may read it.
    Item.CHRONOLOGY_ANALYSIS: {
        AgencyKind.LOCAL_AUTHORITY: F,
        AgencyKind.POLICE_FORCE: N,
        AgencyKind.NHS_BODY: N,
        AgencyKind.SCHOOL: N,
        AgencyKind.VOLUNTARY_ORGANISATION: N,
    },
    # Told to the asking MASH, never to the other partners it asked.
    Item.PARTNER_ANSWER: {
        AgencyKind.LOCAL_AUTHORITY: F,
        AgencyKind.POLICE_FORCE: N,
        AgencyKind.NHS_BODY: N,
        AgencyKind.SCHOOL: N,
        AgencyKind.VOLUNTARY_ORGANISATION: N,
    },
    Item.ASSESSMENT: {
        AgencyKind.LOCAL_AUTHORITY: F,
        AgencyKind.POLICE_FORCE: S,
        AgencyKind.NHS_BODY: S,
        AgencyKind.SCHOOL: S,
        AgencyKind.VOLUNTARY_ORGANISATION: S,
    },
    # A whistleblower's account, sent to one agency to act on: its own (for the staff who
    # act on referrals, helpline.queries.REFERRAL_ROLES), nobody else's.
    Item.HELPLINE_REFERRAL: dict.fromkeys(VIEWER_KINDS, N),
}

# The item a concern is, by the kind of agency that recorded it.
CONCERN_ITEMS: dict[str, str] = {
    AgencyKind.POLICE_FORCE: Item.POLICE_INTELLIGENCE,
    AgencyKind.NHS_BODY: Item.HEALTH_INFORMATION,
}


def concern_item(recorded_by_kind: str) -> str:
    return CONCERN_ITEMS.get(recorded_by_kind, Item.CONCERN_SUMMARY)


def sees_every_item_in_full(user: User) -> bool:
    """Whether ``user``'s agency reads every agency's items in full (the local authority):
    reports that gather all of them (who knew what) show their content to no one else."""
    return all(
        shown_to(user, item, recorded_by_agency_id=None) == Shown.FULL
        for item in MATRIX
        if item not in (Item.HELPLINE_REFERRAL,)
    )


def involved_on(agency_name: str, when: date | datetime) -> str:
    """An item in summary: which agency was involved, and when."""
    day = timezone.localdate(when) if isinstance(when, datetime) else when
    return f"{agency_name} were involved on {day:%-d %B %Y}."


def shown_to(user: User, item: str, *, recorded_by_agency_id: int | None) -> Shown:
    """What ``user`` sees of ``item``, recorded by the agency ``recorded_by_agency_id``, on
    the record of a person they may see. Their own agency's items are theirs in full."""
    if not user.is_authenticated or user.role not in CASE_WORK_ROLES or user.agency is None:
        return Shown.NONE
    if recorded_by_agency_id is not None and recorded_by_agency_id == user.agency_id:
        return Shown.FULL
    return MATRIX[item].get(user.agency.kind, Shown.NONE)
