"""Date arithmetic people expect ("18 years ago" on 29 February is 28 February)."""

import datetime


def years_before(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February in a year without one
        return day.replace(year=day.year - years, day=28)
