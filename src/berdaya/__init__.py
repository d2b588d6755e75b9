"""Berdaya: software for community-led poverty reduction in Indonesia."""

__version__ = "0.1.0"
