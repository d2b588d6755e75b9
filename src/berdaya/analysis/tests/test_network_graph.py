"""InfluenceNetwork and NetworkMeasures: building the graph, centralities, communities.

Worked examples from the literature use Zachary's karate club (Zachary 1977, "An information
flow model for conflict and fission in small groups", J. Anthropol. Res. 33:452-473), with
members numbered 1-34 as in the paper.
"""

from __future__ import annotations

import random

import igraph as ig
import networkx as nx
import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from berdaya.analysis import InfluenceNetwork, NetworkMeasures
from berdaya.analysis.errors import AnalysisError
from berdaya.analysis.network import _centrality


def karate_edges() -> pd.DataFrame:
    edges = np.array(ig.Graph.Famous("Zachary").get_edgelist()) + 1
    return pd.DataFrame(edges, columns=["source", "target"])


@pytest.fixture(scope="module")
def karate() -> InfluenceNetwork:
    return InfluenceNetwork().fit(karate_edges())


@pytest.fixture(scope="module")
def karate_measures(karate) -> pd.DataFrame:
    return NetworkMeasures(betweenness_pivots="exact").compute(karate).set_index("node")


# -- worked examples -------------------------------------------------------------------------


def test_karate_club_degrees_match_zacharys_data(karate_measures):
    # Zachary (1977): 34 members, 78 ties; the instructor (1) has 16 ties, the
    # administrator (34) 17, the most of anyone.
    assert len(karate_measures) == 34
    assert karate_measures["degree"].sum() == 2 * 78
    assert karate_measures.loc["34", "degree"] == 17
    assert karate_measures.loc["1", "degree"] == 16
    assert karate_measures["degree"].idxmax() == "34"


def test_karate_club_instructor_and_administrator_are_the_top_brokers(karate_measures):
    # The two leaders around whom the club split (Zachary 1977; Girvan and Newman 2002
    # recover the split from betweenness) have the highest betweenness. The exact values,
    # 231.0714 and 160.5516 (normalised 0.4376 and 0.3041), are Brandes' algorithm's and
    # agree with networkx (checked in the property test below), not taken from a table.
    top = karate_measures["betweenness"].sort_values(ascending=False)
    assert list(top.index[:2]) == ["1", "34"]
    assert top["1"] == pytest.approx(231.0714285714, abs=1e-6)
    assert top["34"] == pytest.approx(160.5515873016, abs=1e-6)
    assert karate_measures.loc["1", "betweenness_norm"] == pytest.approx(0.4376, abs=1e-4)
    assert karate_measures.loc["34", "betweenness_norm"] == pytest.approx(0.3041, abs=1e-4)
    assert karate_measures.loc["1", "broker"] and karate_measures.loc["34", "broker"]


def test_karate_club_communities_reach_the_proven_maximum_modularity(karate):
    # Brandes et al. (2008), "On modularity clustering", IEEE TKDE 20(2): the maximum
    # modularity of the karate club is 0.4198 (four communities), proven by integer
    # programming. Leiden with the default seed finds it.
    measures = NetworkMeasures().compute(karate)
    by_member = measures.set_index(measures["node"].astype(int)).sort_index()
    membership = by_member["community"].to_numpy()
    assert ig.Graph.Famous("Zachary").modularity(membership) == pytest.approx(0.4198, abs=5e-5)
    assert measures["community"].nunique() == 4
    assert membership[0] != membership[33]  # instructor and administrator apart


def test_communities_are_numbered_by_size_and_reproducible(karate):
    first = NetworkMeasures(seed=3).compute(karate)
    again = NetworkMeasures(seed=3).compute(karate)
    pd.testing.assert_frame_equal(first, again)
    sizes = first.groupby("community")["community_size"].first()
    assert list(sizes) == sorted(sizes, reverse=True)
    multilevel = NetworkMeasures(communities="multilevel").compute(karate)
    assert multilevel["community"].nunique() >= 2


def test_sampled_betweenness_is_networkx_estimator_with_the_same_pivots():
    graph = nx.barabasi_albert_graph(300, 3, seed=5)
    k, seed = 40, 11
    # networkx draws its pivots with random.Random(seed).sample(list(G), k)
    pivots = np.array(random.Random(seed).sample(list(graph), k))
    expected = nx.betweenness_centrality(graph, k=k, seed=seed, normalized=False)
    ours = _centrality.betweenness(ig.Graph(n=300, edges=list(graph.edges())), pivots=pivots)
    np.testing.assert_allclose(ours, [expected[v] for v in range(300)], rtol=1e-9, atol=1e-9)


