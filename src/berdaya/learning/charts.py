"""The progress chart: target against actual per reporting period (Vega-Lite → SVG)."""

from __future__ import annotations

from django.utils.safestring import SafeString

from berdaya.core import charts


def progress(rows, *, title: str, target_label: str, actual_label: str, unit: str) -> SafeString:
    """rows: [(period label, order, target | None, actual | None)] of exact values."""
    values = []
    for label, order, target, actual in rows:
        if target is not None:
            values.append(
                {"period": label, "order": order, "series": target_label, "value": float(target)}
            )
        if actual is not None:
            values.append(
                {"period": label, "order": order, "series": actual_label, "value": float(actual)}
            )
    spec = {
        "width": charts.WIDTH - 40,
        "height": 160,
        "data": {"values": values},
        "encoding": {
            "x": {
                "field": "period",
                "type": "ordinal",
                "sort": {"field": "order"},
                "title": None,
                "axis": {"labelAngle": -30},
            },
            "y": {"field": "value", "type": "quantitative", "title": unit, "axis": {"grid": True}},
            "color": {
                "field": "series",
                "type": "nominal",
                "scale": {
                    "domain": [target_label, actual_label],
                    "range": ["#888888", charts.ACCENT],
                },
                "title": None,
            },
        },
        "layer": [
            {
                "mark": {"type": "line", "strokeDash": [4, 3]},
                "transform": [{"filter": {"field": "series", "equal": target_label}}],
            },
            {
                "mark": {"type": "line", "point": True},
                "transform": [{"filter": {"field": "series", "equal": actual_label}}],
            },
        ],
    }
    return charts.svg(spec, title=title)
