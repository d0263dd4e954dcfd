"""Every read of the taskforce app.

The dashboard reads only the published figures (Figure), never a case record: what it shows
is already de-identified and suppressed by the refresh. The online-abuse pipeline and
police capacity are read here too, each for its own force only."""

from __future__ import annotations

import functools
import io
import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Min, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from safeguarding.access.models import Agency, AgencyKind, CaseRole, User
from safeguarding.access.roles import BREAK_GLASS_ROLES
from safeguarding.audit.chain import record
from safeguarding.audit.verbs import AuditVerb
from safeguarding.audit.vocabulary import LegalBasis, TargetType
from safeguarding.clocks.models import Clock
from safeguarding.govuk.csvfiles import csv_writer
from safeguarding.govuk.statistics import Table, display, display_rounded, protect
from safeguarding.taskforce import measures as m
from safeguarding.taskforce.models import (
    Figure,
    MonthlyCount,
    OnlineAbuseSuspect,
    PeriodKind,
    RefreshState,
    Shown,
    StatisticalNeighbour,
)
from safeguarding.taskforce.policy import records_pipeline, sees_force_capacity

AREA_KINDS = {"authority": AgencyKind.LOCAL_AUTHORITY, "force": AgencyKind.POLICE_FORCE}
KIND_LABELS = {"authority": "Local authority", "force": "Police force"}
# The groups of measures an area's page shows, by kind of area.
GROUPS = {
    "authority": [m.FRONT_DOOR, m.SOCIAL_CARE, m.SUPPORT, m.DEADLINES],
    "force": [m.FRONT_DOOR, m.POLICE, m.DEADLINES],
}
RATES_BY_KEY = {rate.key: rate for rate in m.RATES + m.CLOCK_RATES}


@dataclass(frozen=True)
class Cell:
    value: int = 0
    shown: str = Shown.SHOWN

    @property
    def text(self) -> str:
        return display(self.value, self.shown)

    @property
    def number(self) -> int | None:
        """The count, when it may be shown."""
        return self.value if self.shown == Shown.SHOWN else None


EMPTY = Cell()
FigureKey = tuple[int | None, str, date, str]


def _cells(figures: QuerySet[Figure]) -> dict[FigureKey, Cell]:
    return {
        (area, kind, start, measure): Cell(value, shown)
        for area, kind, start, measure, value, shown in figures.values_list(
            "area_id", "period_kind", "period_start", "measure", "value", "shown"
        )
    }


def rate_text(numerator: Cell, denominator: Cell) -> str:
    """A percentage, shown only when both counts are (it would otherwise give one away)."""
    if numerator.number is None or denominator.number is None:
        return "not shown"
    if denominator.value == 0:
        return "no figure"
    return f"{round(100 * numerator.value / denominator.value)}%"


def rate_value(numerator: Cell, denominator: Cell) -> float | None:
    if numerator.number is None or denominator.number is None or denominator.value == 0:
        return None
    return numerator.value / denominator.value


def years_available(today: date | None = None) -> list[int]:
    """Financial years with figures, newest first."""
    today = today or timezone.localdate()
    first = MonthlyCount.objects.aggregate(first=Min("month"))["first"]
    latest = m.financial_year(today)
    if first is None:
        return [latest]
    return list(range(latest, m.financial_year(first) - 1, -1))


def last_refresh() -> RefreshState | None:
    return RefreshState.objects.order_by("-refreshed_at").first()


def _audit_view(user: User, view: str, **details: object) -> None:
    record(
        AuditVerb.DASHBOARD_VIEWED,
        actor=user,
        target_type=TargetType.DASHBOARD,
        target_id=view,
        payload={key: str(value) for key, value in details.items()},
    )


def areas_of(kind: str) -> list[Agency]:
    return list(Agency.objects.filter(kind=AREA_KINDS[kind]).order_by("name"))


def find_area(code: str) -> tuple[Agency, str]:
    """A local authority or police force by its code, and its kind; 404 otherwise."""
    area = Agency.objects.filter(code=code, kind__in=AREA_KINDS.values()).first()
    if area is None:
        raise Http404
    kind = "authority" if area.kind == AgencyKind.LOCAL_AUTHORITY else "force"
    return area, kind


# The national table ---------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    key: str
    label: str


