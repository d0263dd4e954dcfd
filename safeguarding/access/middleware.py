"""Sign-in enforcement for every page, and session limits for staff."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth import logout
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from safeguarding.access.models import User

SESSION_STARTED_KEY = "signed_in_at"
# Paths that handle their own authentication (the API's bearer tokens) or are public.
PUBLIC_PREFIXES = ("/static/", "/healthz", "/api/")


def public(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Mark a view as reachable without signing in. Every such view is listed by a test."""
    view.public = True  # type: ignore[attr-defined]  # a mark on the function, read by getattr
    return view


def signed_in_user(request: HttpRequest) -> User:
    """The user of a request for a view not marked @public, whom StaffSessionMiddleware has
    already required to sign in. Refused rather than trusted, should a view be reached
    some other way."""
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied
    return user


# The only pages open to someone whose password an administrator chose, until they change it.
PASSWORD_CHANGE_VIEWS = frozenset({"access:change-password", "access:sign-out"})


class StaffSessionMiddleware:
    """Requires a signed-in user for every view not marked @public, and ends sessions that
    have lasted longer than SESSION_MAX_HOURS however active they are."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.user.is_authenticated:
            # Pages of personal data must never be kept by a shared computer's browser.
            response["Cache-Control"] = "no-store"
        return response

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., Any],
        view_args: tuple[Any, ...],
        view_kwargs: dict[str, Any],
    ) -> HttpResponse | None:
        if request.path.startswith(PUBLIC_PREFIXES) or getattr(view_func, "public", False):
            return None
        if not request.user.is_authenticated:
            return redirect(settings.LOGIN_URL)
        started = request.session.get(SESSION_STARTED_KEY)
        if started is None or time.time() - started > settings.SESSION_MAX_HOURS * 3600:
            logout(request)
            return redirect(settings.LOGIN_URL)
        if (
            getattr(request.user, "must_change_password", False)
            and request.resolver_match
            and (request.resolver_match.view_name not in PASSWORD_CHANGE_VIEWS)
        ):
            return redirect("access:change-password")
        return None
