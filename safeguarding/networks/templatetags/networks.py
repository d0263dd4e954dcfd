"""Why each member is in a network, for the network page."""

from __future__ import annotations

from django import template

from safeguarding.networks.models import Cluster, ClusterMember

register = template.Library()


@register.simple_tag
def why_here(cluster: Cluster, key: str) -> str:
    """The stored reason for the member ``key`` of a network the page has already opened
    through access_network. Reasons hold kinds and counts, never names. Read once per
    page: the first call keeps every member's reason on the cluster object."""
    reasons: dict[str, str] | None = getattr(cluster, "_why_here", None)
    if reasons is None:
        reasons = dict(ClusterMember.objects.filter(cluster=cluster).values_list("key", "reason"))
        cluster._why_here = reasons  # type: ignore[attr-defined]  # a per-page cache on the instance
    return reasons.get(key, "")