@dataclass(frozen=True)
class Row:
    name: str
    code: str
    cells: list[str]


@dataclass(frozen=True)
class Overview:
    kind: str
    year: int
    columns: list[Column]
    rows: list[Row]
    england: Row


def _column_text(key: str, area: int | None, cells: dict[FigureKey, Cell], start: date) -> str:
    if key in RATES_BY_KEY:
        rate = RATES_BY_KEY[key]
        return rate_text(
            cells.get((area, PeriodKind.YEAR, start, rate.numerator), EMPTY),
            cells.get((area, PeriodKind.YEAR, start, rate.denominator), EMPTY),
        )
    return cells.get((area, PeriodKind.YEAR, start, key), EMPTY).text


def _column_label(key: str) -> str:
    if key in RATES_BY_KEY:
        return RATES_BY_KEY[key].label + " (%)"
    return m.MEASURES_BY_KEY[key].label


def overview(user: User, kind: str, year: int, keys: list[str] | None = None) -> Overview:
    """Every area of a kind, with the main measures (or those given) for one financial
    year."""
    keys = keys or (m.AUTHORITY_COLUMNS if kind == "authority" else m.FORCE_COLUMNS)
    measures = set()
    for key in keys:
        rate = RATES_BY_KEY.get(key)
        measures |= {rate.numerator, rate.denominator} if rate else {key}
    start = m.year_start(year)
    agencies = areas_of(kind)
    cells = _cells(
        Figure.objects.filter(
            Q(area_id__in=[a.pk for a in agencies]) | Q(area__isnull=True),
            year=year,
            period_kind=PeriodKind.YEAR,
            measure__in=measures,
        )
    )
    rows = [
        Row(a.name, a.code, [_column_text(key, a.pk, cells, start) for key in keys])
        for a in agencies
    ]
    england = Row("England", "", [_column_text(key, None, cells, start) for key in keys])
    _audit_view(user, "overview", kind=kind, year=year)
    return Overview(kind, year, [Column(k, _column_label(k)) for k in keys], rows, england)


# One area --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Comparison:
    label: str
    area: str
    england: str
    similar: str


@dataclass(frozen=True)
class Point:
    label: str
    cell: Cell


@dataclass(frozen=True)
class Trend:
    key: str
    label: str
    points: list[Point]


@dataclass
class Section:
    title: str
    counts: list[Comparison] = field(default_factory=list)
    rates: list[Comparison] = field(default_factory=list)


@dataclass(frozen=True)
class AreaPage:
    area: Agency
    kind: str
    year: int
    by: str
    sections: list[Section]
    trends: list[Trend]
    neighbours: list[Agency]


def _similar_count(key: str, neighbours: list[int], at: dict[FigureKey, Cell], start: date) -> str:
    """The average over the similar areas whose count is shown; only published counts are
    used, so nothing suppressed can be worked out from it."""
    values = [
        cell.value
        for n in neighbours
        if (cell := at.get((n, PeriodKind.YEAR, start, key), EMPTY)).number is not None
    ]
    if not values:
        return "no figure"
    return f"{round(sum(values) / len(values)):,} (average of {len(values)})"


def _similar_rate(
    rate: m.Rate, neighbours: list[int], at: dict[FigureKey, Cell], start: date
) -> str:
    numerator = denominator = used = 0
    for n in neighbours:
        top = at.get((n, PeriodKind.YEAR, start, rate.numerator), EMPTY)
        bottom = at.get((n, PeriodKind.YEAR, start, rate.denominator), EMPTY)
        if top.number is not None and bottom.number is not None and bottom.value:
            numerator, denominator, used = (
                numerator + top.value,
                denominator + bottom.value,
                used + 1,
            )
    if not used:
        return "no figure"
    return f"{round(100 * numerator / denominator)}% ({used} areas)"


def trend_points(
    cells: dict[FigureKey, Cell], area: int | None, measure: str, years: list[int], by: str
) -> list[Point]:
    points = []
    for year in sorted(years):
        months = m.months_of_year(year)
        if by == PeriodKind.YEAR:
            cell = cells.get((area, PeriodKind.YEAR, months[0], measure), EMPTY)
            points.append(Point(m.year_label(year), cell))
        elif by == PeriodKind.QUARTER:
            for quarter in months[::3]:
                cell = cells.get((area, PeriodKind.QUARTER, quarter, measure), EMPTY)
                points.append(Point(m.quarter_label(quarter), cell))
        else:
            for month in months:
                cell = cells.get((area, PeriodKind.MONTH, month, measure), EMPTY)
                points.append(Point(m.month_label(month), cell))
    return points


