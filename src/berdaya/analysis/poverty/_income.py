"""Income poverty (Foster-Greer-Thorbecke) against area poverty lines, and the Gini index.

References:
* Foster, J., Greer, J. and Thorbecke, E. (1984) "A class of decomposable poverty measures",
  Econometrica 52(3): 761-766.
* Lambert, P. J. and Aronson, J. R. (1993) "Inequality decomposition analysis and the Gini
  coefficient revisited", Economic Journal 103(420): 1221-1227 (Gini = within + between +
  overlap).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from importlib import resources
from pathlib import Path
from typing import Any

import ibis
import ibis.expr.types as ir

from ..errors import AnalysisError
from ._tables import as_columns, as_table, count_if, ratio, refuse_clashes, require_columns

__all__ = ["FGT", "FGTResult", "Gini", "GiniResult", "PovertyLines"]

AREAS = ("total", "urban", "rural")
NATIONAL = ""


class PovertyLines:
    """Poverty lines (Rupiah per capita per month) per province and urban/rural area.

    A unit's line is found in this order: its province and area, its province ("total"), the
    national line for its area, the national line ("total"). `bps()` gives the lines shipped
    with Berdaya (``data/bps_poverty_lines.csv``: BPS figures with their source); add or
    replace lines with `with_line`, or read your own CSV with `from_csv` (columns
    ``province_code``, ``area``, ``poverty_line``; optional ``period``; an empty province
    code is the national line).
    """

    def __init__(self, rows: Iterable[Mapping[str, Any]], *, period: str | None = None) -> None:
        lines: dict[tuple[str, str], int | Decimal] = {}
        for number, row in enumerate(rows, start=1):
            province = str(row.get("province_code") or "").strip()
            area = str(row.get("area") or "total").strip().lower()
            if area not in AREAS:
                raise AnalysisError(
                    f"poverty line {number}: area {area!r} is not one of {', '.join(AREAS)}"
                )
            lines[(province, area)] = _amount(row.get("poverty_line"), number)
        if not lines:
            raise AnalysisError("no poverty lines given" + (f" for {period}" if period else ""))
        self.lines = lines
        self.period = period

    def __repr__(self) -> str:
        return f"PovertyLines({len(self.lines)} lines, period={self.period!r})"

    @classmethod
    def bps(cls, period: str | None = None) -> PovertyLines:
        """The BPS lines shipped with Berdaya, for `period` ("2024-03"; the latest if None)."""
        text = (
            resources.files(__package__)
            .joinpath("data/bps_poverty_lines.csv")
            .read_text(encoding="utf-8")
        )
        return cls._from_text(text, period, "the shipped BPS lines")

    @classmethod
    def from_csv(cls, path: str | Path, *, period: str | None = None) -> PovertyLines:
        """Lines from a CSV file with columns province_code, area, poverty_line [, period]."""
        path = Path(path)
        if not path.is_file():
            raise AnalysisError(f"poverty line file not found: {path}")
        return cls._from_text(path.read_text(encoding="utf-8-sig"), period, str(path))

    @classmethod
    def _from_text(cls, text: str, period: str | None, source: str) -> PovertyLines:
        rows = list(csv.DictReader(io.StringIO(text)))
        if rows and "poverty_line" not in rows[0]:
            raise AnalysisError(f"{source} has no poverty_line column")
        periods = sorted({r.get("period") or "" for r in rows})
        if period is None and periods and periods != [""]:
            period = periods[-1]
        if period is not None:
            if period not in periods:
                raise AnalysisError(
                    f"{source} has no lines for period {period!r}; it has {', '.join(periods)}"
                )
            rows = [r for r in rows if r.get("period") == period]
        return cls(rows, period=period)

    def with_line(
        self, poverty_line: Any, *, province_code: str | None = None, area: str = "total"
    ) -> PovertyLines:
        """A copy with one line added or replaced (province_code None is national)."""
        rows = [self._row(key, value) for key, value in self.lines.items()]
        rows.append({"province_code": province_code, "area": area, "poverty_line": poverty_line})
        return PovertyLines(rows, period=self.period)

    def lookup(self, province_code: str | None = None, area: str | None = None) -> int | Decimal:
        """The line for one province and area, with the fallbacks described above."""
        province = str(province_code or "")
        for key in ((province, area), (province, "total"), (NATIONAL, area), (NATIONAL, "total")):
            if key in self.lines:
                return self.lines[key]
        raise AnalysisError(f"no poverty line for province {province_code!r}, area {area!r}")

    def to_rows(self) -> list[dict[str, Any]]:
        return [self._row(key, value) for key, value in sorted(self.lines.items())]

    @staticmethod
    def _row(key: tuple[str, str], value: Any) -> dict[str, Any]:
        return {"province_code": key[0] or None, "area": key[1], "poverty_line": value}

    @property
    def needs_area(self) -> bool:
        return any(area != "total" for _, area in self.lines)

    @property
    def needs_province(self) -> bool:
        return any(province for province, _ in self.lines)

    def expression(
        self, table: ir.Table, province_column: str, area_column: str
    ) -> ir.NumericValue:
        """Each unit's line as a column expression (CASE lookups; no join)."""
        lines = self.lines
        kind = "int64" if all(isinstance(v, int) for v in lines.values()) else "float64"

        def value(v: Any) -> ir.Value:
            return ibis.literal(v if kind == "int64" else float(v), type=kind)

        national_total = lines.get((NATIONAL, "total"))
        result: ir.Value = value(national_total) if national_total is not None else ibis.null(kind)
        area = table[area_column].cast("string").lower() if self.needs_area else None
        province = table[province_column].cast("string") if self.needs_province else None
        national_area = {a: v for (p, a), v in lines.items() if not p and a != "total"}
        if national_area:
            result = area.substitute({a: value(v) for a, v in national_area.items()}, else_=result)
        province_total = {p: v for (p, a), v in lines.items() if p and a == "total"}
        if province_total:
            mapping = {p: value(v) for p, v in province_total.items()}
            result = province.substitute(mapping, else_=result)
        specific = {f"{p}|{a}": v for (p, a), v in lines.items() if p and a != "total"}
        if specific:
            key = province.concat("|", area)
            result = key.substitute({k: value(v) for k, v in specific.items()}, else_=result)
        return result.cast(kind)


