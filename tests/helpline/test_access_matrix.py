"""Staff of an organisation a report names reach it by no page, action, list, search,
statistics or API route, with encryption on (keys in place) and off (every sealed key
removed): access never depends on whether a key happens to open."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from django.test import Client

from safeguarding.access.actions import issue_api_token
from safeguarding.access.models import User
from safeguarding.helpline import actions, attachments
from safeguarding.helpline.models import Message, Report, ReportKey, RoutedReferral
from tests.factories import PASSWORD, Area
from tests.helpline.conftest import Helpline, details

ClientFor = Callable[[User], Client]
ACTIONS = (
    "categorise",
    "danger",
    "reply",
    "extend",
    "name-agency",
    "assign",
    "route",
    "release",
    "close",
    "reopen",
    "conflict",
)
SECRET = "The helpline manager told callers their reports had been lost"


def _api_get_paths() -> list[str]:
    document = Client().get("/api/v1/openapi.json").json()
    return [path for path, operations in document["paths"].items() if "get" in operations]


@pytest.mark.parametrize("encryption", ["on", "off"])
def test_staff_of_a_named_organisation_reach_the_report_nowhere(
    helpline: Helpline, area: Area, client_for: ClientFor, encryption: str
) -> None:
    # The report is about the helpline itself; the colleague is also excluded by name
    # from a second report about the school.
    evidence = [attachments.prepare("evidence.txt", SECRET.encode())]
    about_helpline = actions.submit_report(
        details(area, what_happened=SECRET, named_agencies=[helpline.agency], attachments=evidence)
    ).report
    about_school = actions.submit_report(
        details(area, what_happened=SECRET, attachments=evidence)
    ).report
    about_school.excluded_users.add(helpline.colleague)
    if encryption == "off":
        ReportKey.objects.all().delete()
    cases = [
        (helpline.caseworker, about_helpline),
        (helpline.colleague, about_helpline),
        (helpline.colleague, about_school),
    ]
    api_paths = _api_get_paths()
    for user, report in cases:
        client = client_for(user)
        client.post("/helpline/staff/unlock/", {"password": PASSWORD})
        # Page and every action.
        assert client.get(f"/helpline/staff/reports/{report.pk}/").status_code == 404
        # Its files, working copy and sealed original.
        for attachment in report.attachments.all():
            for suffix in ("", "original/"):
                response = client.get(
                    f"/helpline/staff/reports/{report.pk}/files/{attachment.pk}/{suffix}"
                )
                assert response.status_code == 404, (user.username, suffix)
        for action in ACTIONS:
            response = client.post(
                f"/helpline/staff/reports/{report.pk}/{action}/",
                {
                    "text": "x" * 20,
                    "category": "other",
                    "summary": "x" * 20,
                    "reason": "x" * 20,
                    "outcome": "referred",
                    "user": user.pk,
                },
            )
            assert response.status_code == 404, (user.username, action)
        # List, quarantine, search and statistics.
        for path, query in (
            ("/helpline/staff/", {}),
            ("/helpline/staff/quarantine/", {}),
            ("/helpline/staff/", {"reference": report.reference}),
            ("/helpline/statistics/", {}),
        ):
            body = client.get(path, query).content.decode()
            assert str(report.pk) not in body, (user.username, path, query)
            assert SECRET not in body
            if query:  # the search box shows what was typed, and finds nothing
                assert "No report you can see has that reference." in body
            else:
                assert report.reference not in body, (user.username, path)
        # The API has no helpline routes; no GET route answers with the report.
        token = issue_api_token(actor=None, user=user, name="matrix")
        for template in api_paths:
            path = "/api/v1" + re.sub(r"\{[^}]+\}", str(report.pk), template)
            response = Client().get(path, headers={"Authorization": f"Bearer {token}"})
            assert response.status_code != 200 or (
                report.reference not in response.content.decode()
                and str(report.pk) not in response.content.decode()
            ), (user.username, template)
    assert not any("helpline" in path for path in api_paths)
    # Nothing was changed by any of the refused actions.
    for report in (about_helpline, about_school):
        fresh = Report.objects.get(pk=report.pk)
        assert (fresh.category, fresh.child_in_danger, fresh.feedback_extension_reason) == (
            "",
            False,
            "",
        )
        assert Message.objects.filter(report=report).count() == 1
    # Only the referral the service made itself: the report about the helpline, to the
    # taskforce, as it arrived.
    assert not RoutedReferral.objects.filter(sent_by__isnull=False).exists()
