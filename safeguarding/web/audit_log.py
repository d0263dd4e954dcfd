"""The audit log's page, for auditors: who did what to which record, and when. It shows
record ids, never case content. It is part of the web shell, beside the auditors' home
page, since deciding who may read it takes access's roles, which sit above the log."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from safeguarding.access.middleware import signed_in_user
from safeguarding.access.roles import AUDIT_ROLES
from safeguarding.audit.chain import record
from safeguarding.audit.models import AuditEntry
from safeguarding.audit.verbs import AuditVerb
from safeguarding.audit.vocabulary import TargetType

PAGE_SIZE = 50


def log(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    if user.role not in AUDIT_ROLES:
        raise PermissionDenied
    entries = AuditEntry.objects.order_by("-sequence")
    target = request.GET.get("target", "").strip()
    actor = request.GET.get("actor", "").strip()
    if target:
        entries = entries.filter(target_id=target)
    if actor:
        entries = entries.filter(actor_label=actor.lower())
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    record(
        AuditVerb.AUDIT_LOG_VIEWED,
        actor=user,
        target_type=TargetType.AUDIT_LOG,
        payload={"target": target, "actor": actor, "page": page.number},
    )
    return render(
        request,
        "web/audit_log.html",
        {"page": page, "target": target, "actor": actor, "verbs": dict(AuditVerb.choices)},
    )
