"""Social-protection coverage, exclusion and inclusion errors: hand-computed examples."""

from __future__ import annotations

from fractions import Fraction as F

import pandas as pd
import pytest
from ibis import _

from berdaya.analysis import GLOBAL_MPI, AlkireFoster, Coverage, IncomeDecile, Scheme, income_decile
from berdaya.analysis.errors import AnalysisError
from berdaya.analysis.tests.test_mpi_literature import HOUSEHOLDS


def exact(value, fraction):
    return value == float(F(fraction))


TABLE = pd.DataFrame(
    {
        "household_id": [1, 2, 3, 4, 5, 6, 7, 8],
        "village": ["A", "A", "A", "A", "B", "B", "B", "B"],
        "eligible": [True, True, True, False, True, False, False, None],
        "pkh": [True, False, False, True, True, False, True, True],
        "size": [4, 2, 5, 3, 6, 1, 2, 2],
    }
).astype({"eligible": "boolean"})


def test_coverage_exclusion_and_inclusion_errors_hand_computed():
    # Village A: eligible 1, 2, 3; enrolled 1, 4. Coverage 1/3, exclusion error 2/3 (2 and 3
    # left out), inclusion error 1/2 (4 of the 2 enrolled is not eligible).
    # Village B: eligible 5 (8's eligibility is unknown: not eligible); enrolled 5, 7, 8.
    # Coverage 1, exclusion error 0, inclusion error 2/3.
    result = Coverage([Scheme("PKH", eligible="eligible", enrolled="pkh")]).compute(
        TABLE, by="village"
    )
    groups = result.groups.to_pandas().set_index("village")
    assert exact(groups.loc["A", "coverage"], F(1, 3))
    assert exact(groups.loc["A", "exclusion_error"], F(2, 3))
    assert exact(groups.loc["A", "inclusion_error"], F(1, 2))
    assert (groups.loc["B", "coverage"], groups.loc["B", "exclusion_error"]) == (1, 0)
    assert exact(groups.loc["B", "inclusion_error"], F(2, 3))
    excluded = result.excluded.to_pandas()
    assert sorted(excluded.household_id) == [2, 3]
    assert set(excluded.scheme) == {"PKH"}
    (overall,) = result.overall.to_pandas().to_dict("records")
    assert exact(overall["coverage"], F(2, 4)) and exact(overall["inclusion_error"], F(3, 5))


def test_coverage_counts_people_with_a_weight():
    # Village A in people: eligible 4 + 2 + 5 = 11, of whom 4 enrolled: coverage 4/11.
    result = Coverage(
        [Scheme("PKH", eligible="eligible", enrolled="pkh")], weight_column="size"
    ).compute(TABLE, by="village")
    groups = result.groups.to_pandas().set_index("village")
    assert groups.loc["A", "eligible"] == 11 and exact(groups.loc["A", "coverage"], F(4, 11))


def test_eligibility_from_mpi_status():
    # The hand-computed households of test_mpi_literature: 1, 2 and 4 are MPI-poor.
    units = AlkireFoster(GLOBAL_MPI, weight_column="household_size").compute(HOUSEHOLDS).units
    enrolled = units.mutate(pkh=units.household_id.isin([2, 5]))
    result = Coverage(
        [Scheme("PKH", eligible="poor", enrolled="pkh")], list_columns=["household_id"]
    ).compute(enrolled)
    assert sorted(result.excluded.to_pandas().household_id) == [1, 4]
    (row,) = result.overall.to_pandas().to_dict("records")
    assert exact(row["coverage"], F(1, 3)) and exact(row["inclusion_error"], F(1, 2))


def test_rules_as_expressions_functions_and_lists():
    table = TABLE.assign(children=[0, 2, 1, 0, 3, 0, 1, 0])
    schemes = [
        Scheme("PIP", eligible=_.children > 0, enrolled="pkh"),
        Scheme("Both", eligible=["eligible", lambda t: t.children > 0], enrolled="pkh"),
    ]
    rows = Coverage(schemes).compute(table).overall.to_pandas().set_index("scheme")
    assert rows.loc["PIP", "eligible"] == 4  # households 2, 3, 5, 7
    assert rows.loc["Both", "eligible"] == 3  # households 2, 3, 5


def test_income_deciles_share_ties_and_follow_weights():
    # Ten households, incomes 10..100: decile i is the i-th household.
    table = pd.DataFrame({"income": [10 * i for i in range(1, 11)], "size": [1] * 10})
    deciles = table.assign(d=income_decile(_as_table(table), "income").name("d").to_pandas())
    assert deciles.d.tolist() == list(range(1, 11))
    # Ties share a decile whatever the row order: 4 equal incomes are all in decile 4.
    tied = pd.DataFrame({"income": [5, 5, 5, 5, 9, 9, 9, 9, 9, 9]})
    assert set(income_decile(_as_table(tied), "income").to_pandas().iloc[:4]) == {4}
    # Weighted by people: sizes 5 and 5 put each household at the 50 % and 100 % mark.
    people = pd.DataFrame({"income": [1, 2], "size": [5, 5]})
    eligible = Scheme(
        "x", eligible=IncomeDecile("income", at_most=5, weight_column="size"), enrolled="size"
    )
    with pytest.raises(AnalysisError, match="must be true/false or 0/1"):
        Coverage([eligible]).compute(people.assign(size=people["size"].astype(float)))
    result = Coverage(
        [Scheme("x", eligible=IncomeDecile("income", 5, "size"), enrolled="enrolled")]
    ).compute(people.assign(enrolled=[1, 0]))
    assert result.overall.to_pandas().eligible.tolist() == [1]


def _as_table(frame):
    import ibis

    return ibis.memtable(frame)


def test_clear_errors():
    with pytest.raises(AnalysisError, match="no column 'eligibl'"):
        Coverage([Scheme("PKH", eligible="eligibl", enrolled="pkh")]).compute(TABLE)
    with pytest.raises(AnalysisError, match="not a true/false expression"):
        Coverage([Scheme("PKH", eligible=_.size + 1, enrolled="pkh")]).compute(TABLE)
    with pytest.raises(AnalysisError, match="decile from 1 to 10"):
        IncomeDecile("income", at_most=11)
    with pytest.raises(AnalysisError, match="unique"):
        Coverage([Scheme("A", "eligible", "pkh"), Scheme("A", "eligible", "pkh")])
