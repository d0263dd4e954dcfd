"""People known to any agency: children and adults, their names, identifiers and contact
details.

A Person here is one agency-visible record of a human being; the linkage app later
resolves records from different agencies that describe the same human being.
"""

from __future__ import annotations

import uuid
from datetime import date

from django.db import models
from django.utils import timezone

from safeguarding.people.identifiers import IdentifierScheme


class PersonKind(models.TextChoices):
    CHILD = "child", "Child"
    ADULT = "adult", "Adult"


class Sex(models.TextChoices):
    FEMALE = "female", "Female"
    MALE = "male", "Male"
    UNKNOWN = "unknown", "Not known"


class Person(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(max_length=8, choices=PersonKind.choices)
    given_name = models.CharField(max_length=100)
    family_name = models.CharField(max_length=100)
    date_of_birth = models.DateField(null=True, blank=True)
    date_of_birth_is_estimated = models.BooleanField(default=False)
    sex = models.CharField(max_length=8, choices=Sex.choices, default=Sex.UNKNOWN)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("family_name", "given_name")
        indexes = (
            models.Index(fields=("date_of_birth",), name="person_dob_idx"),
            models.Index(fields=("family_name", "given_name"), name="person_name_idx"),
        )

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}".strip()

    def age_on(self, day: date) -> int | None:
        if self.date_of_birth is None:
            return None
        born = self.date_of_birth
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


class PersonName(models.Model):
    """Another name a person is known by: an alias, a nickname or a former name."""

    class Kind(models.TextChoices):
        ALIAS = "alias", "Alias"
        NICKNAME = "nickname", "Nickname"
        FORMER = "former", "Former name"

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="other_names")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    name = models.CharField(max_length=200)

    def __str__(self) -> str:
        return self.name


class PersonSearchKey(models.Model):
    """Phonetic keys of every name a person is known by, indexed for typo-tolerant search."""

    # No index of its own: the unique constraint (person, key) serves a person's keys.
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="search_keys", db_index=False
    )
    key = models.CharField(max_length=24)

    class Meta:
        constraints = (
            models.UniqueConstraint(fields=("person", "key"), name="unique_person_search_key"),
        )
        indexes = (models.Index(fields=("key",), name="person_search_key_idx"),)

    def __str__(self) -> str:
        return self.key


class Identifier(models.Model):
    # No index of its own: the unique constraint (person, scheme, value) serves it.
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="identifiers", db_index=False
    )
    scheme = models.CharField(max_length=8, choices=IdentifierScheme.choices)
    value = models.CharField(max_length=64)
    # Set for identifiers only meaningful within one agency (police and local references).
    issuing_agency = models.ForeignKey(
        "access.Agency", null=True, blank=True, on_delete=models.PROTECT
    )

    class Meta:
        constraints = (
            models.UniqueConstraint(
                fields=("person", "scheme", "value"), name="unique_identifier_per_person"
            ),
        )
        indexes = (models.Index(fields=("scheme", "value"), name="identifier_lookup_idx"),)

    def __str__(self) -> str:
        return f"{self.get_scheme_display()} {self.value}"


class Address(models.Model):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="addresses")
    line_1 = models.CharField(max_length=200)
    town = models.CharField(max_length=100, blank=True)
    postcode = models.CharField(max_length=8)
    recorded_by = models.ForeignKey("access.Agency", on_delete=models.PROTECT)
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = (models.Index(fields=("postcode",), name="address_postcode_idx"),)

    def __str__(self) -> str:
        return f"{self.line_1}, {self.postcode}"


class Phone(models.Model):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="phones")
    number = models.CharField(max_length=20)  # E.164
    recorded_by = models.ForeignKey("access.Agency", on_delete=models.PROTECT)

    class Meta:
        indexes = (models.Index(fields=("number",), name="phone_number_idx"),)

    def __str__(self) -> str:
        return self.number


class Vehicle(models.Model):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="vehicles")
    registration = models.CharField(max_length=8)
    description = models.CharField(max_length=100, blank=True)
    recorded_by = models.ForeignKey("access.Agency", on_delete=models.PROTECT)

    class Meta:
        indexes = (models.Index(fields=("registration",), name="vehicle_registration_idx"),)

    def __str__(self) -> str:
        return self.registration


class AgencyRecord(models.Model):
    """That an agency holds a record on a person: the basis of need-to-know access."""

    # No index of its own: the unique constraint (agency, person) serves an agency's records.
    agency = models.ForeignKey(
        "access.Agency", on_delete=models.PROTECT, related_name="records", db_index=False
    )
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="agency_records")
    agency_record_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = (
            models.UniqueConstraint(fields=("agency", "person"), name="one_record_per_agency"),
        )

    def __str__(self) -> str:
        return f"{self.agency_id} holds {self.person_id}"


class PersonCorrection(models.Model):
    """A correction of a person's details (UK GDPR Art 16): what the field held, what it
    holds now, why, who corrected it and when. The history of what was wrong is kept for
    those who may see the person, and goes with them on erasure."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="corrections")
    field = models.CharField(max_length=40)
    was = models.CharField(max_length=200, blank=True)
    now = models.CharField(max_length=200, blank=True)
    reason = models.TextField()
    corrected_by = models.ForeignKey(
        "access.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    corrected_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("-corrected_at", "-pk")

    def __str__(self) -> str:
        return f"{self.field} of {self.person_id} corrected"

    @property
    def label(self) -> str:
        return CORRECTED_FIELDS.get(self.field, self.field)


CORRECTED_FIELDS = {
    "given_name": "Given name",
    "family_name": "Family name",
    "date_of_birth": "Date of birth",
    "date_of_birth_is_estimated": "Date of birth estimated",
    "sex": "Sex",
}
