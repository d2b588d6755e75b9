"""Reading one answer from a cell: text, numbers, dates, yes/no, lists, GPS points.

Each reader returns the value, or raises `BadValue` with a reason a person can
act on. Readers never put the cell's content in the reason: the caller shows
the value (masked for identifiers) in its own column of the report.
"""

from __future__ import annotations

import datetime
import re

from django.utils.translation import gettext as _


class BadValue(ValueError):
    """A cell that cannot be read as its question's kind of answer."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


YES_WORDS = frozenset({"yes", "ya", "y", "1", "true", "benar"})
NO_WORDS = frozenset({"no", "tidak", "t", "n", "0", "false", "salah"})
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ].*)?$")
_DMY_DATE = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")
_SPLIT_LIST = re.compile(r"[\s,;]+")


def is_blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def text(value) -> str:
    """A cell as text; whole numbers lose the '.0' a spreadsheet may add."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime):
        return value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value).strip()


def identifier(value) -> str:
    """A NIK or KK: text only. A number cell has lost digits to the spreadsheet (15 at most)."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        raise BadValue(
            _(
                "Stored as a number, so the spreadsheet may have changed its digits: "
                "format the column as text and type the number again."
            )
        )
    return text(value)


def integer(value) -> int | None:
    if is_blank(value):
        return None
    if isinstance(value, bool):
        raise BadValue(_("Expected a whole number, 0 or more."))
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if value.is_integer():
            return int(value)
        raise BadValue(_("Expected a whole number, 0 or more."))
    cleaned = str(value).strip().replace(" ", "")
    if re.fullmatch(r"-?\d+", cleaned):
        return int(cleaned)
    if re.fullmatch(r"-?\d+\.0+", cleaned):
        return int(cleaned.split(".")[0])
    raise BadValue(_("Expected a whole number, 0 or more."))


def decimal(value) -> float | None:
    if is_blank(value):
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    try:
        return float(str(value).strip().replace(",", "."))
    except ValueError:
        raise BadValue(_("Expected a number.")) from None


def date(value) -> datetime.date | None:
    """YYYY-MM-DD (what KoboToolbox and ODK export), or DD/MM/YYYY as people type it."""
    if is_blank(value):
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    cleaned = str(value).strip()
    match = _ISO_DATE.match(cleaned)
    if match:
        year, month, day = (int(part) for part in match.groups())
    else:
        match = _DMY_DATE.match(cleaned)
        if not match:
            raise BadValue(_("Not a date: write it as YYYY-MM-DD (or DD/MM/YYYY)."))
        day, month, year = (int(part) for part in match.groups())
    try:
        return datetime.date(year, month, day)
    except ValueError:
        raise BadValue(_("This date does not exist on the calendar.")) from None


def timestamp(value) -> datetime.datetime | None:
    """A submission time; naive times are UTC (how KoboToolbox exports them)."""
    if is_blank(value):
        return None
    if isinstance(value, datetime.datetime):
        moment = value
    else:
        try:
            moment = datetime.datetime.fromisoformat(str(value).strip().replace("Z", "+00:00"))
        except ValueError:
            return None  # metadata only: an unreadable time is left out, not an error
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=datetime.UTC)
    return moment


def yes_no(value) -> bool | None:
    if is_blank(value):
        return None
    if isinstance(value, bool):
        return value
    word = text(value).lower()
    if word in YES_WORDS:
        return True
    if word in NO_WORDS:
        return False
    raise BadValue(_("Expected yes or no."))


def choice(value) -> str:
    return text(value)


def choices(value) -> list[str]:
    """A select-multiple answer: codes separated by spaces (commas and semicolons too)."""
    if is_blank(value):
        return []
    return [code for code in _SPLIT_LIST.split(text(value)) if code]


def geopoint(value) -> tuple[float, float] | None:
    """'latitude longitude [altitude accuracy]' as ODK Collect records it."""
    if is_blank(value):
        return None
    parts = text(value).replace(",", " ").split()
    try:
        latitude, longitude = float(parts[0]), float(parts[1])
    except (IndexError, ValueError):
        raise BadValue(_("Not a GPS point (latitude longitude).")) from None
    return latitude, longitude


def ticked(value) -> bool:
    """A 0/1 column of a select-multiple answer."""
    if is_blank(value):
        return False
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value == 1
    return text(value).lower() in YES_WORDS


READERS = {
    "text": text,
    "identifier": identifier,
    "integer": integer,
    "decimal": decimal,
    "date": date,
    "yes_no": yes_no,
    "select_one": choice,
    "select_multiple": choices,
    "geopoint": geopoint,
}
