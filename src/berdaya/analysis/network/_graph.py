"""InfluenceNetwork: who is tied to whom, built from an edge table into igraph and scipy.sparse."""

from __future__ import annotations

from collections.abc import Mapping
from functools import cached_property
from typing import Any

import igraph as ig
import numpy as np
import pandas as pd
import scipy.sparse as sp

from ..errors import AnalysisError
from ._io import as_frame, ids, require_columns

DIRECTED = "directed"
UNDIRECTED = "undirected"

#: The kinds of tie an edge table may name, and whether each has a direction.
#: "advice" is directed: source asks target for advice (so source listens to target).
DEFAULT_KINDS: Mapping[str, str] = {
    "kinship": UNDIRECTED,
    "group": UNDIRECTED,
    "meeting": UNDIRECTED,
    "advice": DIRECTED,
    "other": UNDIRECTED,
}


class InfluenceNetwork:
    """The influence network of a community, from an edge table and an optional node table.

    Parameters
    ----------
    kinds
        Kind of tie → "directed" or "undirected" (default `DEFAULT_KINDS`: kinship, group
        co-membership, meeting co-attendance and other ties are undirected; advice is
        directed, from the person who asks to the person asked).
    default_kind
        The kind of an edge whose `kind` is blank, or of every edge when the table has no
        `kind` column (default "other").

    `fit(edges, nodes=None)` reads the tables. Edges: columns `source`, `target`, optional
    `kind` and `weight` (a positive number, default 1; repeated ties add up). Nodes: column
    `id` and any attributes (name, village, sex, poverty_status, ...). Column names are
    matched without regard to case. Ids are compared as text.

    Attributes after `fit`
    ----------------------
    nodes_ : DataFrame
        One row per person in vertex order: `node` (the id as text) and the node table's
        other columns. Without a node table, people appear in the order the edges name them.
    edges_ : DataFrame
        The edges used: `source`, `target`, `kind`, `weight` (self-loops removed).
    self_loops_ : int
        Number of edges from a person to themselves, which were dropped.
    graph_ : igraph.Graph
        Undirected ties, one per pair of people who are tied in any way; edge attribute
        `weight` is the sum of their edges' weights; vertex attribute `name` is the id.
    influence_graph_ : igraph.Graph
        Directed "listens to" arcs: i → j when i is influenced by j (an undirected tie gives
        both arcs; an advice edge gives asker → adviser). PageRank follows these arcs.
    directed_ : bool
        Whether any edge is of a directed kind.
    """

    def __init__(
        self,
        *,
        kinds: Mapping[str, str] = DEFAULT_KINDS,
        default_kind: str = "other",
    ) -> None:
        self.kinds = dict(kinds)
        self.default_kind = default_kind

    # -- building -----------------------------------------------------------------------

    def fit(self, edges: Any, nodes: Any = None) -> InfluenceNetwork:
        kinds = self._check_kinds()
        frame = as_frame(edges, "edges")
        require_columns(frame, ["source", "target"], "edges")
        source = ids(frame["source"], "edges, column 'source'")
        target = ids(frame["target"], "edges, column 'target'")
        kind = self._kind_column(frame, kinds)
        weight = self._weight_column(frame)

        if nodes is not None:
            node_frame = as_frame(nodes, "nodes")
            require_columns(node_frame, ["id"], "nodes")
            node_ids = ids(node_frame["id"], "nodes, column 'id'")
            duplicated = pd.Index(node_ids).duplicated()
            if duplicated.any():
                raise AnalysisError(f"nodes: id '{node_ids[duplicated][0]}' appears twice")
            attributes = node_frame.drop(columns=["id"])
            if "node" in attributes.columns:
                raise AnalysisError("nodes: rename column 'node'; the id column is 'id'")
        m = len(source)
        if nodes is not None:
            codes = pd.Index(node_ids).get_indexer(np.concatenate([source, target]))
            s, t = codes[:m], codes[m:]
        else:
            # people in the order the edges first name them (source, target, next row...)
            codes, node_ids = pd.factorize(np.column_stack([source, target]).ravel())
            node_ids = np.asarray(node_ids, dtype=object)
            s, t = codes[0::2], codes[1::2]
            attributes = pd.DataFrame(index=range(len(node_ids)))
        unknown = (s < 0) | (t < 0)
        if unknown.any():
            names = pd.unique(np.concatenate([source[s < 0], target[t < 0]]))
            shown = ", ".join(f"'{name}'" for name in names[:3])
            more = f" and {len(names) - 3} more" if len(names) > 3 else ""
            count = int(unknown.sum())
            edges_refer = "1 edge refers" if count == 1 else f"{count:,} edges refer"
            raise AnalysisError(
                f"edges: {edges_refer} to people not in the node table: {shown}{more}"
            )

        loops = s == t
        self.self_loops_ = int(loops.sum())
        if loops.all():
            raise AnalysisError(
                "edges: every edge links a person to themselves (a self-loop); no ties remain"
            )
        keep = ~loops
        source, target, kind, weight = source[keep], target[keep], kind[keep], weight[keep]
        s, t = s[keep], t[keep]

        n = len(node_ids)
        self.nodes_ = pd.concat(
            [pd.DataFrame({"node": node_ids.astype(str)}), attributes.reset_index(drop=True)],
            axis=1,
        )
        self.edges_ = pd.DataFrame(
            {
                "source": source.astype(str),
                "target": target.astype(str),
                "kind": kind,
                "weight": weight,
            }
        )
        self._source, self._target, self._weight = s, t, weight
        self._kind = kind
        directed = np.isin(kind, [name for name, way in kinds.items() if way == DIRECTED])
        self.directed_ = bool(directed.any())

        # listen[i, j]: how much i listens to j (undirected ties both ways).
        rows = np.concatenate([s, t[~directed]])
        cols = np.concatenate([t, s[~directed]])
        data = np.concatenate([weight, weight[~directed]])
        self._listen = sp.csr_matrix((data, (rows, cols)), shape=(n, n))
        self._listen.sum_duplicates()
        # ties[i, j] = ties[j, i]: the sum of all edge weights between i and j.
        both = np.concatenate([s, t]), np.concatenate([t, s])
        self._ties = sp.csr_matrix((np.concatenate([weight, weight]), both), shape=(n, n))
        self._ties.sum_duplicates()

        upper = sp.triu(self._ties, k=1).tocoo()
        self.graph_ = ig.Graph(n=n, edges=np.column_stack([upper.row, upper.col]), directed=False)
        self.graph_.es["weight"] = upper.data
        self.graph_.vs["name"] = list(self.nodes_["node"])
        self._index = pd.Index(self.nodes_["node"])
        self._cache: dict[Any, Any] = {}
        self.__dict__.pop("influence_graph_", None)
        return self

    def _check_kinds(self) -> dict[str, str]:
        kinds = {str(name).strip().lower(): way for name, way in self.kinds.items()}
        for name, way in kinds.items():
            if way not in (DIRECTED, UNDIRECTED):
                raise AnalysisError(f"kind '{name}': say 'directed' or 'undirected', not {way!r}")
        if self.default_kind not in kinds:
            raise AnalysisError(f"default_kind '{self.default_kind}' is not one of the kinds")
        return kinds

    def _kind_column(self, frame: pd.DataFrame, kinds: dict[str, str]) -> np.ndarray:
        if "kind" not in frame.columns:
            return np.full(len(frame), self.default_kind, dtype=object)
        column = frame["kind"].astype("string").str.strip().str.lower()
        column = column.fillna(self.default_kind).replace("", self.default_kind)
        values = column.to_numpy(dtype=object)
        unknown = ~np.isin(values, list(kinds))
        if unknown.any():
            known = ", ".join(kinds)
            raise AnalysisError(
                f"edges: unknown kind '{values[unknown][0]}' (known kinds: {known})"
            )
        return values

    @staticmethod
    def _weight_column(frame: pd.DataFrame) -> np.ndarray:
        if "weight" not in frame.columns:
            return np.ones(len(frame))
        raw = frame["weight"]
        weight = pd.to_numeric(raw, errors="coerce")
        bad = weight.isna() & raw.notna() & (raw.astype("string").str.strip() != "")
        if bad.any():
            row = int(np.flatnonzero(bad.to_numpy())[0])
            raise AnalysisError(f"edges: weight {raw.iloc[row]!r} is not a number (row {row + 1})")
        values = weight.fillna(1.0).to_numpy(dtype=float)
        wrong = ~np.isfinite(values) | (values <= 0)
        if wrong.any():
            row = int(np.flatnonzero(wrong)[0])
            raise AnalysisError(
                f"edges: weights must be positive numbers; row {row + 1} has {values[row]}"
            )
        return values

    # -- views ----------------------------------------------------------------------------

    @property
    def n_nodes(self) -> int:
        return len(self.nodes_)

    @cached_property
    def influence_graph_(self) -> ig.Graph:
        listen = self._listen.tocoo()
        graph = ig.Graph(
            n=self.n_nodes, edges=np.column_stack([listen.row, listen.col]), directed=True
        )
        graph.es["weight"] = listen.data
        graph.vs["name"] = list(self.nodes_["node"])
        return graph

    def vertices(self, node_ids: Any) -> np.ndarray:
        """Vertex indices of `node_ids` (ids as in the tables), or an AnalysisError."""
        wanted = ids(pd.Series(list(node_ids), dtype=object), "seeds")
        found = self._index.get_indexer(wanted)
        if (found < 0).any():
            raise AnalysisError(f"seeds: '{wanted[found < 0][0]}' is not in the network")
        return found

    def node_column(self, column: str) -> pd.Series:
        """A node attribute by name, or an AnalysisError naming it."""
        name = column.strip().lower()
        if name not in self.nodes_.columns or name == "node":
            raise AnalysisError(f"nodes: missing column '{name}'")
        return self.nodes_[name]

    def kind_degrees(self) -> pd.DataFrame:
        """Per person and kind: `<kind>_ties` (distinct people tied by an undirected kind),
        `<kind>_in` and `<kind>_out` for a directed kind (for advice: how many ask this
        person, and how many this person asks)."""
        n = self.n_nodes
        columns: dict[str, np.ndarray] = {}
        for kind, way in self._check_kinds().items():
            mask = self._kind == kind
            s, t = self._source[mask], self._target[mask]
            if way == DIRECTED:
                arcs = sp.csr_matrix((np.ones(len(s)), (s, t)), shape=(n, n))
                arcs.sum_duplicates()
                columns[f"{kind}_in"] = np.diff(arcs.tocsc().indptr).astype(np.int64)
                columns[f"{kind}_out"] = np.diff(arcs.indptr).astype(np.int64)
            else:
                both = sp.csr_matrix(
                    (np.ones(2 * len(s)), (np.concatenate([s, t]), np.concatenate([t, s]))),
                    shape=(n, n),
                )
                both.sum_duplicates()
                columns[f"{kind}_ties"] = np.diff(both.indptr).astype(np.int64)
        return pd.DataFrame(columns)

    def __repr__(self) -> str:
        if not hasattr(self, "nodes_"):
            return "InfluenceNetwork()"
        return (
            f"<InfluenceNetwork: {self.n_nodes} people, {self.graph_.ecount()} ties"
            f"{', directed advice' if self.directed_ else ''}>"
        )
