"""Linear-threshold and complex-contagion cascades: worked examples and properties."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from berdaya.analysis import ComplexContagion, InfluenceNetwork, LinearThreshold
from berdaya.analysis.errors import AnalysisError
from berdaya.analysis.network import _spread


def network_of(pairs, n=None, **columns) -> InfluenceNetwork:
    edges = pd.DataFrame(
        {"source": [a for a, _ in pairs], "target": [b for _, b in pairs], **columns}
    )
    nodes = None if n is None else pd.DataFrame({"id": range(n)})
    return InfluenceNetwork().fit(edges, nodes)


def curve(result) -> list[int]:
    return [round(x) for x in result.curve["adopters_mean"]]


# -- hand-computed examples -------------------------------------------------------------------


def test_line_graph_steps_by_hand():
    # Path 0-1-2-3, threshold 0.5, seed 0 (computed by hand, synchronous updates):
    # step 1: 1 sees 1 of 2 neighbours adopted (0.5 >= 0.5) and adopts; 2 and 3 see none.
    # step 2: 2 sees 1 of 2; step 3: 3 sees 1 of 1. Everyone, in three steps.
    path = network_of([(0, 1), (1, 2), (2, 3)])
    result = LinearThreshold(0.5, runs=1).simulate(path, [0])
    assert curve(result) == [1, 2, 3, 4]
    assert list(result.nodes["mean_step"]) == [0, 1, 2, 3]
    # at 0.6, person 1's share 0.5 is not enough: the cascade stops at the seed
    assert curve(LinearThreshold(0.6, runs=1).simulate(path, [0])) == [1]


def test_star_graph_steps_by_hand():
    # Star: centre 0, leaves 1-4, threshold 0.5 (by hand).
    star = network_of([(0, 1), (0, 2), (0, 3), (0, 4)])
    # one leaf seeded: the centre sees 1 of 4 (0.25 < 0.5); nothing happens
    assert curve(LinearThreshold(0.5, runs=1).simulate(star, [1])) == [1]
    # two leaves: the centre sees 2 of 4 and adopts, then every leaf sees 1 of 1
    assert curve(LinearThreshold(0.5, runs=1).simulate(star, [1, 2])) == [2, 3, 5]
    # the centre alone: every leaf sees 1 of 1 at once
    assert curve(LinearThreshold(0.5, runs=1).simulate(star, [0])) == [1, 5]


def test_weighted_shares_by_hand():
    # Person 0 listens to 1 (weight 3) and 2 (weight 1). With 1 adopted the weighted share
    # is 3/4, with 2 adopted it is 1/4; threshold 0.5.
    net = network_of([(0, 1), (0, 2)], weight=[3, 1])
    assert LinearThreshold(0.5, runs=1).simulate(net, [1]).runs["adopters"][0] == 3
    assert LinearThreshold(0.5, runs=1).simulate(net, [2]).runs["adopters"][0] == 1


def test_advice_influence_flows_from_adviser_to_asker():
    # 0 asks 1 for advice: 0 listens to 1, 1 does not listen to 0.
    net = network_of([(0, 1)], kind=["advice"])
    assert LinearThreshold(0.5, runs=1).simulate(net, [1]).runs["adopters"][0] == 2
    assert LinearThreshold(0.5, runs=1).simulate(net, [0]).runs["adopters"][0] == 1


def test_a_share_equal_to_the_threshold_adopts_whatever_floating_point_does():
    # 3 of 10 neighbours against 0.3: 0.3 * 10 is 3.0000000000000004 in floating point.
    pairs = [(0, i) for i in range(1, 11)]
    net = network_of(pairs)
    result = LinearThreshold(0.3, runs=1, max_steps=1).simulate(net, [1, 2, 3])
    assert result.nodes.set_index("node").loc["0", "adoption_rate"] == 1.0


def test_complex_contagion_by_hand():
    # Two people (0, 1) both tied to 2 and 3; 2 is also tied to 4.
    # Seeds {0, 1}, at least 2 adopters needed: 2 and 3 each see 2 and adopt (step 1);
    # 4 sees only 2 (one adopter) and does not.
    net = network_of([(0, 2), (1, 2), (0, 3), (1, 3), (2, 4)])
    result = ComplexContagion(2, runs=1).simulate(net, [0, 1])
    assert curve(result) == [2, 4]
    # one adopting neighbour is enough at m=1: 4 follows in step 2
    assert curve(ComplexContagion(1, runs=1).simulate(net, [0, 1])) == [2, 4, 5]


def granovetter_crowd(thresholds: list[int]) -> tuple[InfluenceNetwork, dict[str, int]]:
    n = len(thresholds)
    pairs = [(i, j) for i in range(n) for j in range(i + 1, n)]
    return network_of(pairs), {str(i): t for i, t in enumerate(thresholds)}


def test_granovetter_riot():
    # Granovetter (1978), "Threshold Models of Collective Behavior", American Journal of
    # Sociology 83(6):1420-1443, the riot example: 100 people with thresholds 0, 1, 2, ...,
    # 99 (how many others must riot first). The one with threshold 0 starts, which brings
    # in the one with 1, and so on: everyone riots. Change the threshold of 1 to 2 and only
    # the instigator riots.
    network, thresholds = granovetter_crowd(list(range(100)))
    everyone = ComplexContagion(thresholds, runs=1).simulate(network, [])
    assert everyone.runs["adopters"][0] == 100
    assert len(everyone.curve) == 101  # one more rioter per step
    thresholds["1"] = 2
    stopped = ComplexContagion(thresholds, runs=1).simulate(network, [])
    assert stopped.runs["adopters"][0] == 1
    # The same crowd as shares of the 99 others, as a linear-threshold model.
    shares = {node: t / 99 for node, t in thresholds.items()}
    assert LinearThreshold(shares, runs=1).simulate(network, []).runs["adopters"][0] == 1
    shares["1"] = 1 / 99
    assert LinearThreshold(shares, runs=1).simulate(network, []).runs["adopters"][0] == 100


def test_thresholds_from_a_node_column():
    edges = pd.DataFrame({"source": [0, 1], "target": [1, 2]})
    nodes = pd.DataFrame({"id": [0, 1, 2], "threshold": [0.5, 0.5, 1.0], "m": [1, 1, 2]})
    net = InfluenceNetwork().fit(edges, nodes)
    assert LinearThreshold("threshold", runs=1).simulate(net, [0]).runs["adopters"][0] == 3
    assert ComplexContagion("m", runs=1).simulate(net, [0]).runs["adopters"][0] == 2


# -- properties --------------------------------------------------------------------------------


@st.composite
def graphs(draw, min_nodes=2, max_nodes=25):
    n = draw(st.integers(min_nodes, max_nodes))
    pair = st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)).filter(lambda p: p[0] != p[1])
    pairs = draw(st.lists(pair, min_size=1, max_size=3 * n))
    kinds = draw(
        st.lists(st.sampled_from(["kinship", "advice"]), min_size=len(pairs), max_size=len(pairs))
    )
    return n, network_of(pairs, n=n, kind=kinds)


def subset(draw, n, min_size=0):
    return sorted(draw(st.sets(st.integers(0, n - 1), min_size=min_size, max_size=n)))


@settings(max_examples=30, deadline=None)
@given(st.data())
def test_same_seed_same_result(data):
    _n, net = data.draw(graphs())
    seed = data.draw(st.integers(0, 2**32 - 1))
    model = LinearThreshold((0.0, 0.8), runs=7, seed=seed)
    first = model.simulate(net, "random", share=0.2)
    second = LinearThreshold((0.0, 0.8), runs=7, seed=seed).simulate(net, "random", share=0.2)
    for name in ("curve", "runs", "nodes"):
        pd.testing.assert_frame_equal(getattr(first, name), getattr(second, name))


@settings(max_examples=30, deadline=None)
@given(st.data())
def test_more_seeds_never_fewer_adopters(data):
    n, net = data.draw(graphs())
    small = subset(data.draw, n)
    extra = subset(data.draw, n)
    larger = sorted(set(small) | set(extra))
    thresholds = {str(i): data.draw(st.floats(0, 1)) for i in range(n)}
    minimum = {str(i): data.draw(st.integers(0, 4)) for i in range(n)}
    for model in (LinearThreshold(thresholds, runs=1), ComplexContagion(minimum, runs=1)):
        few = model.simulate(net, small).nodes["adoption_rate"].to_numpy() == 1
        many = model.simulate(net, larger).nodes["adoption_rate"].to_numpy() == 1
        assert not (few & ~many).any()  # everyone who adopts with fewer seeds still does


@settings(max_examples=30, deadline=None)
@given(st.data())
def test_adoption_never_decreases(data):
    _n, net = data.draw(graphs())
    result = LinearThreshold((0.0, 1.0), runs=5, seed=1).simulate(net, "random", share=0.1)
    for column in ("share_mean", "share_low", "share_high"):
        assert (np.diff(result.curve[column]) >= -1e-12).all()
    assert (result.runs["adopters"] >= result.runs["seeds"]).all()


@settings(max_examples=30, deadline=None)
@given(st.data())
def test_tiny_threshold_reaches_everyone_who_listens_along_a_path(data):
    n, net = data.draw(graphs())
    seeds = subset(data.draw, n, min_size=1)
    adopted = LinearThreshold(1e-9, runs=1).simulate(net, seeds).nodes["adoption_rate"] == 1
    # i adopts when some chain i listens to ... listens to a seed
    listens = nx.DiGraph()
    listens.add_nodes_from(range(n))
    listens.add_edges_from(zip(*net._listen.nonzero(), strict=True))
    seed_vertices = net.vertices(seeds)
    reach = set(seed_vertices)
    for v in seed_vertices:
        reach |= nx.ancestors(listens, v)
    assert set(np.flatnonzero(adopted.to_numpy())) == reach
    # with threshold 0 everyone adopts, seeds or not (Granovetter's instigators)
    zero = LinearThreshold(0.0, runs=1).simulate(net, seeds)
    assert zero.runs["adopters"][0] == n


def networkx_linear_threshold(graph: nx.DiGraph, seeds, thresholds) -> list[int]:
    """A plain synchronous linear-threshold cascade: arcs i -> j mean i listens to j."""
    adopted = set(seeds)
    counts = [len(adopted)]
    while True:
        new = []
        for v in graph:
            if v in adopted:
                continue
            total = sum(d["weight"] for _, _, d in graph.out_edges(v, data=True))
            have = sum(d["weight"] for _, u, d in graph.out_edges(v, data=True) if u in adopted)
            if (total == 0 and thresholds[v] == 0) or (
                total > 0 and have >= thresholds[v] * total * (1 - 1e-9)
            ):
                new.append(v)
        if not new:
            return counts
        adopted.update(new)
        counts.append(len(adopted))


@settings(max_examples=30, deadline=None)
@given(st.data())
def test_agrees_with_a_plain_networkx_cascade(data):
    n, net = data.draw(graphs())
    seeds = subset(data.draw, n)
    thresholds = [
        data.draw(st.sampled_from([0.0, 0.2, 0.25, 1 / 3, 0.5, 0.75, 1.0])) for _ in range(n)
    ]
    listens = nx.DiGraph()
    listens.add_nodes_from(range(n))
    matrix = net._listen.tocoo()
    for i, j, w in zip(matrix.row, matrix.col, matrix.data, strict=True):
        listens.add_edge(i, j, weight=w)
    expected = networkx_linear_threshold(listens, set(net.vertices(seeds)), thresholds)
    by_node = dict(zip(net.nodes_["node"], thresholds, strict=True))
    assert curve(LinearThreshold(by_node, runs=1).simulate(net, seeds)) == expected


def test_results_do_not_depend_on_how_runs_are_chunked(monkeypatch):
    net = network_of([(i, (i * 7 + 3) % 40) for i in range(40)] + [(i, i + 1) for i in range(39)])
    whole = LinearThreshold((0.1, 0.6), runs=30, seed=9).simulate(net, "random", share=0.1)
    monkeypatch.setattr(_spread, "CHUNK_CELLS", 40 * 4)  # four runs at a time
    import berdaya.analysis.network._cascade as cascade_module

    monkeypatch.setattr(cascade_module, "chunk_size", lambda n, runs: 4)
    parts = LinearThreshold((0.1, 0.6), runs=30, seed=9).simulate(net, "random", share=0.1)
    for name in ("curve", "runs", "nodes"):
        pd.testing.assert_frame_equal(getattr(whole, name), getattr(parts, name))


def test_result_tables_have_the_documented_columns():
    net = network_of([(0, 1), (1, 2), (2, 3)])
    result = LinearThreshold((0.2, 0.7), runs=20, seed=1).simulate(net, "degree", count=1)
    assert list(result.curve.columns) == [
        "step",
        "share_mean",
        "share_low",
        "share_high",
        "adopters_mean",
    ]
    assert list(result.runs.columns) == ["run", "seeds", "adopters", "share", "steps"]
    assert list(result.nodes.columns) == ["node", "seed_rate", "adoption_rate", "mean_step"]
    assert result.curve["share_low"].le(result.curve["share_mean"] + 1e-12).all()
    assert result.curve["share_high"].ge(result.curve["share_mean"] - 1e-12).all()
    assert result.nodes["seed_rate"].sum() == 1.0
    assert 0 < result.final_share <= 1


@pytest.mark.parametrize(
    ("model", "seeds", "options", "message"),
    [
        (LinearThreshold(1.5), [0], {}, "between 0 and 1"),
        (LinearThreshold((0.5, 0.2)), [0], {}, "range"),
        (LinearThreshold({"0": 0.5}), [0], {}, "no value for '1'"),
        (LinearThreshold("missing"), [0], {}, "missing column 'missing'"),
        (ComplexContagion(1.5), [0], {}, "whole number"),
        (LinearThreshold(runs=0), [0], {}, "runs"),
        (LinearThreshold(), [7], {}, "'7' is not in the network"),
        (LinearThreshold(), [0], {"share": 0.1}, "either a list of seeds or a strategy"),
        (LinearThreshold(), "degree", {}, "as a share of the people or as a count"),
        (LinearThreshold(), "degree", {"share": 2}, "between 0 and 1"),
        (LinearThreshold(), "loudest", {"share": 0.1}, "seed strategy 'loudest' is unknown"),
        (LinearThreshold(seed=1.5), [0], {}, "seed must be a whole number"),
    ],
)
def test_bad_cascade_options_say_what_is_wrong(model, seeds, options, message):
    net = network_of([(0, 1), (1, 2)])
    with pytest.raises(AnalysisError, match=message):
        model.simulate(net, seeds, **options)