def test_sampled_betweenness_is_close_to_exact_and_seeded():
    graph = nx.barabasi_albert_graph(2000, 4, seed=2)
    edges = pd.DataFrame(list(graph.edges()), columns=["source", "target"])
    network = InfluenceNetwork().fit(edges)
    exact = NetworkMeasures(betweenness_pivots="exact").compute(network)["betweenness"]
    sampled = NetworkMeasures(betweenness_pivots=400, seed=1).compute(network)
    assert sampled.attrs["betweenness_pivots"] == 400
    again = NetworkMeasures(betweenness_pivots=400, seed=1).compute(network)["betweenness"]
    np.testing.assert_array_equal(sampled["betweenness"], again)
    top = exact.nlargest(10).index  # the people whose betweenness matters
    relative = np.abs(sampled["betweenness"][top] - exact[top]) / exact[top]
    assert relative.max() < 0.3


def test_betweenness_in_blocks_of_processes_equals_one_process():
    graph = ig.Graph(n=600, edges=list(nx.barabasi_albert_graph(600, 3, seed=4).edges()))
    pivots = np.arange(0, 600, 3)
    serial = _centrality.betweenness(graph, pivots=pivots, n_jobs=1)
    old = _centrality.PARALLEL_MIN_WORK
    _centrality.PARALLEL_MIN_WORK = 0
    try:
        parallel = _centrality.betweenness(graph, pivots=pivots, n_jobs=2)
    finally:
        _centrality.PARALLEL_MIN_WORK = old
    np.testing.assert_array_equal(serial, parallel)


# -- agreement with networkx on small random graphs -------------------------------------------


@st.composite
def small_graphs(draw, directed_share: bool = True):
    n = draw(st.integers(min_value=3, max_value=14))
    pairs = st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)).filter(lambda p: p[0] != p[1])
    edges = draw(st.lists(pairs, min_size=1, max_size=40))
    kinds = draw(
        st.lists(
            st.sampled_from(["kinship", "advice", "meeting"]),
            min_size=len(edges),
            max_size=len(edges),
        )
    )
    weights = draw(st.lists(st.integers(1, 4), min_size=len(edges), max_size=len(edges)))
    if not directed_share:
        kinds = ["kinship"] * len(edges)
    return n, pd.DataFrame(
        {
            "source": [a for a, _ in edges],
            "target": [b for _, b in edges],
            "kind": kinds,
            "weight": weights,
        }
    )


def networkx_views(n: int, edges: pd.DataFrame) -> tuple[nx.Graph, nx.DiGraph]:
    """The same graph by hand: undirected ties (summed weights) and listens-to arcs."""
    ties, arcs = nx.Graph(), nx.DiGraph()
    nodes = pd.unique(np.column_stack([edges["source"], edges["target"]]).ravel())
    ties.add_nodes_from(nodes)
    arcs.add_nodes_from(nodes)
    for row in edges.itertuples():
        a, b, w = row.source, row.target, float(row.weight)
        previous = ties.get_edge_data(a, b, {"weight": 0.0})["weight"]
        ties.add_edge(a, b, weight=previous + w)
        pairs = [(a, b)] if row.kind == "advice" else [(a, b), (b, a)]
        for u, v in pairs:
            previous = arcs.get_edge_data(u, v, {"weight": 0.0})["weight"]
            arcs.add_edge(u, v, weight=previous + w)
    return ties, arcs


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(small_graphs())
def test_centralities_agree_with_networkx(graph):
    n, edges = graph
    network = InfluenceNetwork().fit(edges)
    measures = NetworkMeasures(betweenness_pivots="exact").compute(network)
    ties, arcs = networkx_views(n, edges)
    order = [int(node) for node in measures["node"]]

    assert list(measures["degree"]) == [ties.degree(v) for v in order]
    assert list(measures["in_degree"]) == [arcs.in_degree(v) for v in order]
    assert list(measures["out_degree"]) == [arcs.out_degree(v) for v in order]
    strength = dict(ties.degree(weight="weight"))
    np.testing.assert_allclose(measures["strength"], [strength[v] for v in order])

    between = nx.betweenness_centrality(ties, normalized=False)
    np.testing.assert_allclose(measures["betweenness"], [between[v] for v in order], atol=1e-9)

    rank = nx.pagerank(arcs, alpha=0.85, weight="weight", tol=1e-12, max_iter=10_000)
    np.testing.assert_allclose(measures["pagerank"], [rank[v] for v in order], atol=1e-7)

    if nx.is_connected(ties) and ties.number_of_nodes() > 2:
        eigen = nx.eigenvector_centrality_numpy(ties, weight="weight")
        expected = np.array([eigen[v] for v in order])
        expected = np.abs(expected) / np.abs(expected).max()
        np.testing.assert_allclose(measures["eigenvector"], expected, atol=1e-6)


