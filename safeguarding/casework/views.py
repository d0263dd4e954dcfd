"""Recording a child's case work in census codes: an overview under the child's page, a
page per part of an episode (referral, assessment, child in need plan, section 47 enquiry,
child protection plan, closure) and one for the child's characteristics.

Each page changes one part and saves the episode whole through ``save_episode``, so the
web checks exactly what the API and the demo do; the action's errors, keyed by field, go
back on the form beside the field they name."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from safeguarding.access.middleware import signed_in_user
from safeguarding.casework import forms as casework_forms
from safeguarding.casework.actions import (
    AssessmentDetails,
    Characteristics,
    CinPlanDetails,
    EpisodeDetails,
    ProtectionPlanDetails,
    Section47Details,
    details_of,
    save_characteristics,
    save_episode,
)
from safeguarding.casework.codes import (
    AssessmentFactor,
    CategoryOfAbuse,
    ConferenceOutcome,
    Disability,
    Ethnicity,
    PrimaryNeed,
    ReasonForClosure,
    ReferralSource,
    Section47Outcome,
    label,
)
from safeguarding.casework.gatekeeper import CaseWork, case_work_of, may_record_case_work
from safeguarding.govuk.forms import add_action_errors

PURPOSE = "record case work"


@dataclass(frozen=True)
class Part:
    """A repeatable part of an episode: its form, the details list it fills, its name."""

    form: type[forms.Form]
    attr: str
    make: Callable[..., Any]
    noun: str


PARTS: dict[str, Part] = {
    "assessments": Part(
        casework_forms.AssessmentForm, "assessments", AssessmentDetails, "assessment"
    ),
    "cin-plans": Part(
        casework_forms.CinPlanForm, "cin_plans", CinPlanDetails, "child in need plan"
    ),
    "section-47": Part(
        casework_forms.Section47Form, "enquiries", Section47Details, "section 47 enquiry"
    ),
    "protection-plans": Part(
        casework_forms.ProtectionPlanForm,
        "protection_plans",
        ProtectionPlanDetails,
        "child protection plan",
    ),
}


def _case_work(request: HttpRequest, person_id: str, *, writing: bool) -> CaseWork:
    user = signed_in_user(request)
    if not may_record_case_work(user):
        raise PermissionDenied
    work = case_work_of(user, person_id, purpose=PURPOSE)
    if writing and work.read_only:
        raise PermissionDenied
    return work


def _put_errors(form: forms.Form, error: ValidationError, prefix: str = "") -> None:
    """The action's keys (``assessments.2.factors``) on the form of that part; a problem
    with another part of the episode goes at the top of the form."""
    if not hasattr(error, "error_dict"):
        for message in error.messages:
            form.add_error(None, message)
        return
    keyed: dict[str, list[str]] = {}
    for key, messages in error.message_dict.items():
        name = key.removeprefix(prefix) if prefix and key.startswith(prefix) else key
        if name not in form.fields:
            name = "__all__"
        keyed.setdefault(name, []).extend(messages)
    add_action_errors(form, ValidationError(keyed))


def _save(
    request: HttpRequest, work: CaseWork, form: forms.Form, details: EpisodeDetails, prefix: str
) -> HttpResponse | None:
    try:
        save_episode(actor=signed_in_user(request), details=details)
    except ValidationError as error:
        _put_errors(form, error, prefix)
        return None
    except PermissionDenied as error:
        form.add_error(None, str(error))
        return None
    return redirect("casework:overview", person_id=work.person.pk)


def _form_page(
    request: HttpRequest, work: CaseWork, form: forms.Form, *, title: str, button: str
) -> HttpResponse:
    return render(
        request,
        "casework/form.html",
        {
            "person": work.person,
            "form": form,
            "title": title,
            "button": button,
            "has_errors": bool(form.errors),
        },
        status=400 if form.errors else 200,
    )


def overview(request: HttpRequest, person_id: str) -> HttpResponse:
    work = _case_work(request, person_id, writing=False)
    episodes = [
        {
            "episode": episode,
            "source": label(ReferralSource, episode.referral_source),
            "need": label(PrimaryNeed, episode.primary_need),
            "closure_reason": label(ReasonForClosure, episode.closure_reason)
            if episode.closure_reason
            else "",
            "assessments": [
                {
                    "item": a,
                    "factors": [label(AssessmentFactor, code) for code in a.factors],
                }
                for a in episode.assessments.all()
            ],
            "cin_plans": list(episode.cin_plans.all()),
            "enquiries": [
                {
                    "item": e,
                    "outcome": label(Section47Outcome, e.outcome) if e.outcome else "",
                    "conference_outcome": label(ConferenceOutcome, e.conference_outcome)
                    if e.conference_outcome
                    else "",
                }
                for e in episode.enquiries.all()
            ],
            "protection_plans": [
                {
                    "item": p,
                    "initial": label(CategoryOfAbuse, p.initial_category),
                    "latest": label(CategoryOfAbuse, p.latest_category),
                }
                for p in episode.protection_plans.all()
            ],
        }
        for episode in work.episodes
    ]
    profile = work.profile
    return render(
        request,
        "casework/overview.html",
        {
            "person": work.person,
            "read_only": work.read_only,
            "episodes": episodes,
            "ethnicity": label(Ethnicity, profile.ethnicity)
            if profile and profile.ethnicity
            else "",
            "disabilities": [label(Disability, code) for code in profile.disabilities]
            if profile
            else [],
            "la_child_id": profile.la_child_id if profile else "",
        },
    )


def characteristics(request: HttpRequest, person_id: str) -> HttpResponse:
    work = _case_work(request, person_id, writing=True)
    profile = work.profile
    initial = (
        {"ethnicity": profile.ethnicity, "disabilities": profile.disabilities} if profile else {}
    )
    form = casework_forms.CharacteristicsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            save_characteristics(
                actor=signed_in_user(request),
                details=Characteristics(
                    person_id=work.person.pk,
                    ethnicity=form.cleaned_data["ethnicity"],
                    disabilities=form.cleaned_data["disabilities"],
                ),
            )
        except ValidationError as error:
            _put_errors(form, error)
        else:
            return redirect("casework:overview", person_id=work.person.pk)
    return _form_page(
        request, work, form, title="Ethnicity and disabilities", button="Save characteristics"
    )


def referral(request: HttpRequest, person_id: str, episode_id: str | None = None) -> HttpResponse:
    """A new episode starts with its referral; an episode held has its referral changed."""
    work = _case_work(request, person_id, writing=True)
    held = details_of(work.episode(episode_id)) if episode_id else None
    initial = (
        {
            "referral_date": held.referral_date,
            "referral_source": held.referral_source,
            "primary_need": held.primary_need,
            "no_further_action": held.no_further_action,
        }
        if held
        else {}
    )
    form = casework_forms.ReferralForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        details = (
            dataclasses.replace(held, **form.cleaned_data)
            if held
            else EpisodeDetails(person_id=work.person.pk, **form.cleaned_data)
        )
        saved = _save(request, work, form, details, "")
        if saved is not None:
            return saved
    return _form_page(
        request,
        work,
        form,
        title="Change the referral" if held else "Record a referral",
        button="Save referral",
    )


def part(
    request: HttpRequest, person_id: str, episode_id: str, part: str, number: int | None = None
) -> HttpResponse:
    """Add a part to an episode (no ``number``), or change its ``number``th (from 1)."""
    kind = PARTS.get(part)
    if kind is None:
        raise Http404
    work = _case_work(request, person_id, writing=True)
    details = details_of(work.episode(episode_id))
    items: list[Any] = getattr(details, kind.attr)
    if number is not None and not 1 <= number <= len(items):
        raise Http404
    held = items[number - 1] if number is not None else None
    form = kind.form(
        request.POST or None,
        initial={name: getattr(held, name) for name in kind.form.base_fields} if held else {},
    )
    if request.method == "POST" and form.is_valid():
        item = (
            dataclasses.replace(held, **form.cleaned_data)
            if held
            else kind.make(**form.cleaned_data)
        )
        if number is None:
            items.append(item)
            position = len(items)
        else:
            items[number - 1] = item
            position = number
        saved = _save(request, work, form, details, f"{kind.attr}.{position}.")
        if saved is not None:
            return saved
    title = f"Change the {kind.noun}" if held else f"Record a {kind.noun}"
    return _form_page(request, work, form, title=title, button=f"Save {kind.noun}")


def closure(request: HttpRequest, person_id: str, episode_id: str) -> HttpResponse:
    work = _case_work(request, person_id, writing=True)
    details = details_of(work.episode(episode_id))
    initial = (
        {"closure_date": details.closure_date, "closure_reason": details.closure_reason}
        if details.closure_date
        else {}
    )
    form = casework_forms.ClosureForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        saved = _save(request, work, form, dataclasses.replace(details, **form.cleaned_data), "")
        if saved is not None:
            return saved
    return _form_page(request, work, form, title="Close the case", button="Save closure")
