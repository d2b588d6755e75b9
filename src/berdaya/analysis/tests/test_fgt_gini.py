"""FGT poverty measures, poverty lines and the Gini index: hand-computed examples, properties.

Foster, Greer and Thorbecke (1984) "A class of decomposable poverty measures", Econometrica
52(3): 761-766, define P_alpha = (1/n) sum over the q poor of ((z - y_i) / z) ** alpha; the
numbers below are computed by hand here, not taken from the paper.
"""

from __future__ import annotations

from fractions import Fraction as F
from itertools import product

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from berdaya.analysis import FGT, Gini, PovertyLines
from berdaya.analysis.errors import AnalysisError

SETTINGS = settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def one_row(table):
    (row,) = table.to_pandas().to_dict("records")
    return row


def exact(value, fraction):
    return value == float(F(fraction))


# -- FGT ---------------------------------------------------------------------------------------


def test_fgt_hand_computed():
    # Incomes 1..5 and a line of 3. Poor: strictly below the line, so 1 and 2 (3 is not poor).
    # Gaps (3-1)/3 = 2/3 and (3-2)/3 = 1/3.
    # P0 = 2/5; P1 = (2/3 + 1/3) / 5 = 1/5; P2 = (4/9 + 1/9) / 5 = 1/9.
    table = pd.DataFrame({"income": [1, 2, 3, 4, 5]})
    row = one_row(FGT(income="income", poverty_line=3).compute(table).overall)
    assert exact(row["P0"], F(2, 5))
    assert row["P1"] == pytest.approx(0.2, rel=1e-15)
    assert row["P2"] == pytest.approx(1 / 9, rel=1e-15)


def test_fgt_weights_count_people():
    # Household sizes 2 and 3, per-capita incomes 100 and 300, line 200: 2 of 5 people poor,
    # with gap 1/2: P0 = 2/5, P1 = 2 * 1/2 / 5 = 1/5, P2 = 2 * 1/4 / 5 = 1/10.
    table = pd.DataFrame({"income": [100, 300], "size": [2, 3]})
    row = one_row(
        FGT(income="income", poverty_line=200, weight_column="size").compute(table).overall
    )
    assert exact(row["P0"], F(2, 5)) and exact(row["population"], 5)
    assert row["P1"] == pytest.approx(0.2) and row["P2"] == pytest.approx(0.1)


def test_fgt_decomposes_additively_by_group():
    # Group a: incomes 1, 5 (P0 = 1/2); group b: 2, 2, 9 (P0 = 2/3); line 3.
    # Total P0 = 3/5 = (2/5)(1/2) + (3/5)(2/3); contributions 1/3 and 2/3 of it.
    table = pd.DataFrame({"income": [1, 5, 2, 2, 9], "g": ["a", "a", "b", "b", "b"]})
    result = FGT(income="income", poverty_line=3).compute(table, by="g")
    groups = result.groups.to_pandas().set_index("g")
    assert exact(groups.loc["a", "P0"], F(1, 2)) and exact(groups.loc["b", "P0"], F(2, 3))
    assert exact(groups.loc["a", "contribution_P0"], F(100, 3))
    assert exact(one_row(result.overall)["P0"], F(3, 5))
    for alpha in ("P0", "P1", "P2"):
        weighted = (groups.population_share * groups[alpha]).sum()
        assert weighted == pytest.approx(one_row(result.overall)[alpha], rel=1e-12)
        assert groups[f"contribution_{alpha}"].sum() == pytest.approx(100)


def test_unknown_incomes_are_dropped_and_counted():
    table = pd.DataFrame({"income": [1.0, None, 5.0]})
    row = one_row(FGT(income="income", poverty_line=3).compute(table).overall)
    assert (row["units"], row["dropped"]) == (2, 1) and exact(row["P0"], F(1, 2))


