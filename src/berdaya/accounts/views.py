"""The profile page: the user's own personal access tokens (and, later, sign-in security)."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from berdaya.core.errors import BerdayaError

from . import selectors, services
from .forms import TokenForm


def _no_store(response):
    # The page may show a token's secret, once: no cache may keep it.
    response["Cache-Control"] = "no-store"
    return response


@require_http_methods(["GET", "POST"])
def profile(request):
    form = TokenForm(request.POST if request.method == "POST" else None)
    created = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                created = services.token_create(user=request.user, **form.cleaned_data)
            except BerdayaError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
        if form.errors:
            status = 422
        else:
            form = TokenForm()
    context = {"form": form, "created": created, "tokens": selectors.tokens_of(request.user)}
    return _no_store(render(request, "accounts/profile.html", context, status=status))


@require_POST
def token_revoke(request, token_id: int):
    token = services.token_revoke(user=request.user, token_id=token_id)
    messages.success(request, _("The token “%(name)s” was revoked.") % {"name": token.name})
    return redirect("accounts:profile")
