"""Cursor (keyset) pagination: `?limit=50&cursor=…`, answering `{"items": […], "next": …}`.

The cursor is the last key of the page before, opaque to clients (URL-safe base64 of a
small JSON object). A page is `WHERE pk > last ORDER BY pk LIMIT n + 1`: the database
seeks straight to it through the primary key, so page 20,000 costs what page 1 costs,
and rows added meanwhile never shift a page (unlike OFFSET).
"""

from __future__ import annotations

import base64
import binascii
import json
from typing import Generic, TypeVar

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from ninja import Schema
from pydantic import Field

from .errors import BadRequest

DEFAULT_LIMIT = 50
MAX_LIMIT = 200

Item = TypeVar("Item")


class Page(Schema, Generic[Item]):
    items: list[Item]
    next: str | None = Field(
        None, description="Pass as `cursor` for the next page; null on the last page."
    )


class PageParams(Schema):
    cursor: str | None = Field(None, max_length=200, description="From the previous page's `next`.")
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)


def encode_cursor(pk: int) -> str:
    raw = json.dumps({"after": pk}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> int:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        value = json.loads(base64.urlsafe_b64decode(padded.encode()))
        after = value["after"]
        if not isinstance(after, int) or isinstance(after, bool) or after < 0:
            raise ValueError
    except (ValueError, KeyError, TypeError, binascii.Error, UnicodeDecodeError):
        raise BadRequest(
            _("This cursor is not valid: use the `next` value of the page before."),
            field="cursor",
        ) from None
    return after


def page_of(queryset: QuerySet, params: PageParams) -> tuple[list, str | None]:
    """One page of `queryset` in key order, and the cursor of the next page (or None)."""
    queryset = queryset.order_by("pk")
    if params.cursor:
        queryset = queryset.filter(pk__gt=decode_cursor(params.cursor))
    rows = list(queryset[: params.limit + 1])
    more = len(rows) > params.limit
    rows = rows[: params.limit]
    return rows, (encode_cursor(rows[-1].pk) if more and rows else None)
