"""Builds the demo area through the same domain actions the web and API use."""

from __future__ import annotations

import base64
import hashlib
import random
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from itertools import batched

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone
from faker import Faker
from tqdm import tqdm

from safeguarding.access import actions as access_actions
from safeguarding.access.models import Agency, AgencyKind, User
from safeguarding.access.roles import Role
from safeguarding.clocks.actions import escalate_clocks
from safeguarding.clocks.calendar import add_months, add_working_days
from safeguarding.concerns.actions import ConcernDetails, NamedPerson, record_concern_file
from safeguarding.concerns.models import ConcernCategory, ConcernPerson, PersonRole
from safeguarding.demo.area import AGENCIES, LOCAL_AUTHORITY, SYSTEM_USER, USERS, DemoUser
from safeguarding.demo.casework import build_demo_casework
from safeguarding.demo.history import History, recording
from safeguarding.exitpayments.demo import build_demo_register
from safeguarding.fund.demo import build_demo_fund
from safeguarding.mash.actions import ContactDecision, decide_contacts, rate_contact
from safeguarding.mash.models import Contact, Decision
from safeguarding.notifications.actions import mark_read
from safeguarding.notifications.models import Notification
from safeguarding.pathway.actions import EventDetails, record_events
from safeguarding.pathway.events import EventType, Outcome
from safeguarding.people.actions import PersonDetails
from safeguarding.people.identifiers import IdentifierScheme, upn_check_letter
from safeguarding.people.models import PersonKind, Sex
from safeguarding.reportingduty.actions import NotificationDetails, notify_authorities
from safeguarding.reportingduty.models import STAFF_METHODS, AbuseReport
from safeguarding.writes.rows import refresh_statistics

DEMO_PASSWORD = "northbridge-demo-2026"
CHILDREN_PER_SCALE = 2000
CONCERNS_PER_SCALE = 10000
HISTORY_DAYS = 730
CATEGORY_WEIGHTS = {
    ConcernCategory.NEGLECT: 22,
    ConcernCategory.EMOTIONAL_ABUSE: 14,
    ConcernCategory.DOMESTIC_ABUSE: 16,
    ConcernCategory.PHYSICAL_ABUSE: 9,
    ConcernCategory.SEXUAL_ABUSE: 5,
    ConcernCategory.SEXUAL_EXPLOITATION: 4,
    ConcernCategory.CRIMINAL_EXPLOITATION: 4,
    ConcernCategory.ONLINE_ABUSE: 4,
    ConcernCategory.MISSING: 7,
    ConcernCategory.MENTAL_HEALTH: 9,
    ConcernCategory.RADICALISATION: 1,
    ConcernCategory.OTHER: 5,
}
SUMMARIES = {
    ConcernCategory.NEGLECT: "{child} arrived hungry and in unwashed clothes again.",
    ConcernCategory.EMOTIONAL_ABUSE: "{child} said they are shouted at and called names at home.",
    ConcernCategory.DOMESTIC_ABUSE: "Police attended a domestic incident at {child}'s home.",
    ConcernCategory.PHYSICAL_ABUSE: "Bruising seen on {child}'s arm; explanation inconsistent.",
    ConcernCategory.SEXUAL_ABUSE: "{child} made a disclosure to a member of staff.",
    ConcernCategory.SEXUAL_EXPLOITATION: "{child} seen getting into a car with an older male.",
    ConcernCategory.CRIMINAL_EXPLOITATION: "{child} found with cash and two phones far from home.",
    ConcernCategory.ONLINE_ABUSE: "{child} is receiving messages from an adult asking for images.",
    ConcernCategory.MISSING: "{child} reported missing overnight, returned the next morning.",
    ConcernCategory.MENTAL_HEALTH: "{child} attended A&E after self-harm.",
    ConcernCategory.RADICALISATION: "{child} shared extremist material with classmates.",
    ConcernCategory.OTHER: "Concern about {child}'s welfare raised by a neighbour.",
}


