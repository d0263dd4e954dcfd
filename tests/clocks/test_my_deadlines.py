"""The deadlines page shows a member of staff their own work, with the child each deadline
is about, and the team's open work without another agency's duties."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from safeguarding.audit.models import AuditEntry
from safeguarding.audit.verbs import AuditVerb
from safeguarding.clocks.actions import start_clock
from safeguarding.clocks.queries import my_deadlines, team_dashboard
from safeguarding.clocks.rules import ClockType
from tests.factories import Area

pytestmark = pytest.mark.django_db


def test_my_deadlines_name_the_child_newest_first_and_are_audited(area: Area, client_for):
    child = area.child_known_to_school()
    today = timezone.localdate()
    for days_ago in (400, 70, 90):
        start_clock(
            clock_type=ClockType.ASSESSMENT,
            authority=area.council,
            subject=f"test:{days_ago}",
            started_on=today - timedelta(days=days_ago),
            accountable=area.practitioner,
            person=child,
        )
    mine = my_deadlines(area.practitioner, limit=2)
    assert (mine.overdue, mine.due_soon, mine.total) == (3, 0, 3)
    assert [clock.subject for clock in mine.clocks] == ["test:70", "test:90"]
    entry = AuditEntry.objects.filter(verb=AuditVerb.WORK_LIST_VIEWED).latest("sequence")
    assert entry.payload["persons"] == [str(child.pk)]
    page = client_for(area.practitioner).get(reverse("clocks:dashboard")).content.decode()
    assert f"for {child.full_name}" in page
    assert "3 overdue, 0 due by the next working day" in page


def test_the_team_counts_only_its_own_work(area: Area, client_for):
    today = timezone.localdate()
    for subject, accountable in (("mine", area.practitioner), ("school", area.dsl)):
        start_clock(
            clock_type=ClockType.ABUSE_REPORT if accountable == area.dsl else ClockType.ASSESSMENT,
            authority=area.council,
            subject=subject,
            started_on=today - timedelta(days=60),
            accountable=accountable,
        )
    dashboard = team_dashboard(area.manager)
    assert [row.label for row in dashboard.by_worker] == [area.practitioner.display_name]
    assert sum(row.open for row in dashboard.by_type) == 1
    page = client_for(area.manager).get(reverse("clocks:dashboard")).content.decode()
    assert "Another agency" not in page
