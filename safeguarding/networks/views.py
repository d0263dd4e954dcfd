"""The network pages: the list of networks a user's agency is involved in, one network as
a graph with a table carrying the same information, and the way in from an alert."""

from __future__ import annotations

import uuid

from django.contrib import messages as banners
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from safeguarding.access.middleware import signed_in_user
from safeguarding.access.models import User
from safeguarding.govuk.forms import add_action_errors
from safeguarding.networks.policy import uses_networks
from safeguarding.networks.queries import access_network, cluster_for_alert, network_list
from safeguarding.worklists.actions import may_receive, record_received, respond_to_hand_off
from safeguarding.worklists.forms import RespondForm
from safeguarding.worklists.queries import receipt_at, receipts_of

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


def _alert_from(request: HttpRequest) -> uuid.UUID | None:
    try:
        return uuid.UUID(request.GET.get("alert", ""))
    except ValueError:
        return None


def _alert_in(user: User, alert_id: uuid.UUID, cluster_id: uuid.UUID) -> bool:
    try:
        return cluster_for_alert(user, alert_id) == cluster_id
    except Http404:
        return False


def network(request: HttpRequest, cluster_id: uuid.UUID) -> HttpResponse:
    user = _network_user(request)
    return _network_page(request, user, cluster_id, _alert_from(request))


def _network_page(
    request: HttpRequest,
    user: User,
    cluster_id: uuid.UUID,
    alert_id: uuid.UUID | None,
    respond_form: RespondForm | None = None,
) -> HttpResponse:
    view = access_network(user, cluster_id)
    context: dict[str, object] = {"view": view, "draw_graph": len(view.nodes) <= GRAPH_LIMIT}
    # Come from an alert: who it went to, when each opened it and what each is doing.
    if alert_id is not None and _alert_in(user, alert_id, cluster_id):
        context |= {
            "alert_id": alert_id,
            "alert_receipts": receipts_of("network-alert", [alert_id]).get(str(alert_id), []),
            "receipt": receipt_at("network-alert", alert_id, user.agency_id),
            "may_respond": may_receive("network-alert", user),
            "respond_form": respond_form or RespondForm(),
            "has_errors": bool(respond_form and respond_form.errors),
        }
    return render(
        request,
        "networks/network.html",
        context,
        status=400 if context.get("has_errors") else 200,
    )


def alert(request: HttpRequest, alert_id: uuid.UUID) -> HttpResponse:
    user = _network_user(request)
    cluster_id = cluster_for_alert(user, alert_id)
    record_received("network-alert", alert_id, actor=user)
    return redirect(reverse("networks:network", args=[cluster_id]) + f"?alert={alert_id}")


@require_POST
def respond(request: HttpRequest, alert_id: uuid.UUID) -> HttpResponse:
    """The user's agency's response to an alert, which the other agencies told see."""
    user = _network_user(request)
    cluster_id = cluster_for_alert(user, alert_id)
    form = RespondForm(request.POST)
    if form.is_valid():
        try:
            respond_to_hand_off(
                "network-alert", alert_id, actor=user, response=form.cleaned_data["response"]
            )
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            banners.success(request, "Your agency's response has been recorded.")
            return redirect(reverse("networks:network", args=[cluster_id]) + f"?alert={alert_id}")
    return _network_page(request, user, cluster_id, alert_id, respond_form=form)
