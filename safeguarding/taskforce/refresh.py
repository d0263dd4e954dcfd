"""Keeping the dashboard's figures up to date.

The dashboard never counts case records while someone waits: at national scale (about
3,000,000 referrals over five years) that takes far longer than a page may. Instead the
refresh works out, for every agency, month and measure, a raw count (MonthlyCount), and from
those the published figures (Figure): for every local authority, police force and England,
by month, quarter and financial year, each with what may be shown of it.

A refresh recounts the last REFRESH_MONTHS months (the current one included), where nearly
all changes fall, and republishes the financial years those months fall in. A full refresh
recounts everything. `safeguarding worker` refreshes at most once every REFRESH_EVERY;
`safeguarding taskforce refresh [--full]` does it at once. See
docs/users/taskforce-dashboard.md ("How fresh the figures are").
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import timezone

from safeguarding.access.models import Agency, AgencyKind
from safeguarding.clocks.models import Clock
from safeguarding.clocks.rules import ClockType
from safeguarding.concerns.models import EXPLOITATION_CATEGORIES, Concern, ConcernPerson, PersonRole
from safeguarding.govuk.statistics import (
    SeriesCell,
    Table,
    add_series,
    group_by_series,
    protect,
)
from safeguarding.helpline import statistics as helpline_statistics
from safeguarding.helpline.models import Report, Status
from safeguarding.mash.models import Contact
from safeguarding.networks.models import NetworkAlert
from safeguarding.pathway.events import EventType, Outcome
from safeguarding.pathway.models import PathwayEvent
from safeguarding.taskforce import measures as m
from safeguarding.taskforce.models import (
    Figure,
    MonthlyCount,
    OnlineAbuseSuspect,
    RefreshState,
    Shown,
)
from safeguarding.therapy import queries as therapy_queries
from safeguarding.therapy.models import TherapyReferral
from safeguarding.therapy.queries import breached
from safeguarding.warningnotices.models import NoticeBreach, WarningNotice

REFRESH_MONTHS: int = getattr(settings, "TASKFORCE_REFRESH_MONTHS", 3)
REFRESH_EVERY = timedelta(minutes=getattr(settings, "TASKFORCE_REFRESH_MINUTES", 60))
RE_REFERRAL_DAYS = 365
BATCH = 5000

Key = tuple[int, date, str]  # agency, month, measure


@dataclass(frozen=True)
class RefreshResult:
    from_month: date
    counts: int
    years: list[int]
    figures: int

    def summary(self) -> str:
        years = ", ".join(m.year_label(year) for year in self.years) or "none"
        return (
            f"{self.counts:,} monthly count(s) from {self.from_month:%B %Y}; "
            f"{self.figures:,} figure(s) published for {years}"
        )


def _month(value: date | datetime) -> date:
    if isinstance(value, datetime):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value.replace(day=1)


def _start_of(month: date) -> datetime:
    return timezone.make_aware(datetime.combine(month, time.min))


# Counting ----------------------------------------------------------------------------


def _grouped(
    rows: QuerySet[Any], agency: str, month_field: str, measure: str, **annotations: object
) -> Iterator[tuple[int, date, str, int]]:
    """(agency, month, measure, count) for each group of ``rows``."""
    grouped = (
        rows.annotate(month=TruncMonth(month_field))
        .values(agency, "month")
        .annotate(count=Count("pk"))
        .order_by()
    )
    for row in grouped:
        if row[agency] is not None:
            yield row[agency], _month(row["month"]), measure, row["count"]


def _concern_counts(since: date | None) -> Iterator[tuple[int, date, str, int]]:
    """Concerns by the agency that recorded them; contacts, referrals and what follows from
    them by the local authority whose MASH received them (docs/users/figures.md)."""
    concerns = Concern.objects.all()
    contacts = Contact.objects.all()
    if since:
        concerns = concerns.filter(recorded_at__gte=_start_of(since))
        contacts = contacts.filter(received_at__gte=_start_of(since))
    yield from _grouped(concerns, "agency_id", "recorded_at", m.CONCERNS_RECORDED)
    yield from _grouped(contacts, "authority_id", "received_at", m.CONTACTS)
    referrals = Contact.objects.filter(decision__in=m.REFERRAL_DECISIONS)
    if since:
        referrals = referrals.filter(decided_at__gte=_start_of(since))
    yield from _grouped(referrals, "authority_id", "decided_at", m.REFERRALS)
    yield from _grouped(
        referrals.filter(concern__category__in=EXPLOITATION_CATEGORIES),
        "authority_id",
        "decided_at",
        m.EXPLOITATION,
    )
    # A re-referral: a child named in the referral was named as a child in another referral
    # to the same authority decided in the 12 months before it.
    earlier = ConcernPerson.objects.filter(
        role=PersonRole.CHILD,
        person_id=OuterRef("person_id"),
        concern__contact__authority_id=OuterRef("concern__contact__authority_id"),
        concern__contact__decision__in=m.REFERRAL_DECISIONS,
        concern__contact__decided_at__lt=OuterRef("concern__contact__decided_at"),
        concern__contact__decided_at__gte=OuterRef("concern__contact__decided_at")
        - timedelta(days=RE_REFERRAL_DAYS),
    )
    children = ConcernPerson.objects.filter(
        role=PersonRole.CHILD, concern__contact__decision__in=m.REFERRAL_DECISIONS
    )
    if since:
        children = children.filter(concern__contact__decided_at__gte=_start_of(since))
    re_referred = children.filter(Exists(earlier)).values("concern_id")
    yield from _grouped(
        referrals.filter(concern_id__in=re_referred), "authority_id", "decided_at", m.RE_REFERRALS
    )


def _pathway_counts(since: date | None) -> Iterator[tuple[int, date, str, int]]:
    # An assessment starts when the MASH decides a referral needs one: its 45-working-day
    # clock starts, counted from the day the contact was received.
    assessments = Clock.objects.filter(clock_type=ClockType.ASSESSMENT)
    events = PathwayEvent.objects.all()
    if since:
        assessments = assessments.filter(started_on__gte=since)
        events = events.filter(occurred_on__gte=since)
    yield from _grouped(assessments, "authority_id", "started_on", m.ASSESSMENTS)
    # A section 47 enquiry starts at the strategy discussion that decides it.
    yield from _grouped(
        events.filter(event_type=EventType.STRATEGY_DISCUSSION, outcome=Outcome.S47),
        "authority_id",
        "occurred_on",
        m.SECTION_47,
    )
    yield from _grouped(
        events.filter(event_type=EventType.INITIAL_CONFERENCE, outcome=Outcome.PLAN),
        "authority_id",
        "occurred_on",
        m.PLANS,
    )


def _clock_counts(since: date | None, today: date) -> Iterator[tuple[int, date, str, int]]:
    """A clock counts in the month it fell due, once that day has passed, unless it was
    stopped; it was met on time if met on or before the day."""
    clocks = Clock.objects.filter(due_on__lt=today, cancelled_on__isnull=True)
    if since:
        clocks = clocks.filter(due_on__gte=since)
    grouped = (
        clocks.annotate(month=TruncMonth("due_on"))
        .values("authority_id", "clock_type", "month")
        .annotate(due=Count("pk"), on_time=Count("pk", filter=Q(met_on__lte=F("due_on"))))
        .order_by()
    )
    for row in grouped:
        month = _month(row["month"])
        yield row["authority_id"], month, m.clock_due(row["clock_type"]), row["due"]
        if row["on_time"]:
            yield row["authority_id"], month, m.clock_on_time(row["clock_type"]), row["on_time"]


def _other_counts(since: date | None, today: date) -> Iterator[tuple[int, date, str, int]]:
    def after(rows: QuerySet[Any], field: str) -> QuerySet[Any]:
        return rows.filter(**{f"{field}__gte": since}) if since else rows

    # Counts of helpline reports only: nothing of their content is read. Suspected spam
    # is left out, as the helpline's own statistics leave it out.
    yield from _grouped(
        after(Report.objects.exclude(status=Status.QUARANTINED), "received_on"),
        "area_id",
        "received_on",
        m.HELPLINE_REPORTS,
    )
    therapy = after(TherapyReferral.objects.all(), "referred_on")
    yield from _grouped(therapy, "authority_id", "referred_on", m.THERAPY_REFERRALS)
    yield from _grouped(
        therapy.filter(breached(today)), "authority_id", "referred_on", m.THERAPY_BREACHES
    )
    yield from _grouped(
        after(WarningNotice.objects.all(), "served_on"),
        "issuing_force_id",
        "served_on",
        m.NOTICES_ISSUED,
    )
    yield from _grouped(
        after(NoticeBreach.objects.all(), "occurred_on"),
        "notice__issuing_force_id",
        "occurred_on",
        m.NOTICES_BREACHED,
    )
    stages = {
        "identified_on": m.SUSPECTS_IDENTIFIED,
        "allocated_on": m.SUSPECTS_ALLOCATED,
        "arrested_on": m.SUSPECTS_ARRESTED,
        "charged_on": m.SUSPECTS_CHARGED,
        "no_further_action_on": m.SUSPECTS_NFA,
    }
    for field, measure in stages.items():
        suspects = after(OnlineAbuseSuspect.objects.filter(**{f"{field}__isnull": False}), field)
        yield from _grouped(suspects, "force_id", field, measure)


def _network_alert_counts(since: date | None) -> Iterator[tuple[int, date, str, int]]:
    """Each network alert once, in the month it was raised, for the local authority of the
    latest referral naming any of its children (where the children are now referred)."""
    alerts = NetworkAlert.objects.all()
    if since:
        alerts = alerts.filter(raised_at__gte=_start_of(since))
    for raised_at, child_ids in alerts.values_list("raised_at", "child_ids").iterator():
        authority = (
            Concern.objects.filter(involvements__person_id__in=list(child_ids or []))
            .order_by("-recorded_at")
            .values_list("local_authority_id", flat=True)
            .first()
        )
        if authority is not None:
            yield authority, _month(raised_at), m.NETWORK_ALERTS, 1


def count_months(since: date | None, today: date) -> dict[Key, int]:
    """Raw counts by agency, month and measure, from ``since`` (a first of the month), or
    from the beginning."""
    counts: dict[Key, int] = defaultdict(int)
    sources: Iterable[tuple[int, date, str, int]] = (
        *_concern_counts(since),
        *_pathway_counts(since),
        *_clock_counts(since, today),
        *_other_counts(since, today),
        *_network_alert_counts(since),
    )
    for agency, month, measure, count in sources:
        if month <= today:
            counts[(agency, month, measure)] += count
    return counts


# Publishing ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Areas:
    authorities: list[int]
    forces: list[int]


def areas() -> Areas:
    kinds = dict(Agency.objects.values_list("id", "kind"))
    authorities = sorted(a for a, kind in kinds.items() if kind == AgencyKind.LOCAL_AUTHORITY)
    forces = sorted(a for a, kind in kinds.items() if kind == AgencyKind.POLICE_FORCE)
    return Areas(authorities, forces)


def _periods(year: int) -> tuple[list[date], list[date]]:
    months = m.months_of_year(year)
    return months, months[::3]


def publish_year(year: int, where: Areas | None = None, today: date | None = None) -> int:
    """Replace the published figures of one financial year, worked out from the monthly
    counts, suppressing every measure over the whole year at once. Returns the figures
    written."""
    where = where or areas()
    months, quarters = _periods(year)
    raw: dict[str, dict[int, dict[date, int]]] = defaultdict(lambda: defaultdict(dict))
    for agency, month, measure, value in MonthlyCount.objects.filter(
        month__gte=months[0], month__lte=months[-1]
    ).values_list("agency_id", "month", "measure", "value"):
        raw[measure][agency][month] = value
    rows: list[FigureRow] = []
    # Counts the helpline statistics and the therapy waits publish too are protected with
    # those pages' tables, in one pass each, so each count is shown or hidden alike
    # everywhere (docs/users/figures.md, "Small numbers").
    today = today or timezone.localdate()
    table, shown, cells = helpline_statistics.dashboard_cells(year, today=today)
    rows += figure_rows(year, m.HELPLINE_REPORTS, table, shown, cells)
    table, shown, by_measure = therapy_queries.dashboard_cells(year, today=today)
    for measure, measure_cells in by_measure.items():
        rows += figure_rows(year, measure, table, shown, measure_cells)
    for known in m.MEASURES:
        if known.key in raw and known.key not in JOINT_MEASURES:
            rows += _publish_measure(year, known.key, raw[known.key], where, months, quarters)
    Figure.objects.filter(year=year).delete()
    _insert_figures(rows)
    return len(rows)


# The counts the joint inspection data pack lists child by child (docs/users/figures.md).
DATA_PACK_MEASURES = frozenset({m.CONTACTS, m.REFERRALS, m.ASSESSMENTS, m.SECTION_47, m.PLANS})
JOINT_MEASURES = frozenset({m.HELPLINE_REPORTS, m.THERAPY_REFERRALS, m.THERAPY_BREACHES})
FIGURE_COLUMNS = ("area_id", "period_kind", "period_start", "year", "measure", "value", "shown")
FigureRow = tuple[int | None, str, date, int, str, int, str]


def _insert_figures(rows: list[FigureRow]) -> None:
    """Write many figures at once: COPY on PostgreSQL, executemany elsewhere (quicker than
    building a model instance for each)."""
    table = Figure._meta.db_table
    columns = ", ".join(FIGURE_COLUMNS)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(FIGURE_COLUMNS))
            for start in range(0, len(rows), BATCH):
                cursor.executemany(
                    f"INSERT INTO {table} ({columns}) VALUES ({marks})",  # noqa: S608 - constant names; values are parameters
                    rows[start : start + BATCH],
                )


def _publish_measure(
    year: int,
    measure: str,
    raw: dict[int, dict[date, int]],
    where: Areas,
    months: list[date],
    quarters: list[date],
) -> list[FigureRow]:
    """Every figure of one measure for one year: each area's own count (a figure belongs
    to the agency that recorded it, never to another area's total), and England's, which
    also counts the agencies that are not areas (schools, NHS bodies...). Months and
    quarters are published only for the measures charted by period: a count published by
    month and by year can need its yearly total hidden to protect the months, and a
    measure nobody reads by month should not lose its yearly figure to them. Each
    authority's counts are protected as known too: its inspectors hold its data pack."""
    table = Table()
    published_areas = [*where.authorities, *where.forces]
    area_set = set(published_areas)
    others = [a for a in raw if a not in area_set]

    def monthly(agencies: Iterable[int]) -> dict[date, int]:
        return {
            month: sum(raw.get(agency, {}).get(month, 0) for agency in agencies) for month in months
        }

    # Every series: its monthly values and whether it is published. None is England.
    series: dict[Hashable, tuple[dict[date, int], bool]] = {
        area: (monthly([area]), True) for area in published_areas
    }
    series[OTHER] = (monthly(others), False)
    series[None] = (monthly(raw), True)
    cells = add_series(table, series, None, months, by_period=m.MEASURES_BY_KEY[measure].chart)
    # An inspector holds the data pack of the authority inspected: every child of the
    # counts it lists, so those counts of any one authority are protected as known.
    known = group_by_series(cells, where.authorities) if measure in DATA_PACK_MEASURES else []
    shown = protect(table, known)
    return figure_rows(year, measure, table, shown, cells)


