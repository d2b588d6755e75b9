import pytest
from django.test import Client

from berdaya.accounts.services import token_create


@pytest.fixture
def token_for(demo):
    """`token_for("manajer", scope="write")` returns the secret of a new token."""

    def _token(username: str, *, scope: str = "write") -> str:
        return token_create(
            user=demo.users[username], name="test", scope=scope, expires_in_days=30
        ).secret

    return _token


@pytest.fixture
def api(token_for):
    """`api("pendamping.girisekar")` returns a test client that sends that user's token."""

    def _client(username: str, *, scope: str = "write", **headers) -> Client:
        return Client(
            headers={"Authorization": f"Bearer {token_for(username, scope=scope)}", **headers}
        )

    return _client