def _trim_future(points: list[Point], today: date, by: str) -> list[Point]:
    """Drop the periods that have not started yet."""
    limit = m.month_label(today.replace(day=1))
    labels = [p.label for p in points]
    if by == PeriodKind.YEAR:
        return points
    if by == PeriodKind.MONTH and limit in labels:
        return points[: labels.index(limit) + 1]
    quarter = m.quarter_label(m.quarter_start(today.replace(day=1)))
    if quarter in labels:
        return points[: labels.index(quarter) + 1]
    return points


def area_page(user: User, code: str, year: int, by: str, years: list[int]) -> AreaPage:
    area, kind = find_area(code)
    start = m.year_start(year)
    neighbours = list(
        Agency.objects.filter(
            pk__in=StatisticalNeighbour.objects.filter(area=area).values("neighbour_id")
        ).order_by("name")
    )
    neighbour_ids = [n.pk for n in neighbours]
    at = _cells(
        Figure.objects.filter(
            Q(area=area) | Q(area__isnull=True) | Q(area__in=neighbour_ids),
            year=year,
            period_kind=PeriodKind.YEAR,
        )
    )
    groups = GROUPS[kind]
    sections = {group: Section(group) for group in groups}
    for measure in m.MEASURES:
        if measure.group not in sections or kind not in measure.recorded_by:
            continue
        mine = at.get((area.pk, PeriodKind.YEAR, start, measure.key), EMPTY)
        england = at.get((None, PeriodKind.YEAR, start, measure.key), EMPTY)
        if measure.group == m.DEADLINES or (mine.value == 0 and england.value == 0):
            continue
        sections[measure.group].counts.append(
            Comparison(
                measure.label,
                mine.text,
                england.text,
                _similar_count(measure.key, neighbour_ids, at, start),
            )
        )
    for rate in m.RATES + m.CLOCK_RATES:
        group = m.DEADLINES if rate in m.CLOCK_RATES else m.MEASURES_BY_KEY[rate.numerator].group
        if group not in sections or kind not in m.MEASURES_BY_KEY[rate.denominator].recorded_by:
            continue
        cells = [
            at.get((who, PeriodKind.YEAR, start, key), EMPTY)
            for who in (area.pk, None)
            for key in (rate.numerator, rate.denominator)
        ]
        if all(cell.value == 0 for cell in cells):
            continue
        label = rate.label
        if rate in m.CLOCK_RATES:
            label = f"{rate.label}: met on time (of {cells[1].text} due)"
        sections[group].rates.append(
            Comparison(
                label,
                rate_text(cells[0], cells[1]),
                rate_text(cells[2], cells[3]),
                _similar_rate(rate, neighbour_ids, at, start),
            )
        )
    chart_keys = [
        measure.key
        for measure in m.MEASURES
        if measure.chart and measure.group in sections and kind in measure.recorded_by
    ]
    series = _cells(
        Figure.objects.filter(area=area, period_kind=by, measure__in=chart_keys, year__in=years)
    )
    today = timezone.localdate()
    trends = []
    for key in chart_keys:
        points = _trim_future(trend_points(series, area.pk, key, years, by), today, by)
        if any(point.cell.value for point in points):
            trends.append(Trend(key, m.MEASURES_BY_KEY[key].label, points))
    _audit_view(user, "area", area=area.code, year=year, by=by)
    return AreaPage(
        area=area,
        kind=kind,
        year=year,
        by=by,
        sections=[s for s in sections.values() if s.counts or s.rates],
        trends=trends,
        neighbours=neighbours,
    )


# One measure ----------------------------------------------------------------------------


@dataclass(frozen=True)
class MeasurePage:
    measure: m.Measure
    kind: str
    year: int
    by: str
    trend: Trend
    rows: list[Row]
    england: str