@st.composite
def incomes(draw):
    n = draw(st.integers(1, 15))
    return pd.DataFrame(
        {
            "income": draw(st.lists(st.integers(1, 2_000), min_size=n, max_size=n)),
            "size": draw(st.lists(st.integers(1, 7), min_size=n, max_size=n)),
        }
    )


@SETTINGS
@given(incomes(), st.integers(1, 2_000))
def test_fgt_falls_as_alpha_rises_when_gaps_are_below_one(table, line):
    # Positive incomes make every gap (z - y)/z < 1, so gap**2 <= gap <= 1.
    row = one_row(
        FGT(income="income", poverty_line=line, weight_column="size").compute(table).overall
    )
    assert row["P2"] <= row["P1"] <= row["P0"] <= 1


# -- poverty lines -----------------------------------------------------------------------------


def test_the_shipped_bps_lines():
    lines = PovertyLines.bps()
    assert lines.period == "2024-03"
    assert lines.lookup() == 582_932  # national, March 2024
    assert lines.lookup("33", "rural") == 507_001  # Jawa Tengah (no urban/rural split shipped)
    assert lines.lookup("35", "urban") == 536_122  # Jawa Timur
    assert lines.lookup("34", "urban") == 582_932  # no DIY line shipped: the national one
    march_2023 = PovertyLines.bps("2023-03")
    assert march_2023.lookup(None, "urban") == 569_299
    assert march_2023.lookup("33", "rural") == 525_050
    with pytest.raises(AnalysisError, match="no lines for period '2019-09'"):
        PovertyLines.bps("2019-09")


def test_users_add_lines_or_bring_their_own(tmp_path):
    lines = PovertyLines.bps().with_line(550_000, province_code="34", area="urban")
    assert lines.lookup("34", "urban") == 550_000 and lines.lookup("34", "rural") == 582_932
    path = tmp_path / "lines.csv"
    path.write_text('province_code,area,poverty_line\n,total,500000\n34,rural,"480,500"\n')
    own = PovertyLines.from_csv(path)
    assert own.lookup("34", "rural") == 480_500 and own.lookup("34", "urban") == 500_000
    path.write_text("province_code,area,poverty_line\n34,desa,480000\n")
    with pytest.raises(AnalysisError, match="area 'desa' is not one of total, urban, rural"):
        PovertyLines.from_csv(path)
    path.write_text("province_code,area,poverty_line\n34,rural,-1\n")
    with pytest.raises(AnalysisError, match="must be above 0"):
        PovertyLines.from_csv(path)


def test_fgt_uses_each_households_province_and_area():
    # Jawa Tengah's line is 507,001: 507,000 is below it, 507,001 is not. In province 34
    # the national 582,932 applies, unless a line is added for it.
    table = pd.DataFrame(
        {
            "province_code": ["33", "33", "34", "34"],
            "area": ["rural", "urban", "urban", "rural"],
            "expenditure_per_capita": [507_000, 507_001, 582_931, 582_931],
        }
    )
    lines = PovertyLines.bps().with_line(500_000, province_code="34", area="rural")
    units = FGT(poverty_line=lines).compute(table).units.to_pandas()
    assert units.poverty_line.tolist() == [507_001, 507_001, 582_932, 500_000]
    assert units.poor.tolist() == [True, False, True, False]


def test_fgt_names_the_columns_it_needs():
    table = pd.DataFrame({"expenditure_per_capita": [1]})
    lines = PovertyLines.bps().with_line(500_000, province_code="34", area="rural")
    with pytest.raises(AnalysisError, match="no columns 'province_code', 'area'"):
        FGT(poverty_line=lines).compute(table)
    with pytest.raises(AnalysisError, match="must hold numbers"):
        FGT(income="x", poverty_line=1).compute(pd.DataFrame({"x": ["a"]}))


# -- Gini --------------------------------------------------------------------------------------


