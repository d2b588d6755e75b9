"""Alkire-Foster worked examples: one from the paper, the others computed by hand here.

Runs on DuckDB (the same code runs on every backend: see test_backends_poverty.py).
"""

from __future__ import annotations

from fractions import Fraction as F

import pandas as pd
import pytest

from berdaya.analysis import GLOBAL_MPI, AlkireFoster, Dimension, Indicator, MPISpec


def one_row(table):
    (row,) = table.to_pandas().to_dict("records")
    return row


def exact(value, fraction):
    """The backend's float is the correctly rounded value of the exact fraction."""
    return value == float(F(fraction))


# -- Alkire & Foster (2011) ---------------------------------------------------------------------

# Alkire, S. and Foster, J. (2011) "Counting and multidimensional poverty measurement",
# Journal of Public Economics 95(7-8): 476-487, section 2: four people, four dimensions,
# achievements y and cutoffs z = (500, 12, 3, 1), equal weights.
AF_ACHIEVEMENTS = pd.DataFrame(
    {
        "person": [1, 2, 3, 4],
        "d1": [700, 300, 400, 800],
        "d2": [14, 13, 3, 1],
        "d3": [4, 1, 1, 3],
        "d4": [1, 0, 0, 1],
    }
)
AF_CUTOFFS = {"d1": 500, "d2": 12, "d3": 3, "d4": 1}


def af_spec(k):
    indicators = [
        Indicator(name, column=name, deprived_if="<", cutoff=z) for name, z in AF_CUTOFFS.items()
    ]
    return MPISpec(dimensions=[Dimension("all", indicators, weight=1)], k=k)


def test_alkire_foster_2011_deprivation_counts_and_dual_cutoff():
    # The paper's deprivation matrix g0 has rows (0 0 0 0), (1 0 1 1), (1 1 1 1), (0 1 0 0),
    # so the counts are c = (0, 3, 4, 1) out of d = 4.
    result = AlkireFoster(af_spec(F(2, 4))).compute(AF_ACHIEVEMENTS)
    units = result.units.to_pandas().sort_values("person")
    assert [F(int(s), result.score_scale) * 4 for s in units.score_units] == [0, 3, 4, 1]
    # k = 2: persons 2 and 3 are poor. H = 1/2, A = 7/8, M0 = H * A = 7/16 (as in the paper).
    row = one_row(result.overall)
    assert exact(row["H"], F(1, 2)) and exact(row["A"], F(7, 8)) and exact(row["M0"], F(7, 16))


@pytest.mark.parametrize(
    ("k", "H", "A"),
    [
        (1, F(3, 4), F(8, 12)),  # union: anyone deprived in something (c = 3, 4, 1)
        (2, F(1, 2), F(7, 8)),
        (3, F(1, 2), F(7, 8)),
        (4, F(1, 4), F(4, 4)),  # intersection: deprived in everything (person 3 only)
    ],
)
def test_alkire_foster_2011_every_poverty_cutoff(k, H, A):
    row = one_row(AlkireFoster(af_spec(F(k, 4))).compute(AF_ACHIEVEMENTS).overall)
    assert exact(row["H"], H) and exact(row["A"], A) and exact(row["M0"], H * A)


def test_alkire_foster_2011_m1_and_m2_hand_computed():
    # Hand-computed from the paper's matrix with k = 2 (the paper defines M1 = HAG and
    # M2 = HAS; the numbers below are worked out here). The poor persons' normalised gaps
    # (z - y) / z where deprived:
    #   person 2: (500-300)/500 = 2/5, -, (3-1)/3 = 2/3, (1-0)/1 = 1
    #   person 3: (500-400)/500 = 1/5, (12-3)/12 = 3/4, 2/3, 1
    # sum of gaps = 2/5 + 2/3 + 1 + 1/5 + 3/4 + 2/3 + 1 = 281/60
    # sum of squared gaps = 4/25 + 4/9 + 1 + 1/25 + 9/16 + 4/9 + 1 = 2629/720
    # M1 = sum / (n * d) = 281/960; M2 = 2629/11520.
    spec = af_spec(F(1, 2))
    assert spec.cardinal
    row = one_row(AlkireFoster(spec).compute(AF_ACHIEVEMENTS).overall)
    assert row["M1"] == pytest.approx(float(F(281, 960)), rel=1e-12)
    assert row["M2"] == pytest.approx(float(F(2629, 11520)), rel=1e-12)
    assert row["M2"] <= row["M1"] <= row["M0"]


# -- The global MPI, hand-computed ----------------------------------------------------------------

NOT_DEPRIVED = {
    "undernourished_member": False,
    "child_death_5y": False,
    "max_years_schooling": 9,
    "children_out_of_school": 0,
    "cooking_fuel": "lpg",
    "improved_sanitation": True,
    "safe_drinking_water": True,
    "has_electricity": True,
    "adequate_housing": True,
    "small_assets": 3,
    "owns_car": False,
}
DEPRIVED = {
    "nutrition": {"undernourished_member": True},
    "child_mortality": {"child_death_5y": True},
    "years_of_schooling": {"max_years_schooling": 5},
    "school_attendance": {"children_out_of_school": 1},
    "cooking_fuel": {"cooking_fuel": "wood"},
    "sanitation": {"improved_sanitation": False},
    "drinking_water": {"safe_drinking_water": False},
    "electricity": {"has_electricity": False},
    "housing": {"adequate_housing": False},
    "assets": {"small_assets": 1},
}


