"""Recording a pathway event for a child."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from safeguarding.access.middleware import signed_in_user
from safeguarding.access.policy import break_glass_only, does_case_work
from safeguarding.govuk.forms import add_action_errors
from safeguarding.pathway.actions import BREAK_GLASS_READ_ONLY, EventDetails, record_event
from safeguarding.pathway.events import events_recordable_by
from safeguarding.pathway.forms import EventForm
from safeguarding.people.queries import access_person


def _refused(request: HttpRequest, message: str) -> HttpResponse:
    return render(
        request,
        "web/error.html",
        {"title": "You cannot record pathway events for this child", "message": message},
        status=403,
    )


def new_event(request: HttpRequest, person_id: str) -> HttpResponse:
    user = signed_in_user(request)
    if not does_case_work(user):
        raise PermissionDenied
    person = access_person(user, person_id, purpose="record a pathway event")
    assert user.agency is not None  # does_case_work
    event_types = events_recordable_by(user.agency.kind, user.role)
    if not event_types:
        return _refused(
            request,
            "The statutory record is written by the agencies responsible for each step: "
            "the local authority for assessments, conferences and plans, schools for a "
            "pupil leaving. Your agency and role record none of them.",
        )
    if break_glass_only(user, person.pk) is not None:
        return _refused(request, f"{BREAK_GLASS_READ_ONLY}.")
    form = EventForm(request.POST or None, event_types=event_types)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            record_event(
                actor=user,
                details=EventDetails(
                    person_id=person.pk,
                    event_type=data["event_type"],
                    occurred_on=data["occurred_on"],
                    outcome=data["outcome"],
                    notes=data["notes"],
                ),
            )
        except ValidationError as error:
            add_action_errors(form, error)
        except PermissionDenied as error:
            form.add_error(None, str(error))
        else:
            return redirect("web:person", person_id=person.pk)
    return render(
        request,
        "pathway/event_form.html",
        {"person": person, "form": form, "has_errors": bool(form.errors)},
    )
