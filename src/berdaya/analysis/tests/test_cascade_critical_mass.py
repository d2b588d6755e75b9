"""Seed strategies and the critical mass search (smallest seed share, Wilson interval)."""

from __future__ import annotations

import itertools
import math

import networkx as nx
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from berdaya.analysis import (
    ComplexContagion,
    CriticalMass,
    InfluenceNetwork,
    LinearThreshold,
    SeedStrategy,
)
from berdaya.analysis.errors import AnalysisError
from berdaya.analysis.network._critical import wilson


def network_of(pairs) -> InfluenceNetwork:
    return InfluenceNetwork().fit(pd.DataFrame(pairs, columns=["source", "target"]))


def two_villages() -> InfluenceNetwork:
    """Two cliques of 12 and 6 people joined by one tie (0 - 12)."""
    big = [(i, j) for i in range(12) for j in range(i + 1, 12)]
    small = [(i, j) for i in range(12, 18) for j in range(i + 1, 18)]
    return network_of([*big, *small, (0, 12)])


# -- Wilson interval ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("successes", "runs", "low", "high"),
    [
        (81, 263, 0.2553, 0.3662),
        (15, 148, 0.0624, 0.1605),
        (0, 20, 0.0, 0.1611),
        (1, 29, 0.0061, 0.1718),
    ],
)
def test_wilson_interval_matches_newcombe(successes, runs, low, high):
    # Newcombe (1998), "Two-sided confidence intervals for the single proportion",
    # Statistics in Medicine 17:857-872, Table I, method 3 (Wilson score, no continuity
    # correction), 95%.
    got = wilson(successes, runs, 0.95)
    assert got == pytest.approx((low, high), abs=5e-5)


# -- seed strategies ---------------------------------------------------------------------------


def test_degree_and_betweenness_seeds():
    star = network_of([(0, i) for i in range(1, 6)] + [(5, 6)])
    assert list(SeedStrategy("degree").order(star, 2)) == [0, 5]
    assert list(SeedStrategy("betweenness").order(star, 2)) == [0, 5]


def test_community_seeds_are_spread_in_proportion_to_size():
    net = two_villages()
    order = SeedStrategy("community").order(net, 6)
    in_small = np.isin(net.nodes_["node"].to_numpy()[order].astype(int), range(12, 18))
    # Sainte-Laguë for sizes 12 and 6, quotient size / (2 x taken + 1), by hand:
    # 12 v 6 -> big; 4 v 6 -> small; 4 v 2 -> big; 2.4 v 2 -> big; 1.71 v 2 -> small;
    # 1.71 v 1.2 -> big. Four and two: in proportion 12 : 6.
    assert list(in_small) == [False, True, False, False, True, False]
    assert list(SeedStrategy("community-spread").order(net, 6)) == list(order)


def test_orderings_are_nested():
    net = two_villages()
    model = LinearThreshold(0.3, runs=1)
    for name in ("degree", "betweenness", "community", "greedy"):
        strategy = SeedStrategy(name)
        long = strategy.order(net, 8, model)
        for k in range(8):
            assert list(strategy.order(net, k, model)) == list(long[:k])


def test_greedy_finds_the_seed_a_degree_ranking_misses():
    # By hand, threshold 0.5. Person 0 has 6 ties to people who know no one else: seeding 0
    # brings them all (7 adopters). Person 7 has 5 ties (8-12), each of whom has one more
    # tie to someone who knows no one else (13-17): seeding 7, each of 8-12 sees 1 of 2
    # (0.5) and adopts, then each of 13-17 sees 1 of 1 (11 adopters). Degree picks 0;
    # greedy picks 7, the best single seed.
    pairs = [(0, i) for i in range(1, 7)]
    pairs += [(7, i) for i in range(8, 13)]
    pairs += [(i, i + 5) for i in range(8, 13)]
    net = network_of(pairs)
    model = LinearThreshold(0.5, runs=1)
    by_degree = SeedStrategy("degree").order(net, 1)
    greedy = SeedStrategy("greedy").order(net, 1, model)
    assert net.nodes_["node"][by_degree[0]] == "0"
    assert net.nodes_["node"][greedy[0]] == "7"
    assert model.simulate(net, ["0"]).runs["adopters"][0] == 7
    assert model.simulate(net, ["7"]).runs["adopters"][0] == 11
    best = max(model.simulate(net, [v]).runs["adopters"][0] for v in net.nodes_["node"])
    assert best == 11


def test_greedy_refuses_large_networks():
    net = network_of([(i, i + 1) for i in range(50)])
    with pytest.raises(AnalysisError, match="at most 10 people"):
        SeedStrategy("greedy", greedy_max_nodes=10).order(net, 2, LinearThreshold())


def test_random_seeds_differ_between_runs_and_repeat_with_the_seed():
    net = network_of([(i, i + 1) for i in range(30)])
    first = LinearThreshold(0.9, runs=50, seed=4).simulate(net, "random", count=3)
    again = LinearThreshold(0.9, runs=50, seed=4).simulate(net, "random", count=3)
    other = LinearThreshold(0.9, runs=50, seed=5).simulate(net, "random", count=3)
    pd.testing.assert_frame_equal(first.nodes, again.nodes)
    assert not first.nodes.equals(other.nodes)
    assert first.nodes["seed_rate"].between(0.0, 0.4).all()
    assert first.nodes["seed_rate"].sum() == pytest.approx(3)


