"""Reads of Most Significant Change: stories as each user may see them, the panels'
candidates, the secondary analysis and meta-monitoring (step 9).

Who sees a story's text and teller:

* facilitators, managers and admins of its village (the access rule, `Story` is personal):
  the whole story; the teller's name only when they agreed to be named;
* viewers (funders): only stories whose tellers agreed they may be shared, de-identified
  (no name, no registry link, no photo or recording) — `shared_stories`;
* nobody outside the village sees a story marked "not to be shared".
"""

from __future__ import annotations

import datetime
import statistics
from collections import Counter
from dataclasses import dataclass, field
from fractions import Fraction

from django.db.models import Min, Prefetch, QuerySet

from berdaya.core.access import get_visible_or_404, village_codes_for, visible_to
from berdaya.facilitation.selectors import age_band, poverty_statuses
from berdaya.programmes.models import Programme

from ..models import (
    Consent,
    Panel,
    ReportingPeriod,
    Selection,
    Story,
    StoryFeedback,
)
from ..services.msc import candidates_for


def stories_visible_to(user) -> QuerySet[Story]:
    return visible_to(
        user, Story.objects.select_related("village", "period", "domain", "storyteller")
    )


def story_get(*, user, pk: int) -> Story:
    return get_visible_or_404(
        user,
        Story.objects.select_related(
            "village", "period", "domain", "storyteller__household", "collected_by", "programme"
        ).prefetch_related(
            "attachments",
            Prefetch("feedback", queryset=StoryFeedback.objects.select_related("told_by")),
            "verifications",
            Prefetch(
                "selections", queryset=Selection.objects.select_related("panel__period", "domain")
            ),
        ),
        pk=pk,
    )


def programme_stories(*, user, programme: Programme, village: str = "", period_id=None):
    stories = stories_visible_to(user).filter(programme=programme)
    if village:
        stories = stories.filter(village_id=village)
    if period_id:
        stories = stories.filter(period_id=period_id)
    return stories


@dataclass(frozen=True)
class SharedStory:
    """A story as a viewer may read it: no name, no registry link, no attachment."""

    pk: int
    title: str
    what_happened: str
    why_significant: str
    domain: str
    village: str
    period: str
    selected_at: tuple[str, ...]


def shared_stories(*, user, programme: Programme) -> list[SharedStory]:
    """Stories the tellers agreed may be shared, in the user's programme villages."""
    codes = village_codes_for(user, organisation_id=programme.organisation_id)
    rows = (
        Story.objects.filter(
            programme=programme,
            village_id__in=codes,
            consent__in=[Consent.NAMED, Consent.ANONYMOUS],
        )
        .select_related("domain", "village", "period")
        .prefetch_related(
            Prefetch("selections", queryset=Selection.objects.select_related("panel"))
        )
        .order_by("-collected_on", "-pk")
    )
    return [
        SharedStory(
            s.pk,
            s.title,
            s.what_happened,
            s.why_significant,
            s.domain.label,
            s.village.name,
            s.period.label,
            tuple(sorted({sel.panel.get_level_display() for sel in s.selections.all()})),
        )
        for s in rows
    ]


def panels_of(*, user, programme: Programme) -> QuerySet[Panel]:
    return (
        visible_to(user, Panel.objects.filter(programme=programme))
        .select_related("period", "village")
        .prefetch_related(
            "members",
            Prefetch(
                "selections", queryset=Selection.objects.select_related("domain", "story__village")
            ),
        )
        .order_by("-period__starts_on", "level", "pk")
    )


def panel_get(*, user, pk: int) -> Panel:
    return get_visible_or_404(
        user,
        Panel.objects.select_related("period", "village", "programme").prefetch_related("members"),
        pk=pk,
    )


def panel_candidates(*, user, panel: Panel) -> dict[int, list[Story]]:
    """Per domain id, the stories the panel may choose from that this user may read."""
    readable = set(stories_visible_to(user).values_list("pk", flat=True))
    result: dict[int, list[Story]] = {}
    for story in candidates_for(panel).select_related("domain", "village", "storyteller"):
        if story.pk in readable:
            result.setdefault(story.domain_id, []).append(story)
    return result


def periods_of(programme: Programme) -> QuerySet[ReportingPeriod]:
    return programme.reporting_periods.order_by("starts_on", "pk")


# -- secondary analysis ------------------------------------------------------------------------


