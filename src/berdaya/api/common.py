"""Small pieces every router shares: keys, masking, the reads audit, role checks."""

from __future__ import annotations

import datetime
from collections import defaultdict
from typing import Annotated

from django.utils.translation import gettext as _
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from berdaya.core import crypto
from berdaya.core.access import village_codes_for
from berdaya.core.errors import PermissionDenied
from berdaya.core.models import PersonalDataAccess

# A database key: positive and within a 64-bit integer (larger ones cannot exist).
Key = Annotated[int, Field(ge=1, le=2**63 - 1)]
# Free text typed by people: no control characters (PostgreSQL refuses NUL in text).
Text = Annotated[str, Field(pattern=r"^[^\x00-\x08\x0b\x0c\x0e-\x1f]*$")]
VillageCode = Annotated[str, Field(min_length=2, max_length=20, pattern=r"^[0-9.]+$")]


def masked(value: str) -> str:
    """A NIK/KK as the pages show it (`3201**********01`). The one call site of the API."""
    return crypto.mask(value or "")


def require_personal(user) -> None:
    """Lists of personal rows are for facilitators, managers and admins; viewers see
    aggregates only (the village analysis), and are told so rather than shown nothing."""
    if not village_codes_for(user, personal=True):
        raise PermissionDenied(_("Your role shows aggregate figures only."))


def audit_read(user, objects, *, object_type: str) -> None:
    """Record that `user` read these personal rows through the API (UU PDP account).

    One `PersonalDataAccess` row per organisation per request, listing every key: the
    breach drill can then say whose data a user or a token touched.
    """
    by_organisation: dict[int, list[int]] = defaultdict(list)
    for obj in objects:
        by_organisation[obj.organisation_id].append(obj.pk)
    PersonalDataAccess.objects.bulk_create(
        PersonalDataAccess(
            user=user,
            organisation_id=organisation_id,
            action=PersonalDataAccess.Action.API_READ,
            object_type=object_type,
            object_id=str(keys[0]) if len(keys) == 1 else "",
            object_ids=keys,
            row_count=len(keys),
        )
        for organisation_id, keys in sorted(by_organisation.items())
    )


def links_from_id(status: int, key: str, *operation_ids: str) -> dict:
    """OpenAPI links from a created object's `id` to the operations on it (create → read →
    update): clients and Schemathesis's stateful tests follow them."""
    return {
        "responses": {
            status: {
                "links": {
                    op: {"operationId": op, "parameters": {key: "$response.body#/id"}}
                    for op in operation_ids
                }
            }
        }
    }


def choice_of(choices) -> object:
    """A Django TextChoices as a closed JSON-schema enum (`Literal[...]`), so the document
    says every allowed value and clients cannot send one the services would refuse."""
    from typing import Literal

    return Literal[tuple(choices.values)]


def blank_or(choices) -> object:
    """Like `choice_of`, with "" for "not known"."""
    from typing import Literal

    return Literal[("", *choices.values)]


def _iso_date(value):
    """Only real dates or `YYYY-MM-DD` (Pydantic would also read 0 as 1 January 1970)."""
    import re

    from pydantic_core import PydanticCustomError

    if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
        return value
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            pass
    raise PydanticCustomError("date_parsing", "Input should be a date as YYYY-MM-DD")


class InputSchema(BaseModel):
    """What a client sends: a JSON object with the listed fields only (a plain Pydantic
    model: ninja's `Schema` also reads attributes, so it would take a list as an object)."""

    # Strict: 0 is not false and "1" is not 1, as the JSON schema says (dates: see `Date`).
    model_config = ConfigDict(extra="forbid", strict=True)


# A date in a query or a body: ISO 8601 only.
Date = Annotated[datetime.date, BeforeValidator(_iso_date)]
