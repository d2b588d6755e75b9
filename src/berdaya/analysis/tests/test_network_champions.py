"""ChampionRanking: ranks, scores and the reasons in English and Indonesian."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from berdaya.analysis import (
    MESSAGES,
    ChampionRanking,
    InfluenceNetwork,
    NetworkMeasures,
)
from berdaya.analysis.errors import AnalysisError
from berdaya.analysis.network._measures import top_percent


@pytest.fixture(scope="module")
def village() -> pd.DataFrame:
    """40 people: Bu Sari (s) is asked for advice by 14; Pak Budi (b) is the only tie
    between two groups; everyone else has a tie or two."""
    advice = [(f"p{i}", "s") for i in range(14)]
    east = [(f"p{i}", f"p{i + 1}") for i in range(0, 19)]
    west = [(f"q{i}", f"q{i + 1}") for i in range(0, 19)]
    bridge = [("p5", "b"), ("b", "q5")]
    edges = pd.DataFrame(
        [(a, b, "advice") for a, b in advice]
        + [(a, b, "kinship") for a, b in east + west + bridge],
        columns=["source", "target", "kind"],
    )
    people = ["s", "b"] + [f"p{i}" for i in range(20)] + [f"q{i}" for i in range(20)]
    nodes = pd.DataFrame(
        {
            "id": people,
            "name": ["Bu Sari", "Pak Budi"] + [f"P{i}" for i in range(40)],
            "village": ["Sukamaju"] * 22 + ["Mekarsari"] * 20,
            "poverty_status": ["miskin", "non-poor"] + ["poor"] * 5 + ["non-poor"] * 35,
        }
    )
    network = InfluenceNetwork().fit(edges, nodes)
    return NetworkMeasures(betweenness_pivots="exact").compute(network)


def test_the_most_asked_adviser_ranks_first_with_her_reasons(village):
    ranking = ChampionRanking().rank(village)
    first = ranking.iloc[0]
    assert first["name"] == "Bu Sari" and first["rank"] == 1
    assert first["advice_in"] == 14
    # 14 is the top value of 42: ceil(100 * 1/42) = 3
    assert first["advice_top_percent"] == 3
    assert first["reasons"].split(";")[0] == "advice"
    assert first["reason_en"].startswith("Asked for advice by 14 people (top 3%)")
    assert first["reason_id"].startswith("Dimintai nasihat oleh 14 orang (3% teratas)")
    assert first["insider"] and first["reasons"].endswith("insider")
    assert "suara dari dalam" in first["reason_id"]


def test_the_bridge_between_two_groups_is_named_a_broker(village):
    ranking = ChampionRanking().rank(village).set_index("name")
    budi = ranking.loc["Pak Budi"]
    assert budi["broker"]
    assert "between" in budi["reasons"].split(";")
    assert "often the link between other people" in budi["reason_en"]
    assert "penghubung antarwarga" in budi["reason_id"]


def test_ranks_scores_and_every_person_has_a_reason(village):
    ranking = ChampionRanking().rank(village)
    assert list(ranking["rank"]) == list(range(1, len(village) + 1))
    assert ranking["score"].is_monotonic_decreasing
    assert ranking["score"].between(0, 1).all()
    assert (ranking["reason_en"].str.len() > 0).all()
    assert (ranking["reason_id"].str.len() > 0).all()
    # same number of reasons in both languages
    assert (ranking["reason_en"].str.count(";") == ranking["reason_id"].str.count(";")).all()
    assert set(village.columns) <= set(ranking.columns)


def test_ranking_within_villages_and_top(village):
    ranking = ChampionRanking(by="village", top=3).rank(village)
    assert ranking.groupby("village")["rank"].apply(list).to_dict() == {
        "Mekarsari": [1, 2, 3],
        "Sukamaju": [1, 2, 3],
    }
    assert ranking.set_index("name").loc["Bu Sari", "rank"] == 1


def test_weights_choose_the_champion(village):
    only_degree = ChampionRanking(weights={"degree": 1}).rank(village)
    assert only_degree.iloc[0]["name"] == "Bu Sari"  # 14 askers is also the most ties
    only_between = ChampionRanking(weights={"betweenness": 1}).rank(village)
    assert only_between.iloc[0]["betweenness"] == village["betweenness"].max()
    with pytest.raises(AnalysisError, match="no measure column 'charisma'"):
        ChampionRanking(weights={"charisma": 1}).rank(village)
    with pytest.raises(AnalysisError, match="at least one weight"):
        ChampionRanking(weights={"degree": 0}).rank(village)
    with pytest.raises(AnalysisError, match="missing column 'pagerank'"):
        ChampionRanking().rank(village.drop(columns="pagerank"))
    with pytest.raises(AnalysisError, match="no column 'dusun'"):
        ChampionRanking(by="dusun").rank(village)
    with pytest.raises(AnalysisError, match="column 'score' has the name of a ranking column"):
        ChampionRanking().rank(village.assign(score=1))


def test_someone_without_ties_is_told_so():
    edges = pd.DataFrame({"source": ["a"], "target": ["b"]})
    nodes = pd.DataFrame({"id": ["a", "b", "c"]})
    measures = NetworkMeasures().compute(InfluenceNetwork().fit(edges, nodes))
    ranking = ChampionRanking().rank(measures).set_index("node")
    assert ranking.loc["c", "reasons"] == "no_ties"
    assert ranking.loc["c", "reason_en"] == "No ties recorded"
    assert ranking.loc["c", "reason_id"] == "Belum ada hubungan yang tercatat"
    assert ranking.loc["c", "rank"] == 3


def test_top_percent_counts_people_at_least_as_high():
    assert list(top_percent([10, 5, 5, 1])) == [25, 75, 75, 100]
    assert list(top_percent([0, 0])) == [100, 100]


def test_every_message_has_both_languages_with_the_same_placeholders():
    for code, texts in MESSAGES.items():
        assert set(texts) == {"en", "id"}, code
        english = set(re.findall(r"{(\w+)}", texts["en"])) - {"people"}
        indonesian = set(re.findall(r"{(\w+)}", texts["id"]))
        assert english == indonesian, code
