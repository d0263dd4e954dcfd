"""What the MASH holds about a person, for the registry of holdings (decision 0016): the
contacts opened on concerns naming them, and the information requests made on those
contacts. They follow their concern: erased with a concern that names the person alone,
kept with mentions of the person erased when the concern names others."""

from __future__ import annotations

import uuid

from safeguarding.clocks.models import Clock
from safeguarding.concerns.holdings import concerns_naming, concerns_only_about
from safeguarding.mash.models import Contact, InformationRequest
from safeguarding.records.holdings import Erasing, HeldItem, register_provider

KINDS = {"mash-contact": "MASH contact", "information-request": "Information request"}


def held(person_id: uuid.UUID) -> list[HeldItem]:
    items = []
    contacts = Contact.objects.filter(concern_id__in=concerns_naming(person_id)).select_related(
        "authority"
    )
    for contact in contacts:
        items.append(
            HeldItem(
                source="mash",
                kind="mash-contact",
                item_id=str(contact.pk),
                agency_code=contact.authority.code,
                recorded_on=contact.received_at.date(),
                title=f"Contact at the MASH of {contact.authority.name}",
                fields=(
                    ("Received", contact.received_at.isoformat(timespec="minutes")),
                    ("Rating", contact.get_rag_display()),
                    ("Decision", contact.get_decision_display()),
                    ("Reasons", contact.rationale),
                ),
            )
        )
        for request in contact.requests.select_related("to_agency"):
            items.append(
                HeldItem(
                    source="mash",
                    kind="information-request",
                    item_id=str(request.pk),
                    agency_code=contact.authority.code,
                    recorded_on=request.requested_at.date(),
                    title=f"Information request to {request.to_agency.name}",
                    fields=(("Question", request.question), ("Answer", request.answer)),
                )
            )
    return items


def erase(erasing: Erasing) -> int:
    person_id = erasing.person_id
    alone = concerns_only_about(person_id)
    shared = concerns_naming(person_id) - alone
    removed = 0
    gone = list(Contact.objects.filter(concern_id__in=alone))
    requests = InformationRequest.objects.filter(contact__in=gone)
    subjects = [contact.subject for contact in gone] + [r.subject for r in requests]
    removed += Clock.objects.filter(subject__in=subjects).delete()[0]
    removed += requests.delete()[0]
    removed += Contact.objects.filter(pk__in=[c.pk for c in gone]).delete()[0]
    for contact in Contact.objects.filter(concern_id__in=shared):
        rationale = erasing.scrub(contact.rationale)
        if rationale != contact.rationale:
            Contact.objects.filter(pk=contact.pk).update(rationale=rationale)
            removed += 1
        for request in contact.requests.all():
            question, answer = erasing.scrub(request.question), erasing.scrub(request.answer)
            if (question, answer) != (request.question, request.answer):
                InformationRequest.objects.filter(pk=request.pk).update(
                    question=question, answer=answer
                )
                removed += 1
    return removed


def register() -> None:
    register_provider("mash", rank=9, held=held, erase=erase, kinds=KINDS)
