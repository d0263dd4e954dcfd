"""What the API accepts and returns. Inputs are checked here for shape and size; the
domain actions then apply the rules that the web forms share (identifier check digits,
postcodes, dates)."""

from __future__ import annotations

import unicodedata
import uuid
from datetime import date, datetime, time
from typing import Annotated, Self

from django.utils import timezone
from ninja import Field, Schema
from pydantic import (
    AfterValidator,
    AwareDatetime,
    BeforeValidator,
    ConfigDict,
    WithJsonSchema,
    model_validator,
)
from pydantic.config import JsonDict
from pydantic_core import PydanticCustomError

from safeguarding.access.models import Agency, AgencyKind
from safeguarding.concerns.actions import SUMMARY_MAX_LENGTH, ConcernDetails, NamedPerson
from safeguarding.concerns.models import Concern, ConcernCategory, PersonRole
from safeguarding.people.actions import PersonDetails
from safeguarding.people.identifiers import IdentifierScheme
from safeguarding.people.models import Person, PersonKind, PersonName, Sex
from safeguarding.people.names import hidden_character
from safeguarding.people.queries import SearchResult

# Line breaks and tabs are allowed only in free text.
FREE_TEXT_CONTROLS = frozenset("\n\r\t")
EARLIEST_DATE = date(1900, 1, 1)
MAX_PERSONS_PER_CONCERN = 20
MAX_ITEMS_PER_LIST = 10


def _check_text(value: str, allowed_controls: frozenset[str]) -> str:
    # Unpaired surrogates cannot be stored as UTF-8, and PostgreSQL refuses NUL: both
    # would otherwise fail deep in the database instead of here, with a clear message.
    for character in value:
        category = unicodedata.category(character)
        if category == "Cs":
            raise PydanticCustomError("text_encoding", "Text must be valid Unicode")
        if category == "Cc" and character not in allowed_controls:
            raise PydanticCustomError(
                "text_control_character",
                "Text must not contain control characters"
                + (" other than line breaks and tabs" if allowed_controls else ""),
            )
    return value


def _single_line(value: str) -> str:
    # Names, identifiers and references: nothing a reader would not see (direction
    # overrides, zero-width characters), as people.names defines it for every entry point.
    hidden = hidden_character(value)
    if hidden is not None:
        raise PydanticCustomError(
            "text_hidden_character",
            "Text must not contain invisible characters such as direction marks or "
            "zero-width spaces ({hidden})",
            {"hidden": hidden},
        )
    return _check_text(value, frozenset())


def _free_text(value: str) -> str:
    return _check_text(value, FREE_TEXT_CONTROLS)


def _iso_text(value: object) -> object:
    # Pydantic would also take a number as seconds since 1970: the API takes dates only
    # as ISO 8601 text, so that a misplaced number is refused, not read as a date.
    if value is not None and not isinstance(value, str):
        raise PydanticCustomError("iso_8601_text", "Enter the date as ISO 8601 text")
    return value


def _not_before_1900(value: date | None) -> date | None:
    if value is not None and value < EARLIEST_DATE:
        raise PydanticCustomError("date_too_early", "Enter a date after 1 January 1900")
    return value


def _plausible_moment(value: datetime) -> datetime:
    # The action refuses future dates; this also keeps out years whose conversion to UTC
    # would overflow before the action could look at them.
    if not EARLIEST_DATE.year <= value.year <= timezone.now().year + 1:
        raise PydanticCustomError(
            "datetime_out_of_range", "Enter a date and time between 1900 and today"
        )
    return value


Name = Annotated[str, Field(max_length=100), AfterValidator(_single_line)]
LongName = Annotated[str, Field(max_length=200), AfterValidator(_single_line)]
ShortText = Annotated[str, Field(max_length=64), AfterValidator(_single_line)]
Code = Annotated[str, Field(max_length=32), AfterValidator(_single_line)]
Summary = Annotated[
    str, Field(min_length=1, max_length=SUMMARY_MAX_LENGTH), AfterValidator(_free_text)
]
Postcode = Annotated[str, Field(max_length=16), AfterValidator(_single_line)]
PhoneNumber = Annotated[str, Field(max_length=32), AfterValidator(_single_line)]
Registration = Annotated[str, Field(max_length=16), AfterValidator(_single_line)]
# A calendar day of a person's life or of what happened to them: ISO text, not before 1900.
PastDay = Annotated[date | None, BeforeValidator(_iso_text), AfterValidator(_not_before_1900)]
Moment = Annotated[AwareDatetime, BeforeValidator(_iso_text), AfterValidator(_plausible_moment)]


