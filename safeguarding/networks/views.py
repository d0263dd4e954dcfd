"""The network pages: the list of networks a user's agency is involved in, one network as
a graph with a table carrying the same information, and the way in from an alert."""

from __future__ import annotations

import uuid

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from safeguarding.access.middleware import signed_in_user
from safeguarding.access.models import User
from safeguarding.networks.policy import uses_networks
from safeguarding.networks.queries import access_network, cluster_for_alert, network_list

# Above this many members the graph is not drawn: the table alone is clearer.
GRAPH_LIMIT = 300


def _network_user(request: HttpRequest) -> User:
    user = signed_in_user(request)
    if not uses_networks(user):
        raise PermissionDenied
    return user


def networks(request: HttpRequest) -> HttpResponse:
    user = _network_user(request)
    return render(request, "networks/list.html", {"networks": network_list(user)})


def network(request: HttpRequest, cluster_id: uuid.UUID) -> HttpResponse:
    user = _network_user(request)
    view = access_network(user, cluster_id)
    return render(
        request,
        "networks/network.html",
        {"view": view, "draw_graph": len(view.nodes) <= GRAPH_LIMIT},
    )


def alert(request: HttpRequest, alert_id: uuid.UUID) -> HttpResponse:
    user = _network_user(request)
    return redirect("networks:network", cluster_id=cluster_for_alert(user, alert_id))
