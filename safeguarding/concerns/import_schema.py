"""The import schema shared by the JSON Lines and CSV readers: field names, limits, and the
checks that turn one agency record into ConcernDetails or a list of row-numbered problems.

Nothing here touches the database except through the ``local_authority_exists`` callable
the caller passes in, so the checks can run (and be tested) without writing anything.
docs/users/import-format.md describes the same schema for the agencies that produce files.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.utils import timezone

from safeguarding.concerns.actions import SUMMARY_MAX_LENGTH, ConcernDetails, NamedPerson
from safeguarding.concerns.models import ConcernCategory, PersonRole
from safeguarding.people.actions import PersonDetails
from safeguarding.people.identifiers import (
    IdentifierScheme,
    normalise_identifier,
    normalise_phone,
    normalise_postcode,
    normalise_vehicle_registration,
)
from safeguarding.people.models import PersonKind, PersonName, Sex

RECORD_ID_MAX_LENGTH = 64  # Concern.agency_record_id
CODE_MAX_LENGTH = 32  # Agency.code
NAME_MAX_LENGTH = 100  # Person.given_name and family_name
OTHER_NAME_MAX_LENGTH = 200  # PersonName.name
ADDRESS_LINE_MAX_LENGTH = 200  # Address.line_1
TOWN_MAX_LENGTH = 100  # Address.town
# Identifiers, phones, registrations and postcodes have their own checks; this only stops
# a pasted paragraph reaching them.
SHORT_VALUE_MAX_LENGTH = 100
MAX_PERSONS = 50
MAX_LIST_ITEMS = 20
EARLIEST_YEAR = 1900
# The same allowance record_concern gives a sender's clock.
CLOCK_SKEW = timedelta(minutes=5)
CSV_LIST_SEPARATOR = ";"
# The allowed values, worked out once: an enum's .values builds a new list on every call.
_CATEGORIES = tuple(ConcernCategory.values)
_ROLES = tuple(PersonRole.values)
_KINDS = tuple(PersonKind.values)
_SEXES = tuple(Sex.values)

IDENTIFIER_FIELDS: dict[str, str] = {
    "nhs_number": IdentifierScheme.NHS_NUMBER,
    "upn": IdentifierScheme.UNIQUE_PUPIL_NUMBER,
    "police_reference": IdentifierScheme.POLICE_REFERENCE,
    "local_id": IdentifierScheme.AGENCY_LOCAL,
}
OTHER_NAME_FIELDS: dict[str, str] = {
    "aliases": PersonName.Kind.ALIAS,
    "nicknames": PersonName.Kind.NICKNAME,
    "former_names": PersonName.Kind.FORMER,
}
CONCERN_FIELDS = (
    "agency",
    "record_id",
    "recorded_at",
    "category",
    "summary",
    "local_authority",
    "disclosed_on",
    "disclosed_time",
    "immediate_risk",
)
REQUIRED_CONCERN_FIELDS = ("record_id", "recorded_at", "category", "summary", "local_authority")
PERSON_FIELDS = (
    "role",
    "kind",
    "given_name",
    "family_name",
    "date_of_birth",
    "date_of_birth_is_estimated",
    "sex",
    *IDENTIFIER_FIELDS,
    *OTHER_NAME_FIELDS,
    "phones",
    "vehicles",
)
PERSON_LIST_FIELDS = (*OTHER_NAME_FIELDS, "phones", "vehicles")
ADDRESS_FIELDS = ("line_1", "town", "postcode")
JSONL_FIELDS = (*CONCERN_FIELDS, "persons")
JSONL_PERSON_FIELDS = (*PERSON_FIELDS, "addresses")
# CSV carries one address per person row, in three columns.
CSV_ADDRESS_COLUMNS = ("address_line_1", "address_town", "address_postcode")
CSV_COLUMNS = (*CONCERN_FIELDS, *PERSON_FIELDS, *CSV_ADDRESS_COLUMNS)
REQUIRED_CSV_COLUMNS = (*REQUIRED_CONCERN_FIELDS, "role", "given_name", "family_name")

SEX_ALIASES = {"f": Sex.FEMALE, "m": Sex.MALE, "u": Sex.UNKNOWN, "not known": Sex.UNKNOWN}
TRUE_WORDS = frozenset({"true", "yes", "y", "1"})
FALSE_WORDS = frozenset({"false", "no", "n", "0"})
# Control characters (other than tab, and line breaks in the summary) and lone surrogates
# cannot be stored as text by PostgreSQL or are never meant: refuse them at the edge.
_FORBIDDEN_IN_LINE = re.compile(r"[\x00-\x08\x0a-\x1f\x7f\ud800-\udfff]")
_FORBIDDEN_IN_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")


@dataclass(frozen=True)
class Problem:
    """One reason a row cannot be imported. ``row`` is the line number in the file (the
    CSV header is row 1); ``field`` is a path like ``persons[2].nhs_number`` or empty."""

    row: int | None
    field: str
    message: str

    @property
    def reason(self) -> str:
        return f"{self.field}: {self.message}" if self.field else self.message

    def __str__(self) -> str:
        return f"row {self.row}: {self.reason}" if self.row is not None else self.reason


@dataclass
class ConcernDraft:
    """A record that passed every check, ready for record_concern."""

    record_id: str
    details: ConcernDetails


class RowChecker:
    """Collects the problems of one row, under a field-path prefix such as ``persons[2].``"""

    def __init__(self, row: int, problems: list[Problem], prefix: str = "") -> None:
        self.row = row
        self.problems = problems
        self.prefix = prefix

    def under(self, prefix: str) -> RowChecker:
        return RowChecker(self.row, self.problems, self.prefix + prefix)

    def add(self, field: str, message: str) -> None:
        path = f"{self.prefix}{field}" if field else self.prefix.rstrip(".")
        self.problems.append(Problem(self.row, path, message))

    def text(
        self,
        values: Mapping[str, object],
        field: str,
        *,
        max_length: int,
        required: bool = False,
        multiline: bool = False,
    ) -> str:
        """The stripped text of ``field``, or '' when it is absent or has a problem."""
        return self.check_text(
            values.get(field), field, max_length=max_length, required=required, multiline=multiline
        )

    def check_text(
        self,
        value: object,
        field: str,
        *,
        max_length: int,
        required: bool = False,
        multiline: bool = False,
    ) -> str:
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.add(field, "is required")
            return ""
        if not isinstance(value, str):
            self.add(field, f"must be text (in quotes), not {json_type(value)}")
            return ""
        text = value.strip()
        if len(text) > max_length:
            self.add(field, f"must be {max_length:,} characters or fewer; it has {len(text):,}")
            return ""
        forbidden = (_FORBIDDEN_IN_TEXT if multiline else _FORBIDDEN_IN_LINE).search(text)
        if forbidden:
            character = forbidden.group()
            what = (
                "a line break"
                if character in "\r\n"
                else f"the control character U+{ord(character):04X}"
            )
            self.add(field, f"contains {what}, which is not allowed here")
            return ""
        return text

    def choice(
        self,
        values: Mapping[str, object],
        field: str,
        allowed: Sequence[str],
        *,
        required: bool = False,
        aliases: Mapping[str, str] | None = None,
    ) -> str:
        text = self.text(values, field, max_length=SHORT_VALUE_MAX_LENGTH, required=required)
        if not text:
            return ""
        value = text.lower()
        value = (aliases or {}).get(value, value)
        if value not in allowed:
            self.add(field, f"{shorten(text)!r} is not one of: {', '.join(allowed)}")
            return ""
        return value

    def items(self, values: Mapping[str, object], field: str) -> list[object]:
        value = values.get(field)
        if value is None:
            return []
        if not isinstance(value, list):
            self.add(field, f"must be a list ([...]), not {json_type(value)}")
            return []
        if len(value) > MAX_LIST_ITEMS:
            self.add(field, f"may have at most {MAX_LIST_ITEMS} entries; it has {len(value)}")
            return []
        return value


def json_type(value: object) -> str:
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return "text"


def shorten(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def unknown_field_message(name: str, known: Iterable[str], what: str = "field") -> str:
    close = difflib.get_close_matches(name.lower(), list(known), n=1, cutoff=0.6)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    return f"unknown {what} {shorten(name)!r}{hint}"


def parse_moment(text: str) -> datetime:
    """An aware datetime from ISO 8601 with an offset, or a date alone (midnight, UK time).
    Raises ValueError with a message for the sender."""
    example = "like 2026-03-01T14:30:00+00:00, or a date alone, like 2026-03-01"
    try:
        # A date alone is ten characters; most senders give the time too.
        day = date.fromisoformat(text) if len(text) <= 10 else None
    except ValueError:
        day = None
    if day is not None:
        moment = timezone.make_aware(
            datetime.combine(day, time.min), timezone.get_default_timezone()
        )
        return check_year(moment)
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{shorten(text)!r} is not an ISO 8601 date and time, {example}") from None
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(
            f"{shorten(text)!r} has no UTC offset: add one, like "
            "2026-03-01T14:30:00+00:00 or 2026-03-01T14:30:00Z, or give a date alone"
        )
    return check_year(moment)


def check_year[T: (date, datetime)](value: T) -> T:
    if value.year < EARLIEST_YEAR:
        raise ValueError(f"must be in {EARLIEST_YEAR} or later")
    return value


def parse_date(text: str) -> date:
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        raise ValueError(f"{shorten(text)!r} is not a date in the form YYYY-MM-DD, like 2014-05-17")
    try:
        return check_year(date.fromisoformat(text))
    except ValueError as error:
        if "must be" in str(error):
            raise
        raise ValueError(f"{text!r} is not a real date") from None


def parse_flag(value: object) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in TRUE_WORDS | FALSE_WORDS:
        return value.strip().lower() in TRUE_WORDS
    return None


# ---------------------------------------------------------------------------------------
# The concern's own fields (the same in both formats)


@dataclass
class ConcernFields:
    record_id: str
    recorded_at: datetime | None
    category: str
    summary: str
    local_authority: str
    disclosed_on: date | None = None
    disclosed_time: time | None = None
    immediate_risk: bool = False


class TimeFormatError(ValueError):
    """The text is not written as hours:minutes."""


class TimeOfDayError(ValueError):
    """Hours and minutes, but past 23:59."""


def parse_time(text: str) -> time:
    """A time of day as hours and minutes, 24-hour clock: "09:30". Raises
    TimeFormatError or TimeOfDayError (both ValueErrors), so that each entry point can
    word the two mistakes its own way."""
    hours, separator, minutes = text.strip().partition(":")
    if not (separator and hours.isdigit() and minutes.isdigit() and len(minutes) == 2):
        raise TimeFormatError(f"{shorten(text)!r} is not a time like 09:30 (hours:minutes)")
    if int(hours) > 23 or int(minutes) > 59:
        raise TimeOfDayError(f"{shorten(text)!r} is not a real time of day")
    return time(int(hours), int(minutes))


def _check_disclosure(
    values: Mapping[str, object], check: RowChecker
) -> tuple[date | None, time | None, bool]:
    """The optional day and time what the concern describes happened or was disclosed, and
    the immediate-risk flag; whether they agree with when it was recorded is the recording
    action's to say."""
    disclosed_on = disclosed_time = None
    day_text = check.text(values, "disclosed_on", max_length=SHORT_VALUE_MAX_LENGTH)
    if day_text:
        try:
            disclosed_on = parse_date(day_text)
        except ValueError as error:
            check.add("disclosed_on", str(error))
    time_text = check.text(values, "disclosed_time", max_length=SHORT_VALUE_MAX_LENGTH)
    if time_text:
        try:
            disclosed_time = parse_time(time_text)
        except ValueError as error:
            check.add("disclosed_time", str(error))
        if not day_text:
            check.add("disclosed_time", "is given without disclosed_on: give the day as well")
    immediate_risk = False
    if values.get("immediate_risk") not in (None, ""):
        flag = parse_flag(values["immediate_risk"])
        if flag is None:
            check.add("immediate_risk", "must be true or false")
        else:
            immediate_risk = flag
    return disclosed_on, disclosed_time, immediate_risk


