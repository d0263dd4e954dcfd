"""The networks a person is a member of, for the registry of holdings (decision 0016).
Networks are rebuilt from concerns: a network with the person in it is deleted whole (its
phones, places and links may be theirs), and the next build makes it again for the
others from the concerns that remain."""

from __future__ import annotations

import uuid

from safeguarding.networks.models import Cluster, ClusterMember, NetworkAlert
from safeguarding.records.holdings import Erasing, HeldItem, register_provider

KINDS = {"network-membership": "Member of an exploitation network"}


def held(person_id: uuid.UUID) -> list[HeldItem]:
    return [
        HeldItem(
            source="networks",
            kind="network-membership",
            item_id=str(member.pk),
            agency_code="",
            recorded_on=member.cluster.built_at.date(),
            title="Member of a network of children linked across agencies",
            fields=(
                ("Network ranked", str(member.cluster.rank)),
                ("Why a member", member.reason),
            ),
        )
        for member in ClusterMember.objects.filter(person_id=person_id).select_related("cluster")
    ]


def erase(erasing: Erasing) -> int:
    person_id = erasing.person_id
    clusters = ClusterMember.objects.filter(person_id=person_id).values_list("cluster_id")
    removed = Cluster.objects.filter(pk__in=clusters).delete()[0]
    # Alerts are few; the children's ids are a list in JSON, read in Python on every database.
    wanted = str(person_id)
    for alert in NetworkAlert.objects.all():
        if wanted in {str(child) for child in alert.child_ids}:
            removed += NetworkAlert.objects.filter(pk=alert.pk).delete()[0]
    return removed


def register() -> None:
    register_provider("networks", rank=10, held=held, erase=erase, kinds=KINDS)
