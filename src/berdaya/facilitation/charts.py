"""Charts of participation over time (Vega-Lite specs drawn as SVG by `core.charts`)."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.safestring import SafeString

from berdaya.core.charts import ACCENT, FEMALE_COLOUR, WIDTH, svg

POOR_COLOUR = "#b26b00"


def shares_over_time(
    rows: Sequence[tuple[str, dict[str, float | None]]],
    *,
    series: Sequence[str],
    title: str,
) -> SafeString:
    """Lines of percentages per period: rows of (period label, {series: share 0–1 or None})."""
    order = {label: index for index, (label, _values) in enumerate(rows)}
    values = [
        {"period": label, "order": order[label], "series": name, "value": round(share * 100)}
        for label, shares in rows
        for name, share in shares.items()
        if share is not None
    ]
    colours = [FEMALE_COLOUR, POOR_COLOUR, ACCENT][: len(series)]
    spec = {
        "width": WIDTH - 50,
        "height": 160,
        "data": {"values": values},
        "mark": {"type": "line", "point": {"filled": True, "size": 25}, "strokeWidth": 2},
        "encoding": {
            "x": {
                "field": "period",
                "type": "ordinal",
                "sort": {"field": "order"},
                "title": None,
                "axis": {"labelAngle": -45, "labelFontSize": 10},
            },
            "y": {
                "field": "value",
                "type": "quantitative",
                "title": "%",
                "scale": {"domain": [0, 100]},
                "axis": {"tickCount": 5, "grid": True},
            },
            "color": {
                "field": "series",
                "type": "nominal",
                "title": None,
                "scale": {"domain": list(series), "range": colours},
                "legend": {"orient": "top", "direction": "vertical"},
            },
        },
    }
    return svg(spec, title=title)