def demo_totp_secret(username: str, seed: int) -> str:
    """A stable, per-user TOTP secret so that demo sign-ins survive a rebuild."""
    digest = hashlib.sha256(f"demo-totp:{seed}:{username}".encode()).digest()
    return base64.b32encode(digest[:20]).decode()


def test_range_nhs_number(rng: random.Random) -> str:
    """A valid NHS number in the 999 range reserved for testing."""
    while True:
        digits = [9, 9, 9] + [rng.randrange(10) for _ in range(6)]
        total = sum(d * w for d, w in zip(digits, range(10, 1, -1), strict=True))
        check = 11 - total % 11
        check = 0 if check == 11 else check
        if check != 10:
            return "".join(map(str, digits)) + str(check)


def fictional_upn(rng: random.Random) -> str:
    body = (
        "999"
        + f"{rng.randrange(10000):04d}"
        + f"{rng.randrange(10, 26):02d}"
        + f"{rng.randrange(1000):03d}"
    )
    return upn_check_letter(body) + body


def drama_phone(rng: random.Random) -> str:
    return f"07700 900{rng.randrange(1000):03d}"


def registration(rng: random.Random) -> str:
    letters = "ABCDEFGHJKLMNOPRSTUVWXY"
    return (
        rng.choice(letters)
        + rng.choice(letters)
        + f"{rng.randrange(10, 75):02d} "
        + "".join(rng.choice(letters) for _ in range(3))
    )


@dataclass
class DemoChild:
    details: PersonDetails
    parents: list[PersonDetails] = field(default_factory=list)


@dataclass
class DemoResult:
    agencies: int
    users: list[tuple[DemoUser, str]]
    children: int
    concerns: int
    api_token: str


DEMO_DFE_NUMBER = "999"


def _agencies() -> dict[str, Agency]:
    result: dict[str, Agency] = {}
    local_authority = None
    for demo in AGENCIES:
        agency = Agency.objects.filter(code=demo.code).first() or access_actions.create_agency(
            actor=None,
            code=demo.code,
            name=demo.name,
            kind=demo.kind,
            area_name="Northbridge" if demo.code != "POL-EASTMOOR" else "Eastmoor",
            home_authority=local_authority if demo.kind != AgencyKind.NATIONAL_BODY else None,
            # A fictional DfE number, as the area is: no real authority's is above 938.
            dfe_number=DEMO_DFE_NUMBER if demo.kind == AgencyKind.LOCAL_AUTHORITY else "",
        )
        if demo.code == LOCAL_AUTHORITY[0]:
            local_authority = agency
        result[demo.code] = agency
    return result


def _users(agencies: dict[str, Agency], seed: int) -> dict[str, User]:
    users: dict[str, User] = {}
    password_hash = make_password(DEMO_PASSWORD)
    managers = {"LA-NORTHBRIDGE": "manager", "NHS-NORTHBRIDGE": "health-manager"}
    for demo in [*USERS, SYSTEM_USER]:
        existing = User.objects.filter(username=demo.username).first()
        if existing is not None:
            users[demo.username] = existing
            continue
        agency = agencies[demo.agency_code] if demo.agency_code else None
        manager = users.get(managers.get(demo.agency_code or "", ""))
        users[demo.username] = access_actions.create_user(
            actor=None,
            username=demo.username,
            password=DEMO_PASSWORD,
            role=demo.role,
            agency=agency,
            given_name=demo.given_name,
            family_name=demo.family_name,
            email=f"{demo.username}@northbridge.example",
            manager=manager,
            totp_secret=demo_totp_secret(demo.username, seed),
            check_password_strength=False,
            password_hash=password_hash,
        )
    return users


