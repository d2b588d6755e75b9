"""What a viewer (a funder, a district office) sees where others see rows: counts.

Viewers may see aggregates of the programme's villages, never the personal rows behind
them (activities with their attendance, groups with their members, plans with their
votes). Each list page asks here for figures to show in place of an empty list.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from .access import count_visible_to, counts_by_visible_to, village_codes_for


@dataclass
class FigureTable:
    title: str
    total: int
    rows: list[tuple[str, int]]


def is_viewer(user) -> bool:
    """Programme data only, no personal rows, in at least one village."""
    return bool(village_codes_for(user)) and not village_codes_for(user, personal=True)


def _labelled(counts: dict, choices) -> list[tuple[str, int]]:
    labels = dict(choices)
    return [(str(labels.get(code, code)), n) for code, n in counts.items() if n]


def _by_village(user, queryset, path: str) -> list[tuple[str, int]]:
    from berdaya.areas.models import Village

    counts = counts_by_visible_to(user, queryset, path)
    names = dict(Village.objects.filter(code__in=list(counts)).values_list("code", "name"))
    return sorted(((names.get(code, code), n) for code, n in counts.items()), key=str)


def activity_figures(user, activities) -> list[FigureTable]:
    from berdaya.facilitation.models import Activity

    total = count_visible_to(user, activities)
    return [
        FigureTable(_("Activities by village"), total, _by_village(user, activities, "village")),
        FigureTable(
            _("Who initiated them"),
            total,
            _labelled(
                counts_by_visible_to(user, activities, "initiated_by"), Activity.Initiator.choices
            ),
        ),
        FigureTable(
            _("Kind of activity"),
            total,
            _labelled(counts_by_visible_to(user, activities, "kind"), Activity.Kind.choices),
        ),
    ]


def group_figures(user, groups) -> list[FigureTable]:
    from berdaya.groups.models import Group

    total = count_visible_to(user, groups)
    existed = counts_by_visible_to(user, groups, "existed_before_programme")
    return [
        FigureTable(_("Groups by village"), total, _by_village(user, groups, "village")),
        FigureTable(
            _("Kind of group"),
            total,
            _labelled(counts_by_visible_to(user, groups, "kind"), Group.Kind.choices),
        ),
        FigureTable(
            _("Groups and the programme"),
            total,
            [
                (_("existed before the programme"), existed.get(True, 0)),
                (_("new with the programme"), existed.get(False, 0)),
            ],
        ),
    ]


def plan_figures(user, cycles) -> list[FigureTable]:
    from berdaya.planning.models import PlanningCycle

    total = count_visible_to(user, cycles)
    return [
        FigureTable(_("Plans by village"), total, _by_village(user, cycles, "village")),
        FigureTable(
            _("Where the plans are"),
            total,
            _labelled(counts_by_visible_to(user, cycles, "step"), PlanningCycle.Step.choices),
        ),
    ]


def household_figures(user, households) -> list[FigureTable]:
    total = count_visible_to(user, households)
    return [
        FigureTable(_("Households by village"), total, _by_village(user, households, "village"))
    ]
