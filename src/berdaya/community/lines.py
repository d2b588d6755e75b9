"""Which poverty line a village's income figures are measured against.

The line is the one for the village's regency or province and the year of its latest
survey answers: an organisation's own line (`PovertyLineOverride`, set by a manager with
its source) when there is one for that year or an earlier one (regency before province,
the most recent year first), else the BPS line shipped with `berdaya.analysis`
(`PovertyLines.bps`, the latest period not after the year; the earliest if the survey is
older than every shipped line), for the province or, failing that, Indonesia.

The villages' urban/rural classification is not in the area list, so the province's total
line is used (BPS also publishes urban and rural lines; enter the right one as your own).
"""

from __future__ import annotations

import csv
import functools
import io
from dataclasses import asdict, dataclass
from importlib import resources

from .models import PovertyLineOverride


@dataclass(frozen=True)
class LineUsed:
    amount: int  # whole Rupiah per person per month
    year: int
    source: str
    area_code: str  # "" for the national line, "34" a province, "34.03" a regency
    own: bool  # set by the organisation (else shipped with Berdaya from BPS)
    period: str = ""  # BPS's period ("2024-03") for a shipped line

    def as_dict(self) -> dict:
        return asdict(self)


@functools.cache
def _shipped_rows() -> tuple[dict, ...]:
    # Only the source text is read here; the amounts come from `PovertyLines.bps` itself.
    text = (
        resources.files("berdaya.analysis.poverty")
        .joinpath("data/bps_poverty_lines.csv")
        .read_text(encoding="utf-8")
    )
    return tuple(csv.DictReader(io.StringIO(text)))


def _periods_for(year: int) -> list[str]:
    """Shipped periods to try for a survey year: the latest not after it, then earlier
    ones, then later ones (a survey older than every shipped line)."""
    periods = sorted({row["period"] for row in _shipped_rows()})
    earlier = [p for p in periods if int(p[:4]) <= year]
    later = [p for p in periods if int(p[:4]) > year]
    return earlier[::-1] + later


def shipped_line(*, province_code: str, year: int) -> LineUsed:
    """The shipped BPS line for a province (or Indonesia's). A period with only urban and
    rural lines does not serve a village whose area is not known: the next one is tried."""
    from berdaya.analysis.errors import AnalysisError
    from berdaya.analysis.poverty import PovertyLines

    for period in _periods_for(year):
        lines = PovertyLines.bps(period)
        try:
            amount = int(lines.lookup(province_code))
        except AnalysisError:
            continue
        matched = province_code if (province_code, "total") in lines.lines else ""
        source = next(
            (
                row["source"]
                for row in _shipped_rows()
                if row["period"] == period
                and (row["province_code"] or "") == matched
                and row["area"] == "total"
            ),
            "BPS",
        )
        return LineUsed(amount, int(period[:4]), source, matched, own=False, period=period)
    raise LookupError("no shipped poverty line serves this village")  # the data is broken


def shipped_lines() -> list[dict]:
    """The BPS lines shipped with Berdaya (period, area, amount, source), newest first."""
    rows = sorted(
        (
            {
                "period": row["period"],
                "province": row["province"],
                "area": row["area"],
                "amount": int(row["poverty_line"]),
                "source": row["source"],
            }
            for row in _shipped_rows()
        ),
        key=lambda row: (row["province"] != "Indonesia", row["province"], row["area"]),
    )
    return sorted(rows, key=lambda row: row["period"], reverse=True)


def area_codes_of(village_code: str) -> tuple[str, str]:
    """(province, regency) codes of a dotted village code such as 34.03.01.2001."""
    parts = village_code.split(".")
    return parts[0], ".".join(parts[:2])


def line_for(*, organisation_id: int, village_code: str, year: int) -> LineUsed:
    province, regency = area_codes_of(village_code)
    own = (
        PovertyLineOverride.objects.filter(
            organisation_id=organisation_id, area_code__in=[province, regency], year__lte=year
        )
        .order_by("-year")
        .values_list("area_code", "year", "amount", "source")
    )
    best = None
    for area_code, line_year, amount, source in own:
        if best is None or (line_year == best[1] and area_code == regency):
            best = (area_code, line_year, amount, source)
        elif line_year < best[1]:
            break
    if best is not None:
        return LineUsed(best[2], best[1], best[3], best[0], own=True)
    return shipped_line(province_code=province, year=year)
