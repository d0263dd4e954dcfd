"""Recording a pathway event for a child."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from safeguarding.access.middleware import signed_in_user
from safeguarding.access.policy import does_case_work
from safeguarding.govuk.forms import add_action_errors
from safeguarding.pathway.actions import EventDetails, record_event
from safeguarding.pathway.forms import EventForm
from safeguarding.people.queries import access_person


def new_event(request: HttpRequest, person_id: str) -> HttpResponse:
    user = signed_in_user(request)
    if not does_case_work(user):
        raise PermissionDenied
    person = access_person(user, person_id, purpose="record a pathway event")
    form = EventForm(request.POST or None)
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