def _children(fake: Faker, rng: random.Random, count: int) -> list[DemoChild]:
    children = []
    today = timezone.localdate()
    for _ in range(count):
        sex = rng.choice([Sex.FEMALE, Sex.MALE])
        given = fake.first_name_female() if sex == Sex.FEMALE else fake.first_name_male()
        family = fake.last_name()
        born = today - timedelta(days=rng.randrange(365 * 1, 365 * 17))
        identifiers: list[tuple[str, str]] = []
        if rng.random() < 0.9:
            identifiers.append((IdentifierScheme.NHS_NUMBER, test_range_nhs_number(rng)))
        if born < today - timedelta(days=365 * 4) and rng.random() < 0.8:
            identifiers.append((IdentifierScheme.UNIQUE_PUPIL_NUMBER, fictional_upn(rng)))
        address = (fake.street_address().replace("\n", ", "), "Northbridge", fake.postcode())
        child = DemoChild(
            PersonDetails(
                given_name=given,
                family_name=family,
                kind=PersonKind.CHILD,
                date_of_birth=born,
                sex=sex,
                identifiers=identifiers,
                addresses=[address],
            )
        )
        if rng.random() < 0.15:
            child.details.other_names.append(("nickname", given[:3] + "z"))
        for _ in range(rng.choice([1, 1, 2])):
            child.parents.append(
                PersonDetails(
                    given_name=fake.first_name(),
                    family_name=family,
                    kind=PersonKind.ADULT,
                    date_of_birth=born - timedelta(days=rng.randrange(365 * 18, 365 * 40)),
                    phones=[drama_phone(rng)] if rng.random() < 0.6 else [],
                    addresses=[address],
                )
            )
        children.append(child)
    return children


def _adults_of_concern(fake: Faker, rng: random.Random, count: int) -> list[PersonDetails]:
    """Adults aged 26 to 56 on the day the demo is built."""
    oldest = timezone.localdate() - timedelta(days=365 * 56)
    return [
        PersonDetails(
            given_name=fake.first_name_male(),
            family_name=fake.last_name(),
            kind=PersonKind.ADULT,
            date_of_birth=oldest + timedelta(days=rng.randrange(365 * 30)),
            date_of_birth_is_estimated=rng.random() < 0.5,
            sex=Sex.MALE,
            phones=[drama_phone(rng)],
            vehicles=[registration(rng)] if rng.random() < 0.7 else [],
            other_names=[("alias", fake.first_name_male())] if rng.random() < 0.4 else [],
        )
        for _ in range(count)
    ]


def _held_by(
    details: PersonDetails, code: str, local_ids: dict[tuple[str, int], str], key: int
) -> PersonDetails:
    """A copy of ``details`` as agency ``code`` holds them: with its own record id for the
    person, the same each time it names them."""
    copy = _copy(details)
    local_id = local_ids.setdefault((code, key), f"{code}-P{len(local_ids) + 1:06d}")
    copy.identifiers.append((IdentifierScheme.AGENCY_LOCAL, local_id))
    return copy


def _copy(details: PersonDetails) -> PersonDetails:
    return PersonDetails(
        given_name=details.given_name,
        family_name=details.family_name,
        kind=details.kind,
        date_of_birth=details.date_of_birth,
        date_of_birth_is_estimated=details.date_of_birth_is_estimated,
        sex=details.sex,
        identifiers=list(details.identifiers),
        other_names=list(details.other_names),
        addresses=list(details.addresses),
        phones=list(details.phones),
        vehicles=list(details.vehicles),
    )


DECISION_WEIGHTS = {
    Decision.NO_FURTHER_ACTION: 38,
    Decision.EARLY_HELP: 30,
    Decision.ASSESSMENT: 24,
    Decision.STRATEGY_DISCUSSION: 6,
    Decision.IMMEDIATE_PROTECTION: 2,
}
RATIONALES = {
    Decision.NO_FURTHER_ACTION: "Checks with partners show no current safeguarding concern.",
    Decision.EARLY_HELP: "Needs are below the threshold for social care; family agrees to "
    "early help.",
    Decision.ASSESSMENT: "Several agencies report concerns; a child and family assessment "
    "is needed.",
    Decision.STRATEGY_DISCUSSION: "Reasonable cause to suspect significant harm; strategy "
    "discussion needed.",
    Decision.IMMEDIATE_PROTECTION: "Child at immediate risk; police and social care acting now.",
}
# The newest contacts stay in the MASH queue for the demo's triage officers to decide: at
# most this many, and none received more than QUEUE_DAYS ago.
UNDECIDED_CONTACTS = 25
QUEUE_DAYS = 7
# Contacts decided, and pathway events recorded, per transaction.
TRIAGE_BATCH = 2000