def check_concern_fields(
    values: Mapping[str, object],
    check: RowChecker,
    *,
    agency_code: str,
    local_authority_exists: Callable[[str], bool],
) -> ConcernFields:
    record_id = check.text(values, "record_id", max_length=RECORD_ID_MAX_LENGTH, required=True)
    agency = check.text(values, "agency", max_length=CODE_MAX_LENGTH)
    if agency and agency.upper() != agency_code.upper():
        check.add(
            "agency",
            f"is {shorten(agency)!r} but this import is for {agency_code!r} "
            "(--agency); an agency imports only its own records",
        )
    recorded_at = None
    recorded_text = check.text(
        values, "recorded_at", max_length=SHORT_VALUE_MAX_LENGTH, required=True
    )
    if recorded_text:
        try:
            recorded_at = parse_moment(recorded_text)
        except ValueError as error:
            check.add("recorded_at", str(error))
        else:
            if recorded_at > timezone.now() + CLOCK_SKEW:
                check.add("recorded_at", f"{recorded_text!r} is in the future")
                recorded_at = None
    category = check.choice(values, "category", _CATEGORIES, required=True)
    summary = check.text(
        values, "summary", max_length=SUMMARY_MAX_LENGTH, required=True, multiline=True
    )
    local_authority = check.text(
        values, "local_authority", max_length=CODE_MAX_LENGTH, required=True
    ).upper()
    if local_authority and not local_authority_exists(local_authority):
        check.add(
            "local_authority", f"there is no active local authority with code {local_authority!r}"
        )
    disclosed_on, disclosed_time, immediate_risk = _check_disclosure(values, check)
    return ConcernFields(
        record_id,
        recorded_at,
        category,
        summary,
        local_authority,
        disclosed_on,
        disclosed_time,
        immediate_risk,
    )


