"""The shell: home pages per role, health, static information pages and error pages."""

from __future__ import annotations

from collections.abc import Callable

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from safeguarding.access.middleware import public, signed_in_user
from safeguarding.access.models import Agency, User
from safeguarding.access.policy import does_case_work
from safeguarding.access.roles import ADMIN_ROLES, AGGREGATE_ONLY_ROLES, AUDIT_ROLES
from safeguarding.audit.models import AuditHead
from safeguarding.concerns.queries import recent_concerns_for_home
from safeguarding.concerns.statistics import concerns_by_area_and_category
from safeguarding.notifications.queries import unread_summary
from safeguarding.worklists.registry import work_lists_for


def home(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    unread_count, unread = unread_summary(user)
    context: dict[str, object] = {
        "unread_count": unread_count,
        "unread": unread,
        # Every role's own work, from the providers each app registers (worklists).
        "work_lists": work_lists_for(user),
    }
    if does_case_work(user):
        context["concerns"] = recent_concerns_for_home(user)
        template = "web/home_case_work.html"
    elif user.role in AGGREGATE_ONLY_ROLES:
        context["headings"], context["areas"] = concerns_by_area_and_category()
        template = "web/home_taskforce.html"
    elif user.role in AUDIT_ROLES:
        context["head"] = AuditHead.objects.filter(pk=1).first()
        template = "web/home_auditor.html"
    elif user.role in ADMIN_ROLES:
        context["user_count"] = User.objects.filter(is_active=True).count()
        context["agency_count"] = Agency.objects.count()
        context["locked"] = [u for u in User.objects.exclude(locked_until=None) if u.is_locked()]
        template = "web/home_admin.html"
    else:
        template = "web/home_other.html"
    return render(request, template, context)


@public
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness and database reachability, for load balancers; no authentication."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        return JsonResponse({"status": "unavailable", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


@public
def privacy(request: HttpRequest) -> HttpResponse:
    return render(request, "web/privacy.html")


@public
def accessibility(request: HttpRequest) -> HttpResponse:
    return render(request, "web/accessibility.html")


@public
def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return render(
        request,
        "web/error.html",
        {
            "title": "Your form could not be sent",
            "message": "This can happen if the page was open for a long time or you signed in "
            "again in another tab. Go back, reload the page and try again.",
        },
        status=403,
    )


def error_page(status: int, title: str, message: str) -> Callable[..., HttpResponse]:
    @public
    def view(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
        return render(
            request, "web/error.html", {"title": title, "message": message}, status=status
        )

    return view


bad_request = error_page(
    400, "Sorry, there is a problem with that request", "Check what you entered and try again."
)
permission_denied = error_page(
    403,
    "You cannot do that",
    "Your role does not allow this. Contact your team manager if you think it should.",
)
page_not_found = error_page(
    404,
    "Page not found",
    "If you typed the web address, check it is correct. The record may "
    "also not exist, or not be one your agency is involved with.",
)
server_error = error_page(
    500,
    "Sorry, there is a problem with the service",
    "Try again later. Nothing you entered has been half-saved.",
)
