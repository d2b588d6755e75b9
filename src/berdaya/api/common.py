"""Small pieces every router shares: keys, masking, the reads audit, role checks."""

from __future__ import annotations

from collections import defaultdict
from typing import Annotated

from django.utils.translation import gettext as _
from pydantic import Field

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
