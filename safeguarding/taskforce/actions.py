"""Every write of the taskforce app: the online-abuse pipeline police forces record, and the
areas the dashboard compares with each other."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from safeguarding.access.models import Agency, AgencyKind, User
from safeguarding.audit.chain import record
from safeguarding.audit.verbs import AuditVerb
from safeguarding.audit.vocabulary import LegalBasis, TargetType
from safeguarding.taskforce.models import ForceArea, OnlineAbuseSuspect, StatisticalNeighbour
from safeguarding.taskforce.policy import records_pipeline

# References are the centre's and the force's own: letters, digits and - / . only, so that
# nobody types a name into them.
REFERENCE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9/.\-]{0,63}$")
IMPORT_COLUMNS = (
    "centre_reference",
    "suspect_reference",
    "identified_on",
    "allocated_on",
    "arrested_on",
    "charged_on",
    "no_further_action_on",
)
IMPORT_MAX_ROWS = 10_000
DATE_FIELDS = IMPORT_COLUMNS[2:]


@dataclass
class SuspectDetails:
    centre_reference: str
    suspect_reference: str
    identified_on: date | None
    allocated_on: date | None = None
    arrested_on: date | None = None
    charged_on: date | None = None
    no_further_action_on: date | None = None
    officer_id: int | None = None
    dates: dict[str, date | None] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.centre_reference = self.centre_reference.strip()
        self.suspect_reference = self.suspect_reference.strip()
        self.dates = {name: getattr(self, name) for name in DATE_FIELDS}


def _errors(details: SuspectDetails, force: Agency, today: date) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}

    def add(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    for name, label in (
        ("centre_reference", "the centre's referral reference"),
        ("suspect_reference", "your force's reference for the suspect"),
    ):
        value = getattr(details, name)
        if not value:
            add(name, f"Enter {label}")
        elif not REFERENCE.match(value):
            add(
                name,
                f"Enter {label} using letters, numbers, hyphens, full stops and slashes only "
                "(at most 64)",
            )
    if details.identified_on is None:
        add("identified_on", "Enter the date the suspect was identified")
    for name, day in details.dates.items():
        if day is not None and day > today:
            add(name, "The date must be today or in the past")
    order = ["identified_on", "allocated_on", "arrested_on"]
    previous: tuple[str, date] | None = None
    for name in order:
        day = details.dates[name]
        if day is None:
            continue
        if previous is not None and day < previous[1]:
            add(name, "The date must be on or after the earlier stages")
        previous = (name, day)
    if details.charged_on and details.no_further_action_on:
        add("no_further_action_on", "A suspect cannot be both charged and have no further action")
    for name in ("charged_on", "no_further_action_on"):
        day = details.dates[name]
        if day is not None and details.identified_on and day < details.identified_on:
            add(name, "The date must be on or after the date the suspect was identified")
    if (
        details.officer_id is not None
        and not User.objects.filter(pk=details.officer_id, agency=force, is_active=True).exists()
    ):
        add("officer_id", "Select an officer of your force")
    return errors


def _require_force(actor: User) -> Agency:
    if not records_pipeline(actor) or actor.agency is None:
        raise PermissionDenied("Only police analysts and team managers can record suspects")
    return actor.agency


def _apply(suspect: OnlineAbuseSuspect, details: SuspectDetails) -> None:
    suspect.centre_reference = details.centre_reference
    assert details.identified_on is not None
    suspect.identified_on = details.identified_on
    suspect.allocated_on = details.allocated_on
    suspect.arrested_on = details.arrested_on
    suspect.charged_on = details.charged_on
    suspect.no_further_action_on = details.no_further_action_on
    suspect.officer_id = details.officer_id
    suspect.updated_at = timezone.now()


def _payload(suspect: OnlineAbuseSuspect) -> dict[str, object]:
    return {
        "stage": suspect.stage,
        "dates": {
            name: day.isoformat() if day else None for name, day in suspect.stage_dates().items()
        },
    }


def record_suspect(*, actor: User, details: SuspectDetails) -> OnlineAbuseSuspect:
    """Record a suspect identified from a referral by the national centre, allocated to the
    actor's force, with as many later stages as are known."""
    force = _require_force(actor)
    errors = _errors(details, force, timezone.localdate())
    if (
        not errors
        and OnlineAbuseSuspect.objects.filter(
            force=force, suspect_reference=details.suspect_reference
        ).exists()
    ):
        errors["suspect_reference"] = ["Your force has already recorded this suspect reference"]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        suspect = OnlineAbuseSuspect(
            force=force, suspect_reference=details.suspect_reference, recorded_by=actor
        )
        _apply(suspect, details)
        suspect.save(force_insert=True)
        record(
            AuditVerb.SUSPECT_RECORDED,
            actor=actor,
            target_type=TargetType.ONLINE_ABUSE_SUSPECT,
            target_id=suspect.pk,
            legal_basis=LegalBasis.LAW_ENFORCEMENT,
            payload=_payload(suspect),
        )
    return suspect


