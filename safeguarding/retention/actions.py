"""Every write of the retention app: placing and releasing legal holds, and erasing
everything held about a person (decision 0016).

An information governance officer acts for their own agency only: on a person their
agency holds a record on (through any holding: access/policy.py), on class holds of their
agency's records, and on holds their agency placed. A person their agency holds nothing on
is answered as a person that does not exist, as need-to-know answers everywhere else. An
officer erases a person only when no other agency holds a record on them (the others'
records are their own controllers' to erase); an operator at the command line (actor None)
acts across agencies.

Erasure asks the registry of holdings (safeguarding/records/holdings.py) what each app
holds and has each app erase it, all in one transaction per person: a failure anywhere
leaves the person whole, never half erased. In the same transaction, each sealed audit
reason that names the person loses its key and keeps a redacted copy (audit/redaction.py).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from safeguarding.access.models import Agency, User
from safeguarding.access.policy import agencies_holding
from safeguarding.access.roles import INFORMATION_GOVERNANCE_ROLES
from safeguarding.audit.chain import record
from safeguarding.audit.models import AuditEntry
from safeguarding.audit.redaction import REDACTED, digest, redact_reasons
from safeguarding.audit.sealing import is_sealed, readable_reasons
from safeguarding.audit.verbs import AuditVerb
from safeguarding.audit.vocabulary import TargetType
from safeguarding.people.holdings import terms_for
from safeguarding.people.models import Person
from safeguarding.records.holdings import Erasing, HeldItem, held_about, kinds, mentions, providers
from safeguarding.retention.models import Erasure, LegalHold

REASON_MIN_LENGTH = 10
REASON_MAX_LENGTH = 2000


def may_manage_records(actor: User | None) -> bool:
    """Operators at the command line (None) and active information-governance officers."""
    return actor is None or (
        actor.is_authenticated and actor.is_active and actor.role in INFORMATION_GOVERNANCE_ROLES
    )


def _require(actor: User | None) -> None:
    if not may_manage_records(actor):
        raise PermissionDenied("Only information governance may place holds and erase records")


NO_PERSON = "No person has this record id"


def acts_for(actor: User | None, person_id: uuid.UUID | None) -> bool:
    """Whether ``actor`` may act on the person: an operator (None) on anyone, an officer
    only on a person their own agency holds a record on."""
    if person_id is None:
        return False
    if actor is None:
        return True
    return actor.agency_id is not None and actor.agency_id in agencies_holding(person_id)


def person_for(actor: User | None, person_id: object) -> uuid.UUID | None:
    """The id of a person that exists and ``actor`` may act on, or None: one answer for
    both, so that a refusal does not say the record exists."""
    pk = _as_uuid(person_id)
    if pk is None or not Person.objects.filter(pk=pk).exists() or not acts_for(actor, pk):
        return None
    return pk


def other_agencies(actor: User | None, person_id: uuid.UUID) -> list[Agency]:
    """The agencies other than the officer's own holding a record on the person (none for
    an operator, who erases across agencies)."""
    if actor is None:
        return []
    others = agencies_holding(person_id) - {actor.agency_id}
    return list(Agency.objects.filter(pk__in=others).order_by("name"))


def may_release(actor: User | None, hold: LegalHold) -> bool:
    """Operators release any hold; an officer only a hold an officer of their own agency
    placed (a hold an operator placed is released at the command line)."""
    if actor is None:
        return True
    return (
        hold.placed_by is not None
        and actor.agency_id is not None
        and hold.placed_by.agency_id == actor.agency_id
    )


def _reason_errors(reason: str, field: str = "reason") -> dict[str, list[str]]:
    text = reason.strip()
    if len(text) < REASON_MIN_LENGTH:
        return {field: [f"Give the reason in at least {REASON_MIN_LENGTH} characters"]}
    if len(text) > REASON_MAX_LENGTH:
        return {field: [f"The reason must be {REASON_MAX_LENGTH:,} characters or fewer"]}
    return {}


def _as_uuid(value: object) -> uuid.UUID | None:
    try:
        return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    except ValueError:
        return None


@dataclass(frozen=True)
class HoldDetails:
    """A hold on one person (``person_id``), or on a class of records: an agency's (by
    code), one kind of record (a kind from the registry of holdings), recorded between two
    days, or any combination."""

    reference: str
    reason: str
    person_id: object = None
    agency_code: str = ""
    kind: str = ""
    recorded_from: date | None = None
    recorded_to: date | None = None


def place_hold(*, actor: User | None, details: HoldDetails) -> LegalHold:
    _require(actor)
    errors: dict[str, list[str]] = {}
    reference = details.reference.strip()
    if not reference:
        errors["reference"] = ["Give the hold a reference, such as the inquiry's or the claim's"]
    elif len(reference) > 100:
        errors["reference"] = ["The reference must be 100 characters or fewer"]
    errors |= _reason_errors(details.reason)
    person_id = None
    if details.person_id not in (None, ""):
        person_id = person_for(actor, details.person_id)
        if person_id is None:
            errors["person_id"] = [NO_PERSON]
    agency = None
    if details.agency_code:
        agency = Agency.objects.filter(code=details.agency_code).first()
        if agency is None:
            errors["agency_code"] = ["No agency has this code"]
    if actor is not None and details.person_id in (None, "") and not errors.get("agency_code"):
        # An officer holds a class of their own agency's records only; a class across
        # agencies is an operator's, at the command line.
        own = actor.agency
        if own is None:
            errors["agency_code"] = ["Your account has no agency whose records you may hold"]
        elif agency is None or agency.pk != own.pk:
            errors["agency_code"] = [
                f"Choose your own agency, {own.name}: you may hold only its records "
                "(a hold across agencies is placed by an operator)"
            ]
    if details.kind and details.kind not in kinds():
        errors["kind"] = ["Choose a kind of record the service holds"]
    if (
        details.recorded_from is not None
        and details.recorded_to is not None
        and details.recorded_from > details.recorded_to
    ):
        errors["recorded_to"] = ["The last day must be the same as or after the first"]
    if person_id is not None and (
        agency or details.kind or details.recorded_from or details.recorded_to
    ):
        errors["person_id"] = ["Hold either one person or a class of records, not both"]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        hold = LegalHold.objects.create(
            person_id=person_id,
            agency=agency,
            kind=details.kind,
            recorded_from=details.recorded_from,
            recorded_to=details.recorded_to,
            reference=reference,
            reason=details.reason.strip(),
            placed_by=actor,
        )
        record(
            AuditVerb.LEGAL_HOLD_PLACED,
            actor=actor,
            target_type=TargetType.LEGAL_HOLD,
            target_id=hold.pk,
            reason=hold.reason,
            payload={
                "reference": reference,
                "person": str(person_id) if person_id else None,
                "agency": agency.code if agency else None,
                "kind": details.kind or None,
                "from": details.recorded_from.isoformat() if details.recorded_from else None,
                "to": details.recorded_to.isoformat() if details.recorded_to else None,
            },
        )
    return hold


def release_hold(hold_id: object, *, actor: User | None, reason: str) -> LegalHold:
    _require(actor)
    errors = _reason_errors(reason)
    pk = _as_uuid(hold_id)
    with transaction.atomic():
        hold = (
            LegalHold.objects.select_for_update().filter(pk=pk).first() if pk is not None else None
        )
        if hold is None or not may_release(actor, hold):
            # Another agency's hold is answered as one that does not exist.
            hold = None
            errors["hold"] = ["No legal hold has this id"]
        elif not hold.is_open:
            errors["hold"] = [f"Legal hold {hold.reference} was already released"]
        if errors or hold is None:
            raise ValidationError(errors)
        hold.released_at = timezone.now()
        hold.released_by = actor
        hold.release_reason = reason.strip()
        hold.save(update_fields=["released_at", "released_by", "release_reason"])
        record(
            AuditVerb.LEGAL_HOLD_RELEASED,
            actor=actor,
            target_type=TargetType.LEGAL_HOLD,
            target_id=hold.pk,
            reason=hold.release_reason,
            payload={"reference": hold.reference},
        )
    return hold


def in_class(hold: LegalHold, item: HeldItem) -> bool:
    """Whether a class hold covers ``item``. An item whose day is not known is taken to
    fall in any range of days: a hold errs on the side of keeping."""
    if hold.agency is not None and item.agency_code != hold.agency.code:
        return False
    if hold.kind and item.kind != hold.kind:
        return False
    day = item.recorded_on
    if hold.recorded_from is not None and day is not None and day < hold.recorded_from:
        return False
    return not (hold.recorded_to is not None and day is not None and day > hold.recorded_to)


def holds_applying(person_id: uuid.UUID, items: list[HeldItem] | None = None) -> list[LegalHold]:
    """The open holds that keep the person's records: holds on the person, and class holds
    covering any item held about them."""
    found = []
    for hold in LegalHold.objects.filter(released_at__isnull=True).select_related("agency"):
        if hold.person_id is not None:
            if hold.person_id == person_id:
                found.append(hold)
            continue
        if items is None:
            items = held_about(person_id)
        if any(in_class(hold, item) for item in items):
            found.append(hold)
    return found


def refusal(holds: list[LegalHold]) -> str:
    """The message that names the holds refusing an erasure."""
    named = "; ".join(f"{hold.reference} ({hold.reason})" for hold in holds)
    noun = "legal hold applies" if len(holds) == 1 else "legal holds apply"
    return f"Not erased: {len(holds)} {noun}: {named}"


class HeldError(ValidationError):
    """An erasure refused because legal holds apply; ``holds`` names them."""

    def __init__(self, holds: list[LegalHold]) -> None:
        super().__init__({"person_id": [refusal(holds)]})
        self.holds = holds


@dataclass(frozen=True)
class NamingEntry:
    """An audit entry whose reason names the person being erased: its text as readers see
    it, and whether it is sealed (and so can be redacted) or plain (written before
    reasons were sealed, and kept as it is)."""

    sequence: int
    text: str
    sealed: bool


def log_entries_naming(erasing: Erasing, items: list[HeldItem]) -> list[NamingEntry]:
    """The audit entries about the person or their records whose reason names them, in
    order, their sealed reasons opened (or an earlier erasure's redacted copy read). Read
    by target, which is indexed, and every reason opened in one query."""
    targets = {str(erasing.person_id)} | {item.item_id for item in items}
    entries = list(
        AuditEntry.objects.filter(target_id__in=targets)
        .exclude(reason="")
        .only("sequence", "reason")
        .order_by("sequence")
    )
    reasons = readable_reasons(entries)
    return [
        NamingEntry(entry.sequence, reasons[entry.sequence].text, is_sealed(entry.reason))
        for entry in entries
        if mentions(reasons[entry.sequence].text, erasing.terms)
    ]


def erase_person(
    person_id: object,
    *,
    actor: User | None,
    reason: str,
    cause: str = Erasure.Cause.REQUEST,
) -> Erasure:
    """Erase everything every app holds about the person, in one transaction, unless a
    legal hold applies (HeldError, naming the holds; the refusal is audited) or, for an
    officer, another agency also holds a record on them (naming the agencies; audited)."""
    _require(actor)
    errors = _reason_errors(reason)
    pk = person_for(actor, person_id)
    if pk is None:
        errors["person_id"] = [NO_PERSON]
    if errors or pk is None:
        raise ValidationError(errors)
    others = other_agencies(actor, pk)
    if others:
        with transaction.atomic():
            record(
                AuditVerb.ERASURE_REFUSED,
                actor=actor,
                target_type=TargetType.PERSON,
                target_id=pk,
                reason=reason.strip(),
                payload={"agencies": [agency.code for agency in others]},
            )
        named = ", ".join(agency.name for agency in others)
        raise ValidationError(
            {
                "person_id": [
                    f"Not erased: {named} also hold records on this person. Their records "
                    "are theirs to erase: ask their information governance, or an operator "
                    "to erase across agencies"
                ]
            }
        )
    holds = holds_applying(pk)
    if holds:
        with transaction.atomic():
            record(
                AuditVerb.ERASURE_REFUSED,
                actor=actor,
                target_type=TargetType.PERSON,
                target_id=pk,
                reason=reason.strip(),
                payload={"holds": [str(hold.pk) for hold in holds]},
            )
        raise HeldError(holds)
    with transaction.atomic():
        # Checked again under the transaction: a hold placed meanwhile still counts.
        items = held_about(pk)
        holds = holds_applying(pk, items)
        if holds:
            raise HeldError(holds)
        erasing = Erasing(pk, terms_for(pk))
        naming = log_entries_naming(erasing, items)
        named_in_log = [entry.sequence for entry in naming]
        # Sealed reasons naming them are redacted; plain ones are kept, and listed.
        copies = {entry.sequence: erasing.scrub(entry.text) for entry in naming if entry.sealed}
        removed = {provider.name: provider.erase(erasing) for provider in providers()}
        if Person.objects.filter(pk=pk).exists():
            raise RuntimeError(f"person {pk} is still recorded after every app erased it")
        erasure = Erasure.objects.create(
            person_id=pk,
            cause=cause,
            reason=reason.strip(),
            erased_by=actor,
            removed=removed,
            log_entries_naming=named_in_log,
        )
        erased = record(
            AuditVerb.PERSON_ERASED,
            actor=actor,
            target_type=TargetType.PERSON,
            target_id=pk,
            reason=erasure.reason,
            payload={
                "cause": cause,
                "removed": removed,
                "log_entries_naming": named_in_log,
                # Each copy's digest, in the chain: a copy changed later no longer matches.
                REDACTED: {str(sequence): digest(text) for sequence, text in copies.items()},
            },
        )
        redact_reasons(copies, by=erased.sequence)
    return erasure
