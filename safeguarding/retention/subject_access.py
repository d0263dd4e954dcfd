"""Subject access (UK GDPR Art 15; DPA 2018 s.45 for police records): a request, its
one-month clock and the extension rules, the redaction step, and the bundle of everything
held about the person across every app (from the registry of holdings), as JSON and as a
tagged PDF.

Redaction: other people's names (each item's third parties) are replaced in every item,
as the law requires unless they consent; professionals acting in their role are not third
parties and stay. An item may also be withheld whole, with the exemption that allows it.
Each decision, and what each bundle disclosed, is in the audit log.

Who: an information governance officer of an agency holding a record on the person (the
request is made to the partnership through that agency); to anyone else the person, and
their requests, are as if they did not exist. The bundle itself stays everything held
across every app: the partnership answers the request once.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.template.loader import render_to_string
from django.utils import timezone

from safeguarding.access.models import User
from safeguarding.access.policy import held_by_agency
from safeguarding.audit.chain import record
from safeguarding.audit.verbs import AuditVerb
from safeguarding.audit.vocabulary import TargetType
from safeguarding.clocks.actions import deadline, meet_clocks_for, start_clock, stop_clock
from safeguarding.clocks.models import Clock
from safeguarding.clocks.rules import ClockType
from safeguarding.people.models import Person
from safeguarding.records.holdings import HeldItem, held_about, scrub
from safeguarding.retention.actions import (
    NO_PERSON,
    REASON_MIN_LENGTH,
    _as_uuid,
    acts_for,
    may_manage_records,
    person_for,
)
from safeguarding.retention.models import SubjectAccessRequest, Withholding

THIRD_PARTY = "[third party]"


def _require(actor: User | None) -> None:
    if not may_manage_records(actor):
        raise PermissionDenied("Only information governance may handle subject access requests")


NO_REQUEST = "No subject access request has this id"


def visible_requests(actor: User | None) -> QuerySet[SubjectAccessRequest]:
    """The requests ``actor`` sees: every one for an operator (None); for an officer, those
    on persons their agency holds a record on, and those its officers handled (kept in the
    list after the person is erased)."""
    if actor is None:
        return SubjectAccessRequest.objects.all()
    if actor.agency_id is None:
        return SubjectAccessRequest.objects.none()
    return SubjectAccessRequest.objects.filter(
        Q(handled_by__agency_id=actor.agency_id) | held_by_agency(actor.agency_id)
    )


def request_for(actor: User | None, request_id: object) -> SubjectAccessRequest | None:
    """One request ``actor`` may act on (its person is one their agency holds a record on),
    or None, as for a request that does not exist."""
    pk = _as_uuid(request_id)
    found = SubjectAccessRequest.objects.filter(pk=pk).first() if pk else None
    if found is None or not acts_for(actor, found.person_id):
        return None
    return found


def open_request(
    person_id: object, *, actor: User, received_on: date | None = None
) -> SubjectAccessRequest:
    """Record a request received on ``received_on`` (today by default) and start its
    clock: one calendar month, at the handling officer's agency."""
    _require(actor)
    today = timezone.localdate()
    received_on = received_on or today
    errors: dict[str, list[str]] = {}
    pk = person_for(actor, person_id)
    if pk is None:
        errors["person_id"] = [NO_PERSON]
    if received_on > today:
        errors["received_on"] = ["The day the request was received must be today or before"]
    if actor.agency is None:
        errors["person_id"] = ["Your account has no agency to hold the request's deadline"]
    if errors or pk is None or actor.agency is None:
        raise ValidationError(errors)
    with transaction.atomic():
        request = SubjectAccessRequest.objects.create(
            person_id=pk, received_on=received_on, handled_by=actor
        )
        start_clock(
            clock_type=ClockType.SUBJECT_ACCESS,
            authority=actor.agency,
            subject=request.subject,
            started_on=received_on,
            accountable=actor,
            person=Person.objects.get(pk=pk),
            actor=actor,
        )
        record(
            AuditVerb.SUBJECT_ACCESS_OPENED,
            actor=actor,
            target_type=TargetType.SUBJECT_ACCESS_REQUEST,
            target_id=request.pk,
            payload={"person": str(pk), "received_on": received_on.isoformat()},
        )
    return request


