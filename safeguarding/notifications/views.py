from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from safeguarding.access.middleware import signed_in_user
from safeguarding.notifications.actions import mark_read
from safeguarding.notifications.models import Notification


def notifications(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    items = Notification.objects.filter(recipient=user)[:100]
    return render(request, "notifications/list.html", {"items": items})


@require_POST
def mark_all_read(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    ids = Notification.objects.filter(recipient=user, read_at__isnull=True).values_list(
        "pk", flat=True
    )
    mark_read(actor=user, notification_ids=ids)
    return redirect("notifications:list")
