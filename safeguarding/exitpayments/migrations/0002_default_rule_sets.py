"""The rule sets the service ships with, as they stood when this migration was written.
Later changes are published as new versions (through the rule sets page), never by
editing this file."""

import datetime
from decimal import Decimal

from django.db import migrations

SBEE_2016_DRAFT = {
    "code": "sbee-2016-draft",
    "version": 1,
    "label": "Public sector exit payment recovery (2016 draft regulations)",
    "status": "draft-policy",
    "source": (
        "Small Business, Enterprise and Employment Act 2015 ss.154-157 (regulations may require "
        "repayment of an exit payment on a return to the public sector within 12 months; a "
        "waiver power in s.157); draft exit payment recovery regulations of 2016 (HM Treasury "
        "consultation, December 2015), never brought into force. The taper by time still to "
        "run is the service's reading: no exact taper was made law."
    ),
    "effective_from": datetime.date(2015, 3, 26),
    "salary_threshold": Decimal("80000.00"),
    "requires_nhs_employers": False,
    "counts_redundancy": True,
    "counts_voluntary_exit": True,
    "counts_pension_top_up": True,
    "counts_settlement": True,
    "net_of_tax": True,
    "window_amount": 1,
    "window_unit": "years",
    "window_end_counts": False,
    "taper_by_time": True,
    "pro_rata_hours": True,
}

NHS_AFC_16 = {
    "code": "nhs-afc-16",
    "version": 1,
    "label": "NHS redundancy pay repaid on re-employment within 4 weeks",
    "status": "contractual",
    "source": (
        "NHS Terms and Conditions of Service (Agenda for Change) Handbook, section 16 "
        "(redundancy pay): redundancy pay is repaid when the employee is re-employed by an "
        "NHS employer within 4 weeks of leaving."
    ),
    "effective_from": datetime.date(2006, 10, 1),
    "salary_threshold": None,
    "requires_nhs_employers": True,
    "counts_redundancy": True,
    "counts_voluntary_exit": False,
    "counts_pension_top_up": False,
    "counts_settlement": False,
    "net_of_tax": False,
    "window_amount": 4,
    "window_unit": "weeks",
    "window_end_counts": True,
    "taper_by_time": False,
    "pro_rata_hours": False,
}


def publish_defaults(apps, schema_editor):
    RuleSet = apps.get_model("exitpayments", "RuleSet")
    for values in (SBEE_2016_DRAFT, NHS_AFC_16):
        if not RuleSet.objects.filter(code=values["code"]).exists():
            RuleSet.objects.create(**values)


class Migration(migrations.Migration):
    dependencies = [
        ("exitpayments", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(publish_defaults, migrations.RunPython.noop),
    ]
