"""The tables of a report, built once and printed twice: in the PDF and in its XLSX companion.

A `Table` holds raw values (whole numbers, Rupiah, exact shares) and says how each column
reads; the PDF formats them for people (`shown`), the workbook keeps them as numbers.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from django.utils.translation import gettext as _

from berdaya.registry.indicators import PovertyStatus
from berdaya.registry.models import Person
from berdaya.savings.measures import percent

TEXT, COUNT, RUPIAH, SHARE, VALUE = "text", "count", "rupiah", "share", "value"


@dataclass(frozen=True)
class Column:
    label: str
    kind: str = TEXT


@dataclass(frozen=True)
class Table:
    key: str  # the worksheet's name and the PDF section it belongs to
    title: str
    columns: tuple[Column, ...]
    rows: tuple[tuple, ...]


def shown(value, kind: str) -> str:
    """A cell as printed on paper (Indonesian number style)."""
    if value is None or value == "":
        return "—"
    if kind == RUPIAH:
        return f"Rp{int(value):,}".replace(",", ".")
    if kind == COUNT:
        return f"{int(value):,}".replace(",", ".")
    if kind == SHARE:
        return percent(value)
    if kind == VALUE and isinstance(value, Fraction):
        number = float(value)
        return (f"{number:,.0f}" if number == int(number) else f"{number:,.1f}").translate(
            str.maketrans(",.", ".,")
        )
    if value is True:
        return _("Yes")
    if value is False:
        return _("No")
    return str(value)


def _share(part: int, whole: int) -> Fraction | None:
    return Fraction(part, whole) if whole else None


def _sex(code: str) -> str:
    return str(dict(Person.Sex.choices).get(code, _("Not known")))


def _poverty(code: str) -> str:
    return str(PovertyStatus.labels.get(code, _("Not known")))


def progress_tables(report) -> list[Table]:
    """Every table of a programme progress report (`selectors.ProgressReport`)."""
    p = report.participation
    count, share = Column(_("Number"), COUNT), Column(_("Share"), SHARE)
    activities = sum(n for _label, n in report.by_stage)
    tables = [
        Table(
            "stages",
            _("Activities by 5P stage"),
            (Column(_("Stage")), count, share),
            tuple((label, n, _share(n, activities)) for label, n in report.by_stage),
        ),
        Table(
            "strategies",
            _("Activities by strategy"),
            (Column(_("Strategy")), count),
            tuple(report.by_strategy),
        ),
        Table(
            "participation_sex",
            _("Participation by sex"),
            (Column(_("Sex")), Column(_("Attendances"), COUNT), share),
            tuple((_sex(code), n, p.share(n)) for code, n in sorted(p.by_sex.items())),
        ),
        Table(
            "participation_poverty",
            _("Participation by poverty status (registered participants)"),
            (Column(_("Poverty status")), Column(_("Attendances"), COUNT), share),
            tuple(
                (_poverty(code), p.by_poverty[code], _share(p.by_poverty[code], p.registered))
                for code, _label in PovertyStatus.choices
                if p.by_poverty[code]
            ),
        ),
        Table(
            "maturity",
            _("Groups by maturity stage at the end of the period"),
            (Column(_("Stage")), Column(_("Groups"), COUNT)),
            tuple(
                (_("Not assessed yet") if label == "unassessed" else label, n)
                for label, n in report.by_maturity
            ),
        ),
        Table(
            "money",
            _("Money and goods coming in, and dependency"),
            (Column(_("Source")), Column(_("Amount"), RUPIAH)),
            (
                (_("Money from inside the community"), report.money.internal_money),
                (_("Money from outside"), report.money.external_money),
                (_("Goods from inside the community (valued)"), report.money.internal_goods),
                (_("Goods from outside (valued)"), report.money.external_goods),
                (_("Of the outside help: direct aid"), report.money.direct_aid),
                (_("Of the outside help: capacity building"), report.money.capacity_building),
            ),
        ),
        Table(
            "indicators",
            _("Indicators against targets"),
            (
                Column(_("Code")),
                Column(_("Indicator")),
                Column(_("Period")),
                Column(_("Baseline"), VALUE),
                Column(_("Target"), VALUE),
                Column(_("Actual"), VALUE),
                Column(_("Target met")),
            ),
            tuple(
                (
                    line.code,
                    f"{line.name} ({line.unit})",
                    line.period,
                    line.baseline,
                    line.target,
                    line.actual,
                    line.met,
                )
                for line in report.indicators
            ),
        ),
    ]
    return tables


def summary_rows(report) -> list[tuple[str, object, str]]:
    """The key figures at the top of the report: (label, value, kind)."""
    return [
        (_("Villages"), len(report.villages), COUNT),
        (_("Activities"), report.activities, COUNT),
        (_("Attendances"), report.participation.total, COUNT),
        (_("Different registered people reached"), report.people_reached, COUNT),
        (_("Groups"), report.groups, COUNT),
        (_("Of them founded with the programme"), report.groups_new, COUNT),
        (_("Dependency on outside help (money and goods)"), report.money.dependency, SHARE),
    ]


def social_map_tables(social) -> list[Table]:
    """The tables of the village social map (`selectors.SocialMap`)."""
    f = social.figures
    count = Column(_("Number"), COUNT)
    return [
        Table(
            "population",
            _("Population"),
            (Column(_("Figure")), count),
            (
                (_("Households"), f.households),
                (_("Persons"), f.persons),
                (_("Women"), f.women),
                (_("Children"), f.children),
                (_("Elderly"), f.elderly),
            ),
        ),
        Table(
            "poverty",
            _("Poverty (multidimensional)"),
            (Column(_("Status")), count),
            tuple((str(status), n) for status, n in f.mpi.by_status.items()),
        ),
        Table(
            "vulnerabilities",
            _("Vulnerabilities"),
            (Column(_("Vulnerability")), count),
            tuple((str(s.label), s.count) for s in f.vulnerabilities),
        ),
        Table(
            "coverage",
            _("Coverage gaps"),
            (
                Column(_("Scheme")),
                Column(_("Enrolled"), COUNT),
                Column(_("Poor, not enrolled"), COUNT),
            ),
            tuple((s.name, s.enrolled, s.poor_not_enrolled) for s in f.coverage),
        ),
        Table(
            "stakeholders",
            _("Stakeholders"),
            (Column(_("Name")), Column(_("Sector")), Column(_("Role"))),
            tuple(
                (s.name, str(s.get_sector_display()), str(s.get_role_display()))
                for s in social.stakeholders
            ),
        ),
    ]


def printed(table: Table) -> list[list[str]]:
    """The table's rows as the PDF prints them."""
    return [
        [shown(value, column.kind) for value, column in zip(row, table.columns, strict=True)]
        for row in table.rows
    ]
