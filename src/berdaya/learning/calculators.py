"""Indicators Berdaya computes from its own data: a small base class and a registry.

Each calculator reads the stored figures of one programme (and one village, or all of
them) for one reporting period and returns an exact `Value`. A refresh stores it with the
moment it was read ("as of"), so a page never shows a number without its date.
"""

from __future__ import annotations

import datetime
from abc import ABC, abstractmethod

from django.utils.translation import gettext_lazy as _

from .arithmetic import Value


class Calculator(ABC):
    key: str
    label: str
    kind: str  # Indicator.Kind
    unit: str
    needs_village = False
    source_note: str = ""

    @abstractmethod
    def compute(self, *, programme, village_codes: list[str], period) -> Value: ...


class MPIHeadcount(Calculator):
    """H: the share of people living in multidimensionally poor households (global MPI).

    Counted exactly: people of poor or severely poor households ÷ people of households
    whose status is known, from each household's latest survey (registry indicators)."""

    key = "mpi_headcount"
    label = _("MPI headcount (H): share of people who are poor")
    kind = "percent"
    unit = "%"
    needs_village = True

    def compute(self, *, programme, village_codes, period) -> Value:
        from berdaya.registry.indicators import PovertyStatus, household_table, poverty
        from berdaya.registry.models import Household

        households = Household.objects.filter(
            organisation_id=programme.organisation_id,
            village_id__in=village_codes,
            status=Household.Status.ACTIVE,
        )
        table = household_table(households)
        if table.empty:
            return Value(0, 1)
        statuses = poverty(table)
        sizes = dict(zip(table["household_id"], table["household_size"], strict=True))
        known = {pk: s for pk, s in statuses.items() if s.status != PovertyStatus.UNKNOWN}
        people = sum(int(sizes[pk]) for pk in known)
        poor = sum(int(sizes[pk]) for pk, s in known.items() if s.is_poor)
        return Value(poor, people or 1)


class WomenAmongDeciders(Calculator):
    """Of the people who took part in a decision at an activity of the period, the share
    who are women (each person counted once)."""

    key = "women_deciders"
    label = _("Share of women among those who decided")
    kind = "percent"
    unit = "%"

    def compute(self, *, programme, village_codes, period) -> Value:
        from berdaya.facilitation.models import Attendance

        rows = (
            Attendance.objects.filter(
                activity__programme=programme,
                activity__village_id__in=village_codes,
                activity__held_on__range=(period.starts_on, period.ends_on),
                decided=True,
            )
            .values_list("person_id", "person__sex")
            .distinct()
        )
        people = dict(rows)
        return Value(sum(1 for sex in people.values() if sex == "P"), len(people) or 1)


class GroupsMaturing(Calculator):
    """Of the programme's active groups assessed by the end of the period, the share whose
    latest assessment puts them at "maturing" or "independent" (groups.maturity)."""

    key = "groups_maturing"
    label = _("Share of groups maturing or independent")
    kind = "percent"
    unit = "%"

    def compute(self, *, programme, village_codes, period) -> Value:
        from berdaya.groups.maturity import stage_of
        from berdaya.groups.models import MaturityAssessment

        latest = {}
        for assessment in (
            MaturityAssessment.objects.filter(
                group__programme=programme,
                group__village_id__in=village_codes,
                group__is_active=True,
                assessed_on__lte=period.ends_on,
            )
            .order_by("group_id", "assessed_on", "pk")
            .prefetch_related("scores")
        ):
            latest[assessment.group_id] = assessment
        mature = 0
        for assessment in latest.values():
            stage = stage_of([s.score for s in assessment.scores.all()])
            mature += bool(stage and stage[0] in ("maturing", "independent"))
        return Value(mature, len(latest) or 1)


class StoriesFedBack(Calculator):
    """Of the period's stories of change, the share whose storyteller was told back."""

    key = "stories_fed_back"
    label = _("Share of stories fed back to their storytellers")
    kind = "percent"
    unit = "%"

    def compute(self, *, programme, village_codes, period) -> Value:
        from .models import Story, StoryFeedback

        stories = Story.objects.filter(
            programme=programme, period=period, village_id__in=village_codes
        )
        told = (
            stories.filter(feedback__audience=StoryFeedback.Audience.STORYTELLER).distinct().count()
        )
        return Value(told, stories.count() or 1)


class DependencyRatio(Calculator):
    """People under 15 or 65 and over per person aged 15–64 (BPS's age-dependency ratio,
    here as an exact fraction; ×100 gives the usual "per 100")."""

    key = "dependency_ratio"
    label = _("Age-dependency ratio")
    kind = "ratio"
    unit = _("dependants per working-age person")
    needs_village = True

    def compute(self, *, programme, village_codes, period) -> Value:
        from berdaya.registry.models import Person

        on = min(period.ends_on, datetime.date.today())
        young = old = working = 0
        for birth in Person.objects.filter(
            organisation_id=programme.organisation_id,
            household__village_id__in=village_codes,
            status=Person.Status.PRESENT,
            birth_date__isnull=False,
        ).values_list("birth_date", flat=True):
            age = on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))
            if age < 15:
                young += 1
            elif age >= 65:
                old += 1
            else:
                working += 1
        return Value(young + old, working or 1)


CALCULATORS: dict[str, Calculator] = {
    c.key: c
    for c in (
        MPIHeadcount(),
        WomenAmongDeciders(),
        GroupsMaturing(),
        StoriesFedBack(),
        DependencyRatio(),
    )
}