def _local_time(value: time | None) -> time | None:
    if value is not None and value.tzinfo is not None:
        raise PydanticCustomError(
            "time_with_offset", "Give the time in England's local time, without an offset"
        )
    return value


# A time of day, in England's local time, as hours and minutes ("09:30").
ClockTime = Annotated[
    time | None,
    BeforeValidator(_iso_text),
    AfterValidator(_local_time),
    Field(json_schema_extra={"example": "09:30"}),
]
# PersonName.Kind would appear in the document as a bare "Kind": give it its own name.
OtherNameKind = Annotated[
    PersonName.Kind,
    WithJsonSchema(
        {"type": "string", "enum": list(PersonName.Kind.values), "title": "OtherNameKind"}
    ),
]


class Input(Schema):
    # A field the API does not know is refused rather than dropped: a client that
    # misspells one must not believe it has recorded what it has not.
    model_config = ConfigDict(extra="forbid")


# --- Agencies ------------------------------------------------------------------------


class AgencyOut(Schema):
    code: str
    name: str
    kind: AgencyKind
    area_name: str
    home_authority: str | None = Field(
        description="Code of the local authority whose MASH receives this agency's concerns"
    )
    is_active: bool

    @classmethod
    def from_agency(cls, agency: Agency) -> Self:
        return cls(
            code=agency.code,
            name=agency.name,
            kind=AgencyKind(agency.kind),
            area_name=agency.area_name,
            home_authority=agency.home_authority.code if agency.home_authority else None,
            is_active=agency.is_active,
        )


class AgencyRef(Schema):
    code: str
    name: str

    @classmethod
    def from_agency(cls, agency: Agency) -> Self:
        return cls(code=agency.code, name=agency.name)


# --- Persons -------------------------------------------------------------------------


def _given(field: str, schema: JsonDict) -> JsonDict:
    return {"required": [field], "properties": {field: schema}}


class SearchIn(Input):
    # The document says what the validator below enforces, so that clients (and fuzzers)
    # generating requests from it know that a search needs at least one criterion.
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "anyOf": [
                _given("name", {"type": "string", "pattern": r"\S"}),
                _given("date_of_birth", {"type": "string"}),
                _given("identifier", {"type": "string", "pattern": r"\S"}),
            ]
        },
    )
    name: LongName = Field("", description="Any name the person is known by; typos tolerated")
    date_of_birth: PastDay = None
    identifier: ShortText = Field("", description="NHS number, unique pupil number or reference")

    @model_validator(mode="after")
    def _at_least_one(self) -> Self:
        if not (self.name.strip() or self.date_of_birth or self.identifier.strip()):
            raise PydanticCustomError(
                "search_criteria_missing",
                "Give at least one of name, date_of_birth or identifier",
            )
        return self


class SearchResultOut(Schema):
    id: uuid.UUID
    given_name: str
    family_name: str
    kind: PersonKind
    date_of_birth: date | None
    score: int = Field(ge=0, le=100, description="How well the person matches, 0 to 100")

    @classmethod
    def from_result(cls, result: SearchResult) -> Self:
        person = result.person
        return cls(
            id=person.pk,
            given_name=person.given_name,
            family_name=person.family_name,
            kind=PersonKind(person.kind),
            date_of_birth=person.date_of_birth,
            score=result.score,
        )


class IdentifierOut(Schema):
    scheme: IdentifierScheme
    value: str
    issuing_agency: str | None = Field(
        description="Code of the agency that issued a police or local reference"
    )


class OtherNameOut(Schema):
    kind: OtherNameKind
    name: str


class AddressOut(Schema):
    line_1: str
    town: str
    postcode: str
    recorded_by: str = Field(description="Code of the agency that recorded the address")
    recorded_at: datetime


class PhoneOut(Schema):
    number: str = Field(description="E.164, like +447700900982")
    recorded_by: str


class VehicleOut(Schema):
    registration: str
    description: str
    recorded_by: str


