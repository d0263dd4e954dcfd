"""The helpline's pages: the public reporting and return journeys, and staff triage.

The public pages set no cookie, use no session and are never cached (the receipt is shown
once, so the back button must not show it again): the answers so far, the receipt until it
is confirmed as saved, and the pass to a report travel in sealed hidden fields. They are
exempt from CSRF checks because there is nothing to forge: no signed-in identity is used,
and the pass that opens a report is itself the unguessable token a CSRF token would be.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from typing import Any

from django.contrib import messages as banners
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from safeguarding.access.middleware import public, signed_in_user
from safeguarding.access.models import Agency, User
from safeguarding.audit.chain import record
from safeguarding.audit.verbs import AuditVerb
from safeguarding.clocks.queries import clocks_on
from safeguarding.govuk.downloads import download, render_pdf
from safeguarding.govuk.forms import add_action_errors
from safeguarding.helpline import (
    actions,
    attachments,
    conflicts,
    crypto,
    lifecycle,
    queries,
    receipts,
    spam,
    statistics,
    throttle,
    tokens,
)
from safeguarding.helpline.forms import (
    AddInformationForm,
    AssignForm,
    CategoryForm,
    CloseForm,
    ConflictForm,
    DangerForm,
    DetailsForm,
    ExtendForm,
    KnownAsForm,
    NameAgencyForm,
    PhoneReportForm,
    ReceiptForm,
    ReceiptSavedForm,
    ReplyForm,
    RouteForm,
    SearchForm,
    UnlockForm,
)
from safeguarding.helpline.models import Attachment, Exclusion, Report, Status
from safeguarding.worklists.actions import may_receive, record_received, respond_to_hand_off
from safeguarding.worklists.forms import RespondForm
from safeguarding.worklists.queries import attach_receipts, receipt_at

# Staff: the private key is kept in the server-side session encrypted under a key that
# lives only in a cookie scoped to /helpline/, so neither the session table nor the cookie
# alone opens it; both end with the browser session or at sign-out.
SESSION_KEY = "helpline_private_key"
UNLOCK_COOKIE = "helpline_unlock"
COOKIE_PATH = "/helpline/"


def _page(
    request: HttpRequest, template: str, context: dict[str, Any], *forms: Any
) -> HttpResponse:
    has_errors = any(form is not None and form.is_bound and form.errors for form in forms)
    context["has_errors"] = has_errors
    return render(request, template, context, status=400 if has_errors else 200)


# Reporting --------------------------------------------------------------------------------


@public
@never_cache
@require_GET
def start(request: HttpRequest) -> HttpResponse:
    return render(request, "helpline/start.html")


def _details_from_draft(draft: dict[str, Any]) -> DetailsForm:
    return DetailsForm(
        {
            "what_happened": draft.get("what_happened", ""),
            "named_agencies": draft.get("named_agencies", []),
            "organisations": draft.get("organisations", ""),
            "area": draft.get("area") or "",
            "who": draft.get("who", ""),
            "when": draft.get("when", ""),
        }
    )


def _details_page(request: HttpRequest, form: DetailsForm, trap: str) -> HttpResponse:
    challenge = spam.new_challenge()
    return _page(
        request,
        "helpline/details.html",
        {"form": form, "trap": trap, "challenge": json.dumps(challenge)},
        form,
    )


@public
@never_cache
@csrf_exempt
@require_http_methods(["GET", "POST"])
def report(request: HttpRequest) -> HttpResponse:
    """The first question page: what happened, which organisations, where, who, when."""
    if request.method == "GET":
        return _details_page(request, DetailsForm(), spam.new_trap())
    form = DetailsForm(request.POST)
    if not form.is_valid():
        return _details_page(request, form, spam.carried_trap(request.POST))
    data = form.cleaned_data
    screening, work = spam.screen_details(
        request.POST, [data["what_happened"], data["organisations"], data["who"], data["when"]]
    )
    draft = {
        "what_happened": data["what_happened"],
        "named_agencies": [agency.pk for agency in data["named_agencies"]],
        "organisations": data["organisations"],
        "area": data["area"].pk if data["area"] else None,
        "who": data["who"],
        "when": data["when"],
        "reasons": list(screening.reasons),
        "work": work,
        # One filling-in of the form: sending it again finds the same report.
        "submission": receipts.new_submission(),
    }
    return _page(
        request,
        "helpline/known_as.html",
        {"form": KnownAsForm(), "draft": tokens.seal("draft", draft, seconds=tokens.DRAFT_SECONDS)},
    )


@public
@never_cache
@csrf_exempt
@require_POST
def known_as(request: HttpRequest) -> HttpResponse:
    """The second question page, then the report is sent and the receipt shown once."""
    attachments.receive_in_memory(request)
    token = request.POST.get("draft", "")
    draft = tokens.unseal("draft", token)
    if draft is None:
        return render(request, "helpline/expired.html", status=400)
    form = KnownAsForm(request.POST, request.FILES)
    if not form.is_valid():
        return _page(request, "helpline/known_as.html", {"form": form, "draft": token}, form)
    details = _details_from_draft(draft)
    if not details.is_valid():
        return render(request, "helpline/expired.html", status=400)
    cleaned = details.cleaned_data
    reasons = list(draft.get("reasons", []))
    if throttle.note_report(request, with_work=bool(draft.get("work"))):
        reasons.append(spam.RATE)
    if throttle.over_kept_limit(request):
        # Far beyond what one network's people send: keep nothing, say so plainly.
        return render(request, "helpline/too_many.html", status=429)
    try:
        submitted = _submit(
            form,
            cleaned,
            suspect=spam.is_suspect(reasons),
            submission=str(draft.get("submission") or ""),
        )
    except ValidationError:
        # No helpline agency is set up: say so rather than fail, and keep nothing.
        return render(request, "helpline/unavailable.html", status=503)
    return _receipt_page(request, submitted.receipt, _promised(submitted.report))


def _promised(report: Report) -> date | None:
    """The date a reporter is told they will hear by: none while their report waits in
    quarantine, where nobody has yet decided to take it on."""
    return None if report.status == Status.QUARANTINED else actions.hear_by(report)


def _submit(
    form: KnownAsForm, cleaned: dict[str, Any], *, suspect: bool, submission: str
) -> actions.Submitted:
    return actions.submit_report(
        actions.ReportDetails(
            what_happened=cleaned["what_happened"],
            organisations=cleaned["organisations"],
            named_agencies=list(cleaned["named_agencies"]),
            area=cleaned["area"],
            who=cleaned["who"],
            when=cleaned["when"],
            known_as=form.cleaned_data["known_as"],
            name=form.cleaned_data["name"],
            contact=form.cleaned_data["contact"],
            suspected_spam=suspect,
            submission=submission,
            attachments=form.cleaned_data["attached_files"],
        )
    )


def _receipt_page(
    request: HttpRequest,
    receipt: str,
    hear_by: date | None,
    form: ReceiptSavedForm | None = None,
) -> HttpResponse:
    token = tokens.seal(
        "receipt",
        {"receipt": receipt, "hear_by": hear_by.isoformat() if hear_by else ""},
        seconds=tokens.RECEIPT_SECONDS,
    )
    return _page(
        request,
        "helpline/receipt.html",
        {
            "receipt": receipts.display(receipt),
            "hear_by": hear_by,
            "token": token,
            "form": form or ReceiptSavedForm(),
        },
        form,
    )


@public
@never_cache
@csrf_exempt
@require_POST
def receipt_saved(request: HttpRequest) -> HttpResponse:
    sealed = tokens.unseal("receipt", request.POST.get("token", ""))
    if sealed is None:
        return render(request, "helpline/expired.html", status=400)
    hear_by = date.fromisoformat(sealed["hear_by"]) if sealed.get("hear_by") else None
    form = ReceiptSavedForm(request.POST)
    if not form.is_valid():
        return _receipt_page(request, sealed["receipt"], hear_by, form)
    return render(request, "helpline/sent.html", {"hear_by": hear_by})


# Returning with a receipt -----------------------------------------------------------------


def _conversation(
    request: HttpRequest,
    opened: actions.OpenReport,
    form: AddInformationForm | None = None,
    *,
    added: bool = False,
) -> HttpResponse:
    report = opened.report
    messages = [
        {
            "sender": message.get_sender_display(),
            "sent_on": message.sent_on,
            "text": opened.message_text(message),
        }
        for message in queries.messages_of(report)
    ]
    pass_token = tokens.seal_pass(str(report.pk), opened.key)
    return _page(
        request,
        "helpline/conversation.html",
        {
            "report": report,
            "content": opened.content(),
            "named": queries.named_agencies_of(report),
            "messages": messages,
            "hear_by": actions.hear_by(report),
            "files": opened.attachments(),
            "pass": pass_token,
            "form": form or AddInformationForm(),
            "added": added,
        },
        form,
    )


def _return_page(request: HttpRequest, form: ReceiptForm) -> HttpResponse:
    challenge = json.dumps(spam.new_challenge())
    return _page(request, "helpline/return.html", {"form": form, "challenge": challenge}, form)


@public
@never_cache
@csrf_exempt
@require_http_methods(["GET", "POST"])
def return_with_receipt(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        return _return_page(request, ReceiptForm())
    form = ReceiptForm(request.POST)
    if not form.is_valid():
        return _return_page(request, form)
    if throttle.is_blocked(request, with_work=spam.work_done(request.POST) is True):
        form.add_error(
            "receipt",
            "Too many receipts were tried from your network. Wait an hour and try again, "
            "or use a browser with JavaScript turned on",
        )
        response = _return_page(request, form)
        response.status_code = 429
        return response
    opened = actions.open_with_receipt(form.cleaned_data["receipt"])
    if opened is None:
        throttle.note_failure(request)
        form.add_error("receipt", "Check your receipt: it does not match a report")
        return _return_page(request, form)
    return _conversation(request, opened)


def _open_from_pass(token: str) -> actions.OpenReport | None:
    opened = tokens.open_pass(token)
    if opened is None:
        return None
    report_id, key = opened
    report = queries.report_for_reporter(report_id)
    if report is None:
        return None
    return actions.OpenReport(report=report, key=key)


@public
@never_cache
@csrf_exempt
@require_POST
def conversation(request: HttpRequest) -> HttpResponse:
    attachments.receive_in_memory(request)
    opened = _open_from_pass(request.POST.get("pass", ""))
    if opened is None:
        return render(request, "helpline/expired.html", status=400)
    form = AddInformationForm(request.POST, request.FILES)
    if not form.is_valid():
        return _conversation(request, opened, form)
    actions.add_information(
        opened, text=form.cleaned_data["text"], files=form.cleaned_data["attached_files"]
    )
    return _conversation(request, opened, added=True)


# Staff ------------------------------------------------------------------------------------


def _staff(request: HttpRequest) -> User:
    user = signed_in_user(request)
    if not queries.is_helpline_staff(user):
        raise PermissionDenied
    return user


def _private_key(request: HttpRequest) -> bytes | None:
    sealed = request.session.get(SESSION_KEY)
    cookie = request.COOKIES.get(UNLOCK_COOKIE)
    if not sealed or not cookie:
        return None
    try:
        return crypto.decrypt(bytes.fromhex(cookie), bytes.fromhex(sealed), context=b"session")
    except (ValueError, crypto.DecryptionError):
        return None


def queue(request: HttpRequest) -> HttpResponse:
    user = _staff(request)
    actions.start_pending_clocks(actor=user)
    search = SearchForm(request.GET) if "reference" in request.GET else SearchForm()
    if search.is_bound and search.is_valid():
        reports = queries.find_reports(user, search.cleaned_data["reference"])
    else:
        reports = queries.queue(user)
    return _page(
        request,
        "helpline/queue.html",
        {
            "search": search,
            "searched": search.is_bound,
            "reports": reports,
            "assigned": queries.assigned_ids(user, reports),
            "clocks": clocks_on([report.subject for report in reports]),
            "unlocked": _private_key(request) is not None,
            "needing_recovery": queries.reports_needing_recovery(user),
        },
        search,
    )


@never_cache
@require_http_methods(["GET", "POST"])
def phone_report(request: HttpRequest) -> HttpResponse:
    """Take a report during a call; the receipt is shown once, to read to the caller."""
    user = _staff(request)
    form = PhoneReportForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        submitted = actions.take_phone_report(
            actor=user,
            details=actions.ReportDetails(
                what_happened=data["what_happened"],
                organisations=data["organisations"],
                named_agencies=list(data["named_agencies"]),
                area=data["area"],
                who=data["who"],
                when=data["when"],
                known_as=data["known_as"],
                name=data["name"],
                contact=data["contact"],
            ),
        )
        return render(
            request,
            "helpline/phone_receipt.html",
            {
                "receipt": receipts.display(submitted.receipt),
                "hear_by": actions.hear_by(submitted.report),
            },
        )
    return _page(request, "helpline/phone.html", {"form": form}, form)


def quarantine(request: HttpRequest) -> HttpResponse:
    user = _staff(request)
    reports = queries.queue(user, quarantined=True)
    return render(request, "helpline/quarantine.html", {"reports": reports})


@require_http_methods(["GET", "POST"])
def unlock(request: HttpRequest) -> HttpResponse:
    user = _staff(request)
    form = UnlockForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            private = actions.unlock_staff_key(actor=user, password=form.cleaned_data["password"])
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            cookie_key = crypto.new_key()
            request.session[SESSION_KEY] = crypto.encrypt(
                cookie_key, private, context=b"session"
            ).hex()
            response = redirect("helpline:queue")
            response.set_cookie(
                UNLOCK_COOKIE,
                cookie_key.hex(),
                path=COOKIE_PATH,
                httponly=True,
                samesite="Strict",
                secure=request.is_secure(),
            )
            return response
    return _page(request, "helpline/unlock.html", {"form": form}, form)


def _report_page(request: HttpRequest, report: Report, **forms: Any) -> HttpResponse:
    user = signed_in_user(request)
    private = _private_key(request)
    assigned = queries.is_assigned(user, report)
    opened = None
    if assigned and private is not None:
        opened = actions.open_report(actor=user, report=report, private_key=private)
    named = queries.named_agencies_of(report)
    context: dict[str, Any] = {
        "report": report,
        "assigned": assigned,
        "unlocked": private is not None,
        "content": opened.content() if opened else None,
        "messages": [
            {"message": m, "text": opened.message_text(m)} for m in queries.messages_of(report)
        ]
        if opened
        else [],
        "files": _files_with_their_messages(opened) if opened else [],
        "named": named,
        "clocks": clocks_on([report.subject]).get(report.subject, []),
        "referrals": attach_receipts("helpline-referral", list(queries.referrals_of(report))),
        "assigned_staff": queries.assigned_staff(report),
        "category_form": forms.get("category_form")
        or CategoryForm(initial={"category": report.category, "disclosure": report.disclosure}),
        "danger_form": forms.get("danger_form") or DangerForm(),
        "reply_form": forms.get("reply_form") or ReplyForm(),
        "extend_form": forms.get("extend_form") or ExtendForm(),
        "name_form": forms.get("name_form") or NameAgencyForm(),
        "assign_form": forms.get("assign_form")
        or AssignForm(candidates=queries.assignable_staff(report)),
        "route_form": forms.get("route_form")
        or RouteForm(excluded=[agency.pk for agency in named]),
        "close_form": forms.get("close_form") or CloseForm(),
        "conflict_form": forms.get("conflict_form")
        or ConflictForm(candidates=queries.conflict_candidates(report)),
        "exclusions": [
            {"exclusion": exclusion, "undo_by": conflicts.undo_deadline(exclusion)}
            for exclusion in conflicts.pending_for(report)
        ],
        "deletion_due": lifecycle.deletion_due(report),
    }
    return _page(request, "helpline/report.html", context, *forms.values())


def _files_with_their_messages(opened: actions.OpenReport) -> list[dict[str, Any]]:
    days = dict(opened.report.messages.values_list("pk", "sent_on"))
    return [
        {
            "file": described,
            "sent_on": days.get(described.message_id) if described.message_id else None,
        }
        for described in opened.attachments()
    ]


def report_detail(request: HttpRequest, report_id: str) -> HttpResponse:
    user = _staff(request)
    return _report_page(request, queries.access_report(user, report_id))


def _attachment_response(
    request: HttpRequest, report_id: str, attachment_id: str, *, original: bool
) -> HttpResponse:
    user = _staff(request)
    report = queries.access_report(user, report_id)
    opened = _opened(request, report)
    try:
        described, content = actions.open_attachment(
            actor=user, opened=opened, attachment_id=attachment_id, original=original
        )
    except Attachment.DoesNotExist as missing:
        raise Http404 from missing
    except crypto.DecryptionError:
        # Altered in storage: say so, and hand over nothing rather than doubtful evidence.
        return render(request, "helpline/file_damaged.html", status=409)
    name = described.name if original else described.working_name
    return download(content, described.media_type, name, untrusted=True)


@require_GET
def attachment(request: HttpRequest, report_id: str, attachment_id: str) -> HttpResponse:
    """The working copy of a file sent with a report, without its metadata."""
    return _attachment_response(request, report_id, attachment_id, original=False)


@require_GET
def attachment_original(request: HttpRequest, report_id: str, attachment_id: str) -> HttpResponse:
    """The sealed original, checked against its digest: evidence, opened only when needed."""
    return _attachment_response(request, report_id, attachment_id, original=True)


def _opened(request: HttpRequest, report: Report) -> actions.OpenReport:
    user = signed_in_user(request)
    private = _private_key(request)
    if private is None or not queries.is_assigned(user, report):
        raise PermissionDenied
    return actions.open_report(actor=user, report=report, private_key=private)


def _act(
    request: HttpRequest,
    report: Report,
    form: Form,
    form_name: str,
    act: Callable[[dict[str, Any]], object],
) -> HttpResponse:
    """What every form on a report's page does: with valid data, run ``act`` on it and go
    back to the report; otherwise, or when the action refuses, show the report again with
    the form and every error."""
    if form.is_valid():
        try:
            act(form.cleaned_data)
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            return redirect("helpline:report", report_id=report.pk)
    return _report_page(request, report, **{form_name: form})


@require_POST
def categorise(request: HttpRequest, report_id: str) -> HttpResponse:
    user = _staff(request)
    report = queries.access_report(user, report_id)
    return _act(
        request,
        report,
        CategoryForm(request.POST),
        "category_form",
        lambda data: actions.categorise_report(
            actor=user, report=report, category=data["category"], disclosure=data["disclosure"]
        ),
    )


@require_POST
def child_in_danger(request: HttpRequest, report_id: str) -> HttpResponse:
    user = _staff(request)
    report = queries.access_report(user, report_id)
    return _act(
        request,
        report,
        DangerForm(request.POST),
        "danger_form",
        lambda data: actions.mark_child_in_danger(
            actor=user, report=report, summary=data["summary"]
        ),
    )


@require_POST
def reply(request: HttpRequest, report_id: str) -> HttpResponse:
    user = _staff(request)
    report = queries.access_report(user, report_id)
    return _act(
        request,
        report,
        ReplyForm(request.POST),
        "reply_form",
        lambda data: actions.send_reply(
            actor=user,
            opened=_opened(request, report),
            text=data["text"],
            gives_feedback=data["gives_feedback"],
        ),
    )


@require_POST
def extend(request: HttpRequest, report_id: str) -> HttpResponse:
    user = _staff(request)
    report = queries.access_report(user, report_id)
    return _act(
        request,
        report,
        ExtendForm(request.POST),
        "extend_form",
        lambda data: actions.extend_feedback(actor=user, report=report, reason=data["reason"]),
    )


@require_POST
def name_agency(request: HttpRequest, report_id: str) -> HttpResponse:
    user = _staff(request)
    report = queries.access_report(user, report_id)
    return _act(
        request,
        report,
        NameAgencyForm(request.POST),
        "name_form",
        lambda data: actions.name_agency(actor=user, report=report, agency=data["agency"]),
    )


@require_POST
def assign(request: HttpRequest, report_id: str) -> HttpResponse:
    user = _staff(request)
    report = queries.access_report(user, report_id)
    return _act(
        request,
        report,
        AssignForm(request.POST, candidates=queries.assignable_staff(report)),
        "assign_form",
        lambda data: actions.assign_report(
            actor=user, opened=_opened(request, report), to=data["to"]
        ),
    )


@require_POST
def route(request: HttpRequest, report_id: str) -> HttpResponse:
    user = _staff(request)
    report = queries.access_report(user, report_id)
    named = [agency.pk for agency in queries.named_agencies_of(report)]
    return _act(
        request,
        report,
        RouteForm(request.POST, excluded=named),
        "route_form",
        lambda data: actions.route_referral(
            actor=user,
            opened=_opened(request, report),
            to_agency=data["to_agency"],
            fields=data["shared_fields"],
            legal_basis=data["legal_basis"],
            include_identity=data["include_identity"],
            reporter_consented=data["reporter_consented"],
            redactions=data["redactions"],
        ),
    )


@require_POST
def close(request: HttpRequest, report_id: str) -> HttpResponse:
    user = _staff(request)
    report = queries.access_report(user, report_id)
    return _act(
        request,
        report,
        CloseForm(request.POST),
        "close_form",
        lambda data: lifecycle.close_report(actor=user, report=report, outcome=data["outcome"]),
    )


@require_POST
def reopen(request: HttpRequest, report_id: str) -> HttpResponse:
    user = _staff(request)
    report = queries.access_report(user, report_id)
    try:
        lifecycle.reopen_report(actor=user, report=report)
    except ValidationError as error:
        return _report_page(request, report, close_form=_errors_only(CloseForm({}), error))
    return redirect("helpline:report", report_id=report.pk)


@require_POST
def conflict(request: HttpRequest, report_id: str) -> HttpResponse:
    user = _staff(request)
    report = queries.access_report(user, report_id)
    form = ConflictForm(request.POST, candidates=queries.conflict_candidates(report))
    if form.is_valid():
        try:
            conflicts.declare_conflict(
                actor=user,
                report=report,
                user=form.cleaned_data["user"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            if form.cleaned_data["user"].pk == user.pk:
                return redirect("helpline:queue")
            return redirect("helpline:report", report_id=report.pk)
    return _report_page(request, report, conflict_form=form)


def _errors_only[F: Form](form: F, error: ValidationError) -> F:
    """A form shown again with only an action's errors (for a button with no fields)."""
    form.full_clean()
    form.errors.clear()
    add_action_errors(form, error, fallback_field=next(iter(form.fields)))
    return form