def household(hid, village, size, *deprivations):
    row = {"household_id": hid, "village": village, "household_size": size, **NOT_DEPRIVED}
    for name in deprivations:
        row.update(DEPRIVED[name])
    return row


# Weights: 1/6 for each health and education indicator, 1/18 for each living standard.
HOUSEHOLDS = pd.DataFrame(
    [
        # 1/6 + 3/18 = 1/3: exactly k, so poor.
        household(1, "A", 4, "nutrition", "cooking_fuel", "sanitation", "housing"),
        # 2/6 + 2/18 = 4/9: poor.
        household(2, "A", 2, "years_of_schooling", "school_attendance", "electricity", "assets"),
        # 2/18 = 1/9: neither poor nor vulnerable.
        household(3, "A", 5, "cooking_fuel", "drinking_water"),
        # 3/6 = 1/2: poor and severely poor.
        household(4, "B", 3, "nutrition", "child_mortality", "years_of_schooling"),
        household(5, "B", 6),
        # 1/6 + 1/18 = 2/9: vulnerable (1/5 <= 2/9 < 1/3).
        household(6, "B", 1, "school_attendance", "sanitation"),
    ]
)


def test_global_mpi_hand_computed_per_person():
    # People: N = 4 + 2 + 5 + 3 + 6 + 1 = 21; poor people q = 4 + 2 + 3 = 9.
    # Sum of poor people's scores: 4 * 1/3 + 2 * 4/9 + 3 * 1/2 = 67/18.
    # H = 9/21 = 3/7; A = (67/18) / 9 = 67/162; M0 = (67/18) / 21 = 67/378 = H * A.
    result = AlkireFoster(GLOBAL_MPI, weight_column="household_size").compute(HOUSEHOLDS)
    row = one_row(result.overall)
    assert (row["population"], row["poor_population"]) == (21, 9)
    assert exact(row["H"], F(3, 7)) and exact(row["A"], F(67, 162))
    assert exact(row["M0"], F(67, 378))
    assert exact(row["vulnerable_ratio"], F(1, 21)) and exact(row["severe_ratio"], F(3, 21))
    # Censored headcounts (poor and deprived, of 21 people) and uncensored ones:
    censored = {
        "nutrition": 7,
        "child_mortality": 3,
        "years_of_schooling": 5,
        "school_attendance": 2,
        "cooking_fuel": 4,
        "sanitation": 4,
        "drinking_water": 0,
        "electricity": 2,
        "housing": 4,
        "assets": 2,
    }
    uncensored = {
        "nutrition": 7,
        "child_mortality": 3,
        "years_of_schooling": 5,
        "school_attendance": 3,
        "cooking_fuel": 9,
        "sanitation": 5,
        "drinking_water": 5,
        "electricity": 2,
        "housing": 4,
        "assets": 2,
    }
    # Contribution = w_j * CH_j / M0 * 100, e.g. nutrition (1/6)(7/21) / (67/378) = 2100/67 %.
    contribution = {
        "nutrition": 2100,
        "child_mortality": 900,
        "years_of_schooling": 1500,
        "school_attendance": 600,
        "cooking_fuel": 400,
        "sanitation": 400,
        "drinking_water": 0,
        "electricity": 200,
        "housing": 400,
        "assets": 200,
    }
    for name in censored:
        assert exact(row[f"censored_{name}"], F(censored[name], 21)), name
        assert exact(row[f"uncensored_{name}"], F(uncensored[name], 21)), name
        assert exact(row[f"contribution_{name}"], F(contribution[name], 67)), name
    assert sum(contribution.values()) == 6700  # the contributions sum to 100 %

    flags = result.units.to_pandas().set_index("household_id")
    assert flags.poor.tolist() == [True, True, False, True, False, False]
    assert flags.vulnerable.tolist() == [False, False, False, False, False, True]
    assert flags.severe.tolist() == [False, False, False, True, False, False]


def test_global_mpi_decomposition_by_village_hand_computed():
    # Village A: 11 people, poor scores 4/3 + 8/9 = 20/9, M0 = 20/99, H = 6/11.
    # Village B: 10 people, poor scores 3/2, M0 = 3/20, H = 3/10.
    # Population-weighted: 11/21 * 20/99 + 10/21 * 3/20 = 67/378, the total M0.
    # Contributions to M0: A (20/9) / (67/18) = 40/67, B 27/67.
    result = AlkireFoster(GLOBAL_MPI, weight_column="household_size").compute(
        HOUSEHOLDS, by="village"
    )
    groups = result.groups.to_pandas().set_index("village")
    assert exact(groups.loc["A", "M0"], F(20, 99)) and exact(groups.loc["B", "M0"], F(3, 20))
    assert exact(groups.loc["A", "H"], F(6, 11)) and exact(groups.loc["B", "H"], F(3, 10))
    assert exact(groups.loc["A", "population_share"], F(11, 21))
    assert exact(groups.loc["A", "contribution_to_M0"], F(4000, 67))
    assert exact(groups.loc["B", "contribution_to_M0"], F(2700, 67))


