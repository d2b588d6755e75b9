"""Analysis exports of a village or a programme (`exports.analysis_export`): the household
table the stored figures are computed from and those figures, for analysts who rerun them
with `berdaya analyze mpi` (docs/analysis.md)."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from berdaya.community.selectors import village_for_user
from berdaya.core.access import can_reveal_identifiers, grants_for
from berdaya.core.errors import PermissionDenied, ValidationFailed
from berdaya.core.workspace import workspace_for
from berdaya.programmes.selectors import programme_get, programme_villages

from . import exports
from .forms import AnalysisExportForm, show_error

GET_POST = require_http_methods(["GET", "POST"])


def _page(request, *, title, households, scope, may_identify, personal, villages, rounds=None):
    form = AnalysisExportForm(
        request.POST if request.method == "POST" else None,
        initial={"file_format": exports.PARQUET},
        rounds=rounds,
    )
    # A programme's households are a function of the survey round chosen (None: today's).
    current = households(None) if callable(households) else households
    if not may_identify:
        del form.fields["identified"], form.fields["purpose"]
    if request.method == "POST":
        if not personal:
            raise PermissionDenied(_("Your role shows aggregate figures only."))
        if form.is_valid():
            data = form.cleaned_data
            survey_round = data.get("survey_round")
            if survey_round is not None:
                scope = f"{scope}-putaran-{survey_round.pk}"
            try:
                file = exports.analysis_export(
                    user=request.user,
                    households=households(survey_round) if callable(households) else current,
                    scope=scope,
                    survey_round=survey_round,
                    file_format=data["file_format"],
                    identified=data.get("identified", False),
                    purpose=data.get("purpose", ""),
                )
            except ValidationFailed as error:
                show_error(form, error)
            else:
                response = HttpResponse(file.content, content_type=file.content_type)
                response["Content-Disposition"] = f'attachment; filename="{file.filename}"'
                response["Cache-Control"] = "no-store"
                return response
    context = {
        "title": title,
        "form": form,
        "personal": personal,
        "count": current.count() if personal else 0,
        "villages": villages,
        "command": exports.rerun_command(
            (form.data.get("file_format") if form.is_bound else None) or exports.PARQUET
        )
        if personal
        else "",
    }
    status = 422 if form.is_bound and form.errors else 200
    return render(request, "registry/analysis_export.html", context, status=status)


@GET_POST
def village_analysis_export(request, village_code: str):
    village = village_for_user(user=request.user, code=village_code)  # else 404
    workspace = workspace_for(request)
    preferred = workspace.programme.organisation_id if workspace.programme else None
    organisation = exports.village_export_organisation(request.user, village.code, preferred)
    households = exports.village_analysis_households(
        request.user, village_code=village.code, organisation_id=organisation
    )
    may_identify = organisation is not None and can_reveal_identifiers(
        request.user, organisation_id=organisation, village_code=village.code
    )
    return _page(
        request,
        title=_("Analysis export: %(village)s") % {"village": village.name},
        households=households,
        scope=village.code,
        may_identify=may_identify,
        personal=organisation is not None,
        villages=[village],
    )


@GET_POST
def programme_analysis_export(request, programme_id: int):
    programme = programme_get(user=request.user, pk=programme_id)  # else 404
    villages = list(programme_villages(user=request.user, programme=programme))

    def households(survey_round):
        return exports.programme_analysis_households(
            request.user, programme=programme, survey_round=survey_round
        )

    personal = any(
        g.personal and g.organisation_id == programme.organisation_id
        for g in grants_for(request.user)
    )
    may_identify = any(
        can_reveal_identifiers(
            request.user, organisation_id=programme.organisation_id, village_code=v.code
        )
        for v in villages
    )
    return _page(
        request,
        title=_("Analysis export: %(programme)s") % {"programme": programme.name},
        households=households,
        scope=f"program-{programme.pk}",
        may_identify=may_identify,
        personal=personal,
        villages=villages,
        rounds=programme.survey_rounds.order_by("starts_on", "pk"),
    )