def _exclusion(report: Report, exclusion_id: int) -> Exclusion:
    exclusion = queries.exclusion_of(report, exclusion_id)
    if exclusion is None:
        raise Http404
    return exclusion


@require_POST
def confirm_conflict(request: HttpRequest, report_id: str, exclusion_id: int) -> HttpResponse:
    user = _staff(request)
    report = queries.access_report(user, report_id)
    try:
        conflicts.confirm_exclusion(actor=user, exclusion=_exclusion(report, exclusion_id))
    except ValidationError as error:
        form = _errors_only(ConflictForm({}, candidates=queries.conflict_candidates(report)), error)
        return _report_page(request, report, conflict_form=form)
    return redirect("helpline:report", report_id=report.pk)


@require_POST
def undo_conflict(request: HttpRequest, report_id: str, exclusion_id: int) -> HttpResponse:
    user = _staff(request)
    report = queries.access_report(user, report_id)
    try:
        conflicts.undo_exclusion(actor=user, exclusion=_exclusion(report, exclusion_id))
    except ValidationError as error:
        form = _errors_only(ConflictForm({}, candidates=queries.conflict_candidates(report)), error)
        return _report_page(request, report, conflict_form=form)
    return redirect("helpline:report", report_id=report.pk)


@require_POST
def release(request: HttpRequest, report_id: str) -> HttpResponse:
    user = _staff(request)
    report = queries.access_report(user, report_id)
    if report.status == Status.QUARANTINED:
        actions.release_from_quarantine(actor=user, report=report)
    return redirect("helpline:report", report_id=report.pk)


