"""Ballots as stored (JSON) ↔ ballots as counted (`methods.Ballot`).

Stored shapes, with problems and criteria by id:
pairwise ``[[a, b, winner_or_null], ...]`` · matrix ``[[problem, criterion,
score_or_null], ...]`` · dots ``{"problem": n}`` · borda ``{"problem": place}``.
"""

from __future__ import annotations

from . import methods


def to_ballot(method: str, voter, stored, cast_at=None) -> methods.Ballot:
    if method == "pairwise":
        choices = {(int(a), int(b)): (None if w is None else int(w)) for a, b, w in stored}
    elif method == "matrix":
        choices = {(int(p), int(c)): s for p, c, s in stored}
    elif method in ("dots", "borda"):
        choices = {int(option): value for option, value in dict(stored).items()}
    else:
        raise ValueError(f"unknown method {method!r}")
    return methods.Ballot(voter, choices, cast_at)