@dataclass
class StoryAnalysis:
    """Counts of stories by what they are about and who told them (step 9)."""

    total: int = 0
    by_domain: Counter = field(default_factory=Counter)
    by_village: Counter = field(default_factory=Counter)
    by_sex: Counter = field(default_factory=Counter)
    by_age_band: Counter = field(default_factory=Counter)
    by_poverty: Counter = field(default_factory=Counter)
    by_stage: Counter = field(default_factory=Counter)
    by_strategy: Counter = field(default_factory=Counter)
    themes: Counter = field(default_factory=Counter)
    selected: int = 0
    people_affected: int = 0
    households_affected: int = 0

    @property
    def recurring_themes(self) -> list[tuple[str, int]]:
        """Themes in two stories or more, most frequent first."""
        return sorted(
            ((t, n) for t, n in self.themes.items() if n >= 2), key=lambda item: (-item[1], item[0])
        )


def _teller(story: Story) -> tuple[str, str | None, int | None]:
    """(sex, age band, household id) of the storyteller, from the registry when linked."""
    if story.storyteller_id:
        person = story.storyteller
        return person.sex, age_band(person.birth_date, story.collected_on), person.household_id
    band = None
    if story.storyteller_age is not None:
        birth = datetime.date(story.collected_on.year - story.storyteller_age, 1, 1)
        band = age_band(birth, datetime.date(story.collected_on.year, 1, 1))
    return story.storyteller_sex or "unknown", band, None


def story_analysis(stories) -> StoryAnalysis:
    """Figures over `stories` (already limited to what the user may count)."""
    stories = list(stories.select_related("storyteller", "domain", "village"))
    result = StoryAnalysis(total=len(stories))
    tellers = {s.pk: _teller(s) for s in stories}
    poverty = poverty_statuses({hh for _s, _b, hh in tellers.values() if hh})
    selected = set(
        Selection.objects.filter(story__in=[s.pk for s in stories]).values_list(
            "story_id", flat=True
        )
    )
    for story in stories:
        sex, band, household = tellers[story.pk]
        result.by_domain[story.domain.label] += 1
        result.by_village[story.village.name] += 1
        result.by_sex[sex] += 1
        result.by_age_band[band or "unknown"] += 1
        result.by_poverty[poverty.get(household, "unknown") if household else "unknown"] += 1
        result.by_stage[story.stage or "unknown"] += 1
        for strategy in story.strategies or ["unknown"]:
            result.by_strategy[strategy] += 1
        result.themes.update(story.themes)
        result.selected += story.pk in selected
        result.people_affected += story.people_affected or 0
        result.households_affected += story.households_affected or 0
    return result


def countable_stories(*, user, programme: Programme) -> QuerySet[Story]:
    """Stories a user may *count* (viewers included): their programme villages."""
    codes = village_codes_for(user, organisation_id=programme.organisation_id)
    return Story.objects.filter(programme=programme, village_id__in=codes)


# -- meta-monitoring ---------------------------------------------------------------------------


@dataclass(frozen=True)
class PeriodMonitoring:
    period: ReportingPeriod
    stories: int
    fed_back: int  # stories whose storyteller was told
    selected: int  # stories chosen by at least one panel
    median_days_to_feedback: float | None  # capture → first feedback to the storyteller
    longest_days_to_feedback: int | None

    @property
    def fed_back_share(self) -> Fraction | None:
        return Fraction(self.fed_back, self.stories) if self.stories else None


def meta_monitoring(*, user, programme: Programme) -> list[PeriodMonitoring]:
    """Per period: how many stories, how many told back to their tellers, and how fast."""
    stories = countable_stories(user=user, programme=programme)
    rows = []
    for period in periods_of(programme):
        in_period = stories.filter(period=period)
        first_told = dict(
            in_period.filter(feedback__audience=StoryFeedback.Audience.STORYTELLER)
            .annotate(first=Min("feedback__told_on"))
            .values_list("pk", "first")
        )
        collected = dict(in_period.values_list("pk", "collected_on"))
        days = sorted((first_told[pk] - collected[pk]).days for pk in first_told)
        rows.append(
            PeriodMonitoring(
                period=period,
                stories=len(collected),
                fed_back=len(first_told),
                selected=in_period.filter(selections__isnull=False).distinct().count(),
                median_days_to_feedback=statistics.median(days) if days else None,
                longest_days_to_feedback=days[-1] if days else None,
            )
        )
    return rows