def _first_children() -> dict[uuid.UUID, uuid.UUID]:
    """The first child named in each concern, by concern."""
    children: dict[uuid.UUID, uuid.UUID] = {}
    for concern_id, person_id in (
        ConcernPerson.objects.filter(role=PersonRole.CHILD)
        .order_by("pk")
        .values_list("concern_id", "person_id")
    ):
        children.setdefault(concern_id, person_id)
    return children


def _triage_history(
    rng: random.Random, users: dict[str, User], history: History, *, progress: bool
) -> None:
    """Decide all but the newest contacts as the MASH would have, and take some children
    through the statutory pathway, so that clocks, chronologies and dashboards have history
    that runs up to today: what is still open at the end is recent work."""
    mash = users["mash"]
    now = timezone.now()
    today = timezone.localdate(now)
    contacts = list(Contact.objects.filter(decision="").order_by("received_at", "pk"))
    recent = now - timedelta(days=QUEUE_DAYS)
    waiting = [c for c in contacts[-UNDECIDED_CONTACTS:] if c.received_at >= recent]
    to_decide = contacts[: len(contacts) - len(waiting)]
    children = _first_children()
    choices, weights = list(DECISION_WEIGHTS), list(DECISION_WEIGHTS.values())
    plans = Plans()
    events: list[EventDetails] = []
    bar = tqdm(total=len(to_decide), desc="Deciding contacts", unit="contact", disable=not progress)
    for batch in batched(to_decide, TRIAGE_BATCH):
        decisions = []
        for contact in batch:
            decision = rng.choices(choices, weights=weights)[0]
            # Most decisions within the working day; a few late, as in life.
            delay = timedelta(hours=rng.choice([1, 2, 3, 5, 20, 26, 70]))
            decided_at = min(contact.received_at + delay, now)
            history.decision(contact.pk, decided_at)
            decisions.append(
                ContactDecision(contact, decision, RATIONALES[decision], decided_at=decided_at)
            )
            child = children.get(contact.concern_id)
            if child is not None:
                start = timezone.localdate(contact.received_at)
                events += _pathway(rng, child, decision, start, today, plans)
        with transaction.atomic():
            decide_contacts(actor=mash, decisions=decisions)
        bar.update(len(batch))
    bar.close()
    bar = tqdm(total=len(events), desc="Recording pathways", unit="event", disable=not progress)
    for chunk in batched(events, TRIAGE_BATCH):
        history.pathway((event.person_id, event.occurred_on) for event in chunk)
        with transaction.atomic():
            record_events(actor=mash, events=chunk)
        bar.update(len(chunk))
    bar.close()
    for contact in Contact.objects.filter(decision="")[:10]:
        rate_contact(actor=mash, contact=contact, rag=rng.choice(["red", "amber", "green"]))


