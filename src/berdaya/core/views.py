"""Pages every user sees: sign-in, dashboard, workspace switch, health, audit trail."""

from __future__ import annotations

import hashlib

from auditlog.models import LogEntry
from django import forms
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.forms import AuthenticationForm
from django.core.paginator import Paginator
from django.db import connection
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from . import audit, audit_trail
from .dashboard import dashboard_figures
from .errors import BerdayaError
from .workspace import workspace_choose, workspace_for


class LoginForm(AuthenticationForm):
    # Django's message names the username field through %(username)s, and its Indonesian
    # catalogue already says "nama pengguna" around it: "nama pengguna nama pengguna".
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": gettext_lazy(
            "The username or password is not right. Both are case-sensitive: check capital letters."
        ),
    }


class LoginView(auth_views.LoginView):
    template_name = "core/login.html"
    redirect_authenticated_user = True
    authentication_form = LoginForm


def dashboard(request):
    workspace = workspace_for(request)
    figures = dashboard_figures(user=request.user, workspace=workspace)
    return render(request, "core/dashboard.html", {"figures": figures, "workspace": workspace})


@require_POST
def workspace_switch(request):
    try:
        workspace_choose(
            request,
            programme_id=request.POST.get("programme") or None,
            village_code=request.POST.get("village"),
        )
    except BerdayaError as error:
        messages.error(request, error.message)
    response = redirect("core:dashboard")
    if request.htmx:
        response = HttpResponse(status=204)
        response["HX-Redirect"] = request.headers.get("HX-Current-URL") or "/"
    return response


@login_not_required
@require_GET
def healthz(request):
    """For load balancers and uptime checks: is the database reachable?"""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # any driver error means "down"; the details go to the log only
        import logging

        logging.getLogger(__name__).exception("Health check: database unreachable")
        return JsonResponse({"status": "error", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok", "vendor": connection.vendor})


class AuditFilterForm(forms.Form):
    """Who, what kind of record, which action, which days; and one object's history."""

    actor = forms.TypedChoiceField(
        label=gettext_lazy("Who"), required=False, coerce=int, empty_value=None
    )
    kind = forms.TypedChoiceField(
        label=gettext_lazy("Kind of record"), required=False, coerce=int, empty_value=None
    )
    action = forms.TypedChoiceField(
        label=gettext_lazy("What"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", "—"), *LogEntry.Action.choices],
    )
    since = forms.DateField(
        label=gettext_lazy("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=gettext_lazy("Until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    object = forms.RegexField(regex=r"^\d+:\w+$", required=False, widget=forms.HiddenInput)

    def __init__(self, data, *, actors, kinds):
        super().__init__(data)
        self.fields["actor"].choices = [("", "—"), *[(u.pk, str(u)) for u in actors]]
        self.fields["kind"].choices = [
            ("", "—"),
            *[(k.pk, capfirst(k.model_class()._meta.verbose_name)) for k in kinds],
        ]

    def filter(self, entries):
        if not self.is_valid():
            return entries
        data = self.cleaned_data
        if data["actor"]:
            entries = entries.filter(actor_id=data["actor"])
        if data["kind"]:
            entries = entries.filter(content_type_id=data["kind"])
        if data["action"] is not None:
            entries = entries.filter(action=data["action"])
        if data["since"]:
            entries = entries.filter(timestamp__date__gte=data["since"])
        if data["until"]:
            entries = entries.filter(timestamp__date__lte=data["until"])
        if data["object"]:
            kind, _sep, pk = data["object"].partition(":")
            entries = entries.filter(content_type_id=int(kind), object_pk=pk)
        return entries


AUDIT_PAGE = 25


@require_GET
def audit_log(request):
    entries = audit.entries_visible_to(request.user)
    if entries is None:
        raise Http404(_("Only organisation administrators can read the audit trail."))
    imported = None
    if request.GET.get("import", "").isdigit():
        # The households and persons one import wrote, listed by their import job.
        imported = audit.import_rows_visible_to(request.user, int(request.GET["import"]))
        if imported is None:
            raise Http404(_("This import is not one of your organisation's."))
        imported["households_count"] = imported["households"].count()
        imported["first_households"] = imported["households"][:200]
        imported["persons_count"] = imported["persons"].count()
    kinds = audit_trail.audited_kinds()
    actors = audit.actors_of(entries)
    form = AuditFilterForm(request.GET or None, actors=actors, kinds=kinds)
    page = Paginator(form.filter(entries), AUDIT_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "core/audit_log.html",
        {
            "page": page,
            "lines": audit_trail.lines(page.object_list),
            "form": form,
            "query": query.urlencode(),
            "imported": imported,
            "filtered": any(value for key, value in request.GET.items() if key != "page"),
        },
    )


@login_not_required
@require_GET
def service_worker(request):
    """The service worker, served from the site's root so that it may look after every page;
    its version follows the cache-busted names of the files it keeps."""
    from django.templatetags.static import static

    version = hashlib.sha256("|".join(static(name) for name in OFFLINE_FILES).encode()).hexdigest()[
        :12
    ]
    response = render(
        request,
        "core/service_worker.js",
        {"version": version},
        content_type="application/javascript; charset=utf-8",
    )
    response["Cache-Control"] = "no-cache"
    response["Service-Worker-Allowed"] = "/"
    return response


OFFLINE_FILES = (
    "vendor/pico/pico.min.css",
    "berdaya/app.css",
    "vendor/htmx/htmx.min.js",
    "berdaya/offline.js",
    "berdaya/register.js",
)


@require_GET
def offline(request):
    """What the service worker shows for a page that needs the internet, offline."""
    return render(request, "core/offline.html")
