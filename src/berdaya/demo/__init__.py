"""A deterministic demo community: the same organisation, programme, villages,
people and households every time, built through the real services. It is what
`make run` shows and what the test suite uses as its fixture."""

from .community import DEMO_PASSWORD, DemoCommunity, demo_create

__all__ = ["DEMO_PASSWORD", "DemoCommunity", "demo_create"]
