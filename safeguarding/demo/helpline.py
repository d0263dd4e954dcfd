"""Demo helpline reports: synthetic reports of bad practice (Faker en_GB, seeded; no real
report or person), triaged, some referred on and answered, so that the queue, the
statistics and the annual report have something to show. Run after build_demo; safe to
run again (it adds nothing when the helpline already has reports)."""

from __future__ import annotations

import io
import random
from datetime import date, timedelta

from django.utils import timezone
from faker import Faker
from PIL import Image, PngImagePlugin

from safeguarding.access.agency_kinds import AgencyKind
from safeguarding.access.models import Agency, User
from safeguarding.helpline import actions, attachments, queries
from safeguarding.helpline.models import Category, Disclosure, KnownAs, Report

ROLES = ("designated safeguarding lead", "head teacher", "duty social worker", "team manager")
FAILINGS = (
    "told a Year {n} pupil to stop making things up and wrote nothing down",
    "left a referral about a child unread in the inbox for {n} weeks",
    "changed the dates in the chronology after the inspection was announced",
    "told staff not to contact children's social care because it would look bad",
    "closed the case without a visit although bruising was reported twice",
)


def _text(fake: Faker, rng: random.Random) -> str:
    return (
        f"The {rng.choice(ROLES)} at {fake.last_name()} {rng.choice(('Academy', 'Primary'))} "
        f"{rng.choice(FAILINGS).format(n=rng.randint(2, 9))}. {fake.sentence(nb_words=12)}"
    )


def _files(fake: Faker, rng: random.Random) -> list[attachments.Prepared]:
    """Now and then a screenshot whose hidden text names its maker, and a note, so that
    the report page shows files and what was taken out of them."""
    if rng.random() >= 0.25:
        return []
    details = PngImagePlugin.PngInfo()
    details.add_text("Author", fake.name())
    picture = io.BytesIO()
    Image.new("RGB", (320, 200), (rng.randint(180, 255), 230, 230)).save(
        picture, "PNG", pnginfo=details
    )
    note = f"Notes made at the time.\n{fake.paragraph(nb_sentences=4)}\n".encode()
    return [
        attachments.prepare("screenshot.png", picture.getvalue()),
        attachments.prepare("notes.txt", note),
    ]


def _replies(rng: random.Random, caseworker: User, opened: actions.OpenReport, today: date) -> None:
    """The caseworker acknowledged the report within the week (now and then a day or two
    late), and gave feedback within three months (sometimes late), as far as today goes:
    what is still open is recent."""
    received = opened.report.received_on
    acknowledged = received + timedelta(days=rng.choice([1, 2, 3, 3, 5, 6, 6, 9]))
    if acknowledged > today:
        return
    actions.send_reply(
        actor=caseworker,
        opened=opened,
        text="Thank you for your report. A caseworker is looking into it.",
        sent_on=acknowledged,
    )
    feedback = received + timedelta(days=rng.choice([45, 60, 70, 80, 85, 88, 100]))
    if feedback <= today:
        actions.send_reply(
            actor=caseworker,
            opened=opened,
            text="We have looked into what you told us and raised it with the organisation.",
            gives_feedback=True,
            sent_on=feedback,
        )


def build_helpline_demo(
    *,
    seed: int = 2026,
    count: int = 40,
    helpline_code: str = "NAT-HELPLINE",
    username: str = "helpline",
    password: str | None = None,
) -> int:
    """Add ``count`` reports to the demo helpline, received over the last 14 months; returns
    how many were added."""
    from safeguarding.demo.generator import DEMO_PASSWORD

    helpline = Agency.objects.filter(code=helpline_code, kind=AgencyKind.HELPLINE).first()
    caseworker = User.objects.filter(username=username).first()
    if helpline is None or caseworker is None or Report.objects.filter(helpline=helpline).exists():
        return 0
    fake = Faker("en_GB")
    fake.seed_instance(seed)
    rng = random.Random(seed)  # noqa: S311 - a repeatable demo, not a secret
    private = actions.unlock_staff_key(actor=caseworker, password=password or DEMO_PASSWORD)
    authorities = list(Agency.objects.filter(kind=AgencyKind.LOCAL_AUTHORITY, is_active=True))
    named_kinds = (AgencyKind.SCHOOL, AgencyKind.LOCAL_AUTHORITY, AgencyKind.POLICE_FORCE)
    nameable = list(Agency.objects.filter(kind__in=named_kinds, is_active=True))
    today = timezone.localdate()
    categories = [value for value in Category.values if value]
    for _ in range(count):
        area = rng.choice(authorities) if authorities else None
        submitted = actions.submit_report(
            actions.ReportDetails(
                what_happened=_text(fake, rng),
                organisations="",
                named_agencies=[rng.choice(nameable)] if nameable else [],
                area=area,
                who="",
                when=rng.choice(("Last term", "Over several years", "Last month")),
                known_as=rng.choice((KnownAs.ANONYMOUS, KnownAs.ANONYMOUS, KnownAs.CONFIDENTIAL)),
                name=fake.name(),
                contact=fake.email(),
                attachments=_files(fake, rng),
            ),
            today=today - timedelta(days=rng.randint(0, 420)),
        )
        report = submitted.report
        actions.start_pending_clocks(actor=None)
        if rng.random() < 0.8:
            actions.categorise_report(
                actor=caseworker,
                report=report,
                category=rng.choice(categories),
                disclosure=rng.choice((Disclosure.QUALIFYING,) * 3 + (Disclosure.NOT_QUALIFYING,)),
            )
        if not queries.is_assigned(caseworker, report):
            continue
        opened = actions.open_report(actor=caseworker, report=report, private_key=private)
        _replies(rng, caseworker, opened, today)
        if (
            area is not None
            and rng.random() < 0.4
            and not report.named_agencies.filter(pk=area.pk).exists()
        ):
            actions.route_referral(
                actor=caseworker,
                opened=opened,
                to_agency=area,
                fields=["what_happened", "when"],
                legal_basis="public-task-safeguarding",
            )
    return count
