"""Notifications that point at a person's record, for the registry of holdings (decision
0016). Their subjects and bodies name no one (architecture: names stay out of what leaves
by email), but their links carry the person's id: after an erasure they lead nowhere."""

from __future__ import annotations

import uuid

from safeguarding.notifications.models import Notification
from safeguarding.records.holdings import Erasing, HeldItem, register_provider

KINDS = {"notification": "Notification to a member of staff"}


def held(person_id: uuid.UUID) -> list[HeldItem]:
    return [
        HeldItem(
            source="notifications",
            kind="notification",
            item_id=str(notification.pk),
            agency_code=notification.recipient.agency.code if notification.recipient.agency else "",
            recorded_on=notification.created_at.date(),
            title=notification.subject,
            fields=(("Message", notification.body),),
        )
        for notification in Notification.objects.filter(
            link__contains=str(person_id)
        ).select_related("recipient__agency")
    ]


def erase(erasing: Erasing) -> int:
    return Notification.objects.filter(link__contains=str(erasing.person_id)).delete()[0]


def register() -> None:
    register_provider("notifications", rank=5, held=held, erase=erase, kinds=KINDS)
