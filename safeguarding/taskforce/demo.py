"""Demo content for the national dashboard, built through the actions: online-abuse
suspects for a force, similar areas for every authority and force, and a full refresh of
the figures. The demo generator calls build_demo_taskforce once its concerns exist."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from safeguarding.access.models import Agency, AgencyKind, User
from safeguarding.taskforce.actions import SuspectDetails, record_suspect, set_neighbours
from safeguarding.taskforce.models import OnlineAbuseSuspect
from safeguarding.taskforce.refresh import RefreshResult, refresh

DEMO_SUSPECTS = 24


def build_demo_taskforce(*, police_analyst: User | None) -> RefreshResult:
    """Record DEMO_SUSPECTS suspects for ``police_analyst``'s force over the last year (when
    it has none yet), make every authority similar to the others in the demo (and every
    force to the others), and refresh the figures in full. Safe to run again."""
    today = timezone.localdate()
    if (
        police_analyst is not None
        and not OnlineAbuseSuspect.objects.filter(force_id=police_analyst.agency_id).exists()
    ):
        for number in range(DEMO_SUSPECTS):
            identified = today - timedelta(days=360 - number * 14)
            allocated = identified + timedelta(days=2)
            arrested = identified + timedelta(days=30) if number % 3 else None
            charged = identified + timedelta(days=75) if number % 3 == 1 else None
            nfa = identified + timedelta(days=60) if number % 3 == 2 else None
            record_suspect(
                actor=police_analyst,
                details=SuspectDetails(
                    centre_reference=f"DEMO-NCA-{1000 + number}",
                    suspect_reference=f"DEMO/OA/{number + 1}",
                    identified_on=identified,
                    allocated_on=allocated,
                    arrested_on=arrested if arrested and arrested <= today else None,
                    charged_on=charged if charged and charged <= today else None,
                    no_further_action_on=nfa if nfa and nfa <= today else None,
                    officer_id=police_analyst.pk,
                ),
            )
    for kind in (AgencyKind.LOCAL_AUTHORITY, AgencyKind.POLICE_FORCE):
        areas = list(Agency.objects.filter(kind=kind).order_by("code"))
        for area in areas:
            set_neighbours(
                actor=None, area=area, neighbours=[a for a in areas if a.pk != area.pk][:10]
            )
    return refresh(full=True)