# ---------------------------------------------------------------------------------------
# A person named in the concern


def check_person(
    values: Mapping[str, object], check: RowChecker, *, csv_address: bool = False
) -> NamedPerson | None:
    """The person in ``values`` (JSON types; the CSV reader converts its text first)."""
    start = len(check.problems)
    role = check.choice(values, "role", _ROLES, required=True)
    default_kind = (
        PersonKind.CHILD if role in (PersonRole.CHILD, PersonRole.SIBLING) else PersonKind.ADULT
    )
    kind = check.choice(values, "kind", _KINDS) or default_kind
    if role == PersonRole.CHILD and kind != PersonKind.CHILD:
        check.add("kind", "a person in the role 'child' must be of kind 'child'")
    given_name = check.text(values, "given_name", max_length=NAME_MAX_LENGTH)
    family_name = check.text(values, "family_name", max_length=NAME_MAX_LENGTH)
    if not given_name and not family_name and not _has_problem(check, start, "_name"):
        check.add("given_name", "give a given name or a family name (or both)")
    date_of_birth = None
    born_text = check.text(values, "date_of_birth", max_length=SHORT_VALUE_MAX_LENGTH)
    if born_text:
        try:
            date_of_birth = parse_date(born_text)
        except ValueError as error:
            check.add("date_of_birth", str(error))
        else:
            # The cheap test first: only a date within a day of today needs the local date.
            recent = date_of_birth >= datetime.now(UTC).date() - timedelta(days=1)
            if recent and date_of_birth > timezone.localdate():
                check.add("date_of_birth", f"{born_text!r} is in the future")
    estimated = False
    if values.get("date_of_birth_is_estimated") not in (None, ""):
        flag = parse_flag(values["date_of_birth_is_estimated"])
        if flag is None:
            check.add("date_of_birth_is_estimated", "must be true or false")
        estimated = bool(flag)
    sex = check.choice(values, "sex", _SEXES, aliases=SEX_ALIASES) or Sex.UNKNOWN

    identifiers = []
    for field, scheme in IDENTIFIER_FIELDS.items():
        value = check.text(values, field, max_length=SHORT_VALUE_MAX_LENGTH)
        if value:
            try:
                identifiers.append((scheme, normalise_identifier(scheme, value)))
            except ValidationError as error:
                check.add(field, " ".join(error.messages))
    other_names = []
    for field, name_kind in OTHER_NAME_FIELDS.items():
        for index, item in enumerate(check.items(values, field), start=1):
            name = check.check_text(
                item, f"{field}[{index}]", max_length=OTHER_NAME_MAX_LENGTH, required=True
            )
            if name:
                other_names.append((name_kind, name))
    phones = _normalised_list(values, "phones", normalise_phone, check)
    vehicles = _normalised_list(values, "vehicles", normalise_vehicle_registration, check)
    addresses = _addresses(values, check, csv_address=csv_address)

    if len(check.problems) > start:
        return None
    return NamedPerson(
        role=role,
        details=PersonDetails(
            given_name=given_name,
            family_name=family_name,
            kind=kind,
            date_of_birth=date_of_birth,
            date_of_birth_is_estimated=estimated,
            sex=sex,
            identifiers=identifiers,
            other_names=other_names,
            addresses=addresses,
            phones=phones,
            vehicles=vehicles,
        ),
    )