def _open(request_id: object, actor: User | None) -> SubjectAccessRequest:
    pk = _as_uuid(request_id)
    request = SubjectAccessRequest.objects.select_for_update().filter(pk=pk).first() if pk else None
    if request is None or not acts_for(actor, request.person_id):
        raise ValidationError({"request": [NO_REQUEST]})
    if request.disclosed_at is not None:
        raise ValidationError({"request": ["This request was already answered"]})
    return request


def due_on(request: SubjectAccessRequest) -> date:
    """When the answer is due: a month from receipt, or three once extended."""
    kind = ClockType.SUBJECT_ACCESS_EXTENDED if request.extended_at else ClockType.SUBJECT_ACCESS
    return deadline(kind, request.received_on)


def extend_request(request_id: object, *, actor: User, reason: str) -> SubjectAccessRequest:
    """Extend by two further months, for a complex request. Allowed once, and only within
    the first month: the requester must be told of it, and why, within that month."""
    _require(actor)
    with transaction.atomic():
        request = _open(request_id, actor)
        errors: dict[str, list[str]] = {}
        if request.extended_at is not None:
            errors["reason"] = ["The request was already extended"]
        elif timezone.localdate() > deadline(ClockType.SUBJECT_ACCESS, request.received_on):
            errors["reason"] = ["A request can be extended only within its first month"]
        if len(reason.strip()) < REASON_MIN_LENGTH:
            errors.setdefault("reason", []).append(
                f"Give the reason in at least {REASON_MIN_LENGTH} characters"
            )
        if errors:
            raise ValidationError(errors)
        today = timezone.localdate()
        for clock in Clock.objects.filter(
            subject=request.subject, met_on__isnull=True, cancelled_on__isnull=True
        ):
            stop_clock(clock=clock, on=today, actor=actor, reason="Extended for complexity")
        assert actor.agency is not None
        start_clock(
            clock_type=ClockType.SUBJECT_ACCESS_EXTENDED,
            authority=actor.agency,
            subject=request.subject,
            started_on=request.received_on,
            accountable=actor,
            person=Person.objects.filter(pk=request.person_id).first(),
            actor=actor,
        )
        request.extended_at = timezone.now()
        request.extension_reason = reason.strip()
        request.save(update_fields=["extended_at", "extension_reason"])
        record(
            AuditVerb.SUBJECT_ACCESS_EXTENDED,
            actor=actor,
            target_type=TargetType.SUBJECT_ACCESS_REQUEST,
            target_id=request.pk,
            reason=request.extension_reason,
            payload={"due_on": due_on(request).isoformat()},
        )
    return request


def items_of(request: SubjectAccessRequest, *, actor: User | None) -> list[HeldItem]:
    """Everything held about the request's person, for the officer deciding what to
    withhold: a read of personal data, audited."""
    _require(actor)
    if not acts_for(actor, request.person_id):
        raise ValidationError({"request": [NO_REQUEST]})
    items = held_about(request.person_id)
    record(
        AuditVerb.SUBJECT_ACCESS_VIEWED,
        actor=actor,
        target_type=TargetType.SUBJECT_ACCESS_REQUEST,
        target_id=request.pk,
        payload={"items": [item.key for item in items]},
    )
    return items


def withhold_item(request_id: object, *, actor: User, item_key: str, exemption: str) -> Withholding:
    """Leave one item out of the bundle, with the exemption that allows it."""
    _require(actor)
    with transaction.atomic():
        request = _open(request_id, actor)
        errors: dict[str, list[str]] = {}
        if item_key not in {item.key for item in held_about(request.person_id)}:
            errors["item_key"] = ["Choose an item held about the person"]
        if len(exemption.strip()) < REASON_MIN_LENGTH:
            errors["exemption"] = [
                f"Give the exemption and why it applies in at least {REASON_MIN_LENGTH} characters"
            ]
        if errors:
            raise ValidationError(errors)
        withholding, _ = Withholding.objects.update_or_create(
            request=request,
            item_key=item_key,
            defaults={"exemption": exemption.strip(), "decided_by": actor},
        )
        record(
            AuditVerb.SUBJECT_ACCESS_WITHHELD,
            actor=actor,
            target_type=TargetType.SUBJECT_ACCESS_REQUEST,
            target_id=request.pk,
            reason=withholding.exemption,
            payload={"item": item_key},
        )
    return withholding


