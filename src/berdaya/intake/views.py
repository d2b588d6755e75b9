"""Pages of the intake app: a programme's server connections, one connection, one pull.

Thin views: the programme, connections and pulls come through the selectors (the access
rule: 404 outside the user's villages); the services decide who may connect (the
programme's managers) and who may pull (who may import into the village).
"""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from berdaya.core.errors import BerdayaError
from berdaya.core.jobs import workers_needed
from berdaya.programmes.selectors import may_manage, programme_get
from berdaya.registry.forms import show_error

from . import selectors, services
from .forms import ConfirmForm, ConnectionForm
from .models import Pull, ServerConnection

ACTIVE = {Pull.Status.WAITING, Pull.Status.RUNNING}


def _villages(programme):
    return programme.villages.order_by("name")


def _save(request, programme, form, connection=None) -> ServerConnection | None:
    if not form.is_valid():
        return None
    data = form.cleaned_data
    try:
        return services.connection_save(
            user=request.user,
            programme=programme,
            connection=connection,
            name=data["name"],
            kind=data["kind"],
            village_code=data["village"],
            server_url=data["server_url"],
            asset_uid=data["asset_uid"],
            project_id=data["project_id"],
            form_id=data["form_id"],
            username=data["username"],
            secret=data["secret"],
            include_rejected=data["include_rejected"],
            every_hours=data["every_hours"],
        )
    except BerdayaError as error:
        if error.status_code == 403:
            raise
        show_error(form, error)
        return None


@require_http_methods(["GET", "POST"])
def programme_connections(request, programme_id: int):
    programme = programme_get(user=request.user, pk=programme_id)
    manages = may_manage(request.user, programme)
    form = ConnectionForm(villages=_villages(programme), initial={"kind": "kobo"})
    status = 200
    if request.method == "POST":
        form = ConnectionForm(request.POST, villages=_villages(programme))
        connection = _save(request, programme, form)
        if connection is not None:
            messages.success(request, _("The connection is saved; its token is kept encrypted."))
            return redirect("intake:connection", connection_id=connection.pk)
        status = 422
    return render(
        request,
        "intake/connections.html",
        {
            "programme": programme,
            "connections": selectors.connections_of(user=request.user, programme=programme),
            "form": form,
            "manages": manages,
        },
        status=status,
    )


def _initial(connection: ServerConnection) -> dict:
    return {
        "name": connection.name,
        "kind": connection.kind,
        "village": connection.village_id,
        "server_url": connection.server_url,
        "asset_uid": connection.asset_uid,
        "project_id": connection.project_id,
        "form_id": connection.form_id,
        "username": connection.username,
        "include_rejected": connection.include_rejected,
        "every_hours": connection.every_hours,
    }


@require_http_methods(["GET", "POST"])
def connection_detail(request, connection_id: int):
    connection = selectors.connection_get(user=request.user, pk=connection_id)
    programme = connection.programme
    manages = may_manage(request.user, programme)
    villages = _villages(programme)
    form = ConnectionForm(initial=_initial(connection), villages=villages, saved_secret=True)
    status = 200
    if request.method == "POST":
        form = ConnectionForm(request.POST, villages=villages, saved_secret=connection.has_secret)
        if _save(request, programme, form, connection) is not None:
            messages.success(request, _("The connection is saved."))
            return redirect("intake:connection", connection_id=connection.pk)
        status = 422
    pulls = list(selectors.pulls_of(user=request.user, connection=connection)[:20])
    return render(
        request,
        "intake/connection.html",
        {
            "programme": programme,
            "connection": connection,
            "form": form,
            "manages": manages,
            "pulls": pulls,
            "busy": any(p.status in ACTIVE for p in pulls),
        },
        status=status,
    )


@require_POST
def connection_pull(request, connection_id: int):
    connection = selectors.connection_get(user=request.user, pk=connection_id)
    if not ConfirmForm(request.POST).is_valid():
        messages.error(request, _("Press “Pull now” to pull."))
        return redirect("intake:connection", connection_id=connection.pk)
    try:
        pull = services.pull_request(user=request.user, connection=connection)
    except BerdayaError as error:
        if error.status_code == 403:
            raise
        messages.error(request, error.message)
        return redirect("intake:connection", connection_id=connection.pk)
    return redirect("intake:pull", pull_id=pull.pk)


@require_POST
def connection_delete(request, connection_id: int):
    connection = selectors.connection_get(user=request.user, pk=connection_id)
    if not ConfirmForm(request.POST).is_valid():
        messages.error(request, _("Press “Delete the connection” to delete it."))
        return redirect("intake:connection", connection_id=connection.pk)
    programme_id = connection.programme_id
    services.connection_delete(user=request.user, connection=connection)
    messages.success(request, _("The connection and its token are deleted."))
    return redirect("intake:programme", programme_id=programme_id)


def _pull_context(request, pull: Pull) -> dict:
    job = pull.import_job
    job_active = job is not None and job.status in {"waiting", "running"}
    waiting = pull.status in ACTIVE or job_active
    problems = []
    if job is not None and job.status == "failed":
        rows = pull.rows or {}
        for problem in job.errors:
            sheet_rows = rows.get(problem.get("sheet", ""), {})
            problems.append({**problem, "submission": sheet_rows.get(str(problem.get("row")), "")})
    return {
        "pull": pull,
        "job": job,
        "waiting": waiting,
        "problems": problems,
        "no_worker": waiting and workers_needed(),
    }


@require_GET
def pull_detail(request, pull_id: int):
    pull = selectors.pull_get(user=request.user, pk=pull_id)
    return render(request, "intake/pull.html", _pull_context(request, pull))


@require_GET
def pull_status(request, pull_id: int):
    pull = selectors.pull_get(user=request.user, pk=pull_id)
    return render(request, "intake/_pull_status.html", _pull_context(request, pull))
