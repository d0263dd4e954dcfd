"""The alert when the adult served with a notice appears in a new concern, in any force's
area: the same record, the same national identifier, or the same name and date of birth."""

from __future__ import annotations

import json
import uuid
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from safeguarding.audit.models import AuditEntry
from safeguarding.audit.verbs import AuditVerb
from safeguarding.concerns.importer import import_concerns
from safeguarding.concerns.models import PersonRole
from safeguarding.notifications.models import Notification
from safeguarding.people.actions import ensure_agency_record
from safeguarding.warningnotices.actions import (
    NamedPerson,
    NoticeDetails,
    end_notice,
    issue_notice,
)
from safeguarding.warningnotices.alerts import (
    concerns_that_may_name_notice_adults,
    on_concern_recorded,
)
from safeguarding.warningnotices.models import (
    MatchedOn,
    NoticeAlert,
    NoticeKind,
    WarningNotice,
    WithheldBy,
)
from tests.factories import Area, adult_details, child_details, make_concern, nhs_number_for

pytestmark = [pytest.mark.django_db, pytest.mark.each_database]

BORN = date(1985, 3, 2)
ADULT_NHS = nhs_number_for(40)


@pytest.fixture
def notice(area: Area) -> WarningNotice:
    """Served by Testshire's force on John Smith, born 2 March 1985, naming a child the
    council holds a record on."""
    concern = make_concern(
        area.practitioner,
        local_authority=area.council,
        child=child_details(nhs_number=nhs_number_for(1)),
    )
    child = concern.involvements.get(role=PersonRole.CHILD).person
    make_concern(
        area.police_analyst,
        local_authority=area.council,
        child=child_details(nhs_number=nhs_number_for(1)),
    )
    # Matching joins the police's concern to the child but opens no record: the force holds
    # its own record of the child, as a force that issues a notice does.
    ensure_agency_record(child, area.police)
    return issue_notice(
        actor=area.police_analyst,
        details=NoticeDetails(
            kind=NoticeKind.UNDER_16,
            adult=NamedPerson(
                details=adult_details(
                    "John", "Smith", date_of_birth=BORN, identifiers=[("nhs", ADULT_NHS)]
                )
            ),
            children=[NamedPerson(person_id=child.pk)],
            served_on=timezone.localdate() - timedelta(days=20),
            serving_officer="DC 220 Sam Okoro",
            withheld_by=WithheldBy.PARENT,
            conditions="Do not contact the child.",
        ),
    )


def _concern_naming(area: Area, adult, *, recorder=None, authority=None, record_id: str = ""):
    return make_concern(
        recorder or area.other_police_analyst,
        local_authority=authority or area.other_council,
        child=child_details("Kayla", "Brooks", born=date(2013, 8, 8)),
        others=[(PersonRole.ADULT_OF_CONCERN, adult)],
        category="cse",
        summary="Seen with an older man at the station.",
        agency_record_id=record_id,
    )


def test_another_forces_concern_naming_the_same_name_and_date_of_birth_raises_an_alert(
    area: Area, notice: WarningNotice
):
    Notification.objects.all().delete()
    concern = _concern_naming(area, adult_details("JOHN", "smith", date_of_birth=BORN))
    alert = NoticeAlert.objects.get()
    assert (alert.notice, alert.concern) == (notice, concern)
    assert alert.matched_on == MatchedOn.NAME_AND_DATE_OF_BIRTH
    assert alert.person != notice.adult  # another agency's record of the same man
    told = set(Notification.objects.values_list("recipient__username", flat=True))
    # The issuing force, the force that recorded the concern, and the council that knows
    # the child.
    assert {"police", "other-police", "manager"} <= told
    assert "dsl" not in told
    message = Notification.objects.filter(recipient=area.police_analyst).get()
    assert message.link == f"/warning-notices/{notice.pk}/"
    assert "Smith" not in message.body
    assert "Kayla" not in message.body
    entry = AuditEntry.objects.get(verb=AuditVerb.WARNING_NOTICE_ALERT)
    assert entry.target_id == str(notice.pk)
    assert entry.payload["concern"] == str(concern.pk)
    assert entry.payload["matched_on"] == MatchedOn.NAME_AND_DATE_OF_BIRTH
    assert area.police_analyst.pk in entry.payload["told"]


def test_a_concern_from_a_school_tells_the_force_for_its_area(area: Area, notice: WarningNotice):
    Notification.objects.all().delete()
    _concern_naming(
        area,
        adult_details("John", "Smith", date_of_birth=BORN),
        recorder=area.dsl,
        authority=area.other_council,
    )
    told = set(Notification.objects.values_list("recipient__username", flat=True))
    assert {"police", "other-police"} <= told  # issuing force; Otherton's force


def test_no_alert_for_a_different_man_with_the_same_common_name(area: Area, notice):
    _concern_naming(area, adult_details("John", "Smith", date_of_birth=date(1991, 7, 14)))
    _concern_naming(area, adult_details("John", "Smith"))  # no date of birth at all
    assert not NoticeAlert.objects.exists()
    assert not AuditEntry.objects.filter(verb=AuditVerb.WARNING_NOTICE_ALERT).exists()


def test_the_same_record_raises_an_alert(area: Area, notice: WarningNotice):
    concern = make_concern(
        area.police_analyst,
        local_authority=area.council,
        child=child_details("Kayla", "Brooks", born=date(2013, 8, 8)),
        others=[(PersonRole.PARENT, notice.adult)],
    )
    assert NoticeAlert.objects.get(concern=concern).matched_on == MatchedOn.SAME_RECORD


