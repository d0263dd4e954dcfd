"""Helpline figures for the taskforce and the annual report of a prescribed person.

Counts only, never content: everything here is read from the columns kept in clear
(the day received, category, area, status, urgency, routing, clocks). Counts from 1 to 4
are shown as "fewer than 5", and more are hidden where a total and its other parts would
give one away (safeguarding.govuk.statistics.protect): the figures of every helpline and
of all of them together are protected as one table, since a helpline's staff see their
own and the taskforce sees the sum. Definitions: docs/users/figures.md. Quarantined
reports (suspected spam) are counted apart and left out of every other figure.

The annual report follows the Prescribed Persons (Reports on Disclosures of Information)
Regulations 2017 (SI 2017/507): for a year from 1 April to 31 March, the number of workers'
disclosures the helpline reasonably believes are qualifying disclosures, the number on
which it decided to take further action, a summary of that action, and a summary of how
the disclosures affected its functions. Nothing in it identifies a worker or an employer.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable
from dataclasses import dataclass
from datetime import date

from safeguarding.access.agency_kinds import AgencyKind
from safeguarding.access.models import Agency
from safeguarding.clocks.models import Clock
from safeguarding.clocks.rules import ClockType
from safeguarding.govuk.statistics import (
    MONTH,
    SHOWN,
    YEAR,
    SeriesCell,
    Table,
    add_series,
    display,
    protect,
)
from safeguarding.helpline.models import Category, Disclosure, Report, RoutedReferral, Status

AREA_KINDS = frozenset({AgencyKind.LOCAL_AUTHORITY, AgencyKind.POLICE_FORCE})
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


@dataclass(frozen=True)
class _Counts:
    """One helpline's counts for a year, before anything is suppressed."""

    received: int
    quarantined: int
    months: Counter[str]
    categories: Counter[str]
    areas: Counter[str]
    statuses: Counter[str]
    acted_on: int
    routed_to: Counter[str]
    # clock type -> (on time, late, missed, still open)
    clocks: dict[str, tuple[int, int, int, int]]
    extended: int
    qualifying: int
    further_action: int
    urgent: int
    not_yet_decided: int


CLOCKS = (
    (ClockType.WHISTLEBLOWING_ACKNOWLEDGEMENT, "Acknowledged within 7 days"),
    (ClockType.WHISTLEBLOWING_FEEDBACK, "Feedback within 3 months (6 with a recorded reason)"),
)
OUTCOMES = ("Acknowledged, still open", "Awaiting acknowledgement", "Closed")
ACTED_ON = "Referred on or sent on the urgent path"


def _clock_counts(reports: list[Report], clock_type: str, today: date) -> tuple[int, int, int, int]:
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
    return on_time, late, missed, still_open


def _recipient_kind(agency: Agency) -> str:
    if agency.kind == AgencyKind.LOCAL_AUTHORITY:
        return "Local authorities (including LADOs)"
    if agency.kind == AgencyKind.POLICE_FORCE:
        return "Police forces"
    return "Inspectorates and the national taskforce"


def _count(reports: list[Report], quarantined: int, today: date) -> _Counts:
    routed = list(
        RoutedReferral.objects.filter(report__in=[r.pk for r in reports]).select_related(
            "to_agency"
        )
    )
    routed_reports = {referral.report_id for referral in routed}
    acted_on = {r.pk for r in reports if r.pk in routed_reports or r.child_in_danger}
    statuses = Counter[str]()
    for report in reports:
        if report.status == Status.CLOSED:
            statuses["Closed"] += 1
        elif report.status == Status.ACKNOWLEDGED:
            statuses["Acknowledged, still open"] += 1
        else:
            statuses["Awaiting acknowledgement"] += 1
    qualifying = [r for r in reports if r.disclosure == Disclosure.QUALIFYING]
    undecided = sum(1 for r in reports if r.disclosure == Disclosure.UNDECIDED)
    return _Counts(
        received=len(reports),
        quarantined=quarantined,
        months=Counter(MONTHS[(r.received_on.month - 4) % 12] for r in reports),
        categories=Counter(r.category for r in reports),
        areas=Counter(r.area.name if r.area else "Not known" for r in reports),
        statuses=statuses,
        acted_on=len(acted_on),
        routed_to=Counter(_recipient_kind(referral.to_agency) for referral in routed),
        clocks={clock_type: _clock_counts(reports, clock_type, today) for clock_type, _ in CLOCKS},
        extended=sum(1 for r in reports if r.feedback_extension_reason),
        qualifying=len(qualifying),
        further_action=sum(1 for r in qualifying if r.pk in acted_on),
        urgent=sum(1 for r in qualifying if r.child_in_danger),
        not_yet_decided=undecided,
    )


