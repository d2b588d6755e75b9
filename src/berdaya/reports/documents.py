"""Each report as a document: its PDF (WeasyPrint) and its XLSX tables, always in Indonesian.

The paper is for a village meeting, a funder or a CSR reviewer in Indonesia: it is printed
in Indonesian whatever language the requester's screen is in.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import translation
from django.utils.translation import gettext as _

from berdaya.core import charts as core_charts
from berdaya.core.dates import show_date
from berdaya.savings.charts import dependency_trend

from . import charts, render, tables, xlsx

LANGUAGE = "id"


@dataclass(frozen=True)
class Document:
    pdf: bytes
    xlsx: bytes
    filename: str  # without the extension


def _sections(all_tables: list[tables.Table]) -> dict[str, dict]:
    return {
        t.key: {"table": t, "rows": tables.printed(t), "columns": t.columns} for t in all_tables
    }


def progress_document(report) -> Document:
    """The programme progress report (`selectors.ProgressReport`) as PDF and XLSX."""
    with translation.override(LANGUAGE):
        all_tables = tables.progress_tables(report)
        summary = [
            (label, tables.shown(value, kind)) for label, value, kind in tables.summary_rows(report)
        ]
        chart = {
            "stages": charts.bars(report.by_stage, title=_("Activities by 5P stage")),
            "strategies": charts.bars(report.by_strategy, title=_("Activities by strategy")),
            "maturity": charts.bars(
                [
                    (_("Not assessed yet") if label == "unassessed" else label, n)
                    for label, n in report.by_maturity
                ],
                title=_("Groups by maturity stage"),
            ),
            "money": dependency_trend(
                report.money, title=_("Money and goods from inside and from outside, per year")
            )
            if report.has_money
            else None,
        }
        period = _("%(start)s to %(end)s") % {
            "start": show_date(report.start),
            "end": show_date(report.end),
        }
        context = {
            "report": report,
            "period": period,
            "summary": summary,
            "sections": _sections(all_tables),
            "charts": chart,
        }
        title = _("Programme progress report")
        workbook = xlsx.workbook(
            all_tables,
            title=f"{title}: {report.programme.name}",
            lines=[period, ", ".join(v.name for v in report.villages)],
        )
    pdf = render.pdf("reports/progress.html", context, language=LANGUAGE)
    name = f"laporan-kemajuan-{report.programme.pk}-{report.start:%Y%m%d}-{report.end:%Y%m%d}"
    return Document(pdf=pdf, xlsx=workbook, filename=name)


def social_map_document(social) -> Document:
    """The village social map (`selectors.SocialMap`) as PDF and XLSX."""
    with translation.override(LANGUAGE):
        radar = core_charts.radar(
            [(str(c.label), c.score) for c in social.figures.capitals],
            title=_("The five livelihood capitals (0–100)"),
        )
        all_tables = tables.social_map_tables(social)
        workbook = xlsx.workbook(
            all_tables, title=f"{_('Village social map')}: {social.village.name}", lines=[]
        )
    pdf = render.pdf(
        "reports/social_map.html", {"social": social, "radar": radar}, language=LANGUAGE
    )
    return Document(pdf=pdf, xlsx=workbook, filename=f"profil-sosial-{social.village.code}")


def household_card_pdf(card) -> bytes:
    """The household card (`selectors.HouseholdCard`): the family's own data, NIK/KK masked."""
    return render.pdf("reports/household_card.html", {"card": card}, language=LANGUAGE)