@require_GET
def referrals(request: HttpRequest) -> HttpResponse:
    """Every referral routed to the user's agency that they act on, newest first, a page at
    a time, each with whether the agency has opened and acted on it."""
    received = queries.referrals_received_by(signed_in_user(request))
    if received is None:
        raise PermissionDenied
    page = Paginator(received, REFERRALS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "helpline/referrals.html", {"page": page})


REFERRALS_PER_PAGE = 25


def referral(request: HttpRequest, referral_id: str) -> HttpResponse:
    """A routed referral, for staff of the agency it was sent to."""
    user = signed_in_user(request)
    routed = queries.access_referral(user, referral_id)
    form = RespondForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if form.is_valid():
            try:
                respond_to_hand_off(
                    "helpline-referral",
                    routed.pk,
                    actor=user,
                    response=form.cleaned_data["response"],
                )
            except ValidationError as error:
                add_action_errors(form, error)
            else:
                banners.success(request, "Your response has been sent to the helpline.")
                return redirect("helpline:referral", referral_id=routed.pk)
    else:
        record_received("helpline-referral", routed.pk, actor=user)
    return render(
        request,
        "helpline/referral.html",
        {
            "referral": routed,
            "text": actions.referral_text(routed),
            "respond_form": form,
            "receipt": receipt_at("helpline-referral", routed.pk, user.agency_id),
            "may_respond": may_receive("helpline-referral", user),
            "has_errors": bool(form.errors),
        },
        status=400 if form.errors else 200,
    )