def record_suspect_outcome(
    *, actor: User, suspect: OnlineAbuseSuspect, details: SuspectDetails
) -> OnlineAbuseSuspect:
    """Update the stages reached by a suspect of the actor's own force."""
    force = _require_force(actor)
    if suspect.force_id != force.pk:
        raise PermissionDenied("Only the force the suspect is allocated to can update it")
    details.suspect_reference = suspect.suspect_reference
    errors = _errors(details, force, timezone.localdate())
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        _apply(suspect, details)
        suspect.save()
        record(
            AuditVerb.SUSPECT_OUTCOME_RECORDED,
            actor=actor,
            target_type=TargetType.ONLINE_ABUSE_SUSPECT,
            target_id=suspect.pk,
            legal_basis=LegalBasis.LAW_ENFORCEMENT,
            payload=_payload(suspect),
        )
    return suspect


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int


def _parse_date(text: str) -> date:
    return date.fromisoformat(text.strip())


def import_suspects(*, actor: User, text: str) -> ImportResult:
    """Record or update many suspects of the actor's force from CSV text with the columns
    IMPORT_COLUMNS (dates as YYYY-MM-DD, empty when not reached). Every row is checked
    first; nothing is saved unless every row is right. Errors are keyed "line N"."""
    force = _require_force(actor)
    today = timezone.localdate()
    reader = csv.DictReader(io.StringIO(text))
    if reader.fieldnames is None or [n.strip() for n in reader.fieldnames] != list(IMPORT_COLUMNS):
        raise ValidationError(
            {"file": ["The first line must name the columns: " + ",".join(IMPORT_COLUMNS)]}
        )
    errors: dict[str, list[str]] = {}
    parsed: list[SuspectDetails] = []
    seen: set[str] = set()
    for line, row in enumerate(reader, start=2):
        if len(parsed) >= IMPORT_MAX_ROWS:
            errors["file"] = [f"A file can hold at most {IMPORT_MAX_ROWS:,} suspects"]
            break
        values = {name: (row.get(name) or "").strip() for name in IMPORT_COLUMNS}
        dates: dict[str, date | None] = {}
        problems: list[str] = []
        for name in DATE_FIELDS:
            try:
                dates[name] = _parse_date(values[name]) if values[name] else None
            except ValueError:
                problems.append(f"{name} must be a date like 2026-03-31")
                dates[name] = None
        details = SuspectDetails(
            centre_reference=values["centre_reference"],
            suspect_reference=values["suspect_reference"],
            **dates,  # type: ignore[arg-type]  # DATE_FIELDS: only the date fields
        )
        for name, messages in _errors(details, force, today).items():
            problems += [f"{name}: {message}" for message in messages]
        if details.suspect_reference in seen:
            problems.append("suspect_reference: appears twice in the file")
        seen.add(details.suspect_reference)
        if problems:
            errors[f"line {line}"] = problems
        parsed.append(details)
    if not parsed and not errors:
        errors["file"] = ["The file has no suspects in it"]
    if errors:
        raise ValidationError(errors)
    existing = {
        suspect.suspect_reference: suspect
        for suspect in OnlineAbuseSuspect.objects.filter(force=force, suspect_reference__in=seen)
    }
    created = updated = 0
    with transaction.atomic():
        for details in parsed:
            suspect = existing.get(details.suspect_reference)
            if suspect is None:
                suspect = OnlineAbuseSuspect(
                    force=force, suspect_reference=details.suspect_reference, recorded_by=actor
                )
                created += 1
            else:
                details.officer_id = suspect.officer_id
                updated += 1
            _apply(suspect, details)
            suspect.save()
        record(
            AuditVerb.SUSPECTS_IMPORTED,
            actor=actor,
            target_type=TargetType.ONLINE_ABUSE_SUSPECTS,
            target_id=force.code,
            legal_basis=LegalBasis.LAW_ENFORCEMENT,
            payload={"created": created, "updated": updated},
        )
    return ImportResult(created=created, updated=updated)


