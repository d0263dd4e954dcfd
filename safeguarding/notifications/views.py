from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from safeguarding.access.middleware import signed_in_user
from safeguarding.notifications.actions import mark_all_read as mark_all
from safeguarding.notifications.queries import notifications_page, unread_summary


def notifications(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    unread, _ = unread_summary(user)
    page = notifications_page(user, request.GET.get("page"))
    return render(request, "notifications/list.html", {"page": page, "unread": unread})


@require_POST
def mark_all_read(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    count = mark_all(actor=user)
    messages.success(
        request,
        f"{count} notification{'s' if count != 1 else ''} marked as read."
        if count
        else "You had no unread notifications.",
    )
    return redirect("notifications:list")
