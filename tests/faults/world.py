"""Sets up and checks the database of the fault test, in a process of its own.

Run as ``python -m tests.faults.world setup`` or ``... check`` with DATABASE_URL pointing at
the fault test's database; both print JSON on standard output. ``check`` reads the
submissions the clients saw acknowledged, as JSON, on standard input.
"""

from __future__ import annotations

import json
import os
import sys
from datetime import timedelta
from typing import Any

OVERDUE_CLOCKS = 80
POLICE = "POL-FAULTS"
COUNCIL = "LA-FAULTS"


def setup() -> dict[str, Any]:
    from django.utils import timezone

    from safeguarding.access.actions import issue_api_token
    from safeguarding.access.agency_kinds import AgencyKind
    from safeguarding.access.roles import Role
    from safeguarding.clocks.actions import start_clock
    from safeguarding.clocks.rules import ClockType
    from tests.factories import make_agency, make_user

    council = make_agency(AgencyKind.LOCAL_AUTHORITY, code=COUNCIL, name="Faultshire Council")
    police = make_agency(
        AgencyKind.POLICE_FORCE, code=POLICE, name="Faultshire Police", home_authority=council
    )
    make_agency(AgencyKind.HELPLINE, code="HELP-FAULTS", name="Faults helpline")
    system = make_user(Role.SYSTEM_INTEGRATION, police, username="faults-system", totp=False)
    manager = make_user(Role.TEAM_MANAGER, council, username="faults-manager", email="m@x.invalid")
    worker = make_user(Role.PRACTITIONER, council, username="faults-worker", email="w@x.invalid")
    worker.manager = manager
    worker.save(update_fields=["manager"])
    # Tasks for the worker: clocks already missed, each to be escalated exactly once.
    started = timezone.localdate() - timedelta(days=21)
    for number in range(OVERDUE_CLOCKS):
        start_clock(
            clock_type=ClockType.REFERRAL_DECISION,
            authority=council,
            subject=f"fault-test:{number}",
            started_on=started,
            accountable=worker,
        )
    token = issue_api_token(actor=None, user=system, name="faults", days_valid=1)
    return {"token": token, "council": COUNCIL}


def check(acknowledged: dict[str, Any]) -> dict[str, Any]:
    from django.db.models import Count, Sum

    from safeguarding.audit.models import AuditEntry
    from safeguarding.audit.verbs import AuditVerb
    from safeguarding.clocks.models import Clock
    from safeguarding.concerns.models import Concern
    from safeguarding.helpline import actions as helpline_actions
    from safeguarding.helpline.models import Report
    from safeguarding.notifications.models import Notification

    record_ids = acknowledged["concerns"]
    counts = dict(
        Concern.objects.filter(agency__code=POLICE)
        .values_list("agency_record_id")
        .annotate(n=Count("pk"))
        .values_list("agency_record_id", "n")
    )
    concerns_missing = [rid for rid in record_ids if counts.get(rid, 0) == 0]
    concerns_duplicated = [rid for rid, n in counts.items() if n > 1]

    reports_opened: list[str] = []
    receipts_missing = []
    for receipt in acknowledged["receipts"]:
        opened = helpline_actions.open_with_receipt(receipt)
        if opened is None:
            receipts_missing.append(receipt)
        else:
            reports_opened.append(str(opened.report.pk))

    clocks = Clock.objects.filter(subject__startswith="fault-test:")
    escalations = dict(
        AuditEntry.objects.filter(
            verb=AuditVerb.CLOCK_ESCALATED,
            target_type="clock",
            target_id__in=[str(pk) for pk in clocks.values_list("pk", flat=True)],
        )
        .values_list("target_id")
        .annotate(n=Count("pk"))
        .values_list("target_id", "n")
    )
    return {
        "concerns_stored": sum(counts.values()),
        "concerns_missing": concerns_missing,
        "concerns_duplicated": concerns_duplicated,
        "reports_stored": Report.objects.count(),
        "reports_missing": receipts_missing,
        "reports_opened_twice": len(reports_opened) - len(set(reports_opened)),
        "clocks": clocks.count(),
        "clocks_not_escalated": clocks.filter(escalated_at__isnull=True).count(),
        "escalation_entries": sorted(set(escalations.values())),
        # Missed deadlines reach each person as one notification a day that counts them.
        "escalation_notifications": Notification.objects.filter(
            subject__startswith="Missed:"
        ).aggregate(told=Sum("count"))["told"]
        or 0,
    }


def main() -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safeguarding.config.settings")
    import django

    django.setup()
    result = setup() if sys.argv[1] == "setup" else check(json.load(sys.stdin))
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