# -- The exact cutoff ----------------------------------------------------------------------------


def equal_weights_spec(count, k, weight=None):
    weight = weight if weight is not None else F(1, count)
    indicators = [Indicator(f"i{j}", column=f"i{j}", weight=weight) for j in range(count)]
    return MPISpec(dimensions=[Dimension("all", indicators)], k=k, vulnerable_from=F(1, 100))


def deprived_in(count, how_many):
    return pd.DataFrame([{f"i{j}": j < how_many for j in range(count)}])


def float_score(weight, how_many):
    total = 0.0
    for _ in range(how_many):
        total += weight
    return total


def test_three_thirds_and_k_one_third_one_deprivation_is_poor():
    spec = equal_weights_spec(3, "1/3", weight="1/3")
    units = AlkireFoster(spec).compute(deprived_in(3, 1)).units.to_pandas()
    assert units.poor.tolist() == [True]


@pytest.mark.parametrize(
    ("count", "k", "how_many"),
    [
        (12, F(1, 2), 6),  # twelve weights of 1/12: six of them are one half
        (6, F(1), 6),  # intersection with six weights of 1/6
        (10, F(4, 5), 8),  # ten weights of 0.1 (read as exactly 1/10) and k = 0.8
    ],
)
def test_a_score_equal_to_k_on_paper_is_poor_where_floats_fall_short(count, k, how_many):
    weight = 1 / count
    # The point of the test: adding the weights as floats falls just below k...
    assert float_score(weight, how_many) < float(k)
    # ...but the score is computed in integers, so the unit is poor.
    spec = equal_weights_spec(count, k)
    row = one_row(AlkireFoster(spec).compute(deprived_in(count, how_many)).overall)
    assert row["H"] == 1.0


def test_decimal_weights_are_read_exactly():
    spec = equal_weights_spec(10, 0.8, weight=0.1)
    assert spec.indicators[0].weight == F(1, 10) and spec.k == F(4, 5)


# -- Missing data, hand-computed -----------------------------------------------------------------


def reweight_spec():
    return MPISpec(
        k="1/3",
        dimensions=[
            Dimension(
                "d1",
                weight="1/2",
                indicators=[Indicator("a", column="a"), Indicator("b", column="b")],
            ),
            Dimension(
                "d2",
                weight="1/2",
                indicators=[
                    Indicator("c", column="c"),
                    Indicator("d", column="d"),
                    Indicator("e", column="e"),
                ],
            ),
        ],
    )


MISSING = pd.DataFrame(
    {
        "unit": ["X", "Y", "Z", "W"],
        "a": [None, False, None, True],
        "b": [True, None, None, False],
        "c": [True, None, True, False],
        "d": [False, None, False, False],
        "e": [False, True, False, True],
    },
).astype({k: "boolean" for k in "abcde"})


def test_missing_data_drop_rule_counts_the_dropped():
    # X, Y and Z each miss an indicator, so only W is kept: a (1/4) + e (1/6) = 5/12, poor.
    result = AlkireFoster(reweight_spec()).compute(MISSING)
    row = one_row(result.overall)
    assert (row["units"], row["dropped"]) == (1, 3)
    assert exact(row["H"], 1) and exact(row["M0"], F(5, 12))
    units = result.units.to_pandas().set_index("unit")
    assert units.included.tolist() == [False, False, False, True]


def test_missing_data_reweight_rule_hand_computed():
    # X: d1 knows only b (deprived): 1/2 * (1/4)/(1/4) = 1/2; d2: c of c,d,e: 1/2 * 1/3 = 1/6.
    #    Score 2/3: poor.
    # Y: d1 knows a (not deprived): 0; d2 knows only e (deprived): 1/2. Score 1/2: poor.
    # Z: nothing known in d1: dropped.
    # W: nothing missing: a (1/4) + e (1/6) = 5/12: poor.
    # M0 over X, Y, W = (2/3 + 1/2 + 5/12) / 3 = 19/36.
    result = AlkireFoster(reweight_spec(), missing="reweight").compute(MISSING)
    units = result.units.to_pandas().set_index("unit")
    scores = {u: F(int(s), result.score_scale) for u, s in units.score_units.dropna().items()}
    assert scores == {"X": F(2, 3), "Y": F(1, 2), "W": F(5, 12)}
    row = one_row(result.overall)
    assert (row["units"], row["dropped"]) == (3, 1)
    assert exact(row["M0"], F(19, 36))
    # Contributions use each unit's effective weights and still sum to 100 %.
    total = sum(row[f"contribution_{n}"] for n in "abcde")
    assert total == pytest.approx(100, abs=1e-9)
