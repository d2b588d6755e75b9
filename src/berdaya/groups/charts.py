"""A group's mean maturity score over time (Vega-Lite drawn as SVG by `core.charts`)."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from fractions import Fraction

from django.utils.safestring import SafeString

from berdaya.core.charts import ACCENT, WIDTH, svg

from .maturity import STAGES

PLOT_WIDTH = WIDTH - 90


def maturity_over_time(
    points: Sequence[tuple[datetime.date, Fraction]], *, title: str
) -> SafeString:
    """Mean score (1–4) per assessment date, with the stage thresholds as dashed lines."""
    values = [{"date": day.isoformat(), "mean": round(float(mean), 2)} for day, mean in points]
    thresholds = [
        {"at": float(threshold), "stage": str(label)}
        for threshold, _code, label in STAGES
        if threshold > 1
    ]
    x = {
        "field": "date",
        "type": "temporal",
        "title": None,
        "axis": {"format": "%m/%Y", "labelAngle": -30, "tickCount": 4, "labelFontSize": 10},
    }
    y = {
        "field": "mean",
        "type": "quantitative",
        "title": None,
        "scale": {"domain": [1, 4]},
        "axis": {"values": [1, 2, 3, 4], "grid": False},
    }
    spec = {
        "width": PLOT_WIDTH,
        "height": 140,
        "padding": {"left": 5, "top": 5, "bottom": 5, "right": 70},  # room for the stage names
        "layer": [
            {
                "data": {"values": thresholds},
                "mark": {"type": "rule", "strokeDash": [3, 3], "stroke": "#9aa0a6"},
                "encoding": {
                    "y": {"field": "at", "type": "quantitative", "scale": {"domain": [1, 4]}}
                },
            },
            {
                "data": {"values": thresholds},
                "mark": {
                    "type": "text",
                    "align": "left",
                    "dx": 4,
                    "fontSize": 9,
                    "fill": "#6b7075",
                },
                "encoding": {
                    "y": {"field": "at", "type": "quantitative"},
                    "x": {"value": PLOT_WIDTH},
                    "text": {"field": "stage"},
                },
            },
            {
                "data": {"values": values},
                "mark": {
                    "type": "line",
                    "stroke": ACCENT,
                    "strokeWidth": 2,
                    "point": {"filled": True, "fill": ACCENT, "size": 40},
                },
                "encoding": {"x": x, "y": y},
            },
        ],
    }
    return svg(spec, title=title)