# What counts elsewhere than in an area: never published on its own.
OTHER = "other"


def figure_rows(
    year: int, measure: str, table: Table, shown: list[str], cells: dict[SeriesCell, int]
) -> list[FigureRow]:
    """The published figures of one measure, from the cells of a protected table (a 0
    shown is not stored: a figure missing is a 0)."""
    figures: list[FigureRow] = []
    for (key, kind, start), index in cells.items():
        if not table.published[index]:
            continue
        value, flag = table.values[index], shown[index]
        if value == 0 and flag == Shown.SHOWN:
            continue
        area = key if isinstance(key, int) else None
        figures.append((area, str(kind), start, year, measure, value, str(flag)))
    return figures


# The refresh --------------------------------------------------------------------------


def refresh(*, full: bool = False, today: date | None = None) -> RefreshResult:
    """Recount the recent months (or everything) and republish the years they fall in."""
    today = today or timezone.localdate()
    this_month = today.replace(day=1)
    since = None if full else m.add_months(this_month, -(REFRESH_MONTHS - 1))
    with transaction.atomic():
        counts = count_months(since, today)
        stale = MonthlyCount.objects.all()
        if since:
            stale = stale.filter(month__gte=since)
        stale.delete()
        MonthlyCount.objects.bulk_create(
            (
                MonthlyCount(agency_id=agency, month=month, measure=measure, value=value)
                for (agency, month, measure), value in counts.items()
            ),
            batch_size=BATCH,
        )
        if since is None:
            first = min((month for _, month, _ in counts), default=this_month)
            Figure.objects.all().delete()
        else:
            first = since
        years = list(range(m.financial_year(first), m.financial_year(today) + 1))
        where = areas()
        figures = sum(publish_year(year, where, today) for year in years)
        RefreshState.objects.all().delete()
        RefreshState.objects.create(
            refreshed_at=timezone.now(), from_month=first, full=since is None
        )
    return RefreshResult(from_month=first, counts=len(counts), years=years, figures=figures)


def refresh_if_due(now: datetime | None = None) -> RefreshResult | None:
    """The worker's job: refresh when the last refresh is older than REFRESH_EVERY."""
    now = now or timezone.now()
    last = RefreshState.objects.order_by("-refreshed_at").first()
    if last is not None and now - last.refreshed_at < REFRESH_EVERY:
        return None
    return refresh(full=last is None)


def last_refresh() -> RefreshState | None:
    return RefreshState.objects.order_by("-refreshed_at").first()
