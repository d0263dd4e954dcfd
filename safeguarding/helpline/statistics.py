"""Helpline figures for the taskforce and the annual report of a prescribed person.

Counts only, never content: everything here is read from the columns kept in clear
(the day received, category, area, status, urgency, routing, clocks). Counts from 1 to 4
are shown as "fewer than 5" (safeguarding.govuk.statistics.suppress), and a total whose
parts include a suppressed count is still shown, since a total alone identifies nobody.
Quarantined reports (suspected spam) are counted apart and left out of every other figure.

The annual report follows the Prescribed Persons (Reports on Disclosures of Information)
Regulations 2017 (SI 2017/507): for a year from 1 April to 31 March, the number of workers'
disclosures the helpline reasonably believes are qualifying disclosures, the number on
which it decided to take further action, a summary of that action, and a summary of how
the disclosures affected its functions. Nothing in it identifies a worker or an employer.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

from safeguarding.access.agency_kinds import AgencyKind
from safeguarding.access.models import Agency
from safeguarding.clocks.models import Clock
from safeguarding.clocks.rules import ClockType
from safeguarding.govuk.statistics import suppress
from safeguarding.helpline.models import Category, Disclosure, Report, RoutedReferral, Status

MONTHS = ("Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec", "Jan", "Feb", "Mar")


def year_of(day: date) -> int:
    """The reporting year (starting 1 April) that ``day`` falls in."""
    return day.year if day.month >= 4 else day.year - 1


def last_complete_year(today: date) -> int:
    return year_of(today) - 1


def year_label(year: int) -> str:
    return f"1 April {year} to 31 March {year + 1}"


@dataclass(frozen=True)
class Row:
    label: str
    count: str


@dataclass(frozen=True)
class Compliance:
    label: str
    due: str
    met_on_time: str
    met_late: str
    missed: str
    open: str
    rate: str


@dataclass(frozen=True)
class Figures:
    year: int
    label: str
    received: str
    quarantined: str
    by_month: list[Row]
    by_category: list[Row]
    by_area: list[Row]
    by_outcome: list[Row]
    routed_to: list[Row]
    compliance: list[Compliance]
    extended: str
    # For the annual report.
    qualifying: str
    further_action: str
    urgent: str
    not_yet_decided: str


def _rows(counts: Counter[str], labels: list[tuple[str, str]]) -> list[Row]:
    return [Row(label, suppress(counts.get(value, 0))) for value, label in labels]


def _compliance(reports: list[Report], clock_type: str, label: str, today: date) -> Compliance:
    clocks = Clock.objects.filter(
        subject__in=[report.subject for report in reports],
        clock_type=clock_type,
        cancelled_on__isnull=True,
    ).values_list("due_on", "met_on")
    on_time = late = missed = still_open = 0
    for due_on, met_on in clocks:
        if met_on is not None:
            on_time += met_on <= due_on
            late += met_on > due_on
        elif due_on < today:
            missed += 1
        else:
            still_open += 1
    decided = on_time + late + missed
    rate = f"{round(100 * on_time / decided)}%" if decided >= 5 else "not shown (fewer than 5)"
    return Compliance(
        label=label,
        due=suppress(decided + still_open),
        met_on_time=suppress(on_time),
        met_late=suppress(late),
        missed=suppress(missed),
        open=suppress(still_open),
        rate=rate,
    )


def _recipient_kind(agency: Agency) -> str:
    if agency.kind == AgencyKind.LOCAL_AUTHORITY:
        return "Local authorities (including LADOs)"
    if agency.kind == AgencyKind.POLICE_FORCE:
        return "Police forces"
    return "Inspectorates and the national taskforce"


def figures(helpline: Agency | None, year: int, *, today: date) -> Figures:
    """The year's figures for one helpline, or for every helpline when ``helpline`` is None."""
    start, end = date(year, 4, 1), date(year + 1, 3, 31)
    everything = Report.objects.filter(received_on__range=(start, end))
    if helpline is not None:
        everything = everything.filter(helpline=helpline)
    quarantined = everything.filter(status=Status.QUARANTINED).count()
    reports = list(everything.exclude(status=Status.QUARANTINED).select_related("area"))
    routed = list(
        RoutedReferral.objects.filter(report__in=[r.pk for r in reports]).select_related(
            "to_agency"
        )
    )
    routed_reports = {referral.report_id for referral in routed}
    acted_on = {r.pk for r in reports if r.pk in routed_reports or r.child_in_danger}

    months = Counter(MONTHS[(r.received_on.month - 4) % 12] for r in reports)
    categories = Counter(r.category for r in reports)
    areas = Counter(r.area.name if r.area else "Not known" for r in reports)
    outcomes = Counter[str]()
    for report in reports:
        if report.pk in acted_on:
            outcomes["Referred on or sent on the urgent path"] += 1
        if report.status == Status.CLOSED:
            outcomes["Closed"] += 1
        elif report.status == Status.ACKNOWLEDGED:
            outcomes["Acknowledged, still open"] += 1
        else:
            outcomes["Awaiting acknowledgement"] += 1
    recipients = Counter(_recipient_kind(referral.to_agency) for referral in routed)
    qualifying = [r for r in reports if r.disclosure == Disclosure.QUALIFYING]

    return Figures(
        year=year,
        label=year_label(year),
        received=suppress(len(reports)),
        quarantined=suppress(quarantined),
        by_month=[Row(month, suppress(months.get(month, 0))) for month in MONTHS],
        by_category=_rows(categories, list(Category.choices)),
        by_area=[Row(name, suppress(count)) for name, count in sorted(areas.items())],
        by_outcome=[Row(name, suppress(count)) for name, count in sorted(outcomes.items())],
        routed_to=[Row(name, suppress(count)) for name, count in sorted(recipients.items())],
        compliance=[
            _compliance(
                reports,
                ClockType.WHISTLEBLOWING_ACKNOWLEDGEMENT,
                "Acknowledged within 7 days",
                today,
            ),
            _compliance(
                reports,
                ClockType.WHISTLEBLOWING_FEEDBACK,
                "Feedback within 3 months (6 with a recorded reason)",
                today,
            ),
        ],
        extended=suppress(sum(1 for r in reports if r.feedback_extension_reason)),
        qualifying=suppress(len(qualifying)),
        further_action=suppress(sum(1 for r in qualifying if r.pk in acted_on)),
        urgent=suppress(sum(1 for r in qualifying if r.child_in_danger)),
        not_yet_decided=suppress(sum(1 for r in reports if r.disclosure == Disclosure.UNDECIDED)),
    )
