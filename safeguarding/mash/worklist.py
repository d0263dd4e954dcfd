"""Work lists from the MASH: the triage queue, information requests, and referrals sent."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from safeguarding.access.models import User
from safeguarding.access.policy import does_case_work
from safeguarding.mash.actions import REFERRER_LEADS
from safeguarding.mash.models import Contact, InformationRequest
from safeguarding.mash.queries import is_triage_officer, referrals_of, triage_queue
from safeguarding.worklists.registry import SHOWN, WorkItem, WorkList, register


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


def information_requests(user: User) -> WorkList | None:
    """For the MASH, what it asked and is still waiting for; for a partner agency, what it
    was asked and has not answered. Neither names the child on the home page."""
    if user.agency_id is None or not does_case_work(user):
        return None
    today = timezone.localdate()
    if is_triage_officer(user):
        waiting = InformationRequest.objects.filter(
            contact__authority_id=user.agency_id, answered_at__isnull=True
        ).select_related("to_agency")
        title, empty = "Information requests awaiting answers", "Every request was answered."
        link, link_text = reverse("mash:queue"), "The triage queue"
    elif user.agency is not None and not user.agency.is_local_authority:
        waiting = InformationRequest.objects.filter(
            to_agency_id=user.agency_id, answered_at__isnull=True
        ).select_related("contact__authority", "to_agency")
        title, empty = "Information requests to answer", "No request is waiting for an answer."
        link, link_text = reverse("mash:inbox"), "All information requests"
    else:
        return None
    rows = list(waiting.order_by("due_on", "requested_at")[:SHOWN])
    items = [
        WorkItem(
            what=(
                f"Asked of {request.to_agency.name}"
                if is_triage_officer(user)
                else f"From {request.contact.authority.name}'s MASH"
            ),
            link=(
                reverse("mash:contact", args=[request.contact_id])
                if is_triage_officer(user)
                else reverse("mash:request", args=[request.pk])
            ),
            due=request.due_on,
            overdue=request.due_on < today,
            state="Overdue" if request.due_on < today else "Awaiting answer",
        )
        for request in rows
    ]
    return WorkList(
        key="information-requests",
        title=title,
        items=items,
        total=waiting.count(),
        see_all=link,
        see_all_text=link_text,
        empty=empty,
        order=15,
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
    register("mash.information_requests", information_requests)
    register("mash.referrals", referrals)
