"""Writes for groups, their members and maturity assessments."""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from berdaya.core.access import village_codes_for
from berdaya.core.dates import show_date
from berdaya.core.errors import PermissionDenied, ValidationFailed
from berdaya.registry.models import Person

from .models import (
    Group,
    GroupMember,
    MaturityAssessment,
    MaturityRubric,
    MaturityScore,
    RubricCriterion,
)

# The default rubric: six criteria scored 1-4. Programmes change it on the
# rubric page; its labels are stored in the programme's language (Indonesian).
DEFAULT_CRITERIA = (
    (
        "governance",
        gettext_lazy("Governance: leaders chosen and replaced by the members, rules followed"),
    ),
    ("participation", gettext_lazy("Participation: members attend, speak and decide")),
    ("finance", gettext_lazy("Financial management: books kept, reported to members, money safe")),
    ("planning", gettext_lazy("Planning: the group sets and reviews its own plans")),
    (
        "networking",
        gettext_lazy("Networking: links with village government, other groups, services"),
    ),
    (
        "self_reliance",
        gettext_lazy("Self-reliance: keeps going and funds itself without the facilitator"),
    ),
)
MIN_CRITERIA, MAX_CRITERIA = 2, 12


@transaction.atomic
def group_create(
    *,
    user,
    organisation_id: int,
    village_code: str,
    name: str,
    kind: str,
    existed_before_programme: bool,
    founded_on: datetime.date | None = None,
    programme=None,
    bylaws: str = "",
    meeting_schedule: str = "",
    latitude: float | None = None,
    longitude: float | None = None,
) -> Group:
    from berdaya.maps.services import location_check

    if village_code not in village_codes_for(user, personal=True, organisation_id=organisation_id):
        raise PermissionDenied(_("You do not work in this village."))
    if kind not in Group.Kind.values:
        raise ValidationFailed(_("Choose one of the listed answers."), field="kind")
    name = name.strip()
    if not name:
        raise ValidationFailed(_("A group needs a name."), field="name")
    if founded_on and founded_on > timezone.localdate():
        raise ValidationFailed(
            _("A group cannot be founded in the future (%(date)s).")
            % {"date": show_date(founded_on)},
            field="founded_on",
        )
    if Group.objects.filter(
        organisation_id=organisation_id, village_id=village_code, name__iexact=name
    ).exists():
        raise ValidationFailed(_("This village already has a group with this name."), field="name")
    location_check(latitude, longitude)
    return Group.objects.create(
        organisation_id=organisation_id,
        village_id=village_code,
        programme=programme,
        name=name,
        kind=kind,
        founded_on=founded_on,
        existed_before_programme=existed_before_programme,
        bylaws=bylaws.strip(),
        meeting_schedule=meeting_schedule.strip(),
        latitude=latitude,
        longitude=longitude,
    )


@transaction.atomic
def group_locate(*, user, group: Group, latitude: float | None, longitude: float | None) -> Group:
    """Where the group meets, for the village map (neither coordinate: not on the map)."""
    from berdaya.maps.services import location_check

    if group.village_id not in village_codes_for(
        user, personal=True, organisation_id=group.organisation_id
    ):
        raise PermissionDenied(_("You do not work in this village."))
    location_check(latitude, longitude)
    group.latitude, group.longitude = latitude, longitude
    group.save(update_fields=["latitude", "longitude"])
    return group


@transaction.atomic
def group_member_add(
    *, group: Group, person: Person, joined_on: datetime.date, role: str = GroupMember.Role.MEMBER
) -> GroupMember:
    if person.organisation_id != group.organisation_id or (
        person.household.village_id != group.village_id
    ):
        raise ValidationFailed(
            _("%(name)s is not registered in this village.") % {"name": person.name},
            field="person",
        )
    if role not in GroupMember.Role.values:
        raise ValidationFailed(_("Choose one of the listed answers."), field="role")
    _check_joined_on(group, joined_on)
    if group.members.filter(person=person, left_on__isnull=True).exists():
        raise ValidationFailed(_("%(name)s is already a member.") % {"name": person.name})
    return GroupMember.objects.create(group=group, person=person, role=role, joined_on=joined_on)


def _check_joined_on(group: Group, joined_on: datetime.date) -> None:
    """Nobody joins in the future, nor before the group existed."""
    if joined_on > timezone.localdate():
        raise ValidationFailed(
            _("The date of joining is in the future (%(date)s).") % {"date": show_date(joined_on)},
            field="joined_on",
        )
    if group.founded_on and joined_on < group.founded_on:
        raise ValidationFailed(
            _("%(group)s was founded on %(founded)s: nobody joined it before that.")
            % {"group": group.name, "founded": show_date(group.founded_on)},
            field="joined_on",
        )


@transaction.atomic
def group_member_leave(*, membership: GroupMember, left_on: datetime.date) -> GroupMember:
    if left_on < membership.joined_on:
        raise ValidationFailed(_("Leaving cannot come before joining."), field="left_on")
    if left_on > timezone.localdate():
        raise ValidationFailed(_("This date is in the future."), field="left_on")
    membership.left_on = left_on
    membership.save(update_fields=["left_on"])
    return membership