def _amount(value: Any, number: int) -> int | Decimal:
    try:
        amount = Decimal(str(value).replace(",", "").strip())
    except InvalidOperation:
        raise AnalysisError(f"poverty line {number}: {value!r} is not an amount") from None
    if not amount.is_finite() or amount <= 0:
        raise AnalysisError(f"poverty line {number}: {value!r} must be above 0")
    return int(amount) if amount == amount.to_integral_value() else amount


def _income(table: ir.Table, column: str) -> ir.NumericValue:
    kind = table[column].type()
    if not kind.is_numeric():
        raise AnalysisError(f"the income column {column!r} must hold numbers, not {kind}")
    return table[column]


def _weight(table: ir.Table, column: str | None) -> ir.NumericValue:
    if column is None:
        return ibis.literal(1, type="int64")
    kind = table[column].type()
    if kind.is_integer():
        return table[column].cast("int64")
    if kind.is_numeric():
        return table[column].cast("float64")
    raise AnalysisError(f"the weight column {column!r} must hold numbers, not {kind}")


# -- FGT ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FGTResult:
    """The result of `FGT.compute`: lazy Ibis tables.

    * ``units`` — the input plus ``poverty_line``, ``poor`` (income below the line; null when
      income or line is unknown) and ``gap`` ((line - income) / line for the poor, else 0).
    * ``groups`` — per group of ``by`` (one row if none): ``units``, ``dropped``,
      ``population``, ``population_share``, ``poor_population``, ``P0``, ``P1``, ``P2`` and
      ``contribution_P0/P1/P2`` (% of the total P_alpha from the group: FGT measures are
      additively decomposable, so sum over groups of population_share * P_alpha = P_alpha).
    * ``overall`` — the same for the whole table.
    """

    units: ir.Table
    groups: ir.Table
    overall: ir.Table
    by: tuple[str, ...]


