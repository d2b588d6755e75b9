"""Reads for the public page: the figures, from stored figures only, and the page itself.

`figures_compute` reads the registry's stored village figures
(`registry.VillageRegistryFigures`, through `registry.figures.village_rows`), the groups'
latest maturity assessments, the savings books' ratio sets and `money_sources`, and the
stories whose storytellers agreed to sharing. No household row is read: the only counts
of people are distinct member households of groups (for suppression). Each figure is a
cell with the households it comes from (`suppression.cell`).
"""

from __future__ import annotations

import datetime

from django.db.models import QuerySet
from django.http import Http404

from berdaya.core.masking import mask_identifiers

from .models import PublicFigures, PublicPage
from .suppression import cell

FIGURES_VERSION = 1
STORIES_SHOWN = 6
# The stages of groups.maturity, most mature first, then groups never assessed.
STAGE_ORDER = ("independent", "maturing", "developing", "forming", "not_assessed")


def public_page_get(*, slug: str) -> PublicPage:
    """A published page by its address; 404 for one that does not exist or is switched off."""
    page = PublicPage.objects.select_related("programme").filter(slug=slug, enabled=True).first()
    if page is None:
        raise Http404
    return page


def public_page_of(programme) -> PublicPage | None:
    return PublicPage.objects.filter(programme=programme).first()


def figures_history(programme) -> QuerySet[PublicFigures]:
    return PublicFigures.objects.filter(programme=programme).order_by("taken_on")


def _member_households(group_ids) -> int:
    from berdaya.groups.models import GroupMember

    return (
        GroupMember.objects.filter(group_id__in=list(group_ids), left_on__isnull=True)
        .values("person__household_id")
        .distinct()
        .count()
    )


def _villages(programme) -> tuple[list[dict], dict[str, int]]:
    from berdaya.areas.models import Village
    from berdaya.registry.figures import village_rows

    codes = list(programme.villages.values_list("code", flat=True))
    names = dict(Village.objects.filter(code__in=codes).values_list("code", "name"))
    rows = village_rows(organisation_id=programme.organisation_id, codes=codes)
    villages = []
    mapped = {}
    for row in rows:
        mpi = row.figures.get("mpi") or {}
        by_status = mpi.get("by_status") or {}
        known = int(mpi.get("households") or 0)
        poor = int(by_status.get("severe", 0)) + int(by_status.get("poor", 0))
        mapped[row.village_id] = row.households
        villages.append(
            {
                "code": row.village_id,
                "name": names.get(row.village_id, row.village_id),
                "households": cell(row.households, row.households),
                # H of the global MPI: the share of people in poor households (0..1).
                "headcount": cell(mpi.get("headcount"), known),
                "poor_households": cell([poor, known], known),
            }
        )
    return villages, mapped


def _groups(programme) -> dict:
    from berdaya.groups.maturity import stage_of
    from berdaya.groups.models import Group, MaturityAssessment

    group_ids = list(
        Group.objects.filter(programme=programme, is_active=True).values_list("pk", flat=True)
    )
    stage_of_group = dict.fromkeys(group_ids, "not_assessed")
    for assessment in (
        MaturityAssessment.objects.filter(group_id__in=group_ids)
        .order_by("group_id", "assessed_on", "pk")
        .prefetch_related("scores")
    ):
        stage = stage_of([s.score for s in assessment.scores.all()])
        stage_of_group[assessment.group_id] = stage[0] if stage else "not_assessed"
    by_stage = {}
    for code in STAGE_ORDER:
        ids = [pk for pk, stage in stage_of_group.items() if stage == code]
        if ids:
            by_stage[code] = cell(len(ids), _member_households(ids))
    return {"total": cell(len(group_ids), _member_households(group_ids)), "by_stage": by_stage}


def _money(programme, mapped: dict[str, int]) -> dict:
    from berdaya.savings.models import Book
    from berdaya.savings.selectors import group_measures, money_sources

    books = list(Book.objects.filter(programme=programme).select_related("group"))
    savings_by_village: dict[str, list] = {}
    for book in books:
        if book.kind != Book.Kind.SAVINGS or book.group_id is None:
            continue
        ratios = group_measures(book)
        amount = ratios.savings if ratios else 0
        entry = savings_by_village.setdefault(book.village_id, [0, set()])
        entry[0] += int(amount)
        entry[1].add(book.group_id)
    savings = {
        code: cell(amount, _member_households(groups))
        for code, (amount, groups) in sorted(savings_by_village.items())
    }
    all_savings_groups = set().union(*(g for _a, g in savings_by_village.values()))
    savings_total = cell(
        sum(a for a, _g in savings_by_village.values()), _member_households(all_savings_groups)
    )
    # A village fund is the whole village's: its households are the village's mapped ones.
    money_households = _member_households({b.group_id for b in books if b.group_id}) + sum(
        mapped.get(code, 0) for code in {b.village_id for b in books if b.group_id is None}
    )
    sources = money_sources(programme=programme.pk)
    by_year = {}
    for year, totals in sorted(sources.by_year.items()):
        external = totals.external_money + totals.external_goods
        whole = external + totals.internal_money + totals.internal_goods
        by_year[str(year)] = cell([external, whole], money_households)
    return {
        "savings": savings_total,
        "savings_by_village": savings,
        "dependency_by_year": by_year,
    }


def _stories(programme) -> list[dict]:
    """Stories whose storytellers agreed to sharing them beyond the village. Never a name:
    not even with "named" consent, which is a consent to the programme, not to the web."""
    from berdaya.learning.models import Consent, Story

    stories = (
        Story.objects.filter(programme=programme, consent__in=[Consent.NAMED, Consent.ANONYMOUS])
        .select_related("domain", "village")
        .order_by("-collected_on", "-pk")[:STORIES_SHOWN]
    )
    return [
        {
            "title": mask_identifiers(story.title),
            "domain": story.domain.label,
            "village": story.village.name,
            "collected_on": story.collected_on.isoformat(),
            "what_happened": mask_identifiers(story.what_happened),
            "why_significant": mask_identifiers(story.why_significant),
        }
        for story in stories
    ]


def figures_compute(programme, *, today: datetime.date) -> dict:
    """Everything the public page shows about `programme`, each figure as a cell."""
    villages, mapped = _villages(programme)
    total = sum(mapped.values())
    known = sum(v["poor_households"]["households"] for v in villages)
    poor = sum(v["poor_households"]["value"][0] for v in villages)
    return {
        "version": FIGURES_VERSION,
        "computed_on": today.isoformat(),
        "households": cell(total, total),
        "poor_households": cell([poor, known], known),
        "villages": villages,
        "groups": _groups(programme),
        "money": _money(programme, mapped),
        "stories": _stories(programme),
    }


def measured_part(figures: dict) -> dict:
    """The part of the figures that makes a new measurement when it changes."""
    return {key: value for key, value in figures.items() if key not in ("computed_on",)}
