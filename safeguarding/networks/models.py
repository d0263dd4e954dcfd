"""Exploitation networks: clusters of children, adults, vehicles, phones and addresses
linked through agencies' concerns, the evidence for each link, and the alerts raised.

Clusters are rebuilt from the concerns (see graph.py); they hold no truth of their own.
Alerts outlive rebuilds: one per hub (an adult, vehicle, phone or address), updated as its
network grows.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.utils import timezone


class NodeKind(models.TextChoices):
    CHILD = "child", "Child"
    ADULT = "adult", "Adult"
    VEHICLE = "vehicle", "Vehicle"
    PHONE = "phone", "Phone"
    ADDRESS = "address", "Address"


class LinkKind(models.TextChoices):
    NAMED_WITH = "named-with", "Named together in a concern"
    HOLDS = "holds", "Recorded against the person"


class Cluster(models.Model):
    """One connected network, with its risk measures. Its id is derived from its first
    member's key, so an unchanged network keeps its address across rebuilds."""

    id = models.UUIDField(primary_key=True, editable=False)
    rank = models.PositiveIntegerField()
    score = models.FloatField()
    children = models.PositiveIntegerField()
    agencies = models.PositiveIntegerField()
    exploitation_concerns = models.PositiveIntegerField()
    latest_concern_at = models.DateTimeField(null=True)
    built_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("rank",)

    def __str__(self) -> str:
        return f"Network {self.rank}"


class ClusterAgency(models.Model):
    """An agency involved in a cluster: it recorded a concern or detail in it, or is the
    local authority of a concern, or a police force covering that authority's area. These
    agencies' analysts and MASH officers may open the cluster."""

    cluster = models.ForeignKey(Cluster, on_delete=models.CASCADE, related_name="involved")
    agency = models.ForeignKey("access.Agency", on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = (
            models.UniqueConstraint(fields=("cluster", "agency"), name="one_cluster_agency"),
        )
        indexes = (models.Index(fields=("agency", "cluster"), name="cluster_agency_idx"),)

    def __str__(self) -> str:
        return f"{self.agency_id} in {self.cluster_id}"


class ClusterMember(models.Model):
    cluster = models.ForeignKey(Cluster, on_delete=models.CASCADE, related_name="members")
    key = models.CharField(max_length=200)
    kind = models.CharField(max_length=8, choices=NodeKind.choices)
    person = models.ForeignKey(
        "people.Person", null=True, on_delete=models.CASCADE, related_name="+"
    )
    # For vehicles, phones and addresses: the value as most often recorded.
    value = models.CharField(max_length=300, blank=True)
    # The kinds of agency that know this member, e.g. ["school", "police-force"].
    known_to = models.JSONField(default=list)
    # People whose records hold this vehicle, phone or address.
    held_by = models.JSONField(default=list)
    # Why it is in the network: the links that hold it there, by kind and count (no names,
    # so it may be shown to anyone who may open the network).
    reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ("kind", "key")
        constraints = (
            models.UniqueConstraint(fields=("cluster", "key"), name="one_member_per_key"),
        )
        indexes = (models.Index(fields=("key",), name="cluster_member_key_idx"),)

    def __str__(self) -> str:
        return self.key


class ClusterLink(models.Model):
    cluster = models.ForeignKey(Cluster, on_delete=models.CASCADE, related_name="links")
    source = models.CharField(max_length=200)
    target = models.CharField(max_length=200)
    kind = models.CharField(max_length=12, choices=LinkKind.choices)

    class Meta:
        ordering = ("source", "target")

    def __str__(self) -> str:
        return f"{self.source} - {self.target}"


class LinkEvidence(models.Model):
    """Why a link exists: which concern (if any), which agency, when."""

    link = models.ForeignKey(ClusterLink, on_delete=models.CASCADE, related_name="evidence")
    concern = models.ForeignKey(
        "concerns.Concern", null=True, on_delete=models.CASCADE, related_name="+"
    )
    agency = models.ForeignKey("access.Agency", on_delete=models.CASCADE, related_name="+")
    seen_at = models.DateTimeField(null=True)
    category = models.CharField(max_length=20, blank=True)

    class Meta:
        ordering = ("-seen_at",)

    def __str__(self) -> str:
        return f"{self.agency_id} at {self.seen_at}"


class NetworkAlert(models.Model):
    """Raised once for a hub that three or more children, known to two or more agencies,
    connect to; updated, never repeated, as the network grows."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    hub_key = models.CharField(max_length=200, unique=True)
    hub_kind = models.CharField(max_length=8, choices=NodeKind.choices)
    children = models.PositiveIntegerField()
    agencies = models.PositiveIntegerField()
    child_ids = models.JSONField(default=list)
    agency_ids = models.JSONField(default=list)
    told = models.JSONField(default=list)  # user ids notified, so nobody is told twice
    raised_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("-updated_at",)

    def __str__(self) -> str:
        return f"Alert on {self.hub_kind}"


class NetworkBuild(models.Model):
    """The last build: what it was built from, so that a worker pass with nothing new to
    read can skip the build."""

    fingerprint = models.CharField(max_length=200)
    built_at = models.DateTimeField(default=timezone.now)
    clusters = models.PositiveIntegerField(default=0)
    alerts_raised = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return self.fingerprint
