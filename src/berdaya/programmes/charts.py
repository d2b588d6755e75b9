"""The programme timeline: phases by 5P stage over the years (Vega-Lite drawn as SVG)."""

from __future__ import annotations

import datetime
from collections.abc import Sequence

from django.utils.safestring import SafeString

from berdaya.core.charts import ACCENT, WIDTH, svg

from .vocabulary import Stage

STAGE_COLOURS = ["#2f6db5", "#1f7a4d", "#b26b00", "#7a3fb2", "#c2427a"]


def timeline(
    phases: Sequence, *, start: datetime.date, end: datetime.date, today: datetime.date, title: str
) -> SafeString:
    """Bars from each phase's start to its end, one row per 5P stage, a line at today."""
    # The stages' own (Indonesian) names: short, and the same in both languages.
    names = {code: code.capitalize() for code in Stage.values}
    labels = list(names.values())
    values = [
        {
            "stage": names[p.stage],
            "from": p.starts_on.isoformat(),
            "to": (p.ends_on + datetime.timedelta(days=1)).isoformat(),
        }
        for p in phases
    ]
    x = {
        "field": "from",
        "type": "temporal",
        "title": None,
        "scale": {"domain": [start.isoformat(), end.isoformat()]},
        "axis": {"format": "%Y", "tickCount": {"interval": "year"}, "grid": True},
    }
    layers = [
        {
            "data": {"values": values},
            "mark": {"type": "bar", "cornerRadius": 2, "height": {"band": 0.7}},
            "encoding": {
                "y": {
                    "field": "stage",
                    "type": "nominal",
                    "sort": labels,
                    "scale": {"domain": labels},
                    "title": None,
                    "axis": {"labelLimit": 100, "labelFontSize": 10, "labelPadding": 4},
                },
                "x": x,
                "x2": {"field": "to"},
                "color": {
                    "field": "stage",
                    "type": "nominal",
                    "scale": {"domain": labels, "range": STAGE_COLOURS},
                    "legend": None,
                },
            },
        }
    ]
    if start <= today <= end:
        layers.append(
            {
                "data": {"values": [{"from": today.isoformat()}]},
                "mark": {
                    "type": "rule",
                    "stroke": ACCENT,
                    "strokeDash": [4, 3],
                    "strokeWidth": 1.5,
                },
                "encoding": {"x": x},
            }
        )
    spec = {"width": WIDTH - 95, "height": 22 * len(labels), "layer": layers}
    return svg(spec, title=title)


TREND_COLOURS = ["#1f7a4d", "#2f6db5", "#b26b00", "#c2427a", "#7a3fb2", "#5b6770"]


def trend(rows: Sequence[tuple[str, str, float | None]], *, title: str, axis: str) -> SafeString:
    """Lines across survey rounds: rows of (round name, measure label, value); the rounds
    in the order given, one line per measure, a point at every round with a value."""
    rounds = list(dict.fromkeys(name for name, _m, _v in rows))
    measures = list(dict.fromkeys(measure for _r, measure, _v in rows))
    values = [
        {"round": name, "measure": measure, "value": value}
        for name, measure, value in rows
        if value is not None
    ]
    spec = {
        "width": WIDTH - 40,
        "height": 160,
        "data": {"values": values},
        "mark": {"type": "line", "point": True},
        "encoding": {
            "x": {
                "field": "round",
                "type": "ordinal",
                "sort": rounds,
                "title": None,
                "axis": {"labelAngle": 0, "labelLimit": 90},
            },
            "y": {"field": "value", "type": "quantitative", "title": axis},
            "color": {
                "field": "measure",
                "type": "nominal",
                "title": None,
                "sort": measures,
                "scale": {"domain": measures, "range": TREND_COLOURS[: len(measures)]},
            },
        },
    }
    return svg(spec, title=title)