class PersonOut(Schema):
    id: uuid.UUID
    kind: PersonKind
    given_name: str
    family_name: str
    date_of_birth: date | None
    date_of_birth_is_estimated: bool
    sex: Sex
    identifiers: list[IdentifierOut]
    other_names: list[OtherNameOut]
    addresses: list[AddressOut]
    phones: list[PhoneOut]
    vehicles: list[VehicleOut]
    agencies: list[AgencyRef] = Field(description="Every agency holding a record on the person")

    @classmethod
    def from_person(cls, person: Person) -> Self:
        return cls(
            id=person.pk,
            kind=PersonKind(person.kind),
            given_name=person.given_name,
            family_name=person.family_name,
            date_of_birth=person.date_of_birth,
            date_of_birth_is_estimated=person.date_of_birth_is_estimated,
            sex=Sex(person.sex),
            identifiers=[
                IdentifierOut(
                    scheme=IdentifierScheme(identifier.scheme),
                    value=identifier.value,
                    issuing_agency=identifier.issuing_agency.code
                    if identifier.issuing_agency
                    else None,
                )
                for identifier in person.identifiers.select_related("issuing_agency").order_by(
                    "scheme", "value"
                )
            ],
            other_names=[
                OtherNameOut(kind=PersonName.Kind(other.kind), name=other.name)
                for other in person.other_names.order_by("name")
            ],
            addresses=[
                AddressOut(
                    line_1=address.line_1,
                    town=address.town,
                    postcode=address.postcode,
                    recorded_by=address.recorded_by.code,
                    recorded_at=address.recorded_at,
                )
                for address in person.addresses.select_related("recorded_by").order_by(
                    "-recorded_at", "pk"
                )
            ],
            phones=[
                PhoneOut(number=phone.number, recorded_by=phone.recorded_by.code)
                for phone in person.phones.select_related("recorded_by").order_by("pk")
            ],
            vehicles=[
                VehicleOut(
                    registration=vehicle.registration,
                    description=vehicle.description,
                    recorded_by=vehicle.recorded_by.code,
                )
                for vehicle in person.vehicles.select_related("recorded_by").order_by("pk")
            ],
            agencies=[
                AgencyRef.from_agency(held.agency)
                for held in person.agency_records.select_related("agency").order_by("agency__name")
            ],
        )


# --- Concerns ------------------------------------------------------------------------


class TimelineEntryOut(Schema):
    id: uuid.UUID
    agency: AgencyRef = Field(description="The agency that recorded the concern")
    agency_record_id: str
    recorded_at: datetime
    category: ConcernCategory
    summary: str
    roles: list[PersonRole] = Field(description="The person's role(s) in this concern")

    @classmethod
    def from_concern(cls, concern: Concern, roles: list[str]) -> Self:
        return cls(
            id=concern.pk,
            agency=AgencyRef.from_agency(concern.agency),
            agency_record_id=concern.agency_record_id,
            recorded_at=concern.recorded_at,
            category=ConcernCategory(concern.category),
            summary=concern.summary,
            roles=[PersonRole(role) for role in sorted(set(roles))],
        )


class NamedPersonOut(Schema):
    person_id: uuid.UUID
    role: PersonRole


class ConcernOut(Schema):
    id: uuid.UUID
    agency: AgencyRef = Field(description="The agency that recorded the concern")
    agency_record_id: str = Field(description="The recording agency's own id for the record")
    local_authority: AgencyRef = Field(description="The authority whose MASH receives it")
    category: ConcernCategory
    summary: str
    recorded_at: datetime
    received_at: datetime
    disclosed_on: date | None = Field(description="The day it happened or was disclosed")
    disclosed_time: time | None = Field(description="The time of day, in England's local time")
    immediate_risk: bool
    persons: list[NamedPersonOut]

    @classmethod
    def from_concern(cls, concern: Concern) -> Self:
        return cls(
            id=concern.pk,
            agency=AgencyRef.from_agency(concern.agency),
            agency_record_id=concern.agency_record_id,
            local_authority=AgencyRef.from_agency(concern.local_authority),
            category=ConcernCategory(concern.category),
            summary=concern.summary,
            recorded_at=concern.recorded_at,
            received_at=concern.received_at,
            disclosed_on=concern.disclosed_on,
            disclosed_time=concern.disclosed_time,
            immediate_risk=concern.immediate_risk,
            persons=[
                NamedPersonOut(person_id=involvement.person_id, role=PersonRole(involvement.role))
                for involvement in concern.involvements.order_by("pk")
            ],
        )