@settings(max_examples=40, deadline=None)
@given(small_graphs(directed_share=False))
def test_participation_and_communities_linked_follow_their_definitions(graph):
    _n, edges = graph
    network = InfluenceNetwork().fit(edges)
    measures = NetworkMeasures().compute(network)
    community = dict(zip(measures["node"], measures["community"], strict=True))
    ties, _arcs = networkx_views(_n, edges)
    for row in measures.itertuples():
        v = int(row.node)
        neighbours = [community[str(u)] for u in ties[v]]
        linked = len(set(neighbours) | {row.community})
        assert row.communities_linked == linked
        counts = pd.Series(neighbours).value_counts().to_numpy() if neighbours else np.array([])
        expected = 1 - ((counts / len(neighbours)) ** 2).sum() if neighbours else 0.0
        assert row.participation == pytest.approx(expected, abs=1e-12)


# -- building from tables ----------------------------------------------------------------------


def test_advice_is_directed_and_other_kinds_are_not():
    edges = pd.DataFrame(
        {
            "source": ["a", "b", "c", "a", "a"],
            "target": ["d", "d", "d", "b", "b"],
            "kind": ["advice", "Advice ", "advice", "kinship", "group"],
        }
    )
    network = InfluenceNetwork().fit(edges)
    assert network.directed_
    m = NetworkMeasures().compute(network).set_index("node")
    assert m.loc["d", "advice_in"] == 3 and m.loc["d", "advice_out"] == 0
    assert m.loc["a", "advice_out"] == 1
    assert m.loc["a", "kinship_ties"] == 1 and m.loc["a", "group_ties"] == 1
    # d is asked by three people and asks no one: three listeners, listens to nobody
    assert m.loc["d", "in_degree"] == 3 and m.loc["d", "out_degree"] == 0
    assert m.loc["a", "degree"] == 2  # b (two kinds) and d
    assert m.loc["a", "strength"] == 3.0  # weights of a-b (1 + 1) and a-d (1)
    assert m["pagerank"].idxmax() == "d"
    assert network.graph_.ecount() == 4  # a-d, b-d, c-d, a-b
    assert network.influence_graph_.is_directed()


def test_ids_are_compared_as_text_across_tables():
    edges = pd.DataFrame({"source": [1, 2.0], "target": ["3", "007"]})
    nodes = pd.DataFrame({"id": ["1", "2", "3", "007", "9"], "name": list("ABCDE")})
    network = InfluenceNetwork().fit(edges, nodes)
    assert list(network.nodes_["node"]) == ["1", "2", "3", "007", "9"]
    measures = NetworkMeasures().compute(network)
    assert list(measures.columns[:2]) == ["node", "name"]
    assert measures.set_index("node").loc["9", "degree"] == 0  # isolated, still listed


def test_repeated_edges_add_up_and_self_loops_are_dropped():
    edges = pd.DataFrame(
        {"source": ["a", "a", "b", "c"], "target": ["b", "b", "a", "c"], "weight": [1, 2, 0.5, 1]}
    )
    network = InfluenceNetwork().fit(edges)
    assert network.self_loops_ == 1
    assert network.graph_.es["weight"] == [3.5]
    assert list(network.nodes_["node"]) == ["a", "b", "c"]  # c only on its own self-loop
    assert len(network.edges_) == 3


@pytest.mark.parametrize("suffix", [".csv", ".xlsx", ".parquet"])
def test_edges_and_nodes_from_files(tmp_path, suffix):
    edges = karate_edges()
    nodes = pd.DataFrame({"id": range(1, 35), "village": ["Sukamaju"] * 34})
    edge_file, node_file = tmp_path / f"edges{suffix}", tmp_path / f"nodes{suffix}"
    for frame, path in ((edges, edge_file), (nodes, node_file)):
        if suffix == ".csv":
            frame.to_csv(path, index=False)
        elif suffix == ".xlsx":
            frame.to_excel(path, index=False)
        else:
            frame.to_parquet(path, index=False)
    network = InfluenceNetwork().fit(str(edge_file), node_file)
    assert network.n_nodes == 34 and network.graph_.ecount() == 78
    assert list(network.nodes_["node"][:3]) == ["1", "2", "3"]


