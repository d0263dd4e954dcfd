"""Sign-in with a second factor, sign-out, and staff and agency administration."""

from __future__ import annotations

import time

from django.contrib.auth import login, logout, update_session_auth_hash
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from safeguarding.access import actions, second_factor
from safeguarding.access.forms import (
    AgencyForm,
    ChangePasswordForm,
    SecondFactorForm,
    SignInForm,
    UserForm,
)
from safeguarding.access.middleware import SESSION_STARTED_KEY, public, signed_in_user
from safeguarding.access.models import Agency, User
from safeguarding.access.roles import ADMIN_ROLES
from safeguarding.audit.chain import record
from safeguarding.audit.verbs import AuditVerb
from safeguarding.govuk.forms import add_action_errors

PENDING_USER_KEY = "pending_user_id"
PENDING_SECRET_KEY = "pending_totp_secret"
# One message for a wrong password, an unknown user and a locked account, so that sign-in
# never tells a stranger which accounts exist.
SIGN_IN_FAILED = (
    "Enter a correct username and password. After several failed attempts an account is "
    "locked for a while: try later, or ask your system administrator to unlock it"
)
LOCKED = SIGN_IN_FAILED


def _pending_user(request: HttpRequest) -> User | None:
    user_id = request.session.get(PENDING_USER_KEY)
    return User.objects.filter(pk=user_id, is_active=True).first() if user_id else None


@public
def sign_in(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("web:home")
    form = SignInForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        check = actions.check_password_step(
            form.cleaned_data["username"], form.cleaned_data["password"]
        )
        if check.user is None:
            form.add_error(None, LOCKED if check.locked else SIGN_IN_FAILED)
        else:
            # A fresh session id at each privilege step defeats session fixation.
            request.session.cycle_key()
            request.session[PENDING_USER_KEY] = check.user.pk
            if check.user.totp_confirmed:
                return redirect("access:second-factor")
            return redirect("access:enrol")
    return render(request, "access/sign_in.html", {"form": form, "has_errors": bool(form.errors)})


def _complete_sign_in(request: HttpRequest, user: User) -> HttpResponse:
    request.session.pop(PENDING_USER_KEY, None)
    request.session.pop(PENDING_SECRET_KEY, None)
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    request.session[SESSION_STARTED_KEY] = time.time()
    return redirect("web:home")


@public
def second_factor_step(request: HttpRequest) -> HttpResponse:
    user = _pending_user(request)
    if user is None or not user.totp_confirmed:
        return redirect("access:sign-in")
    form = SecondFactorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if actions.check_second_factor_step(user, form.cleaned_data["code"]):
            return _complete_sign_in(request, user)
        user.refresh_from_db()
        if user.is_locked():
            request.session.pop(PENDING_USER_KEY, None)
            form.add_error(None, LOCKED)
            return render(
                request, "access/second_factor.html", {"form": form, "has_errors": True}, status=403
            )
        form.add_error("code", "The security code is not correct or has already been used")
    return render(
        request, "access/second_factor.html", {"form": form, "has_errors": bool(form.errors)}
    )


@public
def enrol(request: HttpRequest) -> HttpResponse:
    user = _pending_user(request)
    if user is None or user.totp_confirmed:
        return redirect("access:sign-in")
    totp_secret = request.session.get(PENDING_SECRET_KEY) or second_factor.new_secret()
    request.session[PENDING_SECRET_KEY] = totp_secret
    form = SecondFactorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if actions.confirm_second_factor(user, totp_secret, form.cleaned_data["code"]):
            return _complete_sign_in(request, user)
        form.add_error("code", "The security code is not correct. Check your app and try again")
    uri = second_factor.provisioning_uri(user, totp_secret)
    return render(
        request,
        "access/enrol.html",
        {
            "form": form,
            "has_errors": bool(form.errors),
            "qr_code": second_factor.qr_code_data_uri(uri),
            "secret_groups": " ".join(
                totp_secret[i : i + 4] for i in range(0, len(totp_secret), 4)
            ),
        },
    )


@public
@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        record(AuditVerb.SIGNED_OUT, actor=request.user)
    logout(request)
    return render(request, "access/signed_out.html")


def change_password(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    form = ChangePasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.change_password(
                user=user,
                current_password=form.cleaned_data["current_password"],
                new_password=form.cleaned_data["new_password"],
            )
        except ValidationError as error:
            add_action_errors(form, error, fallback_field="new_password")
        else:
            # Keep this session (and only this one) signed in, under a fresh session id.
            update_session_auth_hash(request, user)
            request.session.cycle_key()
            return render(request, "access/password_changed.html")
    return render(
        request,
        "access/change_password.html",
        {
            "form": form,
            "has_errors": bool(form.errors),
            "must_change": user.must_change_password,
        },
        status=400 if form.errors else 200,
    )


def _require_admin(request: HttpRequest) -> User:
    user = signed_in_user(request)
    if user.role not in ADMIN_ROLES:
        raise PermissionDenied
    return user


def users(request: HttpRequest) -> HttpResponse:
    _require_admin(request)
    staff = User.objects.select_related("agency").order_by("agency__name", "username")
    return render(request, "access/users.html", {"staff": staff})


def user_create(request: HttpRequest) -> HttpResponse:
    admin = _require_admin(request)
    form = UserForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if User.objects.filter(username=data["username"].lower()).exists():
            form.add_error("username", "That username is already taken")
        else:
            try:
                actions.create_user(
                    actor=admin,
                    username=data["username"],
                    password=data["password"],
                    role=data["role"],
                    agency=data["agency"],
                    given_name=data["given_name"],
                    family_name=data["family_name"],
                    email=data["email"],
                    temporary_password=True,
                )
            except ValidationError as error:
                add_action_errors(form, error, fallback_field="password")
            else:
                return redirect("access:users")
    return render(request, "access/user_form.html", {"form": form, "has_errors": bool(form.errors)})


@require_POST
def user_unlock(request: HttpRequest, user_id: int) -> HttpResponse:
    admin = _require_admin(request)
    actions.unlock_user(actor=admin, user=get_object_or_404(User, pk=user_id))
    return redirect("access:users")


@require_POST
def user_deactivate(request: HttpRequest, user_id: int) -> HttpResponse:
    admin = _require_admin(request)
    target = get_object_or_404(User, pk=user_id)
    if target.pk != admin.pk:
        actions.deactivate_user(actor=admin, user=target)
    return redirect("access:users")


def agencies(request: HttpRequest) -> HttpResponse:
    _require_admin(request)
    return render(
        request,
        "access/agencies.html",
        {"agencies": Agency.objects.select_related("home_authority")},
    )


def agency_create(request: HttpRequest) -> HttpResponse:
    admin = _require_admin(request)
    form = AgencyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if Agency.objects.filter(code=data["code"].upper()).exists():
            form.add_error("code", "An agency with that code already exists")
        else:
            actions.create_agency(
                actor=admin,
                code=data["code"],
                name=data["name"],
                kind=data["kind"],
                area_name=data["area_name"],
                home_authority=data["home_authority"],
            )
            return redirect("access:agencies")
    return render(
        request, "access/agency_form.html", {"form": form, "has_errors": bool(form.errors)}
    )
