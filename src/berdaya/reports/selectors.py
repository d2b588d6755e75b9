"""What the printed reports show, read through the access rule from the apps that own it.

Nothing here recomputes a measure another app defines: the village social map reads the
same stored aggregates as the village profile (`community.selectors.village_figures`);
the progress report reads participation from `facilitation.selectors`, maturity stages
from `groups`, the dependency ratio from `savings.selectors.money_sources`, indicators from
the results framework and stories from `learning.selectors.msc.shared_stories` (only the
ones whose tellers agreed they may be shared). A paper handed round a village meeting or
to a funder and the pages on screen always agree. Aggregates only, except a story's
teller named where they agreed to be named, and the household card (the family's own).
"""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet

from berdaya.areas.models import Village
from berdaya.community import selectors as community
from berdaya.core.access import get_visible_or_404, grants_for, visible_to
from berdaya.facilitation import selectors as facilitation
from berdaya.facilitation.models import Activity
from berdaya.groups.maturity import STAGES
from berdaya.groups.models import Group
from berdaya.groups.selectors import assessments_of
from berdaya.learning.models import Consent as StoryConsent
from berdaya.learning.models import LearningReview, Story
from berdaya.learning.selectors import msc as msc_selectors
from berdaya.learning.selectors import results as results_selectors
from berdaya.partnerships.selectors import stakeholders_visible_to
from berdaya.programmes.models import Programme
from berdaya.programmes.selectors import programme_villages
from berdaya.programmes.vocabulary import Stage, Strategy
from berdaya.registry import selectors as registry
from berdaya.registry.models import Consent, Household
from berdaya.savings.models import Book
from berdaya.savings.selectors import SourceTotals, money_sources

from .models import GeneratedReport

# -- the village social map ----------------------------------------------------------------


@dataclass
class SocialMap:
    village: Village
    figures: community.VillageFigures
    stakeholders: list

    @property
    def empty(self) -> bool:
        return self.figures.households == 0


def village_social_map(*, user, village_code: str, organisation_id: int | None = None) -> SocialMap:
    """The profil sosial desa of a village the user works in (404 for any other)."""
    village = community.village_for_user(user=user, code=village_code)
    figures = community.village_figures(user=user, village=village, organisation_id=organisation_id)
    stakeholders = list(stakeholders_visible_to(user, organisation_id=organisation_id))
    return SocialMap(village=village, figures=figures, stakeholders=stakeholders)


# -- the programme progress report ---------------------------------------------------------


@dataclass(frozen=True)
class StoryShown:
    """A selected story as the report prints it: the teller named only if they agreed."""

    title: str
    what_happened: str
    why_significant: str
    domain: str
    village: str
    period: str
    selected_at: tuple[str, ...]
    teller: str | None  # None: shared without a name


@dataclass(frozen=True)
class IndicatorLine:
    code: str
    name: str
    unit: str
    period: str
    baseline: object
    target: object
    actual: object
    met: bool | None


@dataclass
class ProgressReport:
    programme: Programme
    start: datetime.date
    end: datetime.date
    villages: list[Village]
    activities: int = 0
    by_stage: list[tuple[str, int]] = field(default_factory=list)
    by_strategy: list[tuple[str, int]] = field(default_factory=list)
    participation: facilitation.Participation = field(default_factory=facilitation.Participation)
    people_reached: int = 0
    groups: int = 0
    groups_new: int = 0  # founded with the programme (did not exist before it)
    by_maturity: list[tuple[str, int]] = field(default_factory=list)  # stage at the period's end
    assessed: int = 0  # maturity assessments made in the period
    money: SourceTotals = field(default_factory=SourceTotals)
    indicators: list[IndicatorLine] = field(default_factory=list)
    stories: list[StoryShown] = field(default_factory=list)
    lessons: list[LearningReview] = field(default_factory=list)

    @property
    def has_money(self) -> bool:
        m = self.money
        return bool(m.internal_money or m.external_money or m.internal_goods or m.external_goods)

    @property
    def empty(self) -> bool:
        """Nothing happened in the period that the report could show."""
        return not (
            self.activities
            or self.has_money
            or self.indicators
            or self.stories
            or self.lessons
            or self.assessed
        )


def report_villages(*, user, programme: Programme) -> list[Village]:
    """The programme's villages whose figures `user` may see (viewers included)."""
    return list(programme_villages(user=user, programme=programme))


def _overlaps(period, start: datetime.date, end: datetime.date) -> bool:
    return period.starts_on <= end and period.ends_on >= start


def _maturity_at(groups: list[Group], start: datetime.date, end: datetime.date):
    """Each group's stage by its latest assessment up to `end` (groups.maturity.stage_of),
    and how many assessments were made from `start` to `end`."""
    stages: Counter = Counter()
    assessed = 0
    for group in groups:
        summaries = [s for s in assessments_of(group) if s.assessment.assessed_on <= end]
        assessed += sum(s.assessment.assessed_on >= start for s in summaries)
        latest = summaries[0] if summaries else None
        stages[latest.stage[0] if latest and latest.stage else "unassessed"] += 1
    return stages, assessed


def _stories(*, user, programme, start, end, codes) -> list[StoryShown]:
    """Stories chosen by a panel, collected in the period, whose tellers agreed to share them
    (`shared_stories` drops every "not to be shared" story); named only with that consent."""
    shared = [
        s for s in msc_selectors.shared_stories(user=user, programme=programme) if s.selected_at
    ]
    rows = {
        story.pk: story
        for story in Story.objects.filter(
            pk__in=[s.pk for s in shared], collected_on__range=(start, end), village_id__in=codes
        ).select_related("storyteller")
    }
    shown = []
    for story in shared:
        row = rows.get(story.pk)
        if row is None:
            continue
        teller = None
        if row.consent == StoryConsent.NAMED:
            teller = (row.storyteller.name if row.storyteller else row.storyteller_name) or None
        shown.append(
            StoryShown(
                story.title,
                story.what_happened,
                story.why_significant,
                story.domain,
                story.village,
                story.period,
                story.selected_at,
                teller,
            )
        )
    return shown


