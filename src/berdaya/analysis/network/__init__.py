"""Influence networks (igraph) and critical-mass cascades (scipy.sparse).

Build a network from an edge table (pandas DataFrame, Ibis table or CSV/XLSX/Parquet file),
compute per-person measures, rank likely local champions with reasons, and simulate
linear-threshold and complex-contagion cascades to find the critical mass. Results are
pandas DataFrames with the columns documented on each class (graphs are computed in memory;
`ibis.memtable(frame)` turns a result back into an Ibis table). See docs/analysis.md,
"Influence networks and critical mass".
"""

from ._cascade import CascadeResult, ComplexContagion, LinearThreshold
from ._champions import DEFAULT_WEIGHTS, ChampionRanking
from ._critical import CriticalMass, CriticalMassResult
from ._graph import DEFAULT_KINDS, InfluenceNetwork
from ._measures import NetworkMeasures
from ._messages import MESSAGES
from ._seeds import SeedStrategy

__all__ = [
    "DEFAULT_KINDS",
    "DEFAULT_WEIGHTS",
    "MESSAGES",
    "CascadeResult",
    "ChampionRanking",
    "ComplexContagion",
    "CriticalMass",
    "CriticalMassResult",
    "InfluenceNetwork",
    "LinearThreshold",
    "NetworkMeasures",
    "SeedStrategy",
]