def rubric_default(*, programme=None) -> MaturityRubric:
    """The programme's current rubric, creating the default one if it has none."""
    rubric = (
        MaturityRubric.objects.filter(programme=programme).order_by("-created_at", "-pk").first()
    )
    if rubric:
        return rubric
    with translation.override(settings.LANGUAGE_CODE):
        rubric = MaturityRubric.objects.create(programme=programme, name=_("Group maturity"))
        RubricCriterion.objects.bulk_create(
            RubricCriterion(rubric=rubric, key=key, label=str(label), order=order)
            for order, (key, label) in enumerate(DEFAULT_CRITERIA)
        )
    return rubric


def _key_for(label: str) -> str:
    """A short slug of the label, cut at a word, with room for a "-2" suffix."""
    slug = slugify(label) or "criterion"
    if len(slug) > 36:
        slug = slug[:37].rsplit("-", 1)[0] or slug[:36]
    return slug


@dataclass(frozen=True)
class CriterionInput:
    label: str
    guidance: str = ""


@transaction.atomic
def rubric_revise(
    *,
    programme,
    name: str,
    criteria: Sequence[CriterionInput],
    user,
    reason: str = "",
) -> MaturityRubric:
    """Make a new version of the programme's rubric; earlier assessments keep theirs.

    A criterion whose label is unchanged keeps its key, so scores stay comparable
    across versions.
    """
    from berdaya.programmes.selectors import may_manage

    if not may_manage(user, programme):
        raise PermissionDenied(_("Only the programme's managers change its rubric."))
    name = name.strip()
    rows = [
        CriterionInput(c.label.strip(), c.guidance.strip()) for c in criteria if c.label.strip()
    ]
    if not name:
        raise ValidationFailed(_("Give the rubric a name."), field="name")
    if not MIN_CRITERIA <= len(rows) <= MAX_CRITERIA:
        raise ValidationFailed(
            _("A rubric has between %(min)d and %(max)d criteria; this one has %(count)d.")
            % {"min": MIN_CRITERIA, "max": MAX_CRITERIA, "count": len(rows)},
            field="criteria",
        )
    seen: set[str] = set()
    for row in rows:
        folded = row.label.casefold()
        if folded in seen:
            raise ValidationFailed(
                _("The criterion “%(label)s” appears twice.") % {"label": row.label},
                field="criteria",
            )
        seen.add(folded)
    previous = (
        MaturityRubric.objects.select_for_update()
        .filter(programme=programme)
        .order_by("-created_at", "-pk")
        .first()
    )
    previous_keys = {}
    if previous is not None:
        old = list(previous.criteria.order_by("order", "pk"))
        if previous.name == name and [(c.label, c.guidance) for c in old] == [
            (r.label, r.guidance) for r in rows
        ]:
            raise ValidationFailed(_("Nothing changed in the rubric."), field="criteria")
        if not reason.strip():
            raise ValidationFailed(
                _("Say why the rubric changes: it is kept with the earlier version."),
                field="reason",
            )
        previous_keys = {c.label.casefold(): c.key for c in old}
    rubric = MaturityRubric.objects.create(
        programme=programme, name=name, created_by=user, reason=reason.strip()
    )
    used: set[str] = set()
    made = []
    for order, row in enumerate(rows):
        key = previous_keys.get(row.label.casefold()) or _key_for(row.label)
        base, n = key, 2
        while key in used:
            key, n = f"{base}-{n}", n + 1
        used.add(key)
        made.append(
            RubricCriterion(
                rubric=rubric, key=key, label=row.label[:200], guidance=row.guidance, order=order
            )
        )
    RubricCriterion.objects.bulk_create(made)
    return rubric


@transaction.atomic
def group_assess_maturity(
    *,
    group: Group,
    rubric: MaturityRubric,
    assessed_on: datetime.date,
    scores: Mapping[str, tuple[int, str]],
    user=None,
    notes: str = "",
) -> MaturityAssessment:
    """Record an assessment: every criterion of the rubric scored 1-4, with evidence."""
    criteria = {c.key: c for c in rubric.criteria.all()}
    missing = set(criteria) - set(scores)
    unknown = set(scores) - set(criteria)
    if missing or unknown:
        raise ValidationFailed(
            _("Score every criterion of the rubric, and only those (%(keys)s).")
            % {"keys": ", ".join(sorted(missing | unknown))},
            field="scores",
        )
    for key, (score, _evidence) in scores.items():
        if not isinstance(score, int) or not 1 <= score <= 4:
            raise ValidationFailed(_("Scores go from 1 to 4."), field=key)
    assessment = MaturityAssessment.objects.create(
        group=group, rubric=rubric, assessed_on=assessed_on, assessed_by=user, notes=notes.strip()
    )
    MaturityScore.objects.bulk_create(
        MaturityScore(
            assessment=assessment, criterion=criteria[key], score=score, evidence=evidence.strip()
        )
        for key, (score, evidence) in scores.items()
    )
    return assessment