def _indicators(*, user, programme, start, end, codes) -> list[IndicatorLine]:
    lines = []
    for node in results_selectors.framework(user=user, programme=programme):
        for row in node.rows:
            if row.indicator.village_id and row.indicator.village_id not in codes:
                continue  # a village's own indicator, of a village the report leaves out
            for cell in row.cells:
                if not _overlaps(cell.period, start, end):
                    continue
                if cell.target is None and cell.actual is None:
                    continue
                lines.append(
                    IndicatorLine(
                        node.node.code,
                        row.indicator.name,
                        row.indicator.unit,
                        cell.period.label,
                        row.baseline,
                        cell.target,
                        cell.actual,
                        row.met(cell),
                    )
                )
    return lines


def progress_report(
    *,
    user,
    programme: Programme,
    start: datetime.date,
    end: datetime.date,
    codes: frozenset[str] | None = None,
    progress=None,
) -> ProgressReport:
    """The programme's progress from `start` to `end` (both included) over the villages
    `user` may see (or `codes`, a part of them). `progress(percent)` is told as it goes."""
    say = progress or (lambda percent: None)
    villages = [v for v in report_villages(user=user, programme=programme)]
    if codes is not None:
        villages = [v for v in villages if v.code in codes]
    village_codes = [v.code for v in villages]
    report = ProgressReport(programme=programme, start=start, end=end, villages=villages)
    # Activities: the same rows the participation page counts (viewers too: no names).
    activities = list(
        Activity.objects.filter(
            programme=programme, village_id__in=village_codes, held_on__range=(start, end)
        )
        .prefetch_related("guests")
        .order_by("held_on", "pk")
    )
    report.activities = len(activities)
    stages = Counter(a.stage for a in activities)
    report.by_stage = [(str(label), stages[code]) for code, label in Stage.choices]
    strategies = Counter(s for a in activities for s in a.strategies)
    report.by_strategy = [(str(label), strategies[code]) for code, label in Strategy.choices]
    report.participation = facilitation.participation(activities)
    report.people_reached = facilitation.people_reached(activities)
    say(30)
    groups = list(
        Group.objects.filter(
            programme=programme, village_id__in=village_codes, is_active=True
        ).filter(Q(founded_on__isnull=True) | Q(founded_on__lte=end))
    )
    report.groups = len(groups)
    report.groups_new = sum(not g.existed_before_programme for g in groups)
    maturity, report.assessed = _maturity_at(groups, start, end)
    report.by_maturity = [(str(label), maturity[code]) for _t, code, label in reversed(STAGES)]
    if maturity["unassessed"]:
        report.by_maturity.append(("unassessed", maturity["unassessed"]))
    say(55)
    books = Book.objects.filter(programme=programme, village_id__in=village_codes)
    report.money = money_sources(
        user=user, programme=programme.pk, books=books, since=start, until=end
    )
    report.indicators = _indicators(
        user=user, programme=programme, start=start, end=end, codes=village_codes
    )
    say(75)
    report.stories = _stories(
        user=user, programme=programme, start=start, end=end, codes=village_codes
    )
    report.lessons = list(
        visible_to(
            user,
            LearningReview.objects.filter(programme=programme, held_on__range=(start, end)),
        )
        .filter(covers__in=village_codes)
        .distinct()
        .order_by("held_on", "pk")
    )
    say(90)
    return report


# -- the household card --------------------------------------------------------------------


@dataclass
class HouseholdCard:
    household: Household
    record: registry.HouseholdRecordView
    printed_on: datetime.date


def household_for_card(*, user, pk: int) -> Household:
    """A household whose personal data `user` may see (404 for any other, viewers included)."""
    return registry.household_get(user=user, pk=pk)


def card_consent(household: Household) -> Consent | None:
    """The household's standing consent to mapping, which covers showing the family the
    data mapped about them; None if it never gave one or withdrew it."""
    return (
        household.consents.filter(purpose=Consent.Purpose.MAPPING, withdrawn_on__isnull=True)
        .order_by("-given_on", "-pk")
        .first()
    )


def household_card(household: Household, *, today: datetime.date) -> HouseholdCard:
    record = registry.household_record(household)
    for person in record.present:
        person.age = facilitation.years_old(person.birth_date, today)
    return HouseholdCard(household=household, record=record, printed_on=today)


# -- the generated reports -----------------------------------------------------------------


def reports_visible_to(user) -> QuerySet[GeneratedReport]:
    """Reports `user` may download: of their organisation, and only when every village the
    report covers is one of theirs (a report over more villages holds figures of villages
    they do not work in)."""
    through = GeneratedReport.covers.through
    condition = Q(pk__in=[])
    for grant in grants_for(user):
        outside = through.objects.exclude(village_id__in=grant.village_codes)
        condition |= Q(organisation_id=grant.organisation_id) & ~Q(
            pk__in=outside.values("generatedreport_id")
        )
    return visible_to(user, GeneratedReport.objects.filter(condition)).select_related(
        "programme", "village", "requested_by"
    )


def reports_of(*, user, programme: Programme) -> QuerySet[GeneratedReport]:
    return reports_visible_to(user).filter(programme=programme)


def report_get(*, user, pk: int) -> GeneratedReport:
    return get_visible_or_404(user, reports_visible_to(user), pk=pk)