def measure_page(
    user: User, key: str, kind: str, year: int, by: str, years: list[int]
) -> MeasurePage:
    measure = m.MEASURES_BY_KEY.get(key)
    if measure is None:
        raise Http404
    start = m.year_start(year)
    if kind not in measure.recorded_by:
        # The areas that record it: a force records no referrals, an authority no suspects.
        kind = sorted(measure.recorded_by)[0]
    if not measure.chart:
        # Published by financial year only (see refresh._publish_measure).
        by = PeriodKind.YEAR
    national = _cells(
        Figure.objects.filter(area__isnull=True, period_kind=by, measure=key, year__in=years)
    )
    points = _trim_future(trend_points(national, None, key, years, by), timezone.localdate(), by)
    agencies = areas_of(kind)
    at = _cells(
        Figure.objects.filter(
            Q(area_id__in=[a.pk for a in agencies]) | Q(area__isnull=True),
            year=year,
            period_kind=PeriodKind.YEAR,
            measure=key,
        )
    )
    rows = [
        Row(a.name, a.code, [at.get((a.pk, PeriodKind.YEAR, start, key), EMPTY).text])
        for a in agencies
    ]
    england = at.get((None, PeriodKind.YEAR, start, key), EMPTY).text
    _audit_view(user, "measure", measure=key, kind=kind, year=year, by=by)
    return MeasurePage(measure, kind, year, by, Trend(key, measure.label, points), rows, england)


# The export -----------------------------------------------------------------------------

EXPORT_HEADER = [
    "area_code",
    "area_name",
    "area_kind",
    "period",
    "period_start",
    "measure",
    "measure_name",
    "value",
]


def export_csv(user: User, kind: str, year: int) -> str:
    """Every published figure of a financial year for the areas of a kind and England, as
    CSV, exactly as the pages show them ("fewer than 5", "not shown"). Figures change only
    when they are refreshed, so the text is kept (per process) until the next refresh;
    every export is still audited."""
    _record_export(user, kind, year)
    state = last_refresh()
    return _export_text(kind, year, state.refreshed_at.isoformat() if state else "")


@functools.lru_cache(maxsize=8)
def _export_text(kind: str, year: int, refreshed_at: str) -> str:
    buffer = io.StringIO()
    writer = csv_writer(buffer)
    writer.writerow(EXPORT_HEADER)
    writer.writerows(_export_body(kind, year))
    return buffer.getvalue()


def _record_export(user: User, kind: str, year: int) -> None:
    record(
        AuditVerb.DASHBOARD_EXPORTED,
        actor=user,
        target_type=TargetType.DASHBOARD,
        target_id=f"{kind}-{year}",
        payload={"kind": kind, "year": year},
    )


def _export_body(kind: str, year: int) -> list[list[str]]:
    agencies = {a.pk: a for a in areas_of(kind)}
    figures = Figure.objects.filter(
        Q(area__in=list(agencies)) | Q(area__isnull=True), year=year
    ).values_list("area_id", "period_kind", "period_start", "measure", "value", "shown")
    rows = []
    for area_id, period_kind, start, key, value, shown in figures:
        measure = m.MEASURES_BY_KEY.get(key)
        if measure is None:
            continue
        area = agencies.get(area_id) if area_id else None
        rows.append(
            [
                area.code if area else "ENGLAND",
                area.name if area else "England",
                KIND_LABELS[kind] if area else "Country",
                period_kind,
                start.isoformat(),
                key,
                measure.label,
                display(value, shown),
            ]
        )
    rows.sort(key=lambda row: (row[0] != "ENGLAND", row[1], row[3], row[4], row[5]))
    return rows


# The online-abuse pipeline --------------------------------------------------------------

SUSPECT_LIST_LIMIT = 500


def suspects_of_my_force(user: User) -> list[OnlineAbuseSuspect]:
    if not records_pipeline(user):
        return []
    suspects = list(
        OnlineAbuseSuspect.objects.filter(force_id=user.agency_id)
        .select_related("officer")
        .order_by("-updated_at")[:SUSPECT_LIST_LIMIT]
    )
    record(
        AuditVerb.SUSPECTS_VIEWED,
        actor=user,
        target_type=TargetType.ONLINE_ABUSE_SUSPECT_LIST,
        target_id=str(user.agency_id),
        legal_basis=LegalBasis.LAW_ENFORCEMENT,
        payload={"suspects": [str(s.pk) for s in suspects]},
    )
    return suspects