def test_the_same_nhs_number_raises_an_alert_even_under_another_name(area: Area, notice):
    # A different spelling and no date of birth: only the national identifier links them.
    _concern_naming(area, adult_details("Jon", "Smyth", identifiers=[("nhs", ADULT_NHS)]))
    assert NoticeAlert.objects.get().matched_on == MatchedOn.NATIONAL_IDENTIFIER


def test_a_resent_concern_raises_no_second_alert(area: Area, notice: WarningNotice):
    adult = adult_details("John", "Smith", date_of_birth=BORN)
    _concern_naming(area, adult, record_id="OP-1")
    _concern_naming(area, adult_details("John", "Smith", date_of_birth=BORN), record_id="OP-1")
    assert NoticeAlert.objects.count() == 1
    assert AuditEntry.objects.filter(verb=AuditVerb.WARNING_NOTICE_ALERT).count() == 1


def test_no_alert_once_the_notice_has_ended(area: Area, notice: WarningNotice):
    end_notice(
        actor=area.police_analyst,
        notice=notice,
        ended_on=timezone.localdate(),
        reason="Revoked after review.",
    )
    _concern_naming(area, adult_details("John", "Smith", date_of_birth=BORN))
    assert not NoticeAlert.objects.exists()


def test_the_common_case_costs_one_query(area: Area, notice: WarningNotice):
    concern = _concern_naming(area, adult_details("Peter", "Jones", date_of_birth=BORN))
    with CaptureQueriesContext(connection) as queries:
        assert on_concern_recorded(concern) == 0
    assert len(queries) == 1


def test_the_bulk_prefilter_finds_every_concern_an_alert_is_raised_for(area: Area, notice):
    by_name = _concern_naming(area, adult_details("JOHN", "smith", date_of_birth=BORN))
    by_nhs = _concern_naming(area, adult_details("Jon", "Smyth", identifiers=[("nhs", ADULT_NHS)]))
    by_record = make_concern(
        area.police_analyst,
        local_authority=area.council,
        child=child_details("Kayla", "Brooks", born=date(2013, 8, 8)),
        others=[(PersonRole.PARENT, notice.adult)],
    )
    other_man = _concern_naming(
        area, adult_details("John", "Smith", date_of_birth=date(1991, 7, 14))
    )
    no_birth_date = _concern_naming(area, adult_details("John", "Smith"))
    everyone = [by_name.pk, by_nhs.pk, by_record.pk, other_man.pk, no_birth_date.pk]
    assert concerns_that_may_name_notice_adults(everyone) == {by_name.pk, by_nhs.pk, by_record.pk}
    assert set(NoticeAlert.objects.values_list("concern_id", flat=True)) == {
        by_name.pk,
        by_nhs.pk,
        by_record.pk,
    }
    end_notice(
        actor=area.police_analyst,
        notice=notice,
        ended_on=timezone.localdate(),
        reason="Revoked after review.",
    )
    assert concerns_that_may_name_notice_adults(everyone) == set()


def test_with_no_notice_in_force_the_bulk_prefilter_asks_one_question(area: Area):
    concern = _concern_naming(area, adult_details("John", "Smith", date_of_birth=BORN))
    many = [concern.pk, *(uuid.uuid4() for _ in range(2500))]
    with CaptureQueriesContext(connection) as queries:
        assert concerns_that_may_name_notice_adults(many) == set()
    assert len(queries) == 1


def test_a_bulk_import_raises_the_alert_for_the_one_concern_naming_the_adult(
    area: Area, notice: WarningNotice, tmp_path
):
    def row(number: int, adult: dict[str, object]) -> str:
        return json.dumps(
            {
                "record_id": f"POL-{number}",
                "recorded_at": "2026-03-01T14:30:00+00:00",
                "category": "cse",
                "summary": "Seen with an older man at the station.",
                "local_authority": "LA-TEST",
                "persons": [
                    {"role": "child", "given_name": "Kayla", "family_name": f"Brooks{number}"},
                    {"role": "adult-of-concern", **adult},
                ],
            }
        )

    path = tmp_path / "concerns.jsonl"
    path.write_text(
        "\n".join(
            [
                row(
                    1,
                    {"given_name": "Peter", "family_name": "Jones", "date_of_birth": "1985-03-02"},
                ),
                row(
                    2, {"given_name": "john", "family_name": "SMITH", "date_of_birth": "1985-03-02"}
                ),
                row(
                    3, {"given_name": "John", "family_name": "Smith", "date_of_birth": "1991-07-14"}
                ),
            ]
        )
        + "\n",
        encoding="utf-8",
    )
    report = import_concerns(path, "POL-TEST")
    assert report.ok, report.problems
    assert report.created == 3
    alert = NoticeAlert.objects.get()
    assert alert.notice == notice
    assert alert.concern.agency_record_id == "POL-2"
    assert alert.matched_on == MatchedOn.NAME_AND_DATE_OF_BIRTH
    assert AuditEntry.objects.filter(verb=AuditVerb.WARNING_NOTICE_ALERT).count() == 1


def test_the_alert_shows_on_the_notice(area: Area, client_for, notice: WarningNotice):
    _concern_naming(area, adult_details("John", "Smith", date_of_birth=BORN))
    page = client_for(area.other_police_analyst).get(f"/warning-notices/{notice.pk}/")
    body = page.content.decode()
    assert f"Named in a concern recorded by {area.other_police.name}" in body
    assert "(category: child sexual exploitation)" in body
    assert "same name and date of birth" in body
