"""Reads of hand-off receipts: for the sender's page of what it sent, and for the
escalation of what nobody opened. A receipt holds no personal data (the kind, the item's
key, agencies and times); the pages that show one read their item through its gatekeeper."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from safeguarding.worklists.models import Receipt
from safeguarding.writes.rows import in_chunks


def receipts_of(kind: str, item_ids: Iterable[object]) -> dict[str, list[Receipt]]:
    """The receipts of each item sent, by the item's key as text, each item's by the
    receiving agency's name."""
    found: dict[str, list[Receipt]] = {}
    for chunk in in_chunks([str(item_id) for item_id in dict.fromkeys(item_ids)]):
        for receipt in (
            Receipt.objects.filter(kind=kind, item_id__in=chunk)
            .select_related("to_agency")
            .order_by("to_agency__name")
        ):
            found.setdefault(receipt.item_id, []).append(receipt)
    return found


def attach_receipts[T](kind: str, items: Sequence[T], *, key: str = "pk") -> Sequence[T]:
    """Set ``receipts`` on each of ``items`` (the list the include
    worklists/_receipts.html shows), in one read."""
    found = receipts_of(kind, [getattr(item, key) for item in items])
    for item in items:
        setattr(item, "receipts", found.get(str(getattr(item, key)), []))  # noqa: B010 -- the attribute the templates read, on models that do not declare it
    return items


def unreceived_since(sent_before: datetime) -> list[Receipt]:
    """Receipts of hand-offs sent before ``sent_before``, not yet opened nor escalated."""
    return list(
        Receipt.objects.filter(
            sent_at__lt=sent_before, received_at__isnull=True, escalated_at__isnull=True
        )
        .select_related("to_agency", "from_agency")
        .order_by("sent_at")
    )


def receipt_at(kind: str, item_id: object, agency_id: int | None) -> Receipt | None:
    """The receipt of what was sent to one agency, for that agency's own page of it."""
    if agency_id is None:
        return None
    return Receipt.objects.filter(kind=kind, item_id=str(item_id), to_agency_id=agency_id).first()
