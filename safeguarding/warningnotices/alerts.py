"""Alerts raised when a person named in a child abduction warning notice appears in a new
concern, in any force's area."""

from __future__ import annotations

import uuid
from collections.abc import Collection
from datetime import date
from itertools import batched

from django.db.models import Exists, OuterRef
from django.db.models.functions import Lower
from django.utils import timezone

from safeguarding.access.models import Agency, AgencyKind
from safeguarding.audit.chain import record
from safeguarding.audit.verbs import AuditVerb
from safeguarding.audit.vocabulary import LegalBasis, TargetType
from safeguarding.concerns.models import Concern, ConcernPerson
from safeguarding.concerns.reactions import RecordedConcerns
from safeguarding.notifications.actions import notify_users
from safeguarding.people.identifiers import IdentifierScheme
from safeguarding.people.models import Identifier, Person
from safeguarding.warningnotices.actions import police_analysts, social_workers_of
from safeguarding.warningnotices.models import MatchedOn, NoticeAlert, WarningNotice, in_force
from safeguarding.writes.unit import WriteRun, Writes

# Identifiers that name one person nationally; agency references do not.
NATIONAL_SCHEMES = (IdentifierScheme.NHS_NUMBER, IdentifierScheme.UNIQUE_PUPIL_NUMBER)


def _matching_notice_ids(concern: Concern, today: date) -> list[uuid.UUID]:
    """The notices in force whose adult is a person named in ``concern``: the same record,
    a record with the same national identifier, or one with the same name (ignoring case)
    and date of birth. One query, each part led by an index: the common answer is none."""
    named = ConcernPerson.objects.filter(concern=concern)
    people = named.values("person_id")
    same_identifier = Identifier.objects.filter(
        scheme__in=NATIONAL_SCHEMES,
        # NHS numbers (10 digits) and pupil numbers (a letter and 12 characters) cannot be
        # mistaken for each other, so the value alone picks the scheme too.
        value__in=Identifier.objects.filter(
            person_id__in=people, scheme__in=NATIONAL_SCHEMES
        ).values("value"),
    ).values("person_id")
    same_name_and_birth = (
        named.filter(person__date_of_birth=OuterRef("adult_date_of_birth"))
        .annotate(given=Lower("person__given_name"), family=Lower("person__family_name"))
        .filter(
            given=Lower(OuterRef("adult__given_name")),
            family=Lower(OuterRef("adult__family_name")),
        )
    )
    notices = WarningNotice.objects.filter(in_force(today)).order_by()
    by_record = notices.filter(adult_id__in=people).values("pk")
    by_identifier = notices.filter(adult_id__in=same_identifier).values("pk")
    by_name = (
        notices.filter(
            adult_date_of_birth__in=named.filter(person__date_of_birth__isnull=False).values(
                "person__date_of_birth"
            )
        )
        .filter(Exists(same_name_and_birth))
        .values("pk")
    )
    return [row["pk"] for row in by_record.union(by_identifier, by_name).order_by()]


def concerns_that_may_name_notice_adults(
    concern_ids: Collection[uuid.UUID], today: date | None = None
) -> set[uuid.UUID]:
    """Of ``concern_ids``, those naming someone who is, by the rules of
    _matching_notice_ids, the adult of a notice in force: a superset of the concerns
    on_concern_recorded raises alerts for, found in one query per thousand concerns, so
    that recording concerns in bulk checks only these one by one."""
    today = today or timezone.localdate()
    notices = WarningNotice.objects.filter(in_force(today)).order_by()
    adults = notices.values("adult_id")
    found: set[uuid.UUID] = set()
    # Every rule below needs a notice in force; most areas most days have none, and then
    # no concern of the batch need be looked at.
    if not notices.exists():
        return found
    for chunk in batched(concern_ids, 1000):
        named = ConcernPerson.objects.filter(concern_id__in=chunk).order_by()
        by_record = named.filter(person_id__in=adults)
        by_identifier = named.filter(
            person__identifiers__scheme__in=NATIONAL_SCHEMES,
            person__identifiers__value__in=Identifier.objects.filter(
                person_id__in=adults, scheme__in=NATIONAL_SCHEMES
            ).values("value"),
        )
        by_name = named.filter(
            Exists(
                notices.filter(adult_date_of_birth=OuterRef("person__date_of_birth"))
                .annotate(given=Lower("adult__given_name"), family=Lower("adult__family_name"))
                .filter(
                    given=Lower(OuterRef("person__given_name")),
                    family=Lower(OuterRef("person__family_name")),
                )
            )
        )
        found.update(
            by_record.values_list("concern_id", flat=True).union(
                by_identifier.values_list("concern_id", flat=True),
                by_name.values_list("concern_id", flat=True),
            )
        )
    return found