def _duty_to_report_history(rng: random.Random, agencies: dict[str, Agency]) -> None:
    """Staff under the duty to report told the police or the council about each report of
    sexual abuse they recorded that did not reach a MASH through the service (those that
    did met the duty when they arrived), mostly by the deadline; the reports still within
    their deadline are left for them to make."""
    today = timezone.localdate()
    recipients = [agencies["POL-NORTHBRIDGE"], agencies[LOCAL_AUTHORITY[0]]]
    methods = list(STAFF_METHODS)
    by_reporter: dict[User, list[tuple[AbuseReport, NotificationDetails]]] = {}
    for report in (
        AbuseReport.objects.filter(first_notified_on__isnull=True)
        .select_related("clock", "reporter__agency")
        .order_by("aware_on", "pk")
    ):
        if report.due_on >= today:
            continue
        told = add_working_days(report.aware_on, rng.choice([0, 0, 0, 1, 1, 2]))
        by_reporter.setdefault(report.reporter, []).append(
            (
                report,
                NotificationDetails(
                    recipient=rng.choice(recipients),
                    notified_on=min(told, today),
                    method=rng.choice(methods),
                ),
            )
        )
    for reporter, notices in by_reporter.items():
        with transaction.atomic():
            notify_authorities(actor=reporter, notices=notices)
    # Long since read: the prompts to report, and the reports themselves, about each one.
    links = {
        f"/reporting-duty/{report.pk}/" for notices in by_reporter.values() for report, _ in notices
    }
    unread: dict[int, list[int]] = {}
    for recipient, notification in Notification.objects.filter(
        link__in=links, read_at__isnull=True
    ).values_list("recipient_id", "pk"):
        unread.setdefault(recipient, []).append(notification)
    for staff in User.objects.filter(pk__in=unread):
        mark_read(actor=staff, notification_ids=unread[staff.pk])


class Plans(dict[uuid.UUID, date]):
    """The day each child's protection plan ends (date.max while it runs on past today)."""

    def runs_on(self, child: uuid.UUID, day: date) -> bool:
        return self.get(child, date.min) >= day


def _pathway(
    rng: random.Random,
    child: uuid.UUID,
    decision: str,
    start: date,
    today: date,
    plans: Plans,
) -> list[EventDetails]:
    """The events that follow a decision about ``child`` made on ``start``, up to today. A
    child already on a plan has their strategy discussion without a second enquiry."""
    events: list[EventDetails] = []

    def event(event_type: str, on: date, outcome: str = "") -> bool:
        if on > today:
            return False
        events.append(
            EventDetails(person_id=child, event_type=event_type, occurred_on=on, outcome=outcome)
        )
        return True

    if decision == Decision.ASSESSMENT:
        event(EventType.ASSESSMENT_COMPLETED, add_working_days(start, rng.randint(20, 52)))
    elif decision in (Decision.STRATEGY_DISCUSSION, Decision.IMMEDIATE_PROTECTION):
        held = add_working_days(start, rng.choice([0, 1, 1, 2]))
        enquiry = rng.choice([Outcome.S47, Outcome.S47, Outcome.NO_S47])
        if plans.runs_on(child, held):
            enquiry = Outcome.NO_S47
        if not event(EventType.STRATEGY_DISCUSSION, held, enquiry) or enquiry != Outcome.S47:
            return events
        icpc = add_working_days(held, rng.randint(10, 18))
        outcome = rng.choice([Outcome.PLAN, Outcome.NO_PLAN])
        if event(EventType.INITIAL_CONFERENCE, icpc, outcome) and outcome == Outcome.PLAN:
            plans[child] = _plan(rng, icpc, today, event)
    return events


def _plan(
    rng: random.Random, icpc: date, today: date, event: Callable[[str, date, str], bool]
) -> date:
    """A child protection plan from its initial conference: the first core group, visits
    every two weeks or so, a review at three months and then every six, until a review
    ends it (at the third at the latest). Returns the day it ends (date.max: still runs)."""
    reviews: list[tuple[date, str]] = []
    review = icpc
    for number, ends in enumerate((0.35, 0.6, 1.0), start=1):
        review = add_months(review, 3 if number == 1 else 6) - timedelta(days=rng.randint(0, 7))
        decided = Outcome.PLAN_ENDS if rng.random() < ends else Outcome.PLAN_CONTINUES
        reviews.append((review, decided))
        if decided == Outcome.PLAN_ENDS:
            break
    ended = reviews[-1][0]
    planned: list[tuple[date, str, str]] = [
        (add_working_days(icpc, rng.randint(5, 12)), EventType.CORE_GROUP, "")
    ]
    visit = add_working_days(icpc, rng.randint(3, 10))
    while visit < ended and visit <= today:
        planned.append((visit, EventType.CP_VISIT, ""))
        visit = add_working_days(visit, rng.choice([6, 7, 8, 9, 10, 10, 11]))
    planned += [(on, EventType.REVIEW_CONFERENCE, decided) for on, decided in reviews]
    for on, event_type, outcome in sorted(planned):
        event(event_type, on, outcome)
    return ended if ended <= today else date.max


