"""The profile page (personal access tokens, two-step sign-in) and the two-step pages."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login

from berdaya.core.errors import BerdayaError

from . import selectors, services, twofactor
from .forms import CodeForm, PasswordConfirmForm, TokenForm


def _no_store(response):
    # The page may show a token's secret, once: no cache may keep it.
    response["Cache-Control"] = "no-store"
    return response


@require_http_methods(["GET", "POST"])
def profile(request):
    posted = request.POST if request.method == "POST" else None
    form, password_form = TokenForm(posted), PasswordConfirmForm(posted)
    created = None
    status = 200
    if posted is not None:
        if form.is_valid() and password_form.is_valid():
            try:
                services.password_confirm(
                    request, user=request.user, password=password_form.cleaned_data["password"]
                )
                created = services.token_create(user=request.user, **form.cleaned_data)
            except BerdayaError as error:
                target = password_form if error.field == "password" else form
                field = error.field if error.field in target.fields else None
                target.add_error(field, error.message)
        if form.errors or password_form.errors:
            status = 422
        else:
            form, password_form = TokenForm(), PasswordConfirmForm()
    context = {
        "form": form,
        "password_form": password_form,
        "created": created,
        "tokens": selectors.tokens_of(request.user),
        "has_authenticator": twofactor.has_authenticator(request.user),
        "requires_second_factor": twofactor.requires_second_factor(request.user),
    }
    return _no_store(render(request, "accounts/profile.html", context, status=status))


@require_POST
def token_revoke(request, token_id: int):
    token = services.token_revoke(user=request.user, token_id=token_id)
    messages.success(request, _("The token “%(name)s” was revoked.") % {"name": token.name})
    return redirect("accounts:profile")


# -- two-step sign-in ----------------------------------------------------------------------


def _next(request) -> str:
    from django.utils.http import url_has_allowed_host_and_scheme

    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=False):
        return target
    return "/"


@require_http_methods(["GET", "POST"])
def otp_setup(request):
    """Scan a QR code (or type the key), confirm with a code, keep the recovery codes."""
    form = CodeForm(request.POST if request.method == "POST" else None)
    codes = None
    if request.method == "POST" and form.is_valid():
        try:
            codes = twofactor.authenticator_confirm(
                user=request.user, code=form.cleaned_data["code"]
            )
        except BerdayaError as error:
            form.add_error("code", error.message)
        else:
            device = twofactor.TOTPDevice.objects.get(user=request.user, confirmed=True)
            otp_login(request, device)
    if codes is not None:
        context = {"codes": codes, "next": _next(request)}
        return _no_store(render(request, "accounts/recovery_codes.html", context))
    device = (
        twofactor.TOTPDevice.objects.filter(user=request.user, confirmed=False)
        .order_by("-pk")
        .first()
        if request.method == "POST"
        else None
    ) or twofactor.authenticator_start(user=request.user)
    context = {
        "form": form,
        "qr": twofactor.qr_svg(device),
        "key": twofactor.base32_key(device),
        "next": _next(request),
        "required": twofactor.requires_second_factor(request.user),
    }
    status = 422 if form.errors else 200
    return _no_store(render(request, "accounts/otp_setup.html", context, status=status))


@require_http_methods(["GET", "POST"])
def otp_verify(request):
    """The second step of signing in: a code from the authenticator, or a recovery code."""
    if request.user.is_verified():
        return redirect(_next(request))
    form = CodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            device = twofactor.second_factor_check(
                user=request.user, code=form.cleaned_data["code"]
            )
        except BerdayaError as error:
            form.add_error("code", error.message)
        else:
            otp_login(request, device)
            return redirect(_next(request))
    status = 422 if form.errors else 200
    context = {"form": form, "next": _next(request)}
    return _no_store(render(request, "accounts/otp_verify.html", context, status=status))


@require_POST
def recovery_codes(request):
    codes = twofactor.recovery_codes_renew(user=request.user)
    return _no_store(
        render(request, "accounts/recovery_codes.html", {"codes": codes, "next": "/profil/"})
    )


@require_POST
def otp_turn_off(request):
    twofactor.second_factor_turn_off(user=request.user)
    messages.success(request, _("Two-step sign-in is off."))
    return redirect("accounts:profile")


def locked_out(request, credentials=None, *args, **kwargs):
    """django-axes' answer while an account or an address is locked (AXES_LOCKOUT_CALLABLE)."""
    context = {"message": services.lockout_message()}
    return render(request, "accounts/locked_out.html", context, status=429)