def _national(person: Person) -> set[tuple[str, str]]:
    return {
        (identifier.scheme, identifier.value)
        for identifier in person.identifiers.all()
        if identifier.scheme in NATIONAL_SCHEMES
    }


def _match(notice: WarningNotice, persons: list[Person]) -> tuple[Person, str] | None:
    """Which person named in the concern is the notice's adult, and how that is known."""
    adult = notice.adult
    for person in persons:
        if person.pk == adult.pk:
            return person, MatchedOn.SAME_RECORD
    for person in persons:
        if _national(person) & _national(adult):
            return person, MatchedOn.NATIONAL_IDENTIFIER
    for person in persons:
        if (
            person.date_of_birth is not None
            and person.date_of_birth == notice.adult_date_of_birth
            and person.given_name.casefold() == adult.given_name.casefold()
            and person.family_name.casefold() == adult.family_name.casefold()
        ):
            return person, MatchedOn.NAME_AND_DATE_OF_BIRTH
    return None


def on_concern_recorded(concern: Concern) -> int:
    """Called by record_concern, in its transaction, for every new or updated concern.
    Returns the number of alerts raised.

    For each notice in force whose adult is named in the concern, once per notice and
    concern: an alert on the notice, an audit entry, and a message to the police analysts
    of the issuing force, of the force that recorded the concern and of the forces covering
    its area, and to those working with the children the notice still covers."""
    today = timezone.localdate()
    notice_ids = _matching_notice_ids(concern, today)
    if not notice_ids:
        return 0
    already = set(
        NoticeAlert.objects.filter(concern=concern, notice_id__in=notice_ids).values_list(
            "notice_id", flat=True
        )
    )
    notices = (
        WarningNotice.objects.filter(pk__in=set(notice_ids) - already)
        .select_related("adult", "issuing_force")
        .prefetch_related("adult__identifiers", "children")
    )
    persons = list(
        Person.objects.filter(involvements__concern=concern)
        .distinct()
        .prefetch_related("identifiers")
    )
    area_forces = set(
        Agency.objects.filter(
            kind=AgencyKind.POLICE_FORCE, home_authority_id=concern.local_authority_id
        ).values_list("pk", flat=True)
    )
    concern_agency = concern.agency
    if concern_agency.kind == AgencyKind.POLICE_FORCE:
        area_forces.add(concern_agency.pk)
    raised = 0
    for notice in notices:
        match = _match(notice, persons)
        if match is None:
            continue
        person, matched_on = match
        NoticeAlert.objects.create(
            notice=notice, concern=concern, person=person, matched_on=matched_on
        )
        covered = [named.child_id for named in notice.children.all() if named.is_covered(today)]
        recipients = list(
            (police_analysts({notice.issuing_force_id} | area_forces) | social_workers_of(covered))
            .distinct()
            .order_by("pk")
        )
        notify_users(
            recipients,
            subject="Warning notice alert: the adult served is named in a new concern",
            body=f"The adult served with a child abduction warning notice by "
            f"{notice.issuing_force.name} is named in a concern recorded by "
            f"{concern_agency.name} on {timezone.localtime(concern.recorded_at):%-d %B %Y}, "
            f"in {concern.local_authority.name}'s area. Open the notice to see the children "
            "it covers.",
            link=f"/warning-notices/{notice.pk}/",
        )
        record(
            AuditVerb.WARNING_NOTICE_ALERT,
            actor=None,
            target_type=TargetType.WARNING_NOTICE,
            target_id=notice.pk,
            legal_basis=LegalBasis.CHILD_ABDUCTION_WARNING,
            payload={
                "concern": str(concern.pk),
                "person": str(person.pk),
                "matched_on": matched_on,
                "told": [user.pk for user in recipients],
            },
        )
        raised += 1
    return raised


def check_recorded_concerns(recorded: RecordedConcerns, writes: Writes, run: WriteRun) -> None:
    """Registered with concerns.reactions: once a batch's concerns are written, raise the
    alerts of every new or updated concern naming a notice's adult. One query finds the
    few concerns that may; only those are checked one by one."""
    concerns = [*recorded.new, *recorded.updated]

    def check() -> None:
        may_alert = concerns_that_may_name_notice_adults([concern.pk for concern in concerns])
        for concern in concerns:
            if concern.pk in may_alert:
                on_concern_recorded(concern)

    writes.then(check)