# -- critical mass -----------------------------------------------------------------------------


def test_critical_mass_on_a_path_by_hand():
    # Path of 10 people, threshold 0.6: an interior person needs both neighbours (2 of 2),
    # an end person its only neighbour. Degree seeds are the interior people in order
    # 1, 2, ..., 8 (ids ascending among equal degree). By hand: seeds {1} reach only 0
    # (2 people); {1, 2} -> 0 too (3); {1, 2, 3} -> 4; ... nobody beyond the seeds is ever
    # pushed by two neighbours, so k seeds give k + 1 adopters until 8 seeds reach all 10
    # (0 and 9 follow). 50% = 5 people needs 4 seeds.
    net = network_of([(i, i + 1) for i in range(9)])
    found = CriticalMass(LinearThreshold(0.6, runs=3), seeds="degree", target=0.5).find(net)
    assert found.seed_count == 4
    assert found.seed_share == 0.4
    # fixed thresholds and seeds: every run would be the same, one is run, and the interval
    # is the point
    assert (found.share_low, found.share_high) == (0.4, 0.4)
    assert (found.evaluations["runs"] == 1).all()
    evaluated = found.evaluations.set_index("seed_count")["adoption_mean"]
    assert evaluated[4] == 0.5 and evaluated[3] == 0.4
    assert list(found.summary().columns) == [
        "target",
        "probability",
        "confidence",
        "seed_count",
        "seed_share",
        "share_low",
        "share_high",
    ]


def test_critical_mass_equals_a_linear_scan_and_brackets_it():
    graph = nx.connected_watts_strogatz_graph(60, 4, 0.2, seed=3)
    net = network_of(list(graph.edges()))
    model = LinearThreshold((0.2, 0.7), runs=60, seed=2)
    found = CriticalMass(model, seeds="degree", target=0.6, probability=0.5).find(net)
    assert found.seed_count is not None
    rates = []
    for k in range(net.n_nodes + 1):
        finals = (
            model.simulate(net, "degree", count=k).runs["adopters"]
            if k
            else (model.simulate(net, []).runs["adopters"])
        )
        rates.append((finals >= math.ceil(0.6 * net.n_nodes)).mean())
        if rates[-1] >= 0.5:
            break
    assert found.seed_count == len(rates) - 1
    assert found.share_low <= found.seed_share <= found.share_high
    for row in found.evaluations.itertuples():
        assert row.wilson_low <= row.success_rate <= row.wilson_high


@settings(max_examples=20, deadline=None)
@given(st.integers(0, 10_000), st.sampled_from(["degree", "random", "community"]))
def test_success_rate_never_falls_as_seeds_grow(seed, strategy):
    graph = nx.gnm_random_graph(30, 60, seed=seed % 97)
    graph.add_edges_from((i, i + 1) for i in range(29))
    net = network_of(list(graph.edges()))
    model = LinearThreshold((0.1, 0.6), runs=15, seed=seed)
    adopters = [
        model.simulate(net, strategy, count=k).runs["adopters"].to_numpy() for k in range(0, 30, 3)
    ]
    for fewer, more in itertools.pairwise(adopters):
        assert (more >= fewer).all()  # run by run, thanks to common random numbers


def test_critical_mass_with_complex_contagion_and_greedy():
    net = two_villages()
    found = CriticalMass(ComplexContagion(2, runs=5), seeds="greedy", target=1.0).find(net)
    # By hand, everyone needs 2 adopting ties. Two seeds in the big clique bring it all,
    # including 0; person 12 then sees only 0. One more seed in the small clique besides 12
    # gives 12 its second adopter, and then the whole small clique follows: 3 seeds, and
    # no 2 seeds can do it (they bring at most the clique they sit in).
    assert found.seed_count == 3
    assert found.evaluations.set_index("seed_count").loc[3, "adoption_mean"] == 1.0


def test_unreachable_targets_and_bad_options():
    net = network_of([(i, i + 1) for i in range(9)])
    capped = CriticalMass(LinearThreshold(1.0, runs=5), target=1.0, max_share=0.3).find(net)
    assert capped.seed_count is None and math.isnan(capped.seed_share)
    with pytest.raises(AnalysisError, match="target must be in"):
        CriticalMass(LinearThreshold(), target=0).find(net)
    with pytest.raises(AnalysisError, match="confidence"):
        CriticalMass(LinearThreshold(), confidence=1.0).find(net)
    with pytest.raises(AnalysisError, match="model must be"):
        CriticalMass("threshold").find(net)
    with pytest.raises(AnalysisError, match="seed strategy 'loud' is unknown"):
        CriticalMass(LinearThreshold(), seeds="loud").find(net)


def test_few_runs_cannot_establish_the_upper_end():
    net = network_of([(i, i + 1) for i in range(9)])
    found = CriticalMass(LinearThreshold((0.5, 0.6), runs=3), probability=0.9).find(net)
    assert found.seed_count == 4  # the same path as above: thresholds above 0.5 need 2 of 2
    # 0 of 3 runs at 3 seeds rules out p >= 0.9 (Wilson 95% upper bound 0.56), but 3 of 3
    # at 4 seeds cannot establish it (lower bound 0.44): no upper end.
    assert found.count_low == 4
    assert found.count_high is None and math.isnan(found.share_high)