def _has_problem(check: RowChecker, start: int, suffix: str) -> bool:
    return any(problem.field.endswith(suffix) for problem in check.problems[start:])


def _normalised_list(
    values: Mapping[str, object], field: str, normaliser: Callable[[str], str], check: RowChecker
) -> list[str]:
    result = []
    for index, item in enumerate(check.items(values, field), start=1):
        path = f"{field}[{index}]"
        text = check.check_text(item, path, max_length=SHORT_VALUE_MAX_LENGTH, required=True)
        if text:
            try:
                result.append(normaliser(text))
            except ValidationError as error:
                check.add(path, " ".join(error.messages))
    return result


def _addresses(
    values: Mapping[str, object], check: RowChecker, *, csv_address: bool
) -> list[tuple[str, str, str]]:
    result = []
    for index, item in enumerate(check.items(values, "addresses"), start=1):
        # CSV problems name the column the sender wrote; JSON ones the path in the object.
        inner = check if csv_address else check.under(f"addresses[{index}].")
        names = {part: (f"address_{part}" if csv_address else part) for part in ADDRESS_FIELDS}
        if not isinstance(item, dict):
            check.add(f"addresses[{index}]", f"must be an object ({{...}}), not {json_type(item)}")
            continue
        for key in item:
            if key not in ADDRESS_FIELDS:
                inner.add("", unknown_field_message(str(key), ADDRESS_FIELDS))
        line_1 = inner.check_text(
            item.get("line_1"), names["line_1"], max_length=ADDRESS_LINE_MAX_LENGTH, required=True
        )
        town = inner.check_text(item.get("town"), names["town"], max_length=TOWN_MAX_LENGTH)
        postcode_text = inner.check_text(
            item.get("postcode"),
            names["postcode"],
            max_length=SHORT_VALUE_MAX_LENGTH,
            required=True,
        )
        if postcode_text:
            try:
                postcode = normalise_postcode(postcode_text)
            except ValidationError as error:
                inner.add(names["postcode"], " ".join(error.messages))
            else:
                if line_1:
                    result.append((line_1, town, postcode))
    return result


