"""Writes of hand-off receipts: sent, first opened by the receiving agency, first acted
on, and escalated when nobody opened it in time.

The sending app records "sent" in the transaction that sends (planned into its ``Writes``
when it writes in batches), "received" where someone at the receiving agency who may act
on it opens it, and "acted" in the action that answers it. Received and acted are kept
for the first time only, so opening a page again or acting twice changes nothing.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from safeguarding.access.models import User
from safeguarding.audit.chain import PendingEntry, record, record_many
from safeguarding.audit.verbs import AuditVerb
from safeguarding.audit.vocabulary import TargetType
from safeguarding.worklists.handoffs import hand_offs
from safeguarding.worklists.models import Receipt
from safeguarding.writes.rows import in_chunks, update
from safeguarding.writes.unit import Writes, apply

# How many item ids an audit entry's payload lists; a batch beyond it is counted.
LISTED = 50


@dataclass(frozen=True)
class Sent:
    """One item sent to one agency. ``from_agency_id`` is None when the service itself
    sends (a network alert); ``sent_at`` defaults to now."""

    item_id: object
    to_agency_id: int
    from_agency_id: int | None = None
    sent_at: datetime | None = None


def _known(kind: str) -> None:
    if kind not in hand_offs():
        raise ValueError(f"{kind!r} is not a registered hand-off")


def _items_payload(kind: str, item_ids: Sequence[str]) -> dict[str, object]:
    payload: dict[str, object] = {"kind": kind, "count": len(item_ids)}
    if len(item_ids) <= LISTED:
        payload["items"] = list(item_ids)
    return payload


def record_sent(
    kind: str, sent: Sequence[Sent], *, actor: User | None, writes: Writes | None = None
) -> int:
    """A receipt for each item sent to each agency, audited in one entry. Planned into
    ``writes`` when given (the sender's batch writes it); written at once otherwise. An
    item sent again to the same agency keeps its first receipt."""
    _known(kind)
    if not sent:
        return 0
    now = timezone.now()
    rows = [
        (
            uuid.uuid4(),
            kind,
            str(item.item_id),
            item.from_agency_id,
            item.to_agency_id,
            item.sent_at or now,
        )
        for item in dict.fromkeys(sent)
    ]
    entry = PendingEntry(
        AuditVerb.HAND_OFF_SENT,
        actor=actor,
        target_type=TargetType.HAND_OFF,
        target_id=rows[0][2] if len(rows) == 1 else "",
        payload=_items_payload(kind, [row[2] for row in rows]),
    )
    if writes is not None:
        writes.add_values(
            Receipt, ("id", "kind", "item_id", "from_agency", "to_agency", "sent_at"), rows
        )
        writes.audit(entry)
        return len(rows)
    with transaction.atomic():
        existing = set(
            Receipt.objects.filter(kind=kind, item_id__in={row[2] for row in rows}).values_list(
                "item_id", "to_agency_id"
            )
        )
        fresh = [row for row in rows if (row[2], row[4]) not in existing]
        own = Writes()
        own.add_values(
            Receipt, ("id", "kind", "item_id", "from_agency", "to_agency", "sent_at"), fresh
        )
        if fresh:
            own.audit(entry)
        apply(own)
    return len(fresh)


def may_receive(kind: str, user: User) -> bool:
    """Whether ``user`` is among those at an agency who receive and act on a ``kind``."""
    return user.is_active and user.agency_id is not None and hand_offs()[kind].listed_for(user)


def record_received(kind: str, item_id: object, *, actor: User) -> bool:
    """The first opening of ``item_id`` at the actor's agency, by someone there entitled
    to act on it; True if this was it. Opening it again, or by anyone else, changes
    nothing."""
    _known(kind)
    if not may_receive(kind, actor):
        return False
    with transaction.atomic():
        receipt = (
            Receipt.objects.select_for_update()
            .filter(kind=kind, item_id=str(item_id), to_agency_id=actor.agency_id)
            .filter(received_at__isnull=True)
            .first()
        )
        if receipt is None:
            return False
        receipt.received_at, receipt.received_by = timezone.now(), actor
        receipt.save(update_fields=["received_at", "received_by"])
        record(
            AuditVerb.HAND_OFF_RECEIVED,
            actor=actor,
            target_type=TargetType.HAND_OFF,
            target_id=receipt.item_id,
            payload={"kind": kind, "receipt": str(receipt.pk)},
        )
    return True


@dataclass(frozen=True)
class Acted:
    """The receiving agency's action on one item, in words the sender may read
    ("Decision: early help"); ``at`` is when, for history loaded afterwards (now by
    default)."""

    item_id: object
    action: str
    at: datetime | None = None


def record_acted(kind: str, acts: Sequence[Acted], *, actor: User) -> int:
    """The receiving agency's first substantive action on each item (a decision, an
    answer, a change of status), at the actor's agency. Acting on an item also receives
    it if nobody had opened it (or opened it only after, as history loaded late reads).
    Acting again changes nothing. Returns how many receipts this was the first action on;
    audited in one entry."""
    _known(kind)
    if actor.agency_id is None or not acts:
        return 0
    now = timezone.now()
    by_item = {str(act.item_id): act for act in acts}
    rows = []
    with transaction.atomic():
        for chunk in in_chunks(list(by_item)):
            for pk, item_id, received_at, received_by in (
                Receipt.objects.select_for_update()
                .filter(
                    kind=kind,
                    item_id__in=chunk,
                    to_agency_id=actor.agency_id,
                    acted_at__isnull=True,
                )
                .values_list("pk", "item_id", "received_at", "received_by")
            ):
                act = by_item[item_id]
                when = act.at or now
                if received_at is None or received_at > when:
                    received_at, received_by = when, actor.pk
                rows.append((pk, received_at, received_by, when, actor.pk, act.action[:200]))
        update(
            Receipt,
            ["received_at", "received_by", "acted_at", "acted_by", "action"],
            rows,
        )
        if rows:
            actions = sorted({row[5] for row in rows})
            record(
                AuditVerb.HAND_OFF_ACTED,
                actor=actor,
                target_type=TargetType.HAND_OFF,
                target_id=next(iter(by_item)) if len(by_item) == 1 else "",
                payload={**_items_payload(kind, list(by_item)), "actions": actions[:LISTED]},
            )
    return len(rows)


def mark_escalated(receipts: Sequence[Receipt], *, at: datetime | None = None) -> list[Receipt]:
    """Mark ``receipts`` escalated, each once: those another pass escalated meanwhile, or
    that were opened meanwhile, are left out of the result. Audited one entry each, as the
    system."""
    when = at or timezone.now()
    marked: list[Receipt] = []
    with transaction.atomic():
        for chunk in in_chunks([receipt.pk for receipt in receipts]):
            still = list(
                Receipt.objects.select_for_update()
                .filter(pk__in=chunk)
                .filter(Q(received_at__isnull=True) & Q(escalated_at__isnull=True))
            )
            Receipt.objects.filter(pk__in=[r.pk for r in still]).update(escalated_at=when)
            for receipt in still:
                receipt.escalated_at = when
            marked += still
        record_many(
            [
                PendingEntry(
                    AuditVerb.HAND_OFF_ESCALATED,
                    actor=None,
                    target_type=TargetType.HAND_OFF,
                    target_id=receipt.item_id,
                    payload={"kind": receipt.kind, "receipt": str(receipt.pk)},
                )
                for receipt in marked
            ]
        )
    return marked
