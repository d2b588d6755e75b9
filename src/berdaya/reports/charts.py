"""Charts of the printed reports: Vega-Lite specs drawn as SVG by `core.charts`, like the pages."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.safestring import SafeString

from berdaya.core.charts import ACCENT, WIDTH, svg


def bars(rows: Sequence[tuple[str, int]], *, title: str) -> SafeString | None:
    """Horizontal bars of counts per label (None when every count is zero: no empty chart)."""
    if not any(n for _label, n in rows):
        return None
    values = [{"label": label, "order": i, "n": n} for i, (label, n) in enumerate(rows)]
    spec = {
        # Room at the left: the paper's font (DejaVu Sans) is wider than the one Vega measures
        # labels with, so long labels would otherwise run past the chart into the margin.
        "padding": {"left": 40, "right": 10, "top": 5, "bottom": 5},
        "width": WIDTH - 120,
        "height": 18 * len(rows),
        "data": {"values": values},
        "encoding": {
            "y": {
                "field": "label",
                "type": "nominal",
                "sort": {"field": "order"},
                "title": None,
                "axis": {"labelLimit": 130, "labelFontSize": 10},
            },
            "x": {"field": "n", "type": "quantitative", "title": None, "axis": {"tickCount": 4}},
        },
        "layer": [
            {"mark": {"type": "bar", "color": ACCENT}},
            {
                "mark": {"type": "text", "align": "left", "dx": 3, "fontSize": 10},
                "encoding": {"text": {"field": "n", "type": "quantitative"}},
            },
        ],
    }
    return svg(spec, title=title)
