"""Kemendagri area codes: parsing and normalising what people type."""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

from berdaya.core.errors import ValidationFailed

# Digits per level: province 2, regency 2, district 2, village 4.
_SEGMENTS = (2, 2, 2, 4)
_DOTTED = re.compile(r"^\d{2}(\.\d{2}(\.\d{2}(\.\d{4})?)?)?$")


def normalise_code(raw: str) -> str:
    """Accept '3403062002', '34.03.06.2002' or '34 03 06 2002'; return the dotted form.

    Raises ValidationFailed with a readable message for anything else.
    """
    text = (raw or "").strip()
    if _DOTTED.match(text):
        return text
    digits = re.sub(r"[\s.\-]", "", text)
    if not digits.isdigit() or len(digits) not in (2, 4, 6, 10):
        raise ValidationFailed(
            _(
                "“%(code)s” is not an area code. A village code has 10 digits, "
                "for example 34.03.06.2002."
            )
            % {"code": raw}
        )
    parts, start = [], 0
    for width in _SEGMENTS:
        if start >= len(digits):
            break
        parts.append(digits[start : start + width])
        start += width
    return ".".join(parts)


def district_code_of_nik(nik: str) -> str:
    """The district (kecamatan) code encoded in the first six digits of a NIK."""
    return f"{nik[0:2]}.{nik[2:4]}.{nik[4:6]}"
