"""One place that hides national identifiers (NIK, KK) in text before it is kept or shown.

A NIK or KK is 16 digits. Berdaya stores them encrypted in their own columns, but a
number can land anywhere a person or a file puts it: a CSV whose `nik` and `rw` headers
were swapped, a note ("NIK 3403…01 salah"), a file name (`data_3403060201990001.xlsx`),
an exception message that quotes a cell. `mask_identifiers` turns every run of 16 or
more digits (spaces, dots or dashes between them allowed, as people type them) into the
masked form pages use (`3403**********01`), so what is left cannot identify anyone.

Everything that keeps or shows free text from users or files calls it: import reports
(`registry.records.Problem`), file names of uploads, free-text answers, the audit
summary of imports, and every log line (`MaskingFormatter`, set in the settings'
LOGGING). The API reuses it.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping

from .crypto import mask

__all__ = ["MaskingFormatter", "contains_identifier", "mask_identifiers", "mask_values"]

IDENTIFIER_DIGITS = 16
# A digit, then 15 or more digits each optionally preceded by one separator; never part
# of a longer run of digits (a 16-digit window inside 20 digits is masked as a whole).
_IDENTIFIER = re.compile(r"(?<![0-9])[0-9](?:[ .\-]?[0-9]){15,}(?![0-9])")
_NON_DIGITS = re.compile(r"[^0-9]")


def _masked(match: re.Match) -> str:
    return mask(_NON_DIGITS.sub("", match.group(0)))


def mask_identifiers(text):
    """`text` with every NIK/KK-looking number masked; anything not a string is returned
    unchanged (so it can be applied to cells of any type)."""
    if not isinstance(text, str) or len(text) < IDENTIFIER_DIGITS:
        return text
    return _IDENTIFIER.sub(_masked, text)


def contains_identifier(text) -> bool:
    return isinstance(text, str) and _IDENTIFIER.search(text) is not None


def mask_values(value):
    """`mask_identifiers` through dicts, lists and tuples (JSON reports, audit changes)."""
    if isinstance(value, str):
        return mask_identifiers(value)
    if isinstance(value, Mapping):
        return {mask_values(k): mask_values(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(mask_values(v) for v in value)
    return value


class MaskingFormatter(logging.Formatter):
    """A log formatter whose output never holds a NIK/KK: message, arguments and any
    traceback (whose exception message may quote a cell) are masked after formatting."""

    def format(self, record: logging.LogRecord) -> str:
        return mask_identifiers(super().format(record))
