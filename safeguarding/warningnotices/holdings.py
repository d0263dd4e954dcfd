"""Child abduction warning notices naming a person (as the adult served or a child it
protects) and the alerts they raised, for the registry of holdings (decision 0016). A
notice goes with the adult it was served on, or when it protects no child any more."""

from __future__ import annotations

import uuid

from django.db.models import Q

from safeguarding.clocks.models import Clock
from safeguarding.concerns.holdings import concerns_only_about
from safeguarding.records.holdings import Erasing, HeldItem, register_provider
from safeguarding.warningnotices.models import (
    NoticeAlert,
    NoticeBreach,
    NoticeChild,
    NoticeCopy,
    WarningNotice,
)

KINDS = {"warning-notice": "Child abduction warning notice"}


def _naming(person_id: uuid.UUID) -> Q:
    return Q(adult_id=person_id) | Q(children__child_id=person_id)


def held(person_id: uuid.UUID) -> list[HeldItem]:
    items = []
    notices = (
        WarningNotice.objects.filter(_naming(person_id))
        .distinct()
        .select_related("issuing_force", "adult")
        .prefetch_related("children__child", "breaches")
    )
    for notice in notices:
        named = [notice.adult] + [c.child for c in notice.children.all()]
        others = tuple(sorted({p.full_name for p in named if p.pk != person_id}))
        items.append(
            HeldItem(
                source="warningnotices",
                kind="warning-notice",
                item_id=str(notice.pk),
                agency_code=notice.issuing_force.code,
                recorded_on=notice.served_on,
                title=notice.get_kind_display(),
                fields=(
                    ("Served on", notice.served_on.isoformat()),
                    ("Adult served", notice.adult.full_name),
                    ("Children", ", ".join(c.child.full_name for c in notice.children.all())),
                    ("Conditions", notice.conditions),
                    ("Expires", notice.expires_on.isoformat()),
                    *(("Breach", f"{b.occurred_on}: {b.details}") for b in notice.breaches.all()),
                ),
                third_parties=others,
            )
        )
    return items


def erase(erasing: Erasing) -> int:
    person_id = erasing.person_id
    naming = set(WarningNotice.objects.filter(_naming(person_id)).values_list("pk", flat=True))
    removed = NoticeAlert.objects.filter(
        Q(person_id=person_id) | Q(concern_id__in=concerns_only_about(person_id))
    ).delete()[0]
    removed += NoticeChild.objects.filter(child_id=person_id).delete()[0]
    gone = WarningNotice.objects.filter(pk__in=naming).filter(
        Q(adult_id=person_id) | Q(children__isnull=True)
    )
    gone_ids = set(gone.values_list("pk", flat=True))
    clocks = [c for c in gone.values_list("review_clock_id", flat=True) if c is not None]
    subjects = [f"warning-notice:{pk}" for pk in gone_ids]
    removed += NoticeBreach.objects.filter(notice_id__in=gone_ids).delete()[0]
    removed += NoticeCopy.objects.filter(notice_id__in=gone_ids).delete()[0]
    removed += WarningNotice.objects.filter(pk__in=gone_ids).delete()[0]
    removed += Clock.objects.filter(Q(pk__in=clocks) | Q(subject__in=subjects)).delete()[0]
    # Notices kept for their other children: the person's mentions in their text go.
    for notice in WarningNotice.objects.filter(pk__in=naming - gone_ids):
        WarningNotice.objects.filter(pk=notice.pk).update(
            conditions=erasing.scrub(notice.conditions),
            end_details=erasing.scrub(notice.end_details),
            withheld_by_details=erasing.scrub(notice.withheld_by_details),
        )
        for breach in notice.breaches.all():
            NoticeBreach.objects.filter(pk=breach.pk).update(
                place=erasing.scrub(breach.place), details=erasing.scrub(breach.details)
            )
        removed += 1
    return removed


def register() -> None:
    register_provider("warningnotices", rank=10, held=held, erase=erase, kinds=KINDS)
