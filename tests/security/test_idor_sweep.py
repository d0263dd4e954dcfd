"""Every URL with an id in it, tried by the staff of an unrelated agency and by someone
signed out: agency A's records of every kind are made, and every route with an id or pk
argument (web patterns from the resolver, API paths from the OpenAPI document) is asked
for each of them, by GET and by POST. Nobody outside A may read them or change them: every
answer is a refusal (403, 404, 405; 401 or a redirect to sign in for someone signed out),
never a page, never the record's content, and no table changes.

Each route names the kind of record each of its arguments takes (ROUTES); a route added
with an id and no entry here fails test_every_route_with_an_id_has_a_record_to_try, so
that nobody can forget to sweep it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.apps import apps
from django.test import Client
from django.urls.converters import IntConverter, UUIDConverter

from safeguarding.access.actions import issue_api_token
from safeguarding.access.models import AgencyKind, User
from safeguarding.access.roles import Role
from safeguarding.api.urls import api
from tests.factories import Area
from tests.security.builders import CANARY, Records, agency_a_records, outsiders
from tests.security.urlconf import Route, all_routes

pytestmark = pytest.mark.django_db

# Route pattern -> the kind of record (agency_a_records) each of its id arguments takes.
ROUTES: dict[str, dict[str, str]] = {
    "people/<uuid:person_id>/": {"person_id": "person"},
    "admin/staff/<int:user_id>/unlock/": {"user_id": "user"},
    "admin/staff/<int:user_id>/deactivate/": {"user_id": "user"},
    "people/break-glass/<uuid:person_id>/": {"person_id": "person"},
    "people/break-glass/reviews/<uuid:grant_id>/": {"grant_id": "grant"},
    "people/<uuid:person_id>/chronology/": {"person_id": "person"},
    "people/<uuid:person_id>/chronology/mark/": {"person_id": "person"},
    "people/<uuid:person_id>/chronology.csv": {"person_id": "person"},
    "people/<uuid:person_id>/chronology.pdf": {"person_id": "person"},
    "people/<uuid:person_id>/who-knew-what.pdf": {"person_id": "person"},
    "people/<uuid:person_id>/events/new/": {"person_id": "person"},
    "mash/contacts/<uuid:contact_id>/": {"contact_id": "contact"},
    "mash/contacts/<uuid:contact_id>/rate/": {"contact_id": "contact"},
    "mash/contacts/<uuid:contact_id>/allocate/": {"contact_id": "contact"},
    "mash/contacts/<uuid:contact_id>/ask/": {"contact_id": "contact"},
    "mash/contacts/<uuid:contact_id>/decide/": {"contact_id": "contact"},
    "mash/requests/<uuid:request_id>/": {"request_id": "mash-request"},
    "clocks/<int:clock_id>/": {"clock_id": "clock"},
    "exit-payments/<uuid:exit_payment_id>/": {"exit_payment_id": "exit-payment"},
    "exit-payments/appointments/<uuid:appointment_id>/": {"appointment_id": "appointment"},
    "exit-payments/recoveries/<uuid:recovery_id>/": {"recovery_id": "recovery"},
    "exit-payments/recoveries/<uuid:recovery_id>/agree/": {"recovery_id": "recovery"},
    "exit-payments/recoveries/<uuid:recovery_id>/payments/": {"recovery_id": "recovery"},
    "exit-payments/recoveries/<uuid:recovery_id>/waive/": {"recovery_id": "recovery"},
    "support-fund/funds/<int:fund_id>/": {"fund_id": "fund"},
    "support-fund/funds/<int:fund_id>/rounds/": {"fund_id": "fund"},
    "support-fund/funds/<int:fund_id>/allocation/": {"fund_id": "fund"},
    "support-fund/funds/<int:fund_id>/reports/": {"fund_id": "fund"},
    "support-fund/funds/<int:fund_id>/reports/by-year.csv": {"fund_id": "fund"},
    "support-fund/funds/<int:fund_id>/reports/by-region.csv": {"fund_id": "fund"},
    "support-fund/rounds/<int:round_id>/": {"round_id": "round"},
    "support-fund/rounds/<int:round_id>/apply/": {"round_id": "round"},
    "support-fund/applications/<uuid:application_id>/": {"application_id": "application"},
    "support-fund/applications/<uuid:application_id>/score/": {"application_id": "application"},
    "support-fund/applications/<uuid:application_id>/award/": {"application_id": "application"},
    "support-fund/applications/<uuid:application_id>/outcomes/": {"application_id": "application"},
    "support-fund/payments/<int:payment_id>/pay/": {"payment_id": "payment"},
    "therapy/refer/<uuid:person_id>/": {"person_id": "person"},
    "therapy/referrals/<uuid:referral_id>/": {"referral_id": "therapy-referral"},
    "therapy/referrals/<uuid:referral_id>/start/": {"referral_id": "therapy-referral"},
    "warning-notices/<uuid:notice_id>/": {"notice_id": "warning-notice"},
    "warning-notices/<uuid:notice_id>/copies/": {"notice_id": "warning-notice"},
    "warning-notices/<uuid:notice_id>/breaches/": {"notice_id": "warning-notice"},
    "warning-notices/<uuid:notice_id>/review/": {"notice_id": "warning-notice"},
    "warning-notices/<uuid:notice_id>/end/": {"notice_id": "warning-notice"},
    "networks/<uuid:cluster_id>/": {"cluster_id": "cluster"},
    "networks/alerts/<uuid:alert_id>/": {"alert_id": "network-alert"},
    "reporting-duty/<uuid:report_id>/": {"report_id": "duty-report"},
    "reporting-duty/<uuid:report_id>/disclosure/": {"report_id": "duty-report"},
    "reporting-duty/<uuid:report_id>/delay/": {"report_id": "duty-report"},
    "reporting-duty/<uuid:report_id>/notify/": {"report_id": "duty-report"},
    "reporting-duty/<uuid:report_id>/obstruction/": {"report_id": "duty-report"},
    **{
        f"helpline/staff/reports/<uuid:report_id>/{action}": {"report_id": "helpline-report"}
        for action in (
            "",
            "categorise/",
            "danger/",
            "reply/",
            "extend/",
            "name-agency/",
            "assign/",
            "route/",
            "release/",
            "close/",
            "reopen/",
            "conflict/",
        )
    },
    "helpline/staff/reports/<uuid:report_id>/conflict/<int:exclusion_id>/confirm/": {
        "report_id": "helpline-report",
        "exclusion_id": "exclusion",
    },
    "helpline/staff/reports/<uuid:report_id>/conflict/<int:exclusion_id>/undo/": {
        "report_id": "helpline-report",
        "exclusion_id": "exclusion",
    },
    "helpline/staff/reports/<uuid:report_id>/files/<uuid:attachment_id>/": {
        "report_id": "helpline-report-with-file",
        "attachment_id": "attachment",
    },
    "helpline/staff/reports/<uuid:report_id>/files/<uuid:attachment_id>/original/": {
        "report_id": "helpline-report-with-file",
        "attachment_id": "attachment",
    },
    "helpline/statistics/annual-report/<int:year>/": {"year": "year"},
    "helpline/statistics/annual-report/<int:year>/pdf/": {"year": "year"},
    "helpline/referrals/<uuid:referral_id>/": {"referral_id": "helpline-referral"},
    "linkage/pairs/<uuid:pair_id>/": {"pair_id": "pair"},
    "linkage/merges/<uuid:merge_id>/undo/": {"merge_id": "merge"},
    "collaboration/new/person/<uuid:person_id>/": {"person_id": "person"},
    "collaboration/requests/<uuid:request_id>/": {"request_id": "collaboration-request"},
    "collaboration/requests/<uuid:request_id>/respond/": {"request_id": "collaboration-request"},
    "collaboration/requests/<uuid:request_id>/answer/": {"request_id": "collaboration-request"},
    "collaboration/requests/<uuid:request_id>/outcome/": {"request_id": "collaboration-request"},
    "inspections/<uuid:inspection_id>/": {"inspection_id": "inspection"},
    "inspections/<uuid:inspection_id>/data-pack.xlsx": {"inspection_id": "inspection"},
    **{
        f"inspections/<uuid:inspection_id>/data-pack/{name}.csv": {"inspection_id": "inspection"}
        for name in (
            "contacts",
            "early-help",
            "referrals",
            "assessments",
            "section-47",
            "child-protection-plans",
            "looked-after",
            "care-leavers",
        )
    },
    "inspections/<uuid:inspection_id>/findings/new/": {"inspection_id": "inspection"},
    "inspections/findings/<uuid:finding_id>/actions/new/": {"finding_id": "finding"},
    "inspections/actions/<uuid:action_id>/": {"action_id": "inspection-action"},
    "inspections/actions/<uuid:action_id>/update/": {"action_id": "inspection-action"},
    "taskforce/online-abuse/<uuid:suspect_id>/": {"suspect_id": "suspect"},
    "records/holds/<uuid:hold_id>/release/": {"hold_id": "legal-hold"},
    "records/subject-access/<uuid:request_id>/": {"request_id": "subject-access-request"},
    "records/subject-access/<uuid:request_id>/bundle.<str:form>": {
        "request_id": "subject-access-request",
        "form": "bundle-form",
    },
    "records/people/<uuid:person_id>/correct/": {"person_id": "person"},
    "networks/alerts/<uuid:alert_id>/respond/": {"alert_id": "network-alert"},
    "reporting-duty/<uuid:report_id>/respond/": {"report_id": "duty-report"},
    **{
        f"people/<uuid:person_id>/case-work/{part}": {"person_id": "person"}
        for part in ("", "characteristics/", "referrals/new/")
    },
    **{
        f"people/<uuid:person_id>/case-work/<uuid:episode_id>/{part}": {
            "person_id": "person",
            "episode_id": "episode",
        }
        for part in (
            "referral/",
            "closure/",
            "assessments/new/",
            "cin-plans/new/",
            "section-47/new/",
            "protection-plans/new/",
        )
    },
    **{
        f"people/<uuid:person_id>/case-work/<uuid:episode_id>/{part}/<int:number>/": {
            "person_id": "person",
            "episode_id": "episode",
            "number": "first",
        }
        for part in ("assessments", "cin-plans", "section-47", "protection-plans")
    },
}
# API path (OpenAPI) -> the kind of record each path parameter takes.
API_ROUTES: dict[str, dict[str, str]] = {
    "/api/v1/persons/{id}": {"id": "person"},
    "/api/v1/persons/{id}/concerns": {"id": "person"},
    "/api/v1/persons/{id}/episodes": {"id": "person"},
    "/api/v1/persons/{id}/episodes/{episode_id}": {"id": "person", "episode_id": "episode"},
    "/api/v1/persons/{id}/characteristics": {"id": "person"},
    "/api/v1/concerns/{id}": {"id": "concern"},
    "/api/v1/collaboration/requests/{id}": {"id": "collaboration-request"},
    "/api/v1/collaboration/requests/{id}/response": {"id": "collaboration-request"},
    "/api/v1/collaboration/requests/{id}/answer": {"id": "collaboration-request"},
}


# Kinds of record (or single routes) that some staff of another agency read by design,
# who they are, and why. Only their reading is tried; nobody else may change anything.
READ_BY_DESIGN: dict[str, tuple[Callable[[User], bool], str]] = {
    "warning-notice": (
        lambda user: user.agency is not None and user.agency.kind == AgencyKind.POLICE_FORCE,
        "every force reads every notice: it protects the child wherever the adult goes "
        "(only the issuing force changes it: tests/warningnotices/test_warning_notices.py::"
        "test_breach_review_copy_and_revoke_through_the_page)",
    ),
    "year": (
        lambda user: user.role == Role.HELPLINE_STAFF,
        "not a record: a helpline's staff read their own helpline's figures for the year",
    ),
    # Information governance acts only for its own agency: an officer of another agency
    # is refused A's holds, subject access requests and corrections like anyone else
    # (tests/retention/test_own_agency.py).
}


# Where a refused request may send someone signed in: a page naming no record.
BACK_TO: dict[str, str] = {
    # Break-glass opens only a record among the user's own search results; anyone else
    # is sent back to the search, with nothing granted.
    "people/break-glass/<uuid:person_id>/": "/people/break-glass/",
}
# A form's worth of plausible fields, so that a POST reaches past validation if the view
# forgot to check who is asking.
POST_DATA = {
    "reason": "A reason long enough to pass every minimum length check",
    "summary": "changed",
    "decision": "confirm",
    "answer": "changed",
    "rag": "red",
    "rationale": "changed",
    "question": "changed",
    "significant": "on",
    "analysis": "changed",
    "prefix": "e1",
    "e1-entry": "x",
}
SIGN_IN = "/sign-in/"


def _by_design(user: User | None, route: Route) -> bool:
    """Whether ``user`` reads the records ``route`` names by design (READ_BY_DESIGN)."""
    keys = [route.route, *ROUTES[route.route].values()]
    return user is not None and any(
        key in READ_BY_DESIGN and READ_BY_DESIGN[key][0](user) for key in keys
    )


def _id_routes() -> list[Route]:
    return [
        route
        for route in all_routes()
        if not route.is_api
        and any(isinstance(c, IntConverter | UUIDConverter) for c in route.converters.values())
    ]


def _api_paths() -> dict[str, list[str]]:
    schema = api.get_openapi_schema()
    return {path: list(ops) for path, ops in schema["paths"].items() if "{" in path}


def test_every_route_with_an_id_has_a_record_to_try():
    missing = [route.route for route in _id_routes() if route.route not in ROUTES]
    assert missing == [], "add each to ROUTES, with the kind of record each id takes"
    for route in _id_routes():
        assert set(ROUTES[route.route]) == set(route.converters), route.route
    for path in _api_paths():
        assert path in API_ROUTES, f"add {path} to API_ROUTES"
        assert set(API_ROUTES[path]) == set(re.findall(r"{(\w+)}", path)), path


def _body(response: Any) -> bytes:
    return b"".join(response) if response.streaming else response.content


def _snapshot() -> dict[str, list[str]]:
    """Every row of every table the service keeps, but the audit log, notifications and
    sessions (which a refused request may write)."""
    skipped = {"audit", "notifications", "sessions", "admin", "contenttypes", "auth"}
    rows: dict[str, list[str]] = {}
    for model in apps.get_models():
        if model._meta.app_label in skipped or model._meta.label in {
            "access.User",  # last sign-in and failed attempts change on sign-in
            "access.ApiToken",  # when each token was last used
            "worklists.Receipt",
        }:
            continue
        rows[model._meta.label] = sorted(repr(row) for row in model.objects.values_list())
    return rows


def _changed(before: dict[str, list[str]], after: dict[str, list[str]]) -> list[str]:
    return [label for label in before if before[label] != after.get(label)]


def _check(
    response: Any,
    where: str,
    records: Records,
    *,
    signed_in: bool,
    refusals: tuple[int, ...] = (401, 403, 404, 405),
    back_to: str = "",
) -> str | None:
    """Why ``response`` gave something away, or None. ``back_to``: where a refusal may send
    someone signed in, a page that names no record."""
    if response.status_code >= 500:
        return f"{where}: server error {response.status_code}"
    body = _body(response)
    for secret in [CANARY, *records.secrets]:
        if secret.encode() in body:
            return f"{where}: showed {secret!r} ({response.status_code})"
    if response.status_code == 200:
        return f"{where}: answered 200"
    if response.status_code in (301, 302, 303):
        location = response.headers["Location"]
        if not signed_in and not location.startswith(SIGN_IN):
            return f"{where}: redirected someone signed out to {location}"
        if signed_in and location != back_to:
            return f"{where}: redirected to {location}"
    elif response.status_code not in refusals:
        return f"{where}: answered {response.status_code}"
    return None


def test_no_url_with_an_id_opens_agency_as_records_to_anyone_else(area: Area, client_for: Any):
    records = agency_a_records(area)
    strangers = outsiders()
    clients: list[tuple[User | None, Client]] = [(user, client_for(user)) for user in strangers.web]
    clients.append((None, Client()))
    before = _snapshot()
    found: list[str] = []
    tried = 0
    # A route missing from ROUTES fails test_every_route_with_an_id_has_a_record_to_try.
    for route in [route for route in _id_routes() if route.route in ROUTES]:
        kinds = ROUTES[route.route]
        path = route.fill({name: records.ids[kind] for name, kind in kinds.items()})
        for user, client in clients:
            by_design = _by_design(user, route)
            name = user.username if user is not None else "signed out"
            # Where another agency acts by design (a service-wide role), only its reading
            # is tried: its writes are that role's own tests'.
            for method in ("get",) if by_design else ("get", "post"):
                response = getattr(client, method)(path, POST_DATA if method == "post" else None)
                problem = _check(
                    response,
                    f"{method.upper()} {path} as {name}",
                    records,
                    signed_in=bool(user),
                    back_to=BACK_TO.get(route.route, ""),
                )
                if problem and not (by_design and response.status_code < 500):
                    found.append(problem)
                tried += 1
    assert not found, "\n".join(found)
    assert _changed(before, _snapshot()) == []
    assert tried > 1000


def test_no_api_path_with_an_id_opens_agency_as_records_to_another_system(area: Area):
    records = agency_a_records(area)
    strangers = outsiders()
    clients: list[tuple[str, Client]] = [
        (
            user.username,
            Client(HTTP_AUTHORIZATION=f"Bearer {issue_api_token(actor=None, user=user, name='b')}"),
        )
        for user in strangers.api
    ]
    clients.append(("no token", Client()))
    before = _snapshot()
    found: list[str] = []
    for path, methods in _api_paths().items():
        filled = path
        for name, kind in API_ROUTES[path].items():
            filled = filled.replace("{" + name + "}", str(records.ids[kind]))
        for name, client in clients:
            for method in methods:
                response = getattr(client, method)(filled, {}, "application/json")
                where = f"{method.upper()} {filled} as {name}"
                # A body that does not validate is refused before any record is looked up.
                problem = _check(
                    response, where, records, signed_in=True, refusals=(401, 403, 404, 405, 422)
                )
                if problem:
                    found.append(problem)
    assert not found, "\n".join(found)
    assert _changed(before, _snapshot()) == []


def test_a_user_of_agency_a_reaches_its_records(area: Area, client_for: Any):
    """The sweep's records are real and reachable: A's own staff open them."""
    records = agency_a_records(area)
    for path, user in (
        (f"/people/{records.ids['person']}/", area.dsl),
        (f"/mash/contacts/{records.ids['contact']}/", area.mash),
        (f"/warning-notices/{records.ids['warning-notice']}/", area.police_analyst),
        (f"/collaboration/requests/{records.ids['collaboration-request']}/", area.police_analyst),
        (f"/helpline/referrals/{records.ids['helpline-referral']}/", area.police_analyst),
    ):
        response = client_for(user).get(path)
        assert response.status_code == 200, path
        assert CANARY.encode() in _body(response), path
