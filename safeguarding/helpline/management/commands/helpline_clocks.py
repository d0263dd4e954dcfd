"""Take helpline reports received on earlier days into the audit log and start their
clocks. The worker runs it on every pass (safeguarding/scheduled.py), so clocks start even
on days when nobody opens the queue; it is idempotent."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from safeguarding.helpline.actions import start_pending_clocks


class Command(BaseCommand):
    help = "Start the acknowledgement and feedback clocks of newly received helpline reports."

    def handle(self, *args: Any, **options: Any) -> None:
        started = start_pending_clocks(actor=None)
        self.stdout.write(f"Clocks started for {started} report(s).")
