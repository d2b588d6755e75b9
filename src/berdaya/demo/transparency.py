"""The demo programme's public page, published by its manager through the service."""

from __future__ import annotations


def demo_transparency(community) -> None:
    from berdaya.transparency.services import public_page_set

    public_page_set(user=community.users["manajer"], programme=community.programme, enabled=True)