def test_edges_from_an_ibis_table():
    ibis = pytest.importorskip("ibis")
    network = InfluenceNetwork().fit(ibis.memtable(karate_edges()))
    assert network.graph_.ecount() == 78


@pytest.mark.parametrize(
    ("edges", "nodes", "message"),
    [
        (pd.DataFrame({"source": [1], "to": [2]}), None, "missing column 'target'"),
        (pd.DataFrame({"source": [1, 2], "target": [1, 2]}), None, "self-loop"),
        (
            pd.DataFrame({"source": [1, 2], "target": [2, 3]}),
            pd.DataFrame({"id": [1, 2]}),
            "not in the node table: '3'",
        ),
        (
            pd.DataFrame({"source": [1], "target": [2]}),
            pd.DataFrame({"key": [1, 2]}),
            "nodes: missing column 'id'",
        ),
        (
            pd.DataFrame({"source": [1], "target": [2]}),
            pd.DataFrame({"id": [1, 2, 2]}),
            "id '2' appears twice",
        ),
        (
            pd.DataFrame({"source": [1], "target": [2], "kind": ["friendship"]}),
            None,
            "unknown kind 'friendship'",
        ),
        (
            pd.DataFrame({"source": [1], "target": [2], "weight": ["heavy"]}),
            None,
            "'heavy' is not a number",
        ),
        (pd.DataFrame({"source": [1], "target": [2], "weight": [-1]}), None, "positive"),
        (pd.DataFrame({"source": [1, None], "target": [2, 3]}), None, "no value"),
        (pd.DataFrame({"source": [], "target": []}), None, "edges has no rows"),
        (pd.DataFrame({"source": [1], "target": [2]}), pd.DataFrame({"id": []}), "no rows"),
        ([(1, 2)], None, "expected a pandas DataFrame"),
    ],
)
def test_bad_tables_say_what_is_wrong(edges, nodes, message):
    with pytest.raises(AnalysisError, match=message):
        InfluenceNetwork().fit(edges, nodes)


def test_bad_files_say_what_is_wrong(tmp_path):
    empty = tmp_path / "edges.csv"
    empty.write_text("")
    with pytest.raises(AnalysisError, match="is empty"):
        InfluenceNetwork().fit(empty)
    header = tmp_path / "header.csv"
    header.write_text("source,target\n")
    with pytest.raises(AnalysisError, match="has no rows"):
        InfluenceNetwork().fit(header)
    with pytest.raises(AnalysisError, match=r"unknown file type \('.json'\)"):
        InfluenceNetwork().fit(tmp_path / "edges.json")
    with pytest.raises(AnalysisError, match="file not found"):
        InfluenceNetwork().fit(tmp_path / "missing.csv")


def test_custom_kinds_and_measure_name_clash():
    edges = pd.DataFrame({"source": ["a"], "target": ["b"], "kind": ["neighbour"]})
    network = InfluenceNetwork(kinds={"neighbour": "undirected"}, default_kind="neighbour")
    measures = NetworkMeasures().compute(network.fit(edges))
    assert "neighbour_ties" in measures.columns
    with pytest.raises(AnalysisError, match="say 'directed' or 'undirected'"):
        InfluenceNetwork(kinds={"x": "both"}, default_kind="x").fit(edges)
    clash = pd.DataFrame({"id": ["a", "b"], "degree": [1, 2]})
    with pytest.raises(AnalysisError, match="column 'degree' has the name of a computed measure"):
        NetworkMeasures().compute(InfluenceNetwork().fit(edges.drop(columns="kind"), clash))


def test_measure_parameters_are_checked(karate):
    with pytest.raises(AnalysisError, match="pivots"):
        NetworkMeasures(betweenness_pivots=0).compute(karate)
    with pytest.raises(AnalysisError, match="damping"):
        NetworkMeasures(damping=1.5).compute(karate)
    with pytest.raises(AnalysisError, match="leiden"):
        NetworkMeasures(communities="girvan").compute(karate)
    with pytest.raises(AnalysisError, match="not been built"):
        NetworkMeasures().compute(InfluenceNetwork())
