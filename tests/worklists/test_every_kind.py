"""Each kind of hand-off, through its own actions and pages: sending records the receipt,
the first opening by someone at the receiving agency who acts on it records "received",
their first action records "acted", and the sender's page of it shows all three."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from safeguarding.access.models import User
from safeguarding.collaboration.actions import accept_request
from safeguarding.concerns.models import ConcernCategory, PersonRole
from safeguarding.fund.actions import Outcomes, award_grant, report_outcome
from safeguarding.inspections.actions import record_finding, set_action, update_action
from safeguarding.inspections.models import ActionStatus, FindingKind
from safeguarding.mash import actions as mash
from safeguarding.networks.actions import rebuild_networks
from safeguarding.networks.models import NetworkAlert
from safeguarding.reportingduty.actions import NotificationDetails, notify_authority
from safeguarding.reportingduty.models import AbuseReport, NotificationMethod
from safeguarding.therapy.actions import ReferralDetails, record_therapy_start, refer_for_therapy
from safeguarding.therapy.models import ServiceType
from safeguarding.worklists.models import Receipt
from tests.collaboration.helpers import adult_held_by_police, ask_about
from tests.factories import Area, adult_details, child_details, make_concern
from tests.fund.conftest import apply, build_setting, scored
from tests.inspections.helpers import make_inspectorates, schedule
from tests.networks.conftest import Sighting, plant

pytestmark = pytest.mark.django_db
ClientFor = Callable[[User], Client]


def _receipt(kind: str, item: object) -> Receipt:
    return Receipt.objects.get(kind=kind, item_id=str(item))


def test_an_information_request(area: Area, client_for: ClientFor) -> None:
    concern = make_concern(area.dsl, local_authority=area.council, child=child_details("Ava"))
    request = mash.request_information(
        actor=area.mash, contact=concern.contact, to_agency=area.nhs, question="What is known?"
    )
    receipt = _receipt("information-request", request.pk)
    assert (receipt.from_agency_id, receipt.to_agency_id) == (area.council.pk, area.nhs.pk)

    client_for(area.health).get(reverse("mash:request", args=[request.pk]))
    receipt.refresh_from_db()
    assert receipt.received_by_id == area.health.pk

    mash.answer_information_request(actor=area.health, request=request, answer="Seen twice.")
    receipt.refresh_from_db()
    assert receipt.action == "Answered"
    page = client_for(area.mash).get(reverse("mash:contact", args=[concern.contact.pk]))
    assert "Acted on" in page.content.decode()
    assert "(Answered)" in page.content.decode()


def test_a_request_between_forces(area: Area, client_for: ClientFor) -> None:
    request = ask_about(area, adult_held_by_police(area))
    receipt = _receipt("cross-force-request", request.pk)
    assert receipt.to_agency_id == area.other_police.pk
    page = reverse("collaboration:request", args=[request.pk])
    assert "Not yet opened" in client_for(area.police_analyst).get(page).content.decode()

    client_for(area.other_police_analyst).get(page)
    accept_request(actor=area.other_police_analyst, request=request)
    receipt.refresh_from_db()
    assert receipt.received_by_id == area.other_police_analyst.pk
    assert receipt.action == "Accepted"
    seen = client_for(area.police_analyst).get(page).content.decode()
    assert "(Accepted)" in seen
    # The force asked is not shown the receipt of what it was asked.
    assert "(Accepted)" not in client_for(area.other_police_analyst).get(page).content.decode()


def test_an_inspection_action(area: Area, client_for: ClientFor) -> None:
    inspectorates = make_inspectorates()
    inspection = schedule(area, inspectorates)
    finding = record_finding(
        actor=inspectorates.ofsted_inspector,
        inspection=inspection,
        kind=FindingKind.PRIORITY,
        text="Strategy discussions go ahead without the police.",
    )
    action = set_action(
        actor=inspectorates.ofsted_inspector,
        finding=finding,
        description="Invite the police to every strategy discussion.",
        owner=area.manager,
        due_on=date(2099, 1, 1),
    )
    receipt = _receipt("inspection-action", action.pk)
    page = reverse("inspections:action", args=[action.pk])
    # The team opening it is not its owner's agency receiving it.
    client_for(inspectorates.ofsted_inspector).get(page)
    receipt.refresh_from_db()
    assert receipt.received_at is None

    client_for(area.manager).get(page)
    update_action(actor=area.manager, action=action, status=ActionStatus.IN_PROGRESS)
    receipt.refresh_from_db()
    assert receipt.received_by_id == area.manager.pk
    assert receipt.action == "Status: in progress"
    assert "(Status: in progress)" in (
        client_for(inspectorates.ofsted_inspector).get(page).content.decode()
    )


def test_a_therapy_referral(area: Area, client_for: ClientFor) -> None:
    concern = make_concern(area.dsl, local_authority=area.council, child=child_details("Ava"))
    child = concern.involvements.get(role=PersonRole.CHILD).person
    referral = refer_for_therapy(
        actor=area.dsl,
        details=ReferralDetails(
            person_id=child.pk,
            provider=area.nhs,
            service_type=ServiceType.CAMHS,
            authority=area.council,
            referred_on=date.today(),  # noqa: DTZ011 -- the day, as the service's pages give it
        ),
    )
    receipt = _receipt("therapy-referral", referral.pk)
    page = reverse("therapy:referral", args=[referral.pk])
    client_for(area.health).get(page)
    record_therapy_start(actor=area.health, referral=referral, started_on=referral.referred_on)
    receipt.refresh_from_db()
    assert receipt.received_by_id == area.health.pk
    assert receipt.action.startswith("Therapy started on ")
    assert "Acted on" in client_for(area.dsl).get(page).content.decode()


def test_a_fund_award(area: Area, client_for: ClientFor) -> None:
    setting = build_setting(area)
    application = scored(setting, apply(setting))
    award = award_grant(
        actor=setting.administrator,
        application=application,
        amounts={setting.first_year: Decimal("100000"), setting.second_year: Decimal("0")},
    )
    receipt = _receipt("fund-award", application.pk)
    assert receipt.to_agency_id == setting.charity.pk
    page = reverse("fund:application", args=[application.pk])
    assert "Not yet opened" in client_for(setting.administrator).get(page).content.decode()

    client_for(setting.applicant).get(page)
    receipt.refresh_from_db()
    assert receipt.received_by_id == setting.applicant.pk
    year = setting.first_year
    report_outcome(
        actor=setting.applicant,
        award=award,
        outcomes=Outcomes(year, 1, 10, 40, "Ten survivors supported this quarter."),
    )
    receipt.refresh_from_db()
    assert receipt.action == "First outcomes reported"
    assert "Received " in client_for(setting.administrator).get(page).content.decode()


def test_a_duty_to_report_notification_and_the_police_response(
    area: Area, client_for: ClientFor
) -> None:
    concern = make_concern(
        area.dsl,
        local_authority=area.other_council,
        child=child_details("Maya", "Thornton"),
        others=[(PersonRole.ADULT_OF_CONCERN, adult_details("Gary", "Lund"))],
        category=ConcernCategory.SEXUAL_ABUSE,
        summary="Maya told her teacher that her swimming coach touched her.",
    )
    report = AbuseReport.objects.get(concern=concern)
    notification = notify_authority(
        actor=area.dsl,
        report=report,
        details=NotificationDetails(
            recipient=area.police,
            notified_on=date.today(),  # noqa: DTZ011 -- the day, as the form gives it
            method=NotificationMethod.PHONE,
            reference="CAD 1182",
            involved=[],
        ),
    )
    receipt = _receipt("duty-to-report-notification", notification.pk)
    page = reverse("reportingduty:report", args=[report.pk])
    police = client_for(area.police_analyst)
    assert "What is your agency doing about it?" in police.get(page).content.decode()
    receipt.refresh_from_db()
    assert receipt.received_by_id == area.police_analyst.pk

    respond = reverse("reportingduty:respond", args=[report.pk])
    assert police.post(respond, {}).status_code == 400
    assert police.post(respond, {"response": "acting"}).status_code == 302
    receipt.refresh_from_db()
    assert receipt.action == "Acting on it"
    assert "(Acting on it)" in client_for(area.dsl).get(page).content.decode()
    # The reporter's agency was not sent it, so it cannot respond.
    assert client_for(area.dsl).post(respond, {"response": "acting"}).status_code == 403


def test_a_network_alert_to_the_mash_and_the_police(area: Area, client_for: ClientFor) -> None:
    plant(
        [
            Sighting(area.dsl, area.council),
            Sighting(area.health, area.council),
            Sighting(area.police_analyst, area.council),
        ]
    )
    rebuild_networks()
    alert = NetworkAlert.objects.get()
    sent = Receipt.objects.filter(kind="network-alert", item_id=str(alert.pk))
    assert {r.to_agency_id for r in sent} == {area.council.pk, area.police.pk}
    rebuild_networks()  # built again with nothing new: no new receipt
    assert sent.count() == 2

    mash_client = client_for(area.mash)
    network_page = mash_client.get(reverse("networks:alert", args=[alert.pk]), follow=True)
    assert "What is your agency doing about it?" in network_page.content.decode()
    mash_client.post(reverse("networks:respond", args=[alert.pk]), {"response": "passed-on"})
    mine = sent.get(to_agency=area.council)
    assert mine.action == "Passed to the team that acts on it"
    # The police see what the MASH is doing about the same alert, and theirs not yet opened.
    police_page = client_for(area.police_analyst).get(
        reverse("networks:alert", args=[alert.pk]), follow=True
    )
    text = police_page.content.decode()
    assert "(Passed to the team that acts on it)" in text
    assert sent.get(to_agency=area.police).received_by_id == area.police_analyst.pk
