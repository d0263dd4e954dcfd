"""Every published figure reconciles: with what the generator made (counted as it went),
with an independent query over the raw tables, and across the views that publish it (the
dashboard, its CSV export and the joint inspection data pack). Definitions:
docs/users/figures.md."""

from __future__ import annotations

import csv
import io
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone

from safeguarding.access.models import Agency
from safeguarding.concerns.models import EXPLOITATION_CATEGORIES
from safeguarding.inspections.queries import data_pack
from safeguarding.taskforce import measures as m
from safeguarding.taskforce.models import Figure, MonthlyCount, PeriodKind, Shown
from safeguarding.taskforce.queries import overview
from safeguarding.taskforce.refresh import refresh
from tests.inspections.helpers import make_inspectorates, schedule
from tests.taskforce.generated import YEAR, Generated, build_generated

pytestmark = [pytest.mark.django_db, pytest.mark.each_database]

FIGURES_PAGE = Path(__file__).resolve().parents[2] / "docs" / "users" / "figures.md"
REFERRAL_DECISIONS = ("assessment", "strategy-discussion", "immediate-protection")
COUNTED_BY_THE_GENERATOR = [
    m.CONCERNS_RECORDED,
    m.CONTACTS,
    m.REFERRALS,
    m.RE_REFERRALS,
    m.EXPLOITATION,
    m.ASSESSMENTS,
    m.SECTION_47,
    m.PLANS,
]


@pytest.fixture
def generated(area) -> Generated:
    made = build_generated(area)
    refresh(full=True)
    return made


def _moment(value: object) -> datetime:
    """A timestamp as the database hands it back (text on SQLite), in UK time."""
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    if timezone.is_naive(moment):
        moment = moment.replace(tzinfo=UTC)
    return timezone.localtime(moment)