def access_suspect(user: User, suspect_id: uuid.UUID | str) -> OnlineAbuseSuspect:
    """One suspect of the user's own force; 404 for anything else."""
    try:
        key = uuid.UUID(str(suspect_id))
    except ValueError as error:
        raise Http404 from error
    suspect = OnlineAbuseSuspect.objects.filter(pk=key).first()
    if suspect is None or not records_pipeline(user) or suspect.force_id != user.agency_id:
        raise Http404
    record(
        AuditVerb.SUSPECTS_VIEWED,
        actor=user,
        target_type=TargetType.ONLINE_ABUSE_SUSPECT,
        target_id=suspect.pk,
        legal_basis=LegalBasis.LAW_ENFORCEMENT,
    )
    return suspect


def officers_of(force_id: int) -> list[User]:
    return list(
        User.objects.filter(
            agency_id=force_id, is_active=True, role__in=BREAK_GLASS_ROLES
        ).order_by("last_name", "first_name", "username")
    )


# Police capacity ------------------------------------------------------------------------


@dataclass(frozen=True)
class Workload:
    name: str
    officers: int
    open_cases: int
    overdue: int

    @property
    def per_officer(self) -> str:
        return f"{self.open_cases / self.officers:.1f}" if self.officers else "no officers"


@dataclass(frozen=True)
class ForceCapacity:
    force: Agency
    officers: list[Workload]
    teams: list[Workload]
    unallocated_overdue: int
    total: Workload


def _open_cases(officer_ids: Iterable[int]) -> dict[int, int]:
    counts: dict[int, int] = defaultdict(int)
    ids = list(officer_ids)
    for user_id, count in (
        CaseRole.objects.filter(user_id__in=ids, ended_at__isnull=True)
        .values("user_id")
        .annotate(count=Count("pk"))
        .values_list("user_id", "count")
    ):
        counts[user_id] += count
    for user_id, count in (
        OnlineAbuseSuspect.objects.filter(
            officer_id__in=ids, charged_on__isnull=True, no_further_action_on__isnull=True
        )
        .values("officer_id")
        .annotate(count=Count("pk"))
        .values_list("officer_id", "count")
    ):
        counts[user_id] += count
    return counts


def _overdue(officer_ids: Iterable[int], today: date) -> dict[int, int]:
    return dict(
        Clock.objects.filter(
            accountable_id__in=list(officer_ids),
            met_on__isnull=True,
            cancelled_on__isnull=True,
            due_on__lt=today,
        )
        .values("accountable_id")
        .annotate(count=Count("pk"))
        .values_list("accountable_id", "count")
    )


def force_capacity(user: User) -> ForceCapacity:
    """Open cases and overdue work for each officer and team of the user's own force."""
    if not sees_force_capacity(user) or user.agency is None:
        raise Http404
    today = timezone.localdate()
    officers = officers_of(user.agency.pk)
    ids = [o.pk for o in officers]
    cases = _open_cases(ids)
    overdue = _overdue(ids, today)
    rows = [Workload(o.display_name, 1, cases.get(o.pk, 0), overdue.get(o.pk, 0)) for o in officers]
    teams: dict[str, list[Workload]] = defaultdict(list)
    managers = {o.pk: o for o in officers}
    for officer, row in zip(officers, rows, strict=True):
        manager = managers.get(officer.manager_id) if officer.manager_id else None
        lead = officer if officer.pk in {o.manager_id for o in officers} else manager
        teams[f"{lead.display_name}'s team" if lead else "Not in a team"].append(row)
    team_rows = [
        Workload(
            name,
            len(members),
            sum(r.open_cases for r in members),
            sum(r.overdue for r in members),
        )
        for name, members in sorted(teams.items())
    ]
    unallocated = Clock.objects.filter(
        authority_id=user.agency_id,
        accountable__isnull=True,
        met_on__isnull=True,
        cancelled_on__isnull=True,
        due_on__lt=today,
    ).count()
    total = Workload(
        user.agency.name,
        len(rows),
        sum(r.open_cases for r in rows),
        sum(r.overdue for r in rows) + unallocated,
    )
    record(
        AuditVerb.CAPACITY_VIEWED,
        actor=user,
        target_type=TargetType.POLICE_FORCE,
        target_id=user.agency.code,
    )
    return ForceCapacity(user.agency, rows, team_rows, unallocated, total)


