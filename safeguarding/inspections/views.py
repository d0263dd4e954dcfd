"""Joint inspections on screen: scheduling, the inspection page with its data pack,
findings and actions, and tracking each action to completion."""

from __future__ import annotations

from typing import NamedTuple

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from safeguarding.access.middleware import signed_in_user
from safeguarding.access.models import User
from safeguarding.govuk.downloads import download
from safeguarding.govuk.forms import add_action_errors
from safeguarding.inspections.actions import (
    InspectionDetails,
    record_finding,
    schedule_inspection,
    set_action,
    update_action,
)
from safeguarding.inspections.exports import ExportedFile, export_list_csv, export_pack_xlsx
from safeguarding.inspections.forms import (
    ActionForm,
    ActionUpdateForm,
    FindingForm,
    ScheduleForm,
)
from safeguarding.inspections.models import Finding, Inspection, InspectionAction
from safeguarding.inspections.policy import (
    is_inspector,
    may_read_area_records,
    may_update_action,
    on_team,
)
from safeguarding.inspections.queries import (
    access_action,
    access_finding,
    access_inspection,
    actions_of,
    data_pack,
    inspections_for,
    my_actions,
    owners_for,
    progress,
)
from safeguarding.worklists.actions import record_received
from safeguarding.worklists.queries import receipts_of


def _user(request: HttpRequest) -> User:
    user = signed_in_user(request)
    return user


def inspections(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    return render(
        request,
        "inspections/list.html",
        {
            "inspections": inspections_for(user),
            "my_actions": my_actions(user),
            "is_inspector": is_inspector(user),
            "today": timezone.localdate(),
        },
    )


def schedule(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not is_inspector(user):
        raise PermissionDenied
    form = ScheduleForm(
        request.POST if request.method == "POST" else None,
        initial={f"inspectorate_{user.agency_id}": True},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            inspection = schedule_inspection(
                actor=user,
                details=InspectionDetails(
                    title=data["title"],
                    area=data["area"],
                    inspectorates=form.chosen_inspectorates(),
                    starts_on=data["starts_on"],
                    ends_on=data["ends_on"],
                    data_from=data["data_from"],
                ),
            )
        except ValidationError as error:
            add_action_errors(
                form,
                error,
                fallback_field=next(iter(form.inspectorate_fields()), form["title"]).name,
            )
        else:
            return redirect("inspections:inspection", inspection_id=inspection.pk)
    return render(
        request,
        "inspections/schedule.html",
        {"form": form, "has_errors": bool(form.errors)},
        status=400 if form.errors else 200,
    )


class ListedFinding(NamedTuple):
    """A finding as the inspection's page lists it, with its own actions."""

    finding: Finding
    actions: list[InspectionAction]
    caption: str


def inspection_detail(request: HttpRequest, inspection_id: str) -> HttpResponse:
    user = _user(request)
    inspection = access_inspection(user, inspection_id)
    today = timezone.localdate()
    in_window = may_read_area_records(user, inspection, today)
    actions = list(actions_of(inspection))
    findings = [
        ListedFinding(
            finding,
            [action for action in actions if action.finding_id == finding.pk],
            f"Actions for finding {number}",
        )
        for number, finding in enumerate(inspection.findings.select_related("recorded_by"), start=1)
    ]
    return render(
        request,
        "inspections/inspection.html",
        {
            "inspection": inspection,
            "inspectorates": list(inspection.inspectorates.all()),
            "team": list(inspection.inspectors.select_related("agency")),
            "findings": findings,
            "progress": progress(inspection, today),
            "on_team": on_team(user, inspection),
            # Counts only: the lists themselves leave the service only as audited files.
            "pack": data_pack(user, inspection, today) if in_window else None,
            "today": today,
        },
    )


def _download(exported: ExportedFile) -> HttpResponse:
    return download(exported.content, exported.content_type, exported.filename)


def pack_xlsx(request: HttpRequest, inspection_id: str) -> HttpResponse:
    user = _user(request)
    return _download(export_pack_xlsx(user, access_inspection(user, inspection_id)))


def pack_csv(request: HttpRequest, inspection_id: str, key: str) -> HttpResponse:
    user = _user(request)
    return _download(export_list_csv(user, access_inspection(user, inspection_id), key))


def _team_inspection(request: HttpRequest, inspection_id: str) -> tuple[User, Inspection]:
    user = _user(request)
    inspection = access_inspection(user, inspection_id)
    if not on_team(user, inspection):
        raise PermissionDenied
    return user, inspection


def new_finding(request: HttpRequest, inspection_id: str) -> HttpResponse:
    user, inspection = _team_inspection(request, inspection_id)
    form = FindingForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            finding = record_finding(
                actor=user,
                inspection=inspection,
                kind=form.cleaned_data["kind"],
                text=form.cleaned_data["text"],
            )
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            return redirect("inspections:new-action", finding_id=finding.pk)
    return render(
        request,
        "inspections/finding_form.html",
        {"form": form, "inspection": inspection, "has_errors": bool(form.errors)},
        status=400 if form.errors else 200,
    )


def new_action(request: HttpRequest, finding_id: str) -> HttpResponse:
    user = _user(request)
    finding = access_finding(user, finding_id)
    inspection = finding.inspection
    if not on_team(user, inspection):
        raise PermissionDenied
    form = ActionForm(
        request.POST if request.method == "POST" else None, owners=owners_for(inspection)
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            set_action(
                actor=user,
                finding=finding,
                description=data["description"],
                owner=data["owner"],
                due_on=data["due_on"],
            )
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            return redirect("inspections:inspection", inspection_id=inspection.pk)
    return render(
        request,
        "inspections/action_form.html",
        {
            "form": form,
            "finding": finding,
            "inspection": inspection,
            "has_errors": bool(form.errors),
        },
        status=400 if form.errors else 200,
    )


def _action_page(
    request: HttpRequest, action_id: str, form: ActionUpdateForm | None = None
) -> HttpResponse:
    user = _user(request)
    action = access_action(user, action_id)
    if form is None and may_update_action(user, action):
        record_received("inspection-action", action.pk, actor=user)
    has_errors = bool(form is not None and form.errors)
    return render(
        request,
        "inspections/action.html",
        {
            "action": action,
            "inspection": action.finding.inspection,
            "updates": list(action.updates.select_related("updated_by")),
            "may_update": may_update_action(user, action),
            "form": form or ActionUpdateForm(initial={"status": action.status}),
            "has_errors": has_errors,
            "today": timezone.localdate(),
            "receipts": receipts_of("inspection-action", [action.pk]).get(str(action.pk), []),
        },
        status=400 if has_errors else 200,
    )


def action_detail(request: HttpRequest, action_id: str) -> HttpResponse:
    return _action_page(request, action_id)


@require_POST
def update(request: HttpRequest, action_id: str) -> HttpResponse:
    user = _user(request)
    action = access_action(user, action_id)
    form = ActionUpdateForm(request.POST)
    if form.is_valid():
        try:
            update_action(
                actor=user,
                action=action,
                status=form.cleaned_data["status"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            return redirect("inspections:action", action_id=action.pk)
    return _action_page(request, action_id, form)
