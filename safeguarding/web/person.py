"""A person's page: their record, every agency's concerns about them on one timeline, their
statutory clocks, and what each app offers for them. It gathers from apps above people,
so it is part of the web shell, at the top of the layers."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from safeguarding.access.models import User
from safeguarding.access.policy import break_glass_only
from safeguarding.access.visibility import Item, Shown, shown_to
from safeguarding.casework.gatekeeper import may_record_case_work
from safeguarding.chronology.knowledge import KNOWLEDGE_REPORT_ROLES
from safeguarding.concerns.queries import concerns_about
from safeguarding.pathway.events import events_recordable_by
from safeguarding.pathway.queries import clocks_for
from safeguarding.people.corrections import may_correct
from safeguarding.people.queries import access_person, agencies_involved
from safeguarding.warningnotices.actions import is_police


def person(request: HttpRequest, person_id: str) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]  # only signed-in staff get here
    person = access_person(user, person_id, purpose="view person record")
    concerns = list(concerns_about(user, person).select_related("contact"))
    # The outcome of a referral: to the agency that made it, and to the authority.
    for concern in concerns:
        contact = getattr(concern, "contact", None)
        decided = contact is not None and bool(contact.decision)
        own = concern.agency_id == user.agency_id
        told = own or shown_to(user, Item.MASH_DECISION, recorded_by_agency_id=None) == Shown.FULL
        concern.outcome = contact if decided and told else None  # type: ignore[attr-defined]  # read by the template
    break_glass = break_glass_only(user, person.pk)
    # Break-glass reads, never writes: the pathway form is offered only to those who may
    # record some event.
    may_record_events = (
        break_glass is None
        and user.agency is not None
        and bool(events_recordable_by(user.agency.kind, user.role))
    )
    return render(
        request,
        "web/person.html",
        {
            "person": person,
            "concerns": concerns,
            "agencies": agencies_involved(person),
            "identifiers": person.identifiers.all(),
            "other_names": person.other_names.all(),
            "addresses": person.addresses.all(),
            "phones": person.phones.all(),
            "vehicles": person.vehicles.all(),
            "clocks": list(clocks_for(person)[:20]),
            "may_see_knowledge_report": user.role in KNOWLEDGE_REPORT_ROLES,
            "may_issue_warning_notice": is_police(user),
            "break_glass": break_glass,
            "may_record_events": may_record_events,
            "may_record_case_work": may_record_case_work(user),
            # What was wrong in the details, and why it changed (rectification).
            "corrections": list(person.corrections.select_related("corrected_by")),
            "may_correct": break_glass is None and may_correct(user, person.pk),
        },
    )