def _ratio(cases_text: str, officers_text: str) -> str:
    """Cases per officer, only when both counts are shown, and worked out from the counts
    as shown (rounded): a ratio beside a suppressed count would give it away (10 cases at
    5.0 a head is 2 officers), and one of the exact counts would undo their rounding."""
    if not _plain(cases_text) or not _plain(officers_text):
        return "not shown"
    cases, officers = int(cases_text.replace(",", "")), int(officers_text.replace(",", ""))
    return f"{cases / officers:.1f}" if officers else "no officers"


def _plain(text: str) -> bool:
    return text.replace(",", "").isdigit()


@dataclass(frozen=True)
class CapacityRow:
    name: str
    code: str
    officers: str
    open_cases: str
    overdue: str
    per_officer: str


def national_capacity(user: User) -> tuple[list[CapacityRow], CapacityRow]:
    """Each force's officers, open cases and overdue work, with no officer named; counts
    from 1 to 4 suppressed, and more where a total would give one away."""
    today = timezone.localdate()
    forces = areas_of("force")
    officers = dict(
        User.objects.filter(
            agency__kind=AgencyKind.POLICE_FORCE, is_active=True, role__in=BREAK_GLASS_ROLES
        )
        .values("agency_id")
        .annotate(count=Count("pk"))
        .values_list("agency_id", "count")
    )
    force_users = User.objects.filter(agency__kind=AgencyKind.POLICE_FORCE)
    cases: dict[int, int] = defaultdict(int)
    for agency_id, count in (
        CaseRole.objects.filter(ended_at__isnull=True, user__in=force_users)
        .values("user__agency_id")
        .annotate(count=Count("pk"))
        .values_list("user__agency_id", "count")
    ):
        cases[agency_id] += count
    for agency_id, count in (
        OnlineAbuseSuspect.objects.filter(
            officer__isnull=False, charged_on__isnull=True, no_further_action_on__isnull=True
        )
        .values("force_id")
        .annotate(count=Count("pk"))
        .values_list("force_id", "count")
    ):
        cases[agency_id] += count
    overdue: dict[int, int] = defaultdict(int)
    open_overdue = Clock.objects.filter(
        met_on__isnull=True, cancelled_on__isnull=True, due_on__lt=today
    )
    for agency_id, count in (
        open_overdue.filter(accountable__in=force_users)
        .values("accountable__agency_id")
        .annotate(count=Count("pk"))
        .values_list("accountable__agency_id", "count")
    ):
        overdue[agency_id] += count
    for agency_id, count in (
        open_overdue.filter(accountable__isnull=True, authority_id__in=[f.pk for f in forces])
        .values("authority_id")
        .annotate(count=Count("pk"))
        .values_list("authority_id", "count")
    ):
        overdue[agency_id] += count
    columns = [
        [officers.get(f.pk, 0) for f in forces],
        [cases.get(f.pk, 0) for f in forces],
        [overdue.get(f.pk, 0) for f in forces],
    ]
    shown_columns = []
    for values in columns:
        table = Table()
        parts = [table.add(v) for v in values]
        total = table.add(sum(values))
        table.add_sum(total, parts)
        flags = protect(table)
        # Republished every day from records that change: rounded to base 5 (the counts
        # on the dashboard are published once a year has been counted, and are exact).
        shown_columns.append([display_rounded(table.values[i], flags[i]) for i in [*parts, total]])
    rows = []
    for index, force in enumerate(forces):
        ratio = _ratio(shown_columns[1][index], shown_columns[0][index])
        rows.append(
            CapacityRow(
                force.name,
                force.code,
                shown_columns[0][index],
                shown_columns[1][index],
                shown_columns[2][index],
                ratio,
            )
        )
    england = CapacityRow(
        "England",
        "",
        shown_columns[0][-1],
        shown_columns[1][-1],
        shown_columns[2][-1],
        _ratio(shown_columns[1][-1], shown_columns[0][-1]),
    )
    record(
        AuditVerb.CAPACITY_VIEWED,
        actor=user,
        target_type=TargetType.POLICE_FORCES,
        target_id="national",
    )
    return rows, england
