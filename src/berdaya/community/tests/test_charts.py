"""Server-side charts: small inline SVG, labelled, no script."""

from __future__ import annotations

from berdaya.core import charts


def test_a_radar_chart_is_an_inline_svg_with_a_title():
    drawing = charts.radar(
        [("A", 10), ("B", 50), ("C", None), ("D", 100), ("E", 0)], title="Lima <modal>"
    )
    assert drawing.startswith("<svg ")
    assert 'role="img"' in drawing
    assert "<title>Lima &lt;modal&gt;</title>" in drawing
    assert "<script" not in drawing
    assert "<?xml" not in drawing
    assert drawing.count('class="') >= 1 and 'class="marks chart"' in drawing
    assert len(drawing) < 40_000  # small enough for a weak connection


def test_a_population_pyramid_mirrors_men_and_women():
    rows = [
        {"band": "0–4", "order": 0, "sex": "L", "count": 3},
        {"band": "0–4", "order": 0, "sex": "P", "count": 5},
    ]
    drawing = charts.population_pyramid(
        rows, title="Piramida", male="Laki-laki", female="Perempuan", axis_title="jiwa"
    )
    assert "Laki-laki" in drawing and "Perempuan" in drawing
    assert 'width="' not in drawing.split(">", 1)[0]  # scales with the page
