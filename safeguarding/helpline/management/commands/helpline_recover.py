"""Give a member of helpline staff a report's key using both recovery shares (for example
when everyone assigned to it has left). Each administrator types their own share."""

from __future__ import annotations

from getpass import getpass
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from safeguarding.access.models import User
from safeguarding.helpline import crypto
from safeguarding.helpline.actions import recover_report
from safeguarding.helpline.models import Report


class Command(BaseCommand):
    help = "Recover a helpline report's key for a member of staff, with both recovery shares."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("report", help="The report's id")
        parser.add_argument("username", help="The member of helpline staff to receive it")

    def handle(self, *args: Any, **options: Any) -> None:
        report = Report.objects.filter(pk=options["report"]).first()
        to = User.objects.filter(username=options["username"]).first()
        if report is None or to is None:
            raise CommandError("No such report or user.")
        first = getpass("First administrator's share: ")
        second = getpass("Second administrator's share: ")
        try:
            recover_report(actor=None, report=report, first_share=first, second_share=second, to=to)
        except crypto.DecryptionError as error:
            raise CommandError("The shares do not open this report's key.") from error
        self.stdout.write(f"{to.username} can now open report {report.reference}.")