# Comparison areas (operators, from the command line) -----------------------------------

AREA_KINDS = (AgencyKind.LOCAL_AUTHORITY, AgencyKind.POLICE_FORCE)


def set_neighbours(*, actor: User | None, area: Agency, neighbours: list[Agency]) -> None:
    """Replace the areas ``area`` is compared with: the same kind of area, never itself."""
    if area.kind not in AREA_KINDS:
        raise ValidationError({"area": ["Only local authorities and police forces are compared"]})
    wrong = [n.code for n in neighbours if n.kind != area.kind or n.pk == area.pk]
    if wrong:
        raise ValidationError(
            {"neighbours": [f"Not a comparable area for {area.code}: {', '.join(wrong)}"]}
        )
    with transaction.atomic():
        StatisticalNeighbour.objects.filter(area=area).delete()
        StatisticalNeighbour.objects.bulk_create(
            StatisticalNeighbour(area=area, neighbour=n) for n in dict.fromkeys(neighbours)
        )
        record(
            AuditVerb.COMPARISON_AREAS_SET,
            actor=actor,
            target_type=TargetType.AGENCY,
            target_id=area.code,
            payload={"neighbours": [n.code for n in neighbours]},
        )


def set_force_area(*, actor: User | None, authority: Agency, force: Agency) -> None:
    """Record that ``force`` polices the area of ``authority``."""
    if authority.kind != AgencyKind.LOCAL_AUTHORITY or force.kind != AgencyKind.POLICE_FORCE:
        raise ValidationError({"area": ["Give a local authority and a police force"]})
    with transaction.atomic():
        ForceArea.objects.update_or_create(authority=authority, defaults={"force": force})
        record(
            AuditVerb.COMPARISON_AREAS_SET,
            actor=actor,
            target_type=TargetType.AGENCY,
            target_id=authority.code,
            payload={"force": force.code},
        )


def import_comparison_file(*, actor: User | None, text: str) -> int:
    """Set comparison areas from CSV rows "area_code,neighbour_code" (and force areas from
    rows "authority_code,force_code" where the second is a police force and the first a
    local authority). Returns the number of areas whose neighbours were set."""
    by_code = {agency.code: agency for agency in Agency.objects.filter(kind__in=AREA_KINDS)}
    grouped: dict[str, list[Agency]] = {}
    forces: list[tuple[Agency, Agency]] = []
    unknown: list[str] = []
    for line, row in enumerate(csv.reader(io.StringIO(text)), start=1):
        if not row or row[0].strip().lower() in {"area_code", "authority_code"}:
            continue
        codes = [value.strip() for value in row[:2]]
        if len(codes) < 2 or codes[0] not in by_code or codes[1] not in by_code:
            unknown.append(f"line {line}")
            continue
        area, other = by_code[codes[0]], by_code[codes[1]]
        if area.kind == AgencyKind.LOCAL_AUTHORITY and other.kind == AgencyKind.POLICE_FORCE:
            forces.append((area, other))
        else:
            grouped.setdefault(area.code, []).append(other)
    if unknown:
        raise ValidationError({"file": [f"Unknown area codes on {', '.join(unknown[:20])}"]})
    with transaction.atomic():
        for code, neighbours in grouped.items():
            set_neighbours(actor=actor, area=by_code[code], neighbours=neighbours)
        for authority, force in forces:
            set_force_area(actor=actor, authority=authority, force=force)
    return len(grouped)
