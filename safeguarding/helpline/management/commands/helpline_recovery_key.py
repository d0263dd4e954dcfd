"""Make a helpline's recovery key and print its private half as two shares, once. Give each
share to a different administrator, kept apart (for example in two safes). Reports received
from then on can be recovered only with both shares together."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from safeguarding.access.agency_kinds import AgencyKind
from safeguarding.access.models import Agency
from safeguarding.helpline.actions import create_recovery_key


class Command(BaseCommand):
    help = "Create a helpline's recovery key; prints two shares, each for one administrator."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("helpline", help="The helpline agency's code")

    def handle(self, *args: Any, **options: Any) -> None:
        helpline = Agency.objects.filter(code=options["helpline"], kind=AgencyKind.HELPLINE).first()
        if helpline is None:
            raise CommandError("No helpline agency has that code.")
        shares = create_recovery_key(actor=None, helpline=helpline)
        self.stdout.write("Share for the first administrator:  " + shares.first)
        self.stdout.write("Share for the second administrator: " + shares.second)
        self.stdout.write("Neither share is stored anywhere. Each alone reveals nothing.")
