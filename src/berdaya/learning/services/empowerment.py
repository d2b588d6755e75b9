"""Empowerment assessments on a versioned rubric, scored with the community, with evidence.

The default rubric is Laverack's nine "organisational domains" of community empowerment
(Laverack 2001, *Community Development Journal* 36(2): 134–145; Laverack & Wallerstein 2001),
each ranked 1–5 together with the community; the alternative is Ife's dimensions of power
from seed 001 (personal choices and life chances, defining needs, institutions, ideas,
resources, economic activity, reproduction). A rubric is never edited: choosing another or
changing one makes a new version, and every assessment keeps the one it was scored on.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from berdaya.core.errors import ValidationFailed
from berdaya.programmes.models import Programme

from ..models import EmpowermentAssessment, EmpowermentDomain, EmpowermentRubric, EmpowermentScore
from ._common import check_manager, check_village, in_site_language, required_text, within_programme

LAVERACK = (
    ("participation", gettext_lazy("Participation")),
    ("leadership", gettext_lazy("Local leadership")),
    ("problem_assessment", gettext_lazy("Problem assessment")),
    ("asking_why", gettext_lazy("Asking “why”")),
    ("structures", gettext_lazy("Organisational structures")),
    ("resources", gettext_lazy("Resource mobilisation")),
    ("links", gettext_lazy("Links to others")),
    ("outside_agents", gettext_lazy("Relationship with outside agents")),
    ("management", gettext_lazy("Programme management")),
)
IFE = (
    ("choices", gettext_lazy("Personal choices and life chances")),
    ("needs", gettext_lazy("Defining one's own needs")),
    ("institutions", gettext_lazy("Reaching and influencing institutions")),
    ("ideas", gettext_lazy("Ideas: speaking freely in discussion")),
    ("resources", gettext_lazy("Mobilising resources")),
    ("economic", gettext_lazy("Economic activity")),
    ("reproduction", gettext_lazy("Reproduction: birth, child care, education")),
)
FRAMEWORKS = {
    EmpowermentRubric.Framework.LAVERACK: (
        gettext_lazy("Community empowerment (Laverack)"),
        LAVERACK,
    ),
    EmpowermentRubric.Framework.IFE: (gettext_lazy("Power over one's life (Ife)"), IFE),
}
MIN_SCORE, MAX_SCORE = 1, 5


def rubric_current(*, programme: Programme) -> EmpowermentRubric:
    """The programme's current rubric, Laverack's domains the first time."""
    current = programme.empowerment_rubrics.order_by("-created_at", "-pk").first()
    if current is not None:
        return current
    return _make(programme, EmpowermentRubric.Framework.LAVERACK, user=None, reason="")


def _make(programme, framework, *, user, reason) -> EmpowermentRubric:
    name, domains = FRAMEWORKS[framework]
    with transaction.atomic(), in_site_language():
        rubric = EmpowermentRubric.objects.create(
            programme=programme,
            framework=framework,
            name=str(name),
            created_by=user,
            reason=reason,
            created_at=timezone.now(),
        )
        EmpowermentDomain.objects.bulk_create(
            EmpowermentDomain(rubric=rubric, key=key, label=str(label), order=order)
            for order, (key, label) in enumerate(domains)
        )
    return rubric


@transaction.atomic
def rubric_adopt(*, programme: Programme, framework: str, reason: str, user) -> EmpowermentRubric:
    """Switch to another framework (a new version; past assessments keep theirs)."""
    check_manager(user, programme, _("Only the programme's managers change its rubric."))
    if framework not in FRAMEWORKS:
        raise ValidationFailed(_("Choose one of the listed answers."), field="framework")
    if rubric_current(programme=programme).framework == framework:
        raise ValidationFailed(_("The programme already uses this rubric."), field="framework")
    reason = required_text(
        reason,
        field="reason",
        message=_("Say why the rubric changes: it is kept with the earlier version."),
        minimum=5,
    )
    return _make(programme, framework, user=user, reason=reason)


@transaction.atomic
def empowerment_assess(
    *,
    user,
    programme: Programme,
    village_code: str,
    rubric: EmpowermentRubric,
    assessed_on: datetime.date,
    participants: str,
    scores: Mapping[str, tuple[int, str]],
    group=None,
    notes: str = "",
) -> EmpowermentAssessment:
    """Every domain of the rubric ranked 1–5 with the community, each with its evidence."""
    check_village(user, programme, village_code)
    if rubric.programme_id != programme.pk:
        raise ValidationFailed(_("Choose a rubric of this programme."), field="rubric")
    if group is not None and (
        group.village_id != village_code or group.organisation_id != programme.organisation_id
    ):
        raise ValidationFailed(_("This group is not in this village."), field="group")
    within_programme(programme, assessed_on, field="assessed_on")
    if assessed_on > timezone.localdate():
        raise ValidationFailed(_("The date cannot be in the future."), field="assessed_on")
    participants = required_text(
        participants,
        field="participants",
        message=_("Write who scored it together: an assessment is made with the community."),
    )
    domains = {d.key: d for d in rubric.domains.all()}
    missing, unknown = set(domains) - set(scores), set(scores) - set(domains)
    if missing or unknown:
        raise ValidationFailed(
            _("Score every domain of the rubric, and only those (%(keys)s).")
            % {"keys": ", ".join(sorted(missing | unknown))},
            field="scores",
        )
    for key, (score, evidence) in scores.items():
        if not isinstance(score, int) or not MIN_SCORE <= score <= MAX_SCORE:
            raise ValidationFailed(_("Scores go from 1 to 5."), field=key)
        if not (evidence or "").strip():
            raise ValidationFailed(
                _("Write the evidence for “%(domain)s”: what was seen or said.")
                % {"domain": domains[key].label},
                field=key,
            )
    assessment = EmpowermentAssessment.objects.create(
        organisation_id=programme.organisation_id,
        programme=programme,
        village_id=village_code,
        group=group,
        rubric=rubric,
        assessed_on=assessed_on,
        assessed_by=user,
        participants=participants,
        notes=notes.strip(),
    )
    EmpowermentScore.objects.bulk_create(
        EmpowermentScore(
            assessment=assessment, domain=domains[key], score=score, evidence=evidence.strip()
        )
        for key, (score, evidence) in scores.items()
    )
    return assessment