class _Cells:
    """The cells of one helpline's figures (or all of them together) in the shared table,
    by name, and every sum that holds among them."""

    def __init__(self, table: Table, counts: _Counts, labels: dict[str, list[str]]) -> None:
        self.table = table
        self.cells: dict[tuple[str, str], int] = {}
        received = self.add("received", "", counts.received)
        self.add("quarantined", "", counts.quarantined)
        for name, counter in (
            ("month", counts.months),
            ("category", counts.categories),
            ("area", counts.areas),
            ("status", counts.statuses),
        ):
            parts = [self.add(name, label, counter.get(label, 0)) for label in labels[name]]
            table.add_sum(received, parts)
        self.add("outcome", ACTED_ON, counts.acted_on)
        for label in labels["routed"]:
            self.add("routed", label, counts.routed_to.get(label, 0))
        for clock_type, _ in CLOCKS:
            on_time, late, missed, still_open = counts.clocks[clock_type]
            parts = [
                self.add(f"{clock_type}.on-time", "", on_time),
                self.add(f"{clock_type}.late", "", late),
                self.add(f"{clock_type}.missed", "", missed),
                self.add(f"{clock_type}.open", "", still_open),
            ]
            table.add_sum(self.add(f"{clock_type}.due", "", sum(counts.clocks[clock_type])), parts)
        self.add("extended", "", counts.extended)
        # Reports not qualifying are never published: what the reports received leave of
        # these two is not a figure of any table.
        self.add("qualifying", "", counts.qualifying)
        self.add("not-yet-decided", "", counts.not_yet_decided)
        self.add("further-action", "", counts.further_action)
        self.add("urgent", "", counts.urgent)

    def add(self, name: str, label: str, value: int) -> int:
        index = self.table.add(value)
        self.cells[(name, label)] = index
        return index


def _figures(
    year: int,
    counts: _Counts,
    cells: _Cells,
    shown: list[str],
    labels: dict[str, list[str]],
) -> Figures:
    values = cells.table.values

    def text(name: str, label: str = "") -> str:
        index = cells.cells[(name, label)]
        return display(values[index], shown[index])

    def rows(name: str, titles: dict[str, str] | None = None) -> list[Row]:
        return [Row((titles or {}).get(value, value), text(name, value)) for value in labels[name]]

    compliance = []
    for clock_type, title in CLOCKS:
        on_time, late, missed, _ = counts.clocks[clock_type]
        decided = on_time + late + missed
        names = ("on-time", "late", "missed", "open")
        every_part_shown = all(
            shown[cells.cells[(f"{clock_type}.{name}", "")]] == SHOWN for name in names
        )
        # A rate only where every count it is made of is shown.
        if decided >= 5 and every_part_shown:
            rate = f"{round(100 * on_time / decided)}%"
        else:
            rate = "not shown"
        compliance.append(
            Compliance(
                label=title,
                due=text(f"{clock_type}.due"),
                met_on_time=text(f"{clock_type}.on-time"),
                met_late=text(f"{clock_type}.late"),
                missed=text(f"{clock_type}.missed"),
                open=text(f"{clock_type}.open"),
                rate=rate,
            )
        )
    outcomes = [Row(ACTED_ON, text("outcome", ACTED_ON)), *rows("status")]
    return Figures(
        year=year,
        label=year_label(year),
        received=text("received"),
        quarantined=text("quarantined"),
        by_month=rows("month"),
        by_category=rows("category", dict(Category.choices)),
        by_area=rows("area"),
        by_outcome=sorted(outcomes, key=lambda row: row.label),
        routed_to=rows("routed"),
        compliance=compliance,
        extended=text("extended"),
        qualifying=text("qualifying"),
        further_action=text("further-action"),
        urgent=text("urgent"),
        not_yet_decided=text("not-yet-decided"),
    )


@dataclass(frozen=True)
class _Protected:
    """The year's figures of every helpline and of all of them together, with the
    dashboard's helpline reports by area and period, protected as one table."""

    table: Table
    shown: list[str]
    labels: dict[str, list[str]]
    together: _Counts
    all_cells: _Cells
    each: dict[int, _Counts]
    own: dict[int, _Cells]
    dashboard: dict[SeriesCell, int]