IMMEDIATE_RISK_CATEGORIES = frozenset(
    {ConcernCategory.SEXUAL_ABUSE, ConcernCategory.SEXUAL_EXPLOITATION}
)


def build_demo(*, seed: int = 2026, scale: float = 1.0, progress: bool = True) -> DemoResult:
    """Create the demo area. Deterministic for a given seed and scale. Its audit entries
    about past events carry each event's own time (safeguarding/demo/history.py)."""
    history = History()
    with recording(history):
        return _build_demo(history, seed=seed, scale=scale, progress=progress)


def _build_demo(history: History, *, seed: int, scale: float, progress: bool) -> DemoResult:
    rng = random.Random(seed)  # noqa: S311 - synthetic data, not security
    fake = Faker("en_GB")
    fake.seed_instance(seed)
    with transaction.atomic():
        agencies = _agencies()
        users = _users(agencies, seed)
    recorders = {
        code: next(
            (
                u
                for u in users.values()
                if u.agency_id == agency.pk and u.role not in {"taskforce-analyst"}
            ),
            None,
        )
        for code, agency in agencies.items()
    }
    weighted = [demo.code for demo in AGENCIES if demo.weight for _ in range(demo.weight)]
    child_count = max(10, int(CHILDREN_PER_SCALE * scale))
    concern_count = max(20, int(CONCERNS_PER_SCALE * scale))
    children = _children(fake, rng, child_count)
    adults = _adults_of_concern(fake, rng, max(5, child_count // 20))
    categories = list(CATEGORY_WEIGHTS)
    weights = list(CATEGORY_WEIGHTS.values())
    # History runs up to this morning, so the demo is current whenever it is built.
    start = timezone.make_aware(
        datetime.combine(timezone.localdate() - timedelta(days=HISTORY_DAYS), time(9, 0))
    )
    end = timezone.now() - timedelta(minutes=5)
    span = max(1, int((end - start).total_seconds() // 60))
    # Each child's concerns cluster: a few children attract many concerns.
    child_weights = [rng.paretovariate(1.5) for _ in children]
    by_actor: dict[User, list[ConcernDetails]] = {}
    local_ids: dict[tuple[str, int], str] = {}
    # When each concern happened or was disclosed comes from a stream of its own, so the
    # rest of the area is the same for a given seed whether or not it is drawn.
    timing = random.Random(seed + 1)  # noqa: S311 - synthetic data, not security
    for number in range(concern_count):
        child = rng.choices(children, weights=child_weights)[0]
        code = rng.choice(weighted)
        actor = recorders.get(code) or users["practitioner"]
        category = rng.choices(categories, weights=weights)[0]
        chosen: list[tuple[int, str, PersonDetails]] = [
            (id(child), PersonRole.CHILD, child.details)
        ]
        if child.parents and rng.random() < 0.6:
            parent = rng.choice(child.parents)
            chosen.append((id(parent), PersonRole.PARENT, parent))
        if (
            category in {ConcernCategory.SEXUAL_EXPLOITATION, ConcernCategory.CRIMINAL_EXPLOITATION}
            and rng.random() < 0.7
        ):
            adult = rng.choice(adults)
            chosen.append((id(adult), PersonRole.ADULT_OF_CONCERN, adult))
        when = start + timedelta(minutes=rng.randrange(span))
        disclosed = timezone.localtime(when - timedelta(minutes=timing.randrange(5, 3 * 24 * 60)))
        # Most senders give the day; fewer give the time as well.
        day_given, time_given = timing.random() < 0.9, timing.random() < 0.6
        by_actor.setdefault(actor, []).append(
            ConcernDetails(
                category=category,
                summary=SUMMARIES[category].format(child=child.details.given_name),
                recorded_at=when,
                received_at=when,
                disclosed_on=disclosed.date() if day_given else None,
                disclosed_time=disclosed.time().replace(second=0, microsecond=0)
                if day_given and time_given
                else None,
                # A few of the last two days' sexual abuse concerns: the MASH's queue shows
                # them first, and it was told of each.
                immediate_risk=category in IMMEDIATE_RISK_CATEGORIES
                and end - when < timedelta(days=2)
                and timing.random() < 0.25,
                local_authority_code=LOCAL_AUTHORITY[0],
                # Each agency's system sends its own record id for a person, as agencies'
                # systems do: that is how it names the same person again.
                persons=[
                    NamedPerson(role=role, details=_held_by(details, code, local_ids, key))
                    for key, role, details in chosen
                ],
                agency_record_id=f"{code}-{seed}-{number:07d}",
            )
        )
        history.concern(f"{code}-{seed}-{number:07d}", when)
    bar = tqdm(total=concern_count, desc="Recording concerns", unit="concern", disable=not progress)
    recorded = 0
    for actor, concerns in by_actor.items():
        with transaction.atomic():
            outcomes = record_concern_file(
                actor=actor, concerns=concerns, progress=bar.update, persons_checked=False
            )
        failed = [outcome.error for outcome in outcomes if outcome.error is not None]
        if failed:
            raise RuntimeError(f"The demo could not record a concern: {failed[0]}")
        recorded += len(outcomes)
    bar.close()
    access_actions.set_designated_senior_manager(
        actor=None, agency=agencies[LOCAL_AUTHORITY[0]], user=users["manager"]
    )
    # Imported here: the networks builder uses this module's synthetic identifiers.
    from safeguarding.demo.networks import build_demo_networks

    # Before triage, so that the MASH decides the networks' older contacts with the rest.
    build_demo_networks(seed=seed)
    _triage_history(rng, users, history, progress=progress)
    build_demo_casework(seed=seed, actor=users["mash"])
    _duty_to_report_history(rng, agencies)
    # Two years of history were loaded at once: let the planner see the tables' sizes.
    refresh_statistics()
    build_demo_register(officer=users["hr"], new_employer=agencies["NHS-NORTHBRIDGE"])
    build_demo_fund(administrator=users["fund"], applicant=users["harbour"])
    from safeguarding.demo.collaboration import INSPECTORATES, build_collaboration_demo

    build_collaboration_demo(seed=seed)
    from safeguarding.demo.helpline import build_helpline_demo

    build_helpline_demo(seed=seed)
    from safeguarding.linkage.demo import build_linkage_demo

    # People recorded by several agencies are linked, so the review queue has content.
    build_linkage_demo()
    from safeguarding.taskforce.demo import build_demo_taskforce

    # Last: the national figures count everything above.
    build_demo_taskforce(police_analyst=users["police"])
    inspectors = [
        DemoUser(username, given, family, Role.INSPECTOR, code)
        for code, _, username, given, family in INSPECTORATES
    ]
    # Tell staff about deadlines as the morning's worker run would have.
    escalate_clocks()
    token = access_actions.issue_api_token(
        actor=None, user=users[SYSTEM_USER.username], name="demo records system", days_valid=90
    )
    return DemoResult(
        agencies=len(agencies),
        users=[(demo, demo_totp_secret(demo.username, seed)) for demo in [*USERS, *inspectors]],
        children=child_count,
        concerns=recorded,
        api_token=token,
    )