def check_persons_together(persons: list[NamedPerson], check: RowChecker, field: str) -> None:
    if len(persons) > MAX_PERSONS:
        check.add(
            field, f"a concern may name at most {MAX_PERSONS} people; this one names {len(persons)}"
        )
    if persons and not any(named.role == PersonRole.CHILD for named in persons):
        check.add(field, "name the child the concern is about: no person has the role 'child'")


# ---------------------------------------------------------------------------------------
# JSON Lines: one concern per line, with a ``persons`` array


def check_jsonl_record(
    record: object,
    row: int,
    *,
    agency_code: str,
    local_authority_exists: Callable[[str], bool],
) -> tuple[ConcernDraft | None, list[Problem]]:
    problems: list[Problem] = []
    check = RowChecker(row, problems)
    if not isinstance(record, dict):
        check.add("", f"must be a JSON object ({{...}}), not {json_type(record)}")
        return None, problems
    for key in record:
        if key not in JSONL_FIELDS:
            check.add("", unknown_field_message(key, JSONL_FIELDS))
    fields = check_concern_fields(
        record, check, agency_code=agency_code, local_authority_exists=local_authority_exists
    )
    persons: list[NamedPerson] = []
    raw_persons = record.get("persons")
    if raw_persons is None or raw_persons == []:
        check.add("persons", "is required: list at least the child the concern is about")
    elif not isinstance(raw_persons, list):
        check.add("persons", f"must be a list ([...]), not {json_type(raw_persons)}")
    else:
        # Numbered from 1, as people count them and as the web form numbers them.
        for index, raw in enumerate(raw_persons, start=1):
            person_check = check.under(f"persons[{index}].")
            if not isinstance(raw, dict):
                person_check.add("", f"must be an object ({{...}}), not {json_type(raw)}")
                continue
            for key in raw:
                if key not in JSONL_PERSON_FIELDS:
                    person_check.add("", unknown_field_message(key, JSONL_PERSON_FIELDS))
            named = check_person(raw, person_check)
            if named is not None:
                persons.append(named)
        if len(persons) == len(raw_persons):
            check_persons_together(persons, check, "persons")
    return _draft(fields, persons, problems), problems


