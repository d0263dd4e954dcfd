"""What the dashboard counts: every measure, the rates worked out from them, and the
financial years and quarters the figures are grouped into."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from safeguarding.clocks.rules import ClockType
from safeguarding.mash.models import Decision

AUTHORITY = "authority"
FORCE = "force"
BOTH = frozenset({AUTHORITY, FORCE})


@dataclass(frozen=True)
class Measure:
    """One published count. Its written definition is in docs/users/figures.md, under the
    same key; a test checks that every measure has one."""

    key: str
    label: str
    group: str
    # Shown as a trend chart on an area's page, and so published by month and quarter too.
    chart: bool = False
    # The kinds of area that record it: a figure belongs to the agency that recorded it.
    recorded_by: frozenset[str] = frozenset({AUTHORITY})


@dataclass(frozen=True)
class Rate:
    key: str
    label: str
    numerator: str
    denominator: str


FRONT_DOOR = "Referrals"
SOCIAL_CARE = "Assessments, enquiries and plans"
DEADLINES = "Statutory deadlines"
POLICE = "Police"
SUPPORT = "Helpline and therapy"

CONCERNS_RECORDED = "concerns-recorded"
CONTACTS = "contacts"
REFERRALS = "referrals"
RE_REFERRALS = "re-referrals"
EXPLOITATION = "exploitation"
NETWORK_ALERTS = "network-alerts"
ASSESSMENTS = "assessments"
SECTION_47 = "section-47"
PLANS = "plans"
HELPLINE_REPORTS = "helpline-reports"
THERAPY_REFERRALS = "therapy-referrals"
THERAPY_BREACHES = "therapy-breaches"
NOTICES_ISSUED = "notices-issued"
NOTICES_BREACHED = "notices-breached"
SUSPECTS_IDENTIFIED = "suspects-identified"
SUSPECTS_ALLOCATED = "suspects-allocated"
SUSPECTS_ARRESTED = "suspects-arrested"
SUSPECTS_CHARGED = "suspects-charged"
SUSPECTS_NFA = "suspects-nfa"
CLOCKS_DUE = "clocks-due"
CLOCKS_ON_TIME = "clocks-on-time"


def clock_due(clock_type: str) -> str:
    return f"{CLOCKS_DUE}.{clock_type}"


def clock_on_time(clock_type: str) -> str:
    return f"{CLOCKS_ON_TIME}.{clock_type}"


# The MASH decisions that accept a contact as a referral to children's social care.
REFERRAL_DECISIONS = (
    Decision.ASSESSMENT,
    Decision.STRATEGY_DISCUSSION,
    Decision.IMMEDIATE_PROTECTION,
)

MEASURES: list[Measure] = [
    Measure(CONCERNS_RECORDED, "Concerns recorded", FRONT_DOOR, chart=True, recorded_by=BOTH),
    Measure(CONTACTS, "Contacts received by the MASH", FRONT_DOOR, chart=True),
    Measure(REFERRALS, "Referrals", FRONT_DOOR, chart=True),
    Measure(RE_REFERRALS, "Re-referrals within 12 months", FRONT_DOOR, chart=True),
    Measure(EXPLOITATION, "Concerns flagged as sexual abuse or exploitation", FRONT_DOOR, True),
    Measure(NETWORK_ALERTS, "Exploitation network alerts", FRONT_DOOR, chart=True),
    Measure(ASSESSMENTS, "Child and family assessments started", SOCIAL_CARE, chart=True),
    Measure(SECTION_47, "Section 47 enquiries started", SOCIAL_CARE, chart=True),
    Measure(PLANS, "Child protection plans started", SOCIAL_CARE, chart=True),
    Measure(HELPLINE_REPORTS, "Helpline reports", SUPPORT, chart=True),
    Measure(THERAPY_REFERRALS, "Referrals for therapy", SUPPORT),
    Measure(THERAPY_BREACHES, "Waits for therapy longer than the limit", SUPPORT, chart=True),
]
_POLICE_MEASURES = [
    (NOTICES_ISSUED, "Child abduction warning notices issued", True),
    (NOTICES_BREACHED, "Warning notice breaches", False),
    (SUSPECTS_IDENTIFIED, "Online abuse suspects identified", True),
    (SUSPECTS_ALLOCATED, "Online abuse suspects allocated to a force", False),
    (SUSPECTS_ARRESTED, "Online abuse suspects arrested", False),
    (SUSPECTS_CHARGED, "Online abuse suspects charged", True),
    (SUSPECTS_NFA, "Online abuse suspects with no further action", False),
]
MEASURES += [
    Measure(key, label, POLICE, chart=chart, recorded_by=frozenset({FORCE}))
    for key, label, chart in _POLICE_MEASURES
]
for _clock_type in ClockType:
    MEASURES += [
        Measure(clock_due(_clock_type), f"{_clock_type.label}: due", DEADLINES, recorded_by=BOTH),
        Measure(
            clock_on_time(_clock_type),
            f"{_clock_type.label}: met on time",
            DEADLINES,
            recorded_by=BOTH,
        ),
    ]
MEASURES_BY_KEY = {measure.key: measure for measure in MEASURES}

RATES: list[Rate] = [
    Rate("conversion", "Referrals leading to an assessment", ASSESSMENTS, REFERRALS),
    Rate("re-referral-rate", "Referrals that were re-referrals", RE_REFERRALS, REFERRALS),
    Rate(
        "exploitation-share",
        "Referrals about sexual abuse or exploitation",
        EXPLOITATION,
        REFERRALS,
    ),
    Rate("s47-rate", "Referrals leading to a section 47 enquiry", SECTION_47, REFERRALS),
    Rate("plan-rate", "Section 47 enquiries leading to a plan", PLANS, SECTION_47),
    Rate(
        "therapy-breach-rate",
        "Waits for therapy longer than the limit",
        THERAPY_BREACHES,
        THERAPY_REFERRALS,
    ),
    Rate(
        "charge-rate",
        "Allocated online abuse suspects charged",
        SUSPECTS_CHARGED,
        SUSPECTS_ALLOCATED,
    ),
]
CLOCK_RATES: list[Rate] = [
    Rate(f"compliance.{t}", t.label, clock_on_time(t), clock_due(t)) for t in ClockType
]

# The columns of the national table, for each kind of area.
AUTHORITY_COLUMNS = [
    CONTACTS,
    REFERRALS,
    "conversion",
    "re-referral-rate",
    ASSESSMENTS,
    SECTION_47,
    PLANS,
    EXPLOITATION,
    NETWORK_ALERTS,
    HELPLINE_REPORTS,
    THERAPY_BREACHES,
]
# The national view of the online-abuse pipeline.
PIPELINE_COLUMNS = [
    SUSPECTS_IDENTIFIED,
    SUSPECTS_ALLOCATED,
    SUSPECTS_ARRESTED,
    SUSPECTS_CHARGED,
    SUSPECTS_NFA,
    "charge-rate",
]
FORCE_COLUMNS = [
    CONCERNS_RECORDED,
    NOTICES_ISSUED,
    NOTICES_BREACHED,
    SUSPECTS_IDENTIFIED,
    SUSPECTS_ARRESTED,
    SUSPECTS_CHARGED,
    "charge-rate",
]


def financial_year(day: date) -> int:
    """The financial year (April to March) a day falls in, named by its first year."""
    return day.year if day.month >= 4 else day.year - 1


def year_start(year: int) -> date:
    return date(year, 4, 1)


def year_label(year: int) -> str:
    return f"April {year} to March {year + 1}"


def months_of_year(year: int) -> list[date]:
    return [add_months(year_start(year), offset) for offset in range(12)]


def quarter_start(month: date) -> date:
    """Financial quarters start in April, July, October and January."""
    return date(month.year, month.month - (month.month - 1) % 3, 1)


def add_months(month: date, count: int) -> date:
    index = month.year * 12 + month.month - 1 + count
    return date(index // 12, index % 12 + 1, 1)


def month_label(month: date) -> str:
    return f"{month:%b %Y}"


def quarter_label(quarter: date) -> str:
    return f"{quarter:%b} to {add_months(quarter, 2):%b %Y}"
