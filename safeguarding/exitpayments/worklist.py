"""Work list from exit payments: the recoveries an officer's agency has to settle."""

from __future__ import annotations

from django.urls import reverse

from safeguarding.access.models import User
from safeguarding.exitpayments.models import Recovery
from safeguarding.exitpayments.policy import records_exit_payments
from safeguarding.exitpayments.queries import exit_payments_visible_to, recoveries_visible_to
from safeguarding.worklists.registry import SHOWN, WorkItem, WorkList, register


def cases(user: User) -> WorkList | None:
    """Open and agreed recoveries first; with none, the latest exit payments recorded."""
    if not records_exit_payments(user):
        return None
    unsettled = recoveries_visible_to(user).filter(
        status__in=(Recovery.Status.OPEN, Recovery.Status.AGREED)
    )
    recoveries = list(unsettled.order_by("opened_at")[:SHOWN])
    items = [
        WorkItem(
            what=f"Recovery of £{recovery.amount:,.2f} from {recovery.recovering_body}",
            link=reverse("exitpayments:recovery", args=[recovery.pk]),
            whose=recovery.exit_payment.full_name,
            state=recovery.get_status_display(),
            records=(f"recovery:{recovery.pk}",),
        )
        for recovery in recoveries
    ]
    total = unsettled.count()
    if not items:
        payments = exit_payments_visible_to(user)
        items = [
            WorkItem(
                what=f"Exit payment on {payment.exit_date:%-d %B %Y}",
                link=reverse("exitpayments:exit-payment", args=[payment.pk]),
                whose=payment.full_name,
                records=(f"exit-payment:{payment.pk}",),
            )
            for payment in payments.order_by("-recorded_at")[:SHOWN]
        ]
        total = payments.count()
    return WorkList(
        key="exit-payments",
        title="Exit payment cases",
        items=items,
        total=total,
        see_all=reverse("exitpayments:register"),
        see_all_text="The exit payments register",
        empty="No exit payment involves your agency.",
        order=10,
    )


def register_providers() -> None:
    register("exitpayments.cases", cases)
