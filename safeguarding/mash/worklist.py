"""Work lists from the MASH: the triage queue, information requests, and referrals sent."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from safeguarding.access.agency_kinds import AgencyKind
from safeguarding.access.models import User
from safeguarding.access.policy import does_case_work
from safeguarding.access.roles import Role
from safeguarding.mash.actions import REFERRER_LEADS, TRIAGE_ROLES
from safeguarding.mash.forms import ASKABLE_KINDS
from safeguarding.mash.models import Contact, InformationRequest
from safeguarding.mash.queries import is_triage_officer, referrals_of, triage_queue
from safeguarding.worklists.handoffs import HandOff, register_hand_off
from safeguarding.worklists.registry import SHOWN, WorkItem, WorkList, register

# The roles request_information tells at the agency asked.
INFORMATION_REQUEST_ROLES = frozenset(
    {Role.DESIGNATED_SAFEGUARDING_LEAD, Role.TEAM_MANAGER, Role.POLICE_ANALYST, Role.PRACTITIONER}
)


def _children(contact: Contact) -> str:
    named = getattr(contact.concern, "children_named", [])
    return ", ".join(involvement.person.full_name for involvement in named) or "No child named"


def queue(user: User) -> WorkList | None:
    """Contacts awaiting a decision: immediate risk first, as the queue orders them (the
    queue's own read audits the children it names)."""
    if not is_triage_officer(user):
        return None
    contacts = triage_queue(user, limit=SHOWN)
    items = [
        WorkItem(
            what=f"{contact.concern.get_category_display()} from {contact.concern.agency.name}",
            link=reverse("mash:contact", args=[contact.pk]),
            whose=_children(contact),
            state="Immediate risk" if contact.immediate_risk else contact.get_rag_display(),
            overdue=contact.immediate_risk,
        )
        for contact in contacts
    ]
    return WorkList(
        key="triage-queue",
        title="Contacts awaiting a decision",
        items=items,
        total=Contact.objects.filter(authority_id=user.agency_id, decision="").count(),
        see_all=reverse("mash:queue"),
        see_all_text="The triage queue",
        empty="No contact is waiting for a decision.",
        order=5,
    )


def _request_items(user: User, rows: list[InformationRequest], *, asked: bool) -> list[WorkItem]:
    today = timezone.localdate()
    return [
        WorkItem(
            what=(
                f"From {request.contact.authority.name}'s MASH"
                if asked
                else f"Asked of {request.to_agency.name}"
            ),
            link=(
                reverse("mash:request", args=[request.pk])
                if asked
                else reverse("mash:contact", args=[request.contact_id])
            ),
            due=request.due_on,
            overdue=request.due_on < today,
            state="Overdue" if request.due_on < today else "Awaiting answer",
        )
        for request in rows
    ]


def answers_requests(user: User) -> bool:
    """Who answers the MASH's information requests to their agency: the roles
    request_information tells, at any agency but the asking one."""
    return does_case_work(user) and user.role in INFORMATION_REQUEST_ROLES


def requests_to_answer(user: User) -> WorkList | None:
    """Requests to the user's agency not yet answered. Neither names the child on the home
    page. At a local authority, shown only when another authority's MASH asked."""
    if user.agency_id is None or not answers_requests(user):
        return None
    waiting = InformationRequest.objects.filter(
        to_agency_id=user.agency_id, answered_at__isnull=True
    ).select_related("contact__authority", "to_agency")
    if user.agency is not None and user.agency.is_local_authority and not waiting.exists():
        return None
    return WorkList(
        key="requests-to-answer",
        title="Information requests to answer",
        items=_request_items(
            user, list(waiting.order_by("due_on", "requested_at")[:SHOWN]), asked=True
        ),
        total=waiting.count(),
        see_all=reverse("mash:inbox"),
        see_all_text="All information requests",
        empty="No request is waiting for an answer.",
        order=15,
    )


def requests_awaiting(user: User) -> WorkList | None:
    """What the user's MASH asked of partners and is still waiting for."""
    if not is_triage_officer(user):
        return None
    waiting = InformationRequest.objects.filter(
        contact__authority_id=user.agency_id, answered_at__isnull=True
    ).select_related("to_agency")
    return WorkList(
        key="requests-awaiting",
        title="Information requests awaiting answers",
        items=_request_items(
            user, list(waiting.order_by("due_on", "requested_at")[:SHOWN]), asked=False
        ),
        total=waiting.count(),
        see_all=reverse("mash:queue"),
        see_all_text="The triage queue",
        empty="Every request was answered.",
        order=16,
    )


def referrals(user: User) -> WorkList | None:
    """Referrals the user's agency sent to a MASH and their outcomes (referrals_of audits
    the children it names). Not for the MASH, whose own concerns it triages itself."""
    if not does_case_work(user) or user.agency is None or user.agency.is_local_authority:
        return None
    contacts = referrals_of(user, limit=SHOWN)
    sent = Contact.objects.filter(concern__agency=user.agency)
    if user.role not in REFERRER_LEADS:
        sent = sent.filter(concern__recorded_by=user)
    items = [
        WorkItem(
            what=f"{contact.concern.get_category_display()} sent to {contact.authority.name}",
            link=reverse("mash:referrals") + f"#contact-{contact.pk}",
            whose=_children(contact),
            state=(contact.get_decision_display() if contact.decision else "Awaiting decision"),
        )
        for contact in contacts
    ]
    return WorkList(
        key="referrals",
        title="Your referrals and their outcomes",
        items=items,
        total=sent.count(),
        see_all=reverse("mash:referrals"),
        see_all_text="Your referrals",
        empty="You have not referred a child to a MASH yet.",
        order=12,
    )


def register_providers() -> None:
    register("mash.queue", queue)
    register("mash.requests_to_answer", requests_to_answer)
    register("mash.requests_awaiting", requests_awaiting)
    register_hand_off(
        HandOff(
            kind="referral",
            description="A concern sent to the local authority's MASH",
            sent_to=frozenset({AgencyKind.LOCAL_AUTHORITY}),
            recipients=lambda agency: User.objects.filter(
                agency=agency, role__in=TRIAGE_ROLES, is_active=True
            ),
            work_list="mash.queue",
            listed_for=is_triage_officer,
        )
    )
    register_hand_off(
        HandOff(
            kind="information-request",
            description="The MASH asks a partner agency what it holds about a child",
            sent_to=ASKABLE_KINDS,
            recipients=lambda agency: User.objects.filter(
                agency=agency, role__in=INFORMATION_REQUEST_ROLES, is_active=True
            ),
            work_list="mash.requests_to_answer",
            listed_for=answers_requests,
        )
    )
    register("mash.referrals", referrals)
