"""Cursor (keyset) pagination: `?limit=50&cursor=…`, answering `{"items": […], "next": …}`.

The cursor is the last key of the page before, as `k<key>` (clients pass back `next` as
it is; the letter leaves room for other orders later). A page is
`WHERE pk > last ORDER BY pk LIMIT n + 1`: the database seeks straight to it through the
primary key, so page 20,000 costs what page 1 costs, and rows added meanwhile never shift
a page (unlike OFFSET).
"""

from __future__ import annotations

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
    cursor: str | None = Field(
        None, pattern=r"^k(0|[1-9][0-9]{0,17})$", description="The previous page's `next`."
    )
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)


def encode_cursor(pk: int) -> str:
    return f"k{pk}"


def decode_cursor(cursor: str) -> int:
    if not (cursor.startswith("k") and cursor[1:].isdigit() and len(cursor) <= 19):
        raise BadRequest(
            _("This cursor is not valid: use the `next` value of the page before."),
            field="cursor",
        )
    return int(cursor[1:])


def page_of(queryset: QuerySet, params: PageParams) -> tuple[list, str | None]:
    """One page of `queryset` in key order, and the cursor of the next page (or None)."""
    queryset = queryset.order_by("pk")
    if params.cursor:
        queryset = queryset.filter(pk__gt=decode_cursor(params.cursor))
    rows = list(queryset[: params.limit + 1])
    more = len(rows) > params.limit
    rows = rows[: params.limit]
    return rows, (encode_cursor(rows[-1].pk) if more and rows else None)
