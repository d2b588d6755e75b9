"""The MPI spec: exact weights, clear errors for what a person can get wrong, TOML files."""

from __future__ import annotations

from fractions import Fraction as F

import pandas as pd
import pytest

from berdaya.analysis import (
    GLOBAL_MPI,
    AlkireFoster,
    Condition,
    Dimension,
    Indicator,
    MPISpec,
)
from berdaya.analysis.errors import AnalysisError


def spec_with(*indicators, k="1/3", weight=None):
    return MPISpec(dimensions=[Dimension("d", list(indicators), weight=weight)], k=k)


def test_global_mpi_has_ten_indicators_with_the_published_weights():
    weights = {i.name: i.weight for i in GLOBAL_MPI.indicators}
    assert len(weights) == 10 and sum(weights.values()) == 1
    assert weights["nutrition"] == weights["school_attendance"] == F(1, 6)
    assert weights["assets"] == weights["cooking_fuel"] == F(1, 18)
    assert GLOBAL_MPI.k == F(1, 3)
    assert [d.weight for d in GLOBAL_MPI.dimensions] == [F(1, 3)] * 3


def test_thirds_written_as_fractions_sum_to_one():
    spec = spec_with(*(Indicator(f"i{j}", column=f"c{j}", weight="1/3") for j in range(3)))
    assert sum(i.weight for i in spec.indicators) == 1


def test_weights_that_do_not_sum_to_one_are_refused_with_their_sum():
    with pytest.raises(AnalysisError, match=r"weights sum to 9/10 \(0\.9\), not 1"):
        spec_with(*(Indicator(f"i{j}", column=f"c{j}", weight=0.3) for j in range(3)))
    with pytest.raises(AnalysisError, match=r"sum to .*not 1"):
        spec_with(*(Indicator(f"i{j}", column=f"c{j}", weight=0.3333) for j in range(3)))


def test_a_dimension_weight_is_shared_equally_and_must_match_its_indicators():
    spec = MPISpec(
        dimensions=[
            Dimension("a", [Indicator("x", column="x"), Indicator("y", column="y")], weight="1/2"),
            Dimension("b", [Indicator("z", column="z")], weight="1/2"),
        ]
    )
    assert [i.weight for i in spec.indicators] == [F(1, 4), F(1, 4), F(1, 2)]
    with pytest.raises(AnalysisError, match="indicator weights sum to 1/2"):
        Dimension("a", [Indicator("x", column="x", weight="1/2")], weight="1/3")
    with pytest.raises(AnalysisError, match="every indicator or to none"):
        Dimension(
            "a", [Indicator("x", column="x", weight="1/2"), Indicator("y", column="y")], weight="1"
        )


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"deprived_if": "<", "cutoff": "6"}, r"needs a number as its cutoff, not '6' \(text\)"),
        ({"deprived_if": "=<", "cutoff": 6}, "is not one of"),
        ({"deprived_if": "in", "cutoff": "wood"}, "needs a list"),
        ({"deprived_if": "in", "cutoff": []}, "list of values is empty"),
    ],
)
def test_bad_conditions_are_refused_when_the_spec_is_made(kwargs, message):
    with pytest.raises(AnalysisError, match=message):
        Indicator("years", column="max_years_schooling", weight=1, **kwargs)


def test_weights_k_and_names_are_checked():
    with pytest.raises(AnalysisError, match="must be a number"):
        Indicator("x", column="x", weight="a third")
    with pytest.raises(AnalysisError, match="above 0"):
        Indicator("x", column="x", weight=0)
    with pytest.raises(AnalysisError, match="k must be above 0 and at most 1"):
        spec_with(Indicator("x", column="x", weight=1), k="4/3")
    with pytest.raises(AnalysisError, match="unique"):
        spec_with(
            Indicator("x", column="x", weight="1/2"), Indicator("x", column="y", weight="1/2")
        )
    with pytest.raises(AnalysisError, match="plain name"):
        Indicator("years of schooling", column="x", weight=1)
    with pytest.raises(AnalysisError, match="exactly one of"):
        Indicator("x", weight=1)


HOUSEHOLDS = pd.DataFrame(
    {
        "max_years_schooling": [3, 9],
        "fuel": ["wood", "lpg"],
        "electricity": [True, False],
        "electricity_01": [1, 0],
    }
)


@pytest.mark.parametrize(
    ("indicator", "message"),
    [
        (
            Indicator("years", column="max_years_schooling", deprived_if="==", cutoff="6"),
            r"cutoff '6' is text, but column 'max_years_schooling' holds numbers \(int64\)",
        ),
        (
            Indicator("fuel", column="fuel", deprived_if="<", cutoff=3),
            "compare a text column with",
        ),
        (
            Indicator("fuel", column="fuel", deprived_if="in", cutoff=[1, 2]),
            "write the cutoff as text",
        ),
        (
            Indicator("power", column="electricity", deprived_if="==", cutoff="no"),
            "write cutoff = true or cutoff = false",
        ),
        (
            Indicator("power", column="electricity", deprived_if="<", cutoff=1),
            'compare a true/false column with "==" or "!="',
        ),
    ],
)
def test_a_cutoff_of_the_wrong_type_for_its_column_is_refused(indicator, message):
    spec = spec_with(indicator, weight=1)
    with pytest.raises(AnalysisError, match=message):
        AlkireFoster(spec).compute(HOUSEHOLDS)


