"""From kept figures to what the public page prints: every number passes suppression here.

The page template receives only `Shown` values (already formatted) and plain labels; it
never sees a cell, so it cannot print a figure the threshold hid.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from fractions import Fraction

from berdaya.savings.templatetags.savings import rupiah

from .suppression import HIDDEN, Shown, show, show_breakdown


def _percent(value: Fraction | float | None) -> str | None:
    if value is None:
        return None
    return f"{float(value) * 100:.1f} %".replace(".", ",")


def _share(pair) -> str | None:
    part, whole = pair
    return _percent(Fraction(part, whole)) if whole else None


def _number(value) -> str | None:
    return None if value is None else f"{int(value):,}".replace(",", ".")


def _fmt(shown: Shown, formatter) -> Shown:
    if shown.suppressed or shown.value is None:
        return shown
    return Shown(formatter(shown.value))


@dataclass
class VillageLine:
    name: str
    households: Shown
    headcount: Shown
    poor_share: Shown


@dataclass
class Measurement:
    taken_on: datetime.date
    poor_share: Shown
    villages: list[tuple[str, Shown]]  # (village name, H)


@dataclass
class PageFigures:
    computed_on: datetime.date
    households: Shown
    poor_share: Shown
    villages: list[VillageLine]
    measurements: list[Measurement]  # oldest first; one means this is the first
    groups_total: Shown
    stages: list[tuple[str, Shown]]
    savings_total: Shown
    savings_by_village: list[tuple[str, Shown]]
    dependency_by_year: list[tuple[str, Shown]]
    stories: list[dict] = field(default_factory=list)
    any_suppressed: bool = False


def _village_lines(figures: dict) -> list[VillageLine]:
    villages = figures.get("villages", [])
    # A village of fewer than ten households shows nothing at all. Each column is a
    # breakdown of a printed total, so a lone hidden cell hides the next smallest too.
    by_code = {
        name: show_breakdown({v["code"]: v[name] for v in villages})
        for name in ("households", "headcount", "poor_households")
    }
    lines = []
    for village in villages:
        code = village["code"]
        hidden = by_code["households"][code].suppressed
        lines.append(
            VillageLine(
                name=village["name"],
                households=HIDDEN if hidden else _fmt(by_code["households"][code], _number),
                headcount=HIDDEN if hidden else _fmt(by_code["headcount"][code], _percent),
                poor_share=HIDDEN if hidden else _fmt(by_code["poor_households"][code], _share),
            )
        )
    return lines


def _measurement(row, names: list[str]) -> Measurement:
    """One kept measurement, its villages in the order of the latest one (a village
    that was not in the programme then shows "—")."""
    headcounts = {line.name: line.headcount for line in _village_lines(row.figures)}
    return Measurement(
        taken_on=row.taken_on,
        poor_share=_fmt(show(row.figures["poor_households"]), _share),
        villages=[(name, headcounts.get(name, Shown())) for name in names],
    )


def _names(figures: dict) -> dict[str, str]:
    return {v["code"]: v["name"] for v in figures.get("villages", [])}


def page_figures(latest, history, *, stage_labels: dict[str, str]) -> PageFigures:
    """`latest` and `history` are `PublicFigures` rows (history oldest first, latest in it)."""
    figures = latest.figures
    groups = figures["groups"]
    money = figures["money"]
    stages = show_breakdown(groups["by_stage"])
    savings = show_breakdown(money["savings_by_village"])
    names = _names(figures)
    villages = _village_lines(figures)
    result = PageFigures(
        computed_on=latest.taken_on,
        households=_fmt(show(figures["households"]), _number),
        poor_share=_fmt(show(figures["poor_households"]), _share),
        villages=villages,
        measurements=[_measurement(row, [line.name for line in villages]) for row in history],
        groups_total=_fmt(show(groups["total"]), _number),
        stages=[
            (stage_labels.get(code, code), _fmt(shown, _number)) for code, shown in stages.items()
        ],
        savings_total=_fmt(show(money["savings"]), rupiah),
        savings_by_village=[
            (names.get(code, code), _fmt(shown, rupiah)) for code, shown in savings.items()
        ],
        dependency_by_year=[
            (year, _fmt(show(item), _share)) for year, item in money["dependency_by_year"].items()
        ],
        stories=figures.get("stories", []),
    )
    result.any_suppressed = any(s.suppressed for s in shown_values(result))
    return result


def shown_values(page: PageFigures) -> list[Shown]:
    """Every figure the page prints (for the suppression note and the tests)."""
    values = [page.households, page.poor_share, page.groups_total, page.savings_total]
    for line in page.villages:
        values += [line.households, line.headcount, line.poor_share]
    for measurement in page.measurements:
        values.append(measurement.poor_share)
        values += [shown for _name, shown in measurement.villages]
    for group in (page.stages, page.savings_by_village, page.dependency_by_year):
        values += [shown for _label, shown in group]
    return values