class FGT:
    """Foster-Greer-Thorbecke poverty measures P0 (headcount), P1 (gap), P2 (severity).

    P_alpha = (1/N) * sum over the poor of w_i * ((z_i - y_i) / z_i) ** alpha, where a unit is
    poor when its income y_i is strictly below its line z_i (BPS: "di bawah garis kemiskinan").

    Parameters
    ----------
    income:
        The column of income or expenditure per capita per month (Rupiah).
    poverty_line:
        A number, or `PovertyLines` (default: the shipped BPS lines, latest period).
    weight_column:
        Unit weights, e.g. household size so that figures are shares of people.
    province_column, area_column:
        Where a unit's province code and area ("urban"/"rural") are, when the lines differ
        by province or area.

    Units with an unknown income, weight or line are left out and counted in ``dropped``.
    P0 is an exact ratio of integers (with integer weights); P1 and P2 are sums of
    floating-point gaps, exact to about 1e-12 relative.
    """

    def __init__(
        self,
        *,
        income: str = "expenditure_per_capita",
        poverty_line: int | float | Decimal | PovertyLines | None = None,
        weight_column: str | None = None,
        province_column: str = "province_code",
        area_column: str = "area",
    ) -> None:
        if poverty_line is None:
            poverty_line = PovertyLines.bps()
        elif not isinstance(poverty_line, PovertyLines):
            poverty_line = PovertyLines([{"poverty_line": poverty_line}])
        self.income = income
        self.poverty_line = poverty_line
        self.weight_column = weight_column
        self.province_column = province_column
        self.area_column = area_column

    def compute(self, table: Any, *, by: str | Iterable[str] | None = None) -> FGTResult:
        table = as_table(table)
        by = as_columns(by)
        lines = self.poverty_line
        needed = [self.income]
        if lines.needs_province:
            needed.append(self.province_column)
        if lines.needs_area:
            needed.append(self.area_column)
        if self.weight_column:
            needed.append(self.weight_column)
        require_columns(table, needed, "income poverty")
        require_columns(table, by, "group by")
        refuse_clashes(table, ["poverty_line", "poor", "gap"])
        income = _income(table, self.income)
        line = lines.expression(table, self.province_column, self.area_column)
        weight = _weight(table, self.weight_column)
        known = income.notnull() & line.notnull() & weight.notnull()
        gap = ratio(line - income, line)
        work = table.mutate(
            poverty_line=line,
            poor=ibis.ifelse(known, income < line, ibis.null("boolean")),
            gap=ibis.ifelse(known & (income < line), gap, ibis.ifelse(known, 0.0, None)),
            _w=weight,
            _known=known,
        )
        units = work.drop("_w", "_known")
        return FGTResult(
            units=units,
            groups=self._aggregate(work, by),
            overall=self._aggregate(work, ()),
            by=by,
        )

    @staticmethod
    def _aggregate(work: ir.Table, by: tuple[str, ...]) -> ir.Table:
        one = ibis.literal(1, type="int64")
        w = work._w
        wf = w.cast("float64")
        metrics = {
            "units": count_if(work._known, one),
            "dropped": count_if(~work._known, one),
            "population": count_if(work._known, w),
            "poor_population": count_if(work.poor, w),
            "_s1": count_if(work.poor, wf * work.gap),
            "_s2": count_if(work.poor, wf * work.gap * work.gap),
        }
        g = work.group_by(list(by)).aggregate(**metrics) if by else work.aggregate(**metrics)
        return g.select(
            *by,
            units=g.units,
            dropped=g.dropped,
            population=g.population,
            population_share=ratio(g.population, g.population.sum().over()),
            poor_population=g.poor_population,
            P0=ratio(g.poor_population, g.population),
            P1=ratio(g._s1, g.population),
            P2=ratio(g._s2, g.population),
            contribution_P0=ratio(g.poor_population * 100, g.poor_population.sum().over()),
            contribution_P1=ratio(g._s1 * 100, g._s1.sum().over()),
            contribution_P2=ratio(g._s2 * 100, g._s2.sum().over()),
        )


# -- Gini --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class GiniResult:
    """The result of `Gini.compute`: lazy Ibis tables.

    * ``groups`` — per group of ``by`` (one row if none): ``units``, ``population``,
      ``income_share`` (the group's share of total income), ``mean_income``, ``gini``.
    * ``overall`` — ``units``, ``population``, ``mean_income``, ``gini`` for the whole table.
    * ``decomposition`` — one row: ``gini`` = ``within`` + ``between`` + ``overlap``
      (Lambert & Aronson 1993). ``within`` = sum of population share * income share * group
      Gini; ``between`` = the Gini of group means given to every member; ``overlap`` is what
      is left, and is zero only when the groups' income ranges do not overlap. The Gini is not
      additively decomposable: the overlap is part of the answer, not an error.
    """

    groups: ir.Table
    overall: ir.Table
    decomposition: ir.Table
    by: tuple[str, ...]