class IdentifierIn(Input):
    scheme: IdentifierScheme
    value: ShortText


class OtherNameIn(Input):
    kind: OtherNameKind
    name: LongName


class AddressIn(Input):
    line_1: LongName = Field(min_length=1)
    town: Name = ""
    postcode: Postcode


class PersonDetailsIn(Input):
    given_name: Name
    family_name: Name
    kind: PersonKind
    date_of_birth: PastDay = None
    date_of_birth_is_estimated: bool = False
    sex: Sex = Sex.UNKNOWN
    identifiers: list[IdentifierIn] = Field([], max_length=MAX_ITEMS_PER_LIST)
    other_names: list[OtherNameIn] = Field([], max_length=MAX_ITEMS_PER_LIST)
    addresses: list[AddressIn] = Field([], max_length=MAX_ITEMS_PER_LIST)
    phones: list[PhoneNumber] = Field([], max_length=MAX_ITEMS_PER_LIST)
    vehicles: list[Registration] = Field([], max_length=MAX_ITEMS_PER_LIST)

    def to_details(self) -> PersonDetails:
        return PersonDetails(
            given_name=self.given_name,
            family_name=self.family_name,
            kind=self.kind.value,
            date_of_birth=self.date_of_birth,
            date_of_birth_is_estimated=self.date_of_birth_is_estimated,
            sex=self.sex.value,
            identifiers=[(item.scheme.value, item.value) for item in self.identifiers],
            other_names=[(item.kind.value, item.name) for item in self.other_names],
            addresses=[(item.line_1, item.town, item.postcode) for item in self.addresses],
            phones=list(self.phones),
            vehicles=list(self.vehicles),
        )


class NamedPersonIn(Input):
    role: PersonRole
    person_id: uuid.UUID | None = Field(
        None, description="A person the token holder can already see"
    )
    details: PersonDetailsIn | None = Field(
        None,
        description="A person not yet known to the agency: matched by NHS number or "
        "unique pupil number with agreeing name and date of birth, otherwise created",
    )

    @model_validator(mode="after")
    def _one_way_of_naming(self) -> Self:
        if (self.person_id is None) == (self.details is None):
            raise PydanticCustomError(
                "person_reference", "Give either person_id or details, not both or neither"
            )
        return self

    def to_named_person(self) -> NamedPerson:
        return NamedPerson(
            role=self.role.value,
            person_id=self.person_id,
            details=self.details.to_details() if self.details is not None else None,
        )


class ConcernIn(Input):
    category: ConcernCategory
    summary: Summary
    recorded_at: Moment = Field(
        description="When the agency recorded it: ISO 8601 with an offset, like "
        "2025-03-14T09:30:00+00:00"
    )
    local_authority: Code = Field(
        description="Code of the local authority responsible for the child's area"
    )
    agency_record_id: ShortText = Field(
        "",
        description="The agency's own id for the record: sending it again updates the "
        "concern instead of recording another",
    )
    disclosed_on: PastDay = Field(
        None,
        description="The day what the concern describes happened or was disclosed, if "
        "known (ISO 8601, like 2025-03-14); on or before the day it was recorded",
    )
    disclosed_time: ClockTime = Field(
        None,
        description="The time of day it happened or was disclosed, in England's local "
        "time (like 09:30), if known; only with disclosed_on",
    )
    immediate_risk: bool = Field(
        False,
        description="The child is at immediate risk, or the police have been called: the "
        "MASH is told at once and the contact goes to the top of its queue",
    )
    persons: list[NamedPersonIn] = Field(max_length=MAX_PERSONS_PER_CONCERN)

    def to_details(self) -> ConcernDetails:
        return ConcernDetails(
            category=self.category.value,
            summary=self.summary,
            recorded_at=self.recorded_at,
            local_authority_code=self.local_authority.strip().upper(),
            agency_record_id=self.agency_record_id,
            persons=[named.to_named_person() for named in self.persons],
            disclosed_on=self.disclosed_on,
            disclosed_time=self.disclosed_time,
            immediate_risk=self.immediate_risk,
        )