# Statistics and the annual report -----------------------------------------------------------


def _statistics_reader(request: HttpRequest) -> tuple[User, Agency | None]:
    """Helpline staff see their own helpline's figures; taskforce analysts every helpline's."""
    user = signed_in_user(request)
    if queries.is_helpline_staff(user):
        return user, user.agency
    if queries.reads_helpline_statistics(user):
        return user, None
    raise PermissionDenied


def _year(request: HttpRequest, today: date) -> int:
    raw = request.GET.get("year", "")
    latest = statistics.year_of(today)
    return int(raw) if raw.isdigit() and 2000 <= int(raw) <= latest else latest


def statistics_page(request: HttpRequest) -> HttpResponse:
    user, helpline = _statistics_reader(request)
    today = timezone.localdate()
    year = _year(request, today)
    figures = statistics.figures(helpline, year, today=today)
    record(AuditVerb.HELPLINE_STATISTICS_VIEWED, actor=user, payload={"year": year})
    return render(
        request,
        "helpline/statistics.html",
        {
            "figures": figures,
            "years": range(statistics.year_of(today), statistics.year_of(today) - 5, -1),
            "report_year": statistics.last_complete_year(today),
        },
    )


def _annual_context(request: HttpRequest, year: int) -> dict[str, Any]:
    user, helpline = _statistics_reader(request)
    today = timezone.localdate()
    if year > statistics.year_of(today):
        raise Http404
    figures = statistics.figures(helpline, year, today=today)
    return {
        "user": user,
        "figures": figures,
        "helpline_name": helpline.name if helpline else "Every helpline",
        "complete": year < statistics.year_of(today),
    }


def annual_report(request: HttpRequest, year: int) -> HttpResponse:
    context = _annual_context(request, year)
    record(
        AuditVerb.HELPLINE_ANNUAL_REPORT,
        actor=context["user"],
        payload={"year": year, "format": "html"},
    )
    return render(request, "helpline/annual_report.html", context)


def annual_report_pdf(request: HttpRequest, year: int) -> HttpResponse:
    context = _annual_context(request, year)
    record(
        AuditVerb.HELPLINE_ANNUAL_REPORT,
        actor=context["user"],
        payload={"year": year, "format": "pdf"},
    )
    pdf = render_pdf(
        "helpline/annual_report_print.html",
        {key: value for key, value in context.items() if key != "user"},
    )
    return download(pdf, "application/pdf", f"helpline-annual-report-{year}.pdf")
