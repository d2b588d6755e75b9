"""Through which door personal data was reached: a page, the API with the browser's
session, or the API with a personal access token (named by its public prefix).

`PersonalDataAccess.channel` takes its default from here, so every reveal, export and
read that a service logs says how it was made, without each service being told. The API
sets it for the length of one request and puts it back afterwards.
"""

from __future__ import annotations

from contextvars import ContextVar, Token

WEB = "web"
API_SESSION = "api"

_channel: ContextVar[str] = ContextVar("berdaya_access_channel", default=WEB)


def current_channel() -> str:
    return _channel.get()


def token_channel(prefix: str) -> str:
    return f"api:{prefix}"


def channel_set(value: str) -> Token:
    return _channel.set(value)


def channel_reset(token: Token) -> None:
    _channel.reset(token)