def _months_of(year: int) -> list[date]:
    return [date(year + (index + 3) // 12, (index + 3) % 12 + 1, 1) for index in range(12)]


def _protected(year: int, today: date, helpline: Agency | None = None) -> _Protected:
    start, end = date(year, 4, 1), date(year + 1, 3, 31)
    everything = Report.objects.filter(received_on__range=(start, end))
    by_helpline: dict[int, list[Report]] = {}
    quarantined: Counter[int] = Counter()
    for report in everything.select_related("area").order_by("received_on", "pk"):
        if report.status == Status.QUARANTINED:
            quarantined[report.helpline_id] += 1
        else:
            by_helpline.setdefault(report.helpline_id, [])
            by_helpline[report.helpline_id].append(report)
    helplines = sorted(set(by_helpline) | set(quarantined))
    if helpline is not None and helpline.pk not in helplines:
        helplines.append(helpline.pk)
    each = {pk: _count(by_helpline.get(pk, []), quarantined[pk], today) for pk in helplines}
    reports = [report for reports in by_helpline.values() for report in reports]
    together = _count(reports, sum(quarantined.values()), today)
    labels = {
        "month": list(MONTHS),
        "category": [value for value, _ in Category.choices],
        "area": sorted(together.areas),
        "status": list(OUTCOMES),
        "routed": sorted(together.routed_to),
    }
    table = Table()
    all_cells = _Cells(table, together, labels)
    own = {pk: _Cells(table, counts, labels) for pk, counts in each.items()}
    # Every helpline's cell adds up to the same cell of all of them together.
    for key, total in all_cells.cells.items():
        table.add_sum(total, [cells.cells[key] for cells in own.values()])
    dashboard = _dashboard_series(table, all_cells, reports, year)
    shown = protect(table)
    return _Protected(table, shown, labels, together, all_cells, each, own, dashboard)


NOT_KNOWN = "Not known"
OTHER = "other"


def _dashboard_series(
    table: Table, all_cells: _Cells, reports: list[Report], year: int
) -> dict[SeriesCell, int]:
    """The national dashboard's helpline reports (docs/users/figures.md) in the same
    table: for each local authority and police force, and England, by month, quarter and
    year. An area's year is its row of the figures by area; England's months and the
    reports about no known area make up the figures by month; the areas that are not local
    authorities or forces count for England only."""
    months = _months_of(year)
    kinds = dict(Agency.objects.values_list("pk", "kind"))
    areas = sorted(pk for pk, kind in kinds.items() if kind in AREA_KINDS)
    monthly: dict[object, Counter[date]] = {pk: Counter() for pk in areas}
    monthly[OTHER], monthly[None], monthly[NOT_KNOWN] = Counter(), Counter(), Counter()
    names: dict[object, str] = {}
    elsewhere: set[str] = set()
    for report in reports:
        month = report.received_on.replace(day=1)
        if report.area is None:
            monthly[NOT_KNOWN][month] += 1
            continue
        monthly[None][month] += 1
        if report.area_id in kinds and kinds[report.area_id] in AREA_KINDS:
            monthly[report.area_id][month] += 1
            names[report.area_id] = report.area.name
        else:
            monthly[OTHER][month] += 1
            elsewhere.add(report.area.name)
    series: dict[Hashable, tuple[dict[date, int], bool]] = {
        key: (dict(monthly[key]), True) for key in areas
    }
    series[OTHER] = (dict(monthly[OTHER]), False)
    series[None] = (dict(monthly[None]), True)
    year_cells = {key: all_cells.cells[("area", name)] for key, name in names.items()}
    cells = add_series(table, series, None, months, by_period=True, year_cells=year_cells)
    table.add_sum(
        cells[(OTHER, YEAR, months[0])],
        [all_cells.cells[("area", name)] for name in sorted(elsewhere)],
    )
    # A month of the figures is England's month and the reports about no known area.
    not_known = [table.add(monthly[NOT_KNOWN][month], published=False) for month in months]
    for label, month, unknown in zip(MONTHS, months, not_known, strict=True):
        table.add_sum(all_cells.cells[("month", label)], [cells[(None, MONTH, month)], unknown])
    if ("area", NOT_KNOWN) in all_cells.cells:
        table.add_sum(all_cells.cells[("area", NOT_KNOWN)], not_known)
    return cells


def dashboard_cells(year: int, *, today: date) -> tuple[Table, list[str], dict[SeriesCell, int]]:
    """The dashboard's helpline reports of a financial year, protected with the helpline
    statistics of the same year: its table, what may be shown, and the dashboard's cells
    (series: an area's id, None for England)."""
    protected = _protected(year, today)
    return protected.table, protected.shown, protected.dashboard


def figures(helpline: Agency | None, year: int, *, today: date) -> Figures:
    """The year's figures for one helpline, or for every helpline when ``helpline`` is None.
    Every helpline's figures and their sum are protected together, so that what one view
    shows never gives away what another hides, and with the national dashboard's helpline
    reports of the same year."""
    p = _protected(year, today, helpline)
    if helpline is None:
        return _figures(year, p.together, p.all_cells, p.shown, p.labels)
    return _figures(year, p.each[helpline.pk], p.own[helpline.pk], p.shown, p.labels)
