"""Charts drawn on the server: a Vega-Lite spec becomes an SVG string in the page.

No chart JavaScript reaches the phone (weak connections, cheap Android phones): the
page carries a small inline SVG with a title for screen readers. Charts are sized for
a 360 px screen and scale down with the page (`width: 100%` in app.css).
"""

from __future__ import annotations

import functools
import json
import math
import re
from collections.abc import Mapping, Sequence

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

SCHEMA = "https://vega.github.io/schema/vega-lite/v5.json"
WIDTH = 300  # fits a 360 px screen after the page's padding
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif"
MALE_COLOUR = "#2f6db5"
FEMALE_COLOUR = "#c2427a"
ACCENT = "#1f7a4d"

_CONFIG = {
    "font": FONT,
    "view": {"stroke": None},
    "axis": {"labelFontSize": 11, "titleFontSize": 11, "grid": False},
    "legend": {"labelFontSize": 11, "titleFontSize": 11, "orient": "top"},
    "background": "transparent",
}


def svg(spec: Mapping, *, title: str) -> SafeString:
    """Render a Vega-Lite spec to inline SVG, labelled for assistive technology."""
    full = {"$schema": SCHEMA, "config": _CONFIG, **spec}
    return _drawn(json.dumps(full, sort_keys=True, default=str), title)


@functools.lru_cache(maxsize=512)
def _drawn(spec: str, title: str) -> SafeString:
    # The same figures draw the same chart: each distinct chart is drawn once per process
    # (a drawing takes 50–200 ms), so a page of stored figures does not redraw it.
    import vl_convert

    drawing = vl_convert.vegalite_to_svg(json.loads(spec))
    drawing = re.sub(r"^<\?xml[^>]*>\s*", "", drawing)
    # Scale with the page: keep the viewBox, drop the fixed size.
    drawing = re.sub(r'<svg ([^>]*?)width="[\d.]+" height="[\d.]+"', r"<svg \1", drawing, count=1)
    label = escape(title)
    drawing = drawing.replace("<svg ", f'<svg role="img" aria-label="{label}" ', 1)
    drawing = drawing.replace('class="marks"', 'class="marks chart"', 1)
    drawing = drawing.replace(">", f"><title>{label}</title>", 1)
    return mark_safe(drawing)  # noqa: S308 - produced by vl-convert from our own spec, text escaped


def population_pyramid(
    rows: Sequence[Mapping], *, title: str, male: str, female: str, axis_title: str
) -> SafeString:
    """Rows of {"band": "0–4", "order": 0, "sex": "L"|"P", "count": n}: men left, women right."""
    values = [
        {
            "band": row["band"],
            "order": row["order"],
            "sex": male if row["sex"] == "L" else female,
            "count": row["count"],
            "signed": -row["count"] if row["sex"] == "L" else row["count"],
        }
        for row in rows
    ]
    largest = max((row["count"] for row in rows), default=1) or 1
    spec = {
        "width": WIDTH - 40,
        "height": 16 * max(1, len({row["band"] for row in rows})),
        "data": {"values": values},
        "mark": {"type": "bar", "height": {"band": 0.85}},
        "encoding": {
            "y": {
                "field": "band",
                "type": "ordinal",
                "sort": {"field": "order", "order": "descending"},
                "title": None,
                "axis": {"ticks": False, "domain": False},
            },
            "x": {
                "field": "signed",
                "type": "quantitative",
                "title": axis_title,
                "scale": {"domain": [-largest, largest]},
                "axis": {"labelExpr": "abs(datum.value)", "tickCount": 5, "grid": True},
            },
            "color": {
                "field": "sex",
                "type": "nominal",
                "scale": {"domain": [male, female], "range": [MALE_COLOUR, FEMALE_COLOUR]},
                "title": None,
            },
            "tooltip": [{"field": "band"}, {"field": "sex"}, {"field": "count"}],
        },
    }
    return svg(spec, title=title)


def radar(scores: Sequence[tuple[str, float | None]], *, title: str) -> SafeString:
    """A pentagon (radar) chart of scores 0–100, one spoke per label, clockwise from the top.

    Vega-Lite has no polar lines, so the points are placed in Cartesian space here:
    rings at 25, 50, 75 and 100, spokes, the scores' polygon and the labels.
    """
    count = len(scores)

    def point(index: int, radius: float) -> tuple[float, float]:
        angle = math.pi / 2 - 2 * math.pi * index / count
        return radius * math.cos(angle), radius * math.sin(angle)

    rings = []
    for level in (25, 50, 75, 100):
        for index in range(count + 1):
            x, y = point(index % count, level)
            rings.append({"ring": level, "i": index, "x": x, "y": y})
    spokes = []
    for index in range(count):
        for radius in (0, 100):
            x, y = point(index, radius)
            spokes.append({"spoke": index, "x": x, "y": y})
    shape, labels = [], []
    for index, (label, score) in enumerate(scores):
        value = 0 if score is None else max(0, min(100, score))
        x, y = point(index, value)
        shape.append({"i": index, "x": x, "y": y, "label": label, "score": score})
        lx, ly = point(index, 122)
        shown = "—" if score is None else f"{round(score)}"
        labels.append({"x": lx, "y": ly, "text": f"{label}\n{shown}"})
    shape.append({**shape[0], "i": count})
    domain = [-155, 155]
    axes = {
        "x": {"field": "x", "type": "quantitative", "scale": {"domain": domain}, "axis": None},
        "y": {"field": "y", "type": "quantitative", "scale": {"domain": domain}, "axis": None},
    }
    spec = {
        "width": WIDTH - 20,
        "height": WIDTH - 20,
        "layer": [
            {
                "data": {"values": rings},
                "mark": {"type": "line", "stroke": "#c8ccd0", "strokeWidth": 1},
                "encoding": {**axes, "detail": {"field": "ring"}, "order": {"field": "i"}},
            },
            {
                "data": {"values": spokes},
                "mark": {"type": "line", "stroke": "#c8ccd0", "strokeWidth": 1},
                "encoding": {**axes, "detail": {"field": "spoke"}},
            },
            {
                "data": {"values": shape},
                "mark": {
                    "type": "line",
                    "stroke": ACCENT,
                    "strokeWidth": 2,
                    "fill": ACCENT,
                    "fillOpacity": 0.25,
                    "point": {"filled": True, "fill": ACCENT, "size": 30},
                },
                "encoding": {**axes, "order": {"field": "i"}},
            },
            {
                "data": {"values": labels},
                "mark": {
                    "type": "text",
                    "fontSize": 11,
                    "fontWeight": "bold",
                    "fill": "#333",
                    "lineBreak": "\n",
                },
                "encoding": {**axes, "text": {"field": "text"}},
            },
        ],
    }
    return svg(spec, title=title)