class Gini:
    """The Gini index of income for weighted data, overall and per group.

    With distinct incomes y_v (ascending), w_v the weight at y_v, C_v the cumulative weight up
    to and including y_v, W the total weight and Y = sum w_v y_v the total income:

        G = sum_v y_v w_v (2 C_v - w_v - W) / (W Y)

    which equals the mean absolute difference sum_ij w_i w_j |y_i - y_j| / (2 W^2 mu) of the
    weighted distribution (the exact weighted Gini, no approximation of the Lorenz curve).
    With integer incomes and weights the numerator and denominator are integers (computed as
    DECIMAL(38, 0)) and G is one division of the two: identical on every backend. Incomes
    must not be negative; units with unknown income or weight are left out.
    """

    def __init__(
        self, *, income: str = "expenditure_per_capita", weight_column: str | None = None
    ) -> None:
        self.income = income
        self.weight_column = weight_column

    def compute(self, table: Any, *, by: str | Iterable[str] | None = None) -> GiniResult:
        table = as_table(table)
        by = as_columns(by)
        needed = [self.income] + ([self.weight_column] if self.weight_column else [])
        require_columns(table, needed, "Gini")
        require_columns(table, by, "group by")
        income = _income(table, self.income)
        weight = _weight(table, self.weight_column)
        exact = income.type().is_integer() and weight.type().is_integer()
        kind = "decimal(38, 0)" if exact else "float64"
        units = table.filter(income.notnull() & weight.notnull()).select(
            *by, _inc=income.cast(kind), _wt=weight.cast(kind)
        )
        overall = self._levels(units, ())
        groups = self._levels(units, by)
        whole = "int64" if exact else "float64"
        return GiniResult(
            groups=self._group_table(groups, by, whole),
            overall=overall.select(
                "units",
                population=overall.population.cast(whole),
                mean_income="mean_income",
                gini="gini",
            ),
            decomposition=self._decomposition(groups, overall),
            by=by,
        )

    @staticmethod
    def _levels(units: ir.Table, by: tuple[str, ...]) -> ir.Table:
        """Per group: units, population, total income, the Gini numerator and the Gini."""
        keys = [*by, "_inc"]
        levels = units.group_by(keys).aggregate(_cnt=units.count(), _wt=units._wt.sum())
        order = ibis.window(group_by=list(by), order_by="_inc", rows=(None, 0))
        whole = ibis.window(group_by=list(by))
        levels = levels.mutate(
            _cum=levels._wt.sum().over(order), _wtot=levels._wt.sum().over(whole)
        )
        term = levels._inc * levels._wt * (levels._cum * 2 - levels._wt - levels._wtot)
        metrics = {
            "units": levels._cnt.sum(),
            "population": levels._wt.sum(),
            "_itot": (levels._inc * levels._wt).sum(),
            "_num": term.sum(),
        }
        g = levels.group_by(list(by)).aggregate(**metrics) if by else levels.aggregate(**metrics)
        return g.mutate(
            mean_income=ratio(g._itot, g.population),
            gini=ratio(g._num, g.population * g._itot),
        )

    @staticmethod
    def _group_table(groups: ir.Table, by: tuple[str, ...], whole: str) -> ir.Table:
        return groups.select(
            *by,
            units=groups.units,
            population=groups.population.cast(whole),
            income_share=ratio(groups._itot, groups._itot.sum().over()),
            mean_income=groups.mean_income,
            gini=groups.gini,
        )

    @staticmethod
    def _decomposition(groups: ir.Table, overall: ir.Table) -> ir.Table:
        # Between: the Gini of the distribution giving each member its group's mean. Each
        # group is one level with weight W_g and income total Y_g (= mean * W_g), so the same
        # formula applies with y_v w_v replaced by Y_g, ordered by the group mean.
        order = ibis.window(order_by=[groups.mean_income], rows=(None, 0))
        g = groups.mutate(
            _cum=groups.population.sum().over(order), _wall=groups.population.sum().over()
        )
        between_term = g._itot * (g._cum * 2 - g.population - g._wall)
        parts = g.aggregate(
            _within=g._num.sum(),
            _between=between_term.sum(),
            _groups=g.count(),
        )
        both = overall.cross_join(parts)
        denominator = both.population * both._itot
        overlap = both._num - both._within - both._between
        return both.select(
            groups=both._groups,
            gini=ratio(both._num, denominator),
            within=ratio(both._within, denominator),
            between=ratio(both._between, denominator),
            overlap=ratio(overlap, denominator),
        )