def _draft(
    fields: ConcernFields, persons: list[NamedPerson], problems: list[Problem]
) -> ConcernDraft | None:
    if problems or fields.recorded_at is None:
        return None
    return ConcernDraft(
        fields.record_id,
        ConcernDetails(
            category=fields.category,
            summary=fields.summary,
            recorded_at=fields.recorded_at,
            local_authority_code=fields.local_authority,
            persons=persons,
            agency_record_id=fields.record_id,
            disclosed_on=fields.disclosed_on,
            disclosed_time=fields.disclosed_time,
            immediate_risk=fields.immediate_risk,
        ),
    )


# ---------------------------------------------------------------------------------------
# CSV: one row per person, the concern's fields repeated (or left blank) on each of its rows


def check_csv_header(header: list[str]) -> tuple[list[str], list[Problem]]:
    """The column names, normalised, and any problem with them (all on row 1)."""
    names = [name.strip().lower() for name in header]
    problems: list[Problem] = []
    check = RowChecker(1, problems)
    if len(names) == 1:
        for separator, label in ((";", "semicolons"), ("\t", "tabs")):
            if separator in names[0]:
                check.add(
                    "",
                    f"the header has one column: the values seem to be separated by "
                    f"{label}; separate them with commas",
                )
                return names, problems
    seen: dict[str, int] = {}
    for position, name in enumerate(names, start=1):
        if not name:
            check.add("", f"column {position} has no name; delete it or name it")
        elif name in seen:
            check.add("", f"column {name!r} appears twice (columns {seen[name]} and {position})")
        elif name not in CSV_COLUMNS:
            check.add("", unknown_field_message(name, CSV_COLUMNS, "column"))
        seen.setdefault(name, position)
    for name in REQUIRED_CSV_COLUMNS:
        if name not in seen:
            check.add("", f"missing column {name!r}")
    return names, problems


def csv_person_values(row: Mapping[str, str]) -> dict[str, object]:
    """One CSV row's person columns in the JSON shape check_person reads."""
    values: dict[str, object] = {field: row.get(field, "") for field in PERSON_FIELDS}
    for field in PERSON_LIST_FIELDS:
        text = row.get(field, "") or ""
        values[field] = (
            [part for part in text.split(CSV_LIST_SEPARATOR) if part.strip()]
            if text.strip()
            else []
        )
    address = {part: row.get(f"address_{part}", "") for part in ADDRESS_FIELDS}
    values["addresses"] = [address] if any(value.strip() for value in address.values()) else []
    return values


def check_csv_concern(
    rows: Sequence[tuple[int, Mapping[str, str]]],
    *,
    agency_code: str,
    local_authority_exists: Callable[[str], bool],
    problems: list[Problem],
) -> ConcernDraft | None:
    """One concern from its consecutive rows: the first gives the concern's fields; later
    rows may leave them blank but must not contradict them."""
    first_row, first = rows[0]
    check = RowChecker(first_row, problems)
    fields = check_concern_fields(
        first, check, agency_code=agency_code, local_authority_exists=local_authority_exists
    )
    persons = []
    all_valid = True
    for row, values in rows:
        row_check = RowChecker(row, problems)
        if row != first_row:
            for field in CONCERN_FIELDS:
                value = (values.get(field) or "").strip()
                if value and value != (first.get(field) or "").strip():
                    row_check.add(
                        field,
                        f"differs from row {first_row}, this concern's first "
                        "row; repeat the same value or leave it blank",
                    )
        named = check_person(csv_person_values(values), row_check, csv_address=True)
        if named is None:
            all_valid = False
        else:
            persons.append(named)
    if all_valid:
        check_persons_together(persons, check, "role")
    return _draft(fields, persons, problems)
