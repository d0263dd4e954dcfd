from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from safeguarding.web.navigation import nav_for


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    items = nav_for(user, request.path) if user is not None and user.is_authenticated else []
    return {"service_name": settings.SERVICE_NAME, "nav_items": items}