def reference_gini(pairs):
    """The definition: sum_ij w_i w_j |y_i - y_j| / (2 W^2 mean)."""
    W = sum(w for _, w in pairs)
    Y = sum(y * w for y, w in pairs)
    return F(sum(wi * wj * abs(yi - yj) for (yi, wi), (yj, wj) in product(pairs, pairs)), 2 * W * Y)


def test_gini_hand_computed():
    # Incomes 1..5: the 20 ordered pairs differ by 40 in all; 2 n^2 mean = 2 * 25 * 3 = 150,
    # so G = 40/150 = 4/15.
    row = one_row(Gini(income="y").compute(pd.DataFrame({"y": [1, 2, 3, 4, 5]})).overall)
    assert exact(row["gini"], F(4, 15))
    # Weights are people: incomes 1 (one person) and 2 (three people) are the list 1, 2, 2, 2:
    # 2 * 3 pairs differ by 1 -> 6; 2 * 16 * 7/4 = 56; G = 6/56 = 3/28.
    weighted = pd.DataFrame({"y": [1, 2], "w": [1, 3]})
    assert exact(
        one_row(Gini(income="y", weight_column="w").compute(weighted).overall)["gini"], F(3, 28)
    )
    # Equal incomes: 0. One person holds everything among 4: (n - 1)/n = 3/4.
    assert one_row(Gini(income="y").compute(pd.DataFrame({"y": [7, 7, 7]})).overall)["gini"] == 0
    assert exact(
        one_row(Gini(income="y").compute(pd.DataFrame({"y": [0, 0, 0, 9]})).overall)["gini"],
        F(3, 4),
    )


def test_gini_decomposition_hand_computed():
    # Groups a = (1, 4) and b = (2, 3): equal means, overlapping ranges.
    # G(1, 2, 3, 4) = 20 / (2 * 16 * 5/2) = 1/4.
    # G(a) = 6 / 20 = 3/10, G(b) = 2 / 20 = 1/10; shares of people and income are 1/2 each:
    # within = 1/4 * 3/10 + 1/4 * 1/10 = 1/10. Means are equal, so between = 0.
    # overlap = 1/4 - 1/10 - 0 = 3/20.
    table = pd.DataFrame({"y": [1, 4, 2, 3], "g": ["a", "a", "b", "b"]})
    result = Gini(income="y").compute(table, by="g")
    parts = one_row(result.decomposition)
    assert exact(parts["gini"], F(1, 4)) and exact(parts["within"], F(1, 10))
    assert parts["between"] == 0 and exact(parts["overlap"], F(3, 20))
    groups = result.groups.to_pandas().set_index("g")
    assert exact(groups.loc["a", "gini"], F(3, 10)) and exact(groups.loc["b", "gini"], F(1, 10))
    assert exact(groups.loc["a", "income_share"], F(1, 2))


def test_gini_of_non_overlapping_groups_has_no_overlap():
    table = pd.DataFrame({"y": [1, 2, 10, 12], "g": ["poor", "poor", "rich", "rich"]})
    parts = one_row(Gini(income="y").compute(table, by="g").decomposition)
    assert parts["overlap"] == 0
    assert parts["within"] + parts["between"] == pytest.approx(parts["gini"], rel=1e-15)


@SETTINGS
@given(incomes(), st.integers(2, 1000))
def test_gini_is_in_zero_one_exact_and_scale_invariant(table, factor):
    gini = Gini(income="income", weight_column="size")
    row = one_row(gini.compute(table).overall)
    expected = reference_gini(list(zip(table.income, table["size"], strict=True)))
    assert row["gini"] == float(expected)
    assert 0 <= row["gini"] < 1
    scaled = table.assign(income=table.income * factor)
    assert one_row(gini.compute(scaled).overall)["gini"] == row["gini"]
    # Integer weights are the same as repeating each row: a property of the weighted formula.
    repeated = table.loc[table.index.repeat(table["size"])].assign(size=1)
    assert one_row(gini.compute(repeated).overall)["gini"] == row["gini"]