def _day(value: object) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def _rows(sql: str, *params: object) -> list[tuple[object, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall())


def _independent_counts(today: date) -> Counter[tuple[int, str, date]]:
    """(agency, measure, month) -> count, by plain SQL over the raw tables, written apart
    from the refresh's ORM queries."""
    counts: Counter[tuple[int, str, date]] = Counter()

    def add(agency: object, measure: str, day: date) -> None:
        counts[(int(str(agency)), measure, day.replace(day=1))] += 1

    for agency, recorded in _rows("SELECT agency_id, recorded_at FROM concerns_concern"):
        add(agency, m.CONCERNS_RECORDED, _moment(recorded).date())
    for authority, received in _rows("SELECT authority_id, received_at FROM mash_contact"):
        add(authority, m.CONTACTS, _moment(received).date())
    marks = ", ".join(["%s"] * len(REFERRAL_DECISIONS))
    categories = sorted(EXPLOITATION_CATEGORIES)
    referrals = _rows(
        "SELECT mc.id, mc.authority_id, mc.decided_at, c.category, cp.person_id "
        "FROM mash_contact mc JOIN concerns_concern c ON c.id = mc.concern_id "
        "JOIN concerns_concernperson cp ON cp.concern_id = c.id AND cp.role = 'child' "
        f"WHERE mc.decision IN ({marks})",
        *REFERRAL_DECISIONS,
    )
    by_contact: dict[object, tuple[object, datetime, str, set[object]]] = {}
    for contact, authority, decided, category, person in referrals:
        entry = by_contact.setdefault(contact, (authority, _moment(decided), str(category), set()))
        entry[3].add(str(person))
    for authority, decided, category, _ in by_contact.values():
        add(authority, m.REFERRALS, decided.date())
        if category in categories:
            add(authority, m.EXPLOITATION, decided.date())
    for contact, (authority, decided, _, people) in by_contact.items():
        if any(
            other != contact
            and str(other_authority) == str(authority)
            and people & other_people
            and decided - timedelta(days=365) <= other_decided < decided
            for other, (other_authority, other_decided, _, other_people) in by_contact.items()
        ):
            add(authority, m.RE_REFERRALS, decided.date())
    for authority, started in _rows(
        "SELECT authority_id, started_on FROM clocks_clock WHERE clock_type = 'assessment'"
    ):
        add(authority, m.ASSESSMENTS, _day(started))
    for measure, event_type, outcome in [
        (m.SECTION_47, "strategy-discussion", "s47"),
        (m.PLANS, "initial-conference", "plan"),
    ]:
        for authority, occurred in _rows(
            "SELECT authority_id, occurred_on FROM pathway_pathwayevent "
            "WHERE event_type = %s AND outcome = %s",
            event_type,
            outcome,
        ):
            add(authority, measure, _day(occurred))
    for authority, clock_type, due, met in _rows(
        "SELECT authority_id, clock_type, due_on, met_on FROM clocks_clock "
        "WHERE cancelled_on IS NULL"
    ):
        if _day(due) < today:
            add(authority, m.clock_due(str(clock_type)), _day(due))
            if met is not None and _day(met) <= _day(due):
                add(authority, m.clock_on_time(str(clock_type)), _day(due))
    return counts


def test_every_measure_has_a_written_definition():
    page = FIGURES_PAGE.read_text()
    keys = [measure.key for measure in m.MEASURES if not measure.key.startswith("clocks-")]
    keys += [rate.key for rate in m.RATES]
    missing = [key for key in keys if f"`{key}`" not in page]
    assert missing == []
    assert "`clocks-due.<clock>`" in page
    assert "`clocks-on-time.<clock>`" in page


def test_each_figure_is_the_generators_own_count(generated: Generated):
    codes = dict(Agency.objects.values_list("pk", "code"))
    year: Counter[tuple[str, str]] = Counter()
    month: Counter[tuple[str, str, date]] = Counter()
    for agency, when, measure, value in MonthlyCount.objects.filter(
        measure__in=COUNTED_BY_THE_GENERATOR
    ).values_list("agency_id", "month", "measure", "value"):
        year[(codes[agency], measure)] += value
        month[(codes[agency], measure, when)] += value
    assert year == generated.known.year
    assert month == generated.known.month
    # The published yearly figure holds the same count, whatever is shown of it.
    for (code, measure), count in generated.known.year.items():
        figure = (
            Figure.objects.get(
                area__code=code, measure=measure, period_kind=PeriodKind.YEAR, year=YEAR
            )
            if Agency.objects.get(code=code).kind in {"local-authority", "police-force"}
            else None
        )
        if figure is not None:
            assert figure.value == count, (code, measure)


def test_each_figure_is_recomputed_by_an_independent_query(generated: Generated):
    independent = _independent_counts(timezone.localdate())
    refreshed = Counter(
        {
            (agency, measure, month): value
            for agency, month, measure, value in MonthlyCount.objects.values_list(
                "agency_id", "month", "measure", "value"
            )
            if measure in {key for _, key, _ in independent}
        }
    )
    assert refreshed == independent
    # England is the sum over every agency that recorded the measure.
    for measure in COUNTED_BY_THE_GENERATOR:
        england = Figure.objects.filter(
            area__isnull=True, measure=measure, period_kind=PeriodKind.YEAR, year=YEAR
        ).first()
        total = sum(
            count
            for (_, key, month), count in independent.items()
            if key == measure and m.financial_year(month) == YEAR
        )
        assert (england.value if england else 0) == total, measure


def _csv(client, kind: str) -> dict[tuple[str, str, str, str], str]:
    response = client.get(f"/taskforce/export.csv?kind={kind}&year={YEAR}")
    assert response.status_code == 200
    body = b"".join(response.streaming_content) if response.streaming else response.content
    rows = list(csv.reader(io.StringIO(body.decode())))
    return {(r[0], r[3], r[4], r[5]): r[7] for r in rows[1:]}


def _agrees(text: str, count: int) -> bool:
    """Whether a published label fits a count."""
    if text == "fewer than 5":
        return 0 < count < 5
    if text == "not shown":
        return True
    return text == f"{count:,}"


def test_the_dashboard_the_data_pack_and_the_csv_agree(generated: Generated, client_for):
    area = generated.area
    analyst = area.taskforce_analyst
    exported = _csv(client_for(analyst), "authority")
    start = m.year_start(YEAR).isoformat()
    # The national table shows exactly the CSV's yearly figures and the rates worked out
    # from them.
    table = overview(analyst, "authority", YEAR)
    for row in [*table.rows, table.england]:
        code = row.code or "ENGLAND"
        for column, text in zip(table.columns, row.cells, strict=True):
            if column.key in m.MEASURES_BY_KEY:
                assert exported.get((code, "year", start, column.key), "0") == text, column
            else:
                rate = next(r for r in m.RATES if r.key == column.key)
                top = exported.get((code, "year", start, rate.numerator), "0")
                bottom = exported.get((code, "year", start, rate.denominator), "0")
                if "not shown" in (top, bottom) or "fewer than 5" in (top, bottom):
                    assert text == "not shown"
                elif bottom != "0":
                    expected = round(100 * int(top.replace(",", "")) / int(bottom.replace(",", "")))
                    assert text == f"{expected}%"
    page = client_for(analyst).get(f"/taskforce/?year={YEAR}")
    assert page.status_code == 200
    # The data pack lists the same children the figures count, for the same year.
    inspectorates = make_inspectorates()
    inspection = schedule(area, inspectorates, data_from=m.year_start(YEAR))
    pack = data_pack(inspectorates.ofsted_inspector, inspection)
    lists = {
        "contacts": (m.CONTACTS, "Received"),
        "referrals": (m.REFERRALS, "Decided"),
        "assessments": (m.ASSESSMENTS, "Started"),
        "section-47": (m.SECTION_47, "Strategy discussion"),
        "child-protection-plans": (m.PLANS, "Plan started"),
    }
    council = area.council.code
    for key, (measure, column) in lists.items():
        data_list = pack.list(key)
        position = data_list.columns.index(column)
        rows = [
            row
            for row in data_list.rows
            if m.financial_year(row[position]) == YEAR  # type: ignore[arg-type] - a date cell
        ]
        figure = Figure.objects.filter(
            area=area.council, measure=measure, period_kind=PeriodKind.YEAR, year=YEAR
        ).first()
        assert len(rows) == (figure.value if figure else 0), key
        assert _agrees(exported.get((council, "year", start, measure), "0"), len(rows)), key
        assert generated.known.year[(council, measure)] == len(rows), key


def test_no_force_is_given_an_authoritys_referrals(generated: Generated):
    area = generated.area
    for force in (area.police, area.other_police):
        assert not Figure.objects.filter(area=force, measure=m.REFERRALS).exists()
    recorded = Figure.objects.get(
        area=area.police, measure=m.CONCERNS_RECORDED, period_kind=PeriodKind.YEAR, year=YEAR
    )
    assert recorded.value == generated.known.year[(area.police.code, m.CONCERNS_RECORDED)]
    assert recorded.shown in {Shown.SHOWN, Shown.SMALL, Shown.HIDDEN}
