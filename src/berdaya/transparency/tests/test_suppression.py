"""Small-cell suppression: no figure on the public page comes from fewer than 10 households."""

from __future__ import annotations

import datetime
from types import SimpleNamespace

from hypothesis import given
from hypothesis import strategies as st

from berdaya.transparency.present import page_figures, shown_values
from berdaya.transparency.suppression import MIN_HOUSEHOLDS, cell, show, show_breakdown

households = st.integers(min_value=0, max_value=400)


def test_the_threshold_is_ten_households():
    # Worked example: 9 households hide the figure, 10 show it (the "fewer than 10").
    assert show(cell(123, 9)).suppressed
    assert show(cell(123, 10)).value == 123
    # A lone small village beside a printed total would be given away: the next smallest
    # is hidden with it, the largest stays.
    shown = show_breakdown({"A": cell(9, 9), "B": cell(40, 40), "C": cell(200, 200)})
    assert shown["A"].suppressed and shown["B"].suppressed
    assert shown["C"].value == 200


@given(st.dictionaries(st.text(min_size=1, max_size=3), households, max_size=8))
def test_a_breakdown_never_shows_a_small_cell_nor_hides_one_cell_alone(counts):
    shown = show_breakdown({key: cell(n, n) for key, n in counts.items()})
    for key, n in counts.items():
        if n < MIN_HOUSEHOLDS:
            assert shown[key].suppressed
        if not shown[key].suppressed:
            assert shown[key].value == n >= MIN_HOUSEHOLDS
    hidden = [key for key, item in shown.items() if item.suppressed]
    assert len(counts) < 2 or len(hidden) != 1


# Every cell from fewer than 10 households carries a value of its own that no large cell
# has; the page must never print it, whatever the counts.
SMALL_COUNT, SMALL_RUPIAH, SMALL_SHARE, SMALL_H = 7777, 777777777, [7777, 9999], 0.7777
SMALL_TEXTS = ("7.777", "Rp777.777.777", "77,8 %", "77,7 %")


def _value(n, small, large):
    return small if n < MIN_HOUSEHOLDS else large


@st.composite
def kept_figures(draw):
    villages = []
    for index in range(draw(st.integers(1, 4))):
        n = draw(households)
        known = draw(st.integers(0, n))
        villages.append(
            {
                "code": f"34.03.06.{2000 + index}",
                "name": f"Desa {index}",
                "households": cell(_value(n, SMALL_COUNT, n), n),
                "headcount": cell(_value(known, SMALL_H, 0.25), known),
                "poor_households": cell(_value(known, SMALL_SHARE, [1, 4]), known),
            }
        )
    total = draw(households)
    stages = {
        code: cell(_value(n, SMALL_COUNT, 3), n)
        for code, n in draw(
            st.dictionaries(st.sampled_from(["forming", "maturing", "not_assessed"]), households)
        ).items()
    }
    savings = {
        v["code"]: cell(_value(n, SMALL_RUPIAH, 1_000_000), n)
        for v, n in zip(villages, draw(st.lists(households, max_size=4)), strict=False)
    }
    years = {
        str(year): cell(_value(n, SMALL_SHARE, [1, 4]), n)
        for year, n in zip((2025, 2026), draw(st.lists(households, max_size=2)), strict=False)
    }
    groups_n, money_n = draw(households), draw(households)
    return {
        "households": cell(_value(total, SMALL_COUNT, total), total),
        "poor_households": cell(_value(total, SMALL_SHARE, [1, 4]), total),
        "villages": villages,
        "groups": {"total": cell(_value(groups_n, SMALL_COUNT, 5), groups_n), "by_stage": stages},
        "money": {
            "savings": cell(_value(money_n, SMALL_RUPIAH, 2_000_000), money_n),
            "savings_by_village": savings,
            "dependency_by_year": years,
        },
        "stories": [],
    }


@given(st.lists(kept_figures(), min_size=1, max_size=3))
def test_no_shown_figure_comes_from_fewer_than_ten_households(measurements):
    rows = [
        SimpleNamespace(taken_on=datetime.date(2026, 1, 1) + datetime.timedelta(days=i), figures=f)
        for i, f in enumerate(measurements)
    ]
    page = page_figures(rows[-1], rows, stage_labels={})
    printed = [str(s.value) for s in shown_values(page) if not s.suppressed]
    for text in printed:
        assert not any(small in text for small in SMALL_TEXTS), text
    # A column of villages beside its printed total never hides one village alone
    # (the total minus the others would give it away).
    if len(page.villages) > 1:
        for column in ("households", "headcount", "poor_share"):
            assert sum(getattr(line, column).suppressed for line in page.villages) != 1
    # What the threshold hid is said: the page carries the note whenever a cell is hidden.
    assert page.any_suppressed == any(s.suppressed for s in shown_values(page))
