from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.utils import timezone

from safeguarding.access.models import Agency, AgencyKind, User
from safeguarding.access.roles import Role
from safeguarding.inspections.actions import InspectionDetails, schedule_inspection
from safeguarding.inspections.models import Inspection
from tests.factories import Area, make_agency, make_user


@dataclass
class Inspectorates:
    ofsted: Agency
    hmicfrs: Agency
    other: Agency
    ofsted_inspector: User
    hmicfrs_inspector: User
    other_inspector: User


def make_inspectorates() -> Inspectorates:
    ofsted = make_agency(AgencyKind.NATIONAL_BODY, code="OFSTED", name="Ofsted")
    hmicfrs = make_agency(AgencyKind.NATIONAL_BODY, code="HMICFRS", name="HMICFRS")
    other = make_agency(AgencyKind.NATIONAL_BODY, code="HMIP", name="HM Inspectorate of Probation")
    return Inspectorates(
        ofsted=ofsted,
        hmicfrs=hmicfrs,
        other=other,
        ofsted_inspector=make_user(Role.INSPECTOR, ofsted, username="ofsted-inspector"),
        hmicfrs_inspector=make_user(Role.INSPECTOR, hmicfrs, username="hmicfrs-inspector"),
        other_inspector=make_user(Role.INSPECTOR, other, username="probation-inspector"),
    )


def schedule(
    area: Area,
    inspectorates: Inspectorates,
    *,
    starts_on: date | None = None,
    days: int = 10,
    data_from: date | None = None,
) -> Inspection:
    from datetime import timedelta

    starts_on = starts_on or timezone.localdate()
    return schedule_inspection(
        actor=inspectorates.ofsted_inspector,
        details=InspectionDetails(
            title="Joint targeted area inspection: child sexual abuse in the family",
            area=area.council,
            inspectorates=[inspectorates.ofsted, inspectorates.hmicfrs],
            starts_on=starts_on,
            ends_on=starts_on + timedelta(days=days - 1),
            data_from=data_from,
        ),
    )