@dataclass(frozen=True)
class BundleItem:
    source: str
    kind: str
    id: str
    agency: str
    recorded_on: str | None
    title: str
    fields: list[dict[str, str]]
    third_parties_redacted: int


@dataclass
class Bundle:
    person_id: str
    produced_at: str
    items: list[BundleItem] = field(default_factory=list)
    withheld: list[dict[str, str]] = field(default_factory=list)

    @property
    def redactions(self) -> int:
        return sum(item.third_parties_redacted for item in self.items)

    def as_json(self) -> str:
        return json.dumps(asdict(self), indent=2, ensure_ascii=False)


def _redacted(item: HeldItem) -> BundleItem:
    names = [name for name in item.third_parties if name.strip()]
    fields = []
    redacted = 0
    for label, value in item.fields:
        shown = scrub(value, names).replace("[erased]", THIRD_PARTY) if names else value
        redacted += shown.count(THIRD_PARTY) - value.count(THIRD_PARTY)
        fields.append({"label": label, "value": shown})
    return BundleItem(
        source=item.source,
        kind=item.kind,
        id=item.item_id,
        agency=item.agency_code,
        recorded_on=item.recorded_on.isoformat() if item.recorded_on else None,
        title=item.title,
        fields=fields,
        third_parties_redacted=redacted,
    )


def build_bundle(person_id: uuid.UUID, withheld: dict[str, str]) -> Bundle:
    """Everything held about the person, each item's third parties redacted, and the
    items in ``withheld`` (key -> exemption) left out but listed with their exemption."""
    bundle = Bundle(person_id=str(person_id), produced_at=timezone.now().isoformat())
    for item in held_about(person_id):
        if item.key in withheld:
            bundle.withheld.append(
                {"kind": item.kind, "id": item.item_id, "exemption": withheld[item.key]}
            )
        else:
            bundle.items.append(_redacted(item))
    return bundle


def bundle_pdf(bundle: Bundle) -> bytes:
    """The bundle as a tagged PDF (PDF/UA-1), as the "who knew what" report is made."""
    from weasyprint import HTML

    html = render_to_string("retention/subject_access_print.html", {"bundle": bundle})
    pdf: bytes = HTML(string=html, base_url=None).write_pdf(pdf_variant="pdf/ua-1")
    return pdf


def produce_bundle(
    person_id: object, *, actor: User | None, request_id: object = None, disclose: bool = False
) -> Bundle:
    """Assemble the bundle for the person (applying the request's withholdings, if a
    request is named) and audit what it holds. ``disclose`` answers the request: its clock
    is met and it is closed."""
    _require(actor)
    pk = person_for(actor, person_id)
    if pk is None:
        raise ValidationError({"person_id": [NO_PERSON]})
    with transaction.atomic():
        request = None
        withheld: dict[str, str] = {}
        if request_id is not None:
            request = _open(request_id, actor) if disclose else request_for(actor, request_id)
            if request is None:
                raise ValidationError({"request": [NO_REQUEST]})
            if request.person_id != pk:
                raise ValidationError({"request": ["The request is about someone else"]})
            withheld = dict(request.withholdings.values_list("item_key", "exemption"))
        bundle = build_bundle(pk, withheld)
        payload: dict[str, Any] = {
            "person": str(pk),
            "items": [f"{item.kind}:{item.id}" for item in bundle.items],
            "withheld": [f"{w['kind']}:{w['id']}" for w in bundle.withheld],
            "third_party_redactions": bundle.redactions,
            "disclosed": disclose,
        }
        if request is not None and disclose:
            today = timezone.localdate()
            for kind in (ClockType.SUBJECT_ACCESS, ClockType.SUBJECT_ACCESS_EXTENDED):
                meet_clocks_for(subject=request.subject, clock_type=kind, met_on=today, actor=actor)
            request.disclosed_at = timezone.now()
            request.save(update_fields=["disclosed_at"])
        record(
            AuditVerb.SUBJECT_ACCESS_PRODUCED,
            actor=actor,
            target_type=TargetType.SUBJECT_ACCESS_REQUEST if request else TargetType.PERSON,
            target_id=request.pk if request else pk,
            payload=payload,
        )
    return bundle
