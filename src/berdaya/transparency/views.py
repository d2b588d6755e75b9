"""The public page (no sign-in) and the managers' switch on the programme."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.shortcuts import redirect, render
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from berdaya.groups.maturity import STAGES
from berdaya.programmes.selectors import may_manage, programme_get

from .forms import PublishForm
from .present import page_figures
from .selectors import figures_history, public_page_get, public_page_of
from .services import CACHE_SECONDS, cache_key, public_figures_refresh, public_page_set


def _stage_labels() -> dict[str, str]:
    return {code: str(label) for _threshold, code, label in STAGES} | {
        "not_assessed": _("Not yet assessed")
    }


@login_not_required
@require_GET
def public_page(request, public_slug: str):
    page = public_page_get(slug=public_slug)  # 404 unless published
    programme = page.programme
    key = cache_key(programme.pk)
    kept = cache.get(key)
    if kept is None:
        latest = public_figures_refresh(programme=programme)
        kept = (latest, list(figures_history(programme)))
        cache.set(key, kept, CACHE_SECONDS)
    latest, history = kept
    response = render(
        request,
        "transparency/public_page.html",
        {
            "programme": programme,
            "page": page,
            "figures": page_figures(latest, history, stage_labels=_stage_labels()),
        },
    )
    # The same for everyone: shared caches may keep it for as long as the server does.
    patch_cache_control(response, public=True, max_age=CACHE_SECONDS)
    return response


@require_http_methods(["GET", "POST"])
def programme_public_page(request, programme_id: int):
    programme = programme_get(user=request.user, pk=programme_id)
    manages = may_manage(request.user, programme)
    if request.method == "POST":
        form = PublishForm(request.POST)
        if form.is_valid():
            page = public_page_set(
                user=request.user, programme=programme, enabled=form.cleaned_data["enabled"]
            )
            messages.success(
                request,
                _("The public page is published.")
                if page.enabled
                else _("The public page is withdrawn."),
            )
            return redirect("transparency:manage", programme_id=programme.pk)
    page = public_page_of(programme)
    return render(
        request,
        "transparency/manage.html",
        {
            "programme": programme,
            "page": page,
            "manages": manages,
            "form": PublishForm(initial={"enabled": not (page and page.enabled)}),
        },
    )
