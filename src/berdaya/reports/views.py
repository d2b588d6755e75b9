from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from berdaya.core import charts
from berdaya.core.workspace import workspace_for

from . import render, selectors


@require_GET
@login_required
def village_social_map(request, village_code: str):
    """The village social map as an A4 PDF in Indonesian, de-identified (aggregates only)."""
    workspace = workspace_for(request)
    social = selectors.village_social_map(
        user=request.user,
        village_code=village_code,
        organisation_id=workspace.programme.organisation_id if workspace.programme else None,
    )
    with translation.override("id"):  # the paper is for the village meeting: Indonesian
        radar = charts.radar(
            [(str(c.label), c.score) for c in social.figures.capitals],
            title=_("The five livelihood capitals (0–100)"),
        )
    document = render.pdf("reports/social_map.html", {"social": social, "radar": radar})
    response = HttpResponse(document, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="profil-sosial-{social.village.code}.pdf"'
    return response