def test_true_false_cutoffs_work_on_0_1_columns_from_csv_files():
    spec = spec_with(
        Indicator("power", column="electricity_01", deprived_if="==", cutoff=False), weight=1
    )
    units = AlkireFoster(spec).compute(HOUSEHOLDS).units.to_pandas()
    assert units.deprived_power.tolist() == [False, True]


def test_a_missing_column_is_named_with_its_indicator():
    spec = spec_with(Indicator("years", column="years_school", deprived_if="<", cutoff=6), weight=1)
    with pytest.raises(AnalysisError) as error:
        AlkireFoster(spec).compute(HOUSEHOLDS)
    assert "no column 'years_school' (indicator 'years')" in str(error.value)
    assert "max_years_schooling" in str(error.value)  # the columns it does have
    with pytest.raises(AnalysisError, match="no column 'village' \\(group by\\)"):
        AlkireFoster(spec_with(Indicator("x", column="electricity"), weight=1)).compute(
            HOUSEHOLDS, by="village"
        )


def test_the_input_must_not_already_hold_result_columns():
    spec = spec_with(Indicator("power", column="electricity"), weight=1)
    with pytest.raises(AnalysisError, match="already has columns named 'poor'"):
        AlkireFoster(spec).compute(HOUSEHOLDS.assign(Poor=1).rename(columns={"Poor": "poor"}))
    with pytest.raises(AnalysisError, match="cannot group by h"):
        AlkireFoster(spec).compute(HOUSEHOLDS.assign(h=1), by="h")  # "h" is "H" to DuckDB


def test_compound_indicators_follow_three_valued_logic():
    # Global MPI assets: deprived if at most one small asset AND no car. A household with
    # three small assets is not deprived whatever its car, even when the car is unknown.
    table = pd.DataFrame({"small": [3, 1, 1, 0], "car": [None, False, None, True]}).astype(
        {"car": "boolean"}
    )
    spec = spec_with(
        Indicator("assets", all=[Condition("small", "<=", 1), Condition("car", "==", False)]),
        weight=1,
    )
    deprived = AlkireFoster(spec).compute(table).units.to_pandas().deprived_assets
    assert [None if pd.isna(d) else bool(d) for d in deprived] == [False, True, None, False]


def test_an_empty_table_gives_no_ratios_rather_than_an_error():
    spec = spec_with(Indicator("power", column="electricity"), weight=1)
    row = AlkireFoster(spec).compute(HOUSEHOLDS.iloc[:0]).overall.to_pandas().iloc[0]
    assert row["units"] == 0 and pd.isna(row["H"]) and pd.isna(row["M0"])


TOML = """
name = "Two dimensions"
k = "1/2"
vulnerable_from = "1/4"

[[dimensions]]
name = "education"
weight = "1/2"

[[dimensions.indicators]]
name = "years"
column = "max_years_schooling"
deprived_if = "<"
cutoff = 6

[[dimensions]]
name = "living"

[[dimensions.indicators]]
name = "fuel"
column = "fuel"
deprived_if = "in"
cutoff = ["wood", "charcoal"]
weight = 0.25

[[dimensions.indicators]]
name = "assets"
weight = 0.25
all = [
  {column = "small_assets", deprived_if = "<=", cutoff = 1},
  {column = "owns_car", deprived_if = "==", cutoff = false},
]
"""


def test_a_toml_spec_reads_fractions_and_decimals_exactly(tmp_path):
    path = tmp_path / "spec.toml"
    path.write_text(TOML, encoding="utf-8")
    spec = MPISpec.from_toml(path)
    assert spec.k == F(1, 2) and spec.vulnerable_from == F(1, 4)
    assert [(i.name, i.weight) for i in spec.indicators] == [
        ("years", F(1, 2)),
        ("fuel", F(1, 4)),
        ("assets", F(1, 4)),
    ]
    assert spec.indicators[1].conditions[0].cutoff == ("wood", "charcoal")
    assert spec.indicators[2].combine == "all"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("k = ", "not valid TOML"),
        ("colour = 'red'", "unknown keys in the spec: colour"),
        (TOML.replace("weight = 0.25", "weight = 0.2", 1), r"sum to 19/20 \(0\.95\), not 1"),
        (TOML.replace('deprived_if = "<"', 'deprived_if = "less"'), "'less' is not one of"),
        (TOML.replace("cutoff = 6", 'cutoff = "6"'), "needs a number as its cutoff"),
    ],
)
def test_toml_mistakes_are_reported(text, message):
    with pytest.raises(AnalysisError, match=message):
        MPISpec.from_toml_string(text)


def test_a_missing_spec_file_is_named(tmp_path):
    with pytest.raises(AnalysisError, match="spec file not found"):
        MPISpec.from_toml(tmp_path / "nope.toml")


def test_missing_rule_is_checked():
    with pytest.raises(AnalysisError, match="missing must be one of drop, reweight"):
        AlkireFoster(GLOBAL_MPI, missing="impute")
