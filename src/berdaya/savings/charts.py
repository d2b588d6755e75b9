"""Charts of the community's money (Vega-Lite drawn as SVG by `core.charts`)."""

from __future__ import annotations

import datetime
from collections.abc import Sequence

from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from berdaya.core.charts import ACCENT, WIDTH, svg

INTERNAL_COLOUR = ACCENT
EXTERNAL_COLOUR = "#c77c02"


def savings_over_time(
    points: Sequence[tuple[datetime.date, int, int]], *, title: str
) -> SafeString:
    """Members' savings and loans outstanding after each meeting (Rupiah)."""
    savings, loans = _("Savings"), _("Loans outstanding")
    values = []
    for day, saved, lent in points:
        values.append({"date": day.isoformat(), "what": savings, "rupiah": saved})
        values.append({"date": day.isoformat(), "what": loans, "rupiah": lent})
    spec = {
        "width": WIDTH - 60,
        "height": 150,
        "data": {"values": values},
        "mark": {"type": "line", "point": {"size": 18}},
        "encoding": {
            "x": {
                "field": "date",
                "type": "temporal",
                "title": None,
                "axis": {"format": "%m/%y", "labelAngle": -30, "tickCount": 5},
            },
            "y": {
                "field": "rupiah",
                "type": "quantitative",
                "title": None,
                "axis": {"format": "~s", "grid": True},
            },
            "color": {
                "field": "what",
                "type": "nominal",
                "title": None,
                "scale": {"domain": [savings, loans], "range": [ACCENT, EXTERNAL_COLOUR]},
            },
        },
    }
    return svg(spec, title=title)


def dependency_trend(sources, *, title: str) -> SafeString:
    """Per year: money and goods from inside vs from outside (stacked), the outside share on top."""
    inside, outside = _("From inside the community"), _("From outside")
    values, labels = [], []
    for year, totals in sorted(sources.by_year.items()):
        internal = totals.internal_money + totals.internal_goods
        external = totals.external_money + totals.external_goods
        values.append({"year": str(year), "source": inside, "rupiah": internal, "order": 0})
        values.append({"year": str(year), "source": outside, "rupiah": external, "order": 1})
        share = totals.dependency
        labels.append(
            {
                "year": str(year),
                "rupiah": internal + external,
                "text": "—" if share is None else f"{round(float(share) * 100)} %",
            }
        )
    x = {"field": "year", "type": "ordinal", "title": None, "axis": {"labelAngle": 0}}
    spec = {
        "width": WIDTH - 60,
        "height": 160,
        "layer": [
            {
                "data": {"values": values},
                "mark": {"type": "bar"},
                "encoding": {
                    "x": x,
                    "y": {
                        "field": "rupiah",
                        "type": "quantitative",
                        "title": None,
                        "stack": "zero",
                        "axis": {"format": "~s", "grid": True},
                    },
                    "color": {
                        "field": "source",
                        "type": "nominal",
                        "title": None,
                        "scale": {
                            "domain": [inside, outside],
                            "range": [INTERNAL_COLOUR, EXTERNAL_COLOUR],
                        },
                    },
                    "order": {"field": "order"},
                },
            },
            {
                "data": {"values": labels},
                "mark": {"type": "text", "dy": -6, "fontSize": 10, "fill": "#333"},
                "encoding": {
                    "x": x,
                    "y": {"field": "rupiah", "type": "quantitative"},
                    "text": {"field": "text"},
                },
            },
        ],
    }
    return svg(spec, title=title)
