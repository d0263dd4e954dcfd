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

from django.core.exceptions import PermissionDenied, ValidationError
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


@dataclass(frozen=True)
class Sent:
    """One item sent to one agency. ``from_agency_id`` is None when the service itself
    sends (a network alert); ``sent_at`` defaults to now."""

    item_id: object
    to_agency_id: int
    from_agency_id: int | None = None
    sent_at: datetime | None = None
    # The record the sender's batch audits this with (Writes.audit's ``about``), so that a
    # batch's log reads as the same items sent one at a time; the item itself by default.
    about: object = None


def _known(kind: str) -> None:
    if kind not in hand_offs():
        raise ValueError(f"{kind!r} is not a registered hand-off")


def record_sent(
    kind: str, sent: Sequence[Sent], *, actor: User | None, writes: Writes | None = None
) -> int:
    """A receipt for each item sent to each agency, each audited. Planned into ``writes``
    when given (the sender's batch writes it); written at once otherwise, when an item
    sent again to the same agency keeps its first receipt. Returns how many were made."""
    _known(kind)
    now = timezone.now()
    items = list(dict.fromkeys(sent))
    if writes is None and items:
        existing = set(
            Receipt.objects.filter(
                kind=kind, item_id__in={str(item.item_id) for item in items}
            ).values_list("item_id", "to_agency_id")
        )
        items = [i for i in items if (str(i.item_id), i.to_agency_id) not in existing]
    if not items:
        return 0
    plan = writes if writes is not None else Writes()
    plan.add_values(
        Receipt,
        ("id", "kind", "item_id", "from_agency", "to_agency", "sent_at"),
        [
            (
                uuid.uuid4(),
                kind,
                str(item.item_id),
                item.from_agency_id,
                item.to_agency_id,
                item.sent_at or now,
            )
            for item in items
        ],
    )
    for item in items:
        plan.audit(
            PendingEntry(
                AuditVerb.HAND_OFF_SENT,
                actor=actor,
                target_type=TargetType.HAND_OFF,
                target_id=item.item_id,
                payload={"kind": kind, "to": item.to_agency_id},
            ),
            about=item.about if item.about is not None else item.item_id,
        )
    if writes is None:
        apply(plan)
    return len(items)


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
    default); ``about`` as for Sent."""

    item_id: object
    action: str
    at: datetime | None = None
    about: object = None


def record_acted(
    kind: str, acts: Sequence[Acted], *, actor: User, writes: Writes | None = None
) -> int:
    """The receiving agency's first substantive action on each item (a decision, an
    answer, a change of status), at the actor's agency. Acting on an item also receives
    it if nobody had opened it (or opened it only after, as history loaded late reads).
    Acting again changes nothing. Planned into ``writes`` when given. Returns how many
    receipts this was the first action on, each audited."""
    _known(kind)
    if actor.agency_id is None or not acts:
        return 0
    with transaction.atomic(savepoint=False):
        return _record_acted(kind, acts, actor=actor, writes=writes)


def _record_acted(kind: str, acts: Sequence[Acted], *, actor: User, writes: Writes | None) -> int:
    now = timezone.now()
    by_item = {str(act.item_id): act for act in acts}
    rows = []
    plan = writes if writes is not None else Writes()
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
            plan.audit(
                PendingEntry(
                    AuditVerb.HAND_OFF_ACTED,
                    actor=actor,
                    target_type=TargetType.HAND_OFF,
                    target_id=act.item_id,
                    payload={"kind": kind, "action": act.action[:200]},
                ),
                about=act.about if act.about is not None else act.item_id,
            )
    if rows:
        plan.first(
            lambda: update(
                Receipt, ["received_at", "received_by", "acted_at", "acted_by", "action"], rows
            )
        )
    if writes is None:
        apply(plan)
    return len(rows)


def respond_to_hand_off(kind: str, item_id: object, *, actor: User, response: str) -> bool:
    """The receiving agency's response to a hand-off that has no answer of its own (one
    of worklists.forms.RESPONSES): its first action, which the sender reads. False if the
    agency had responded already."""
    from safeguarding.worklists.forms import RESPONSES

    _known(kind)
    if not may_receive(kind, actor):
        raise PermissionDenied("Only those who receive it at its agency may respond")
    if response not in RESPONSES:
        raise ValidationError({"response": ["Choose what your agency is doing about it"]})
    return bool(record_acted(kind, [Acted(item_id, RESPONSES[response])], actor=actor))


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
