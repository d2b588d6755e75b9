"""Dates as people read them, and date arithmetic people expect ("18 years ago" on
29 February is 28 February).

Every date shown is in one format per kind: a day (`show_date`, "7 Des 2026") or a moment
(`show_datetime`, "7 Des 2026, 19.21"). Templates get the same with `{{ day|date }}` and
`{{ moment|date:"DATETIME_FORMAT" }}` (the formats are in berdaya/formats/).
"""

import datetime

from django.utils import formats, timezone


def show_date(day: datetime.date | None) -> str:
    return formats.date_format(day, "DATE_FORMAT") if day else "—"


def show_datetime(moment: datetime.datetime | None) -> str:
    if moment is None:
        return "—"
    if timezone.is_aware(moment):
        moment = timezone.localtime(moment)
    return formats.date_format(moment, "DATETIME_FORMAT")


def years_before(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February in a year without one
        return day.replace(year=day.year - years, day=28)
