from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.messages import get_messages
from django.http import HttpRequest

from safeguarding.web.navigation import nav_for


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    items = nav_for(user, request.path) if user is not None and user.is_authenticated else []
    return {"service_name": settings.SERVICE_NAME, "nav_items": items}


def flash(request: HttpRequest) -> dict[str, Any]:
    """What the last action did, shown once as a notification banner on the next page.
    Named apart from ``messages``, which some pages use for their own content."""
    return {"flash_messages": get_messages(request)}
