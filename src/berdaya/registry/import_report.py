"""An import's report as people read it on a phone: one card per problem, saying where it
is, the value found, what is wrong and how to fix it.

Only the wording of the report lives here; the problems themselves come from the importers
and the shared validation.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

# How to fix a problem, by the kind of column it is in (a column's name in Berdaya's form,
# the template or a KoboToolbox export, without group paths).
_HINTS = (
    (
        ("nik",),
        gettext_lazy(
            "Type the 16 digits of the NIK from the KTP or family card. In Excel, format the "
            "column as text first, or Excel turns the number into 3.40306E+15."
        ),
    ),
    (
        ("no_kk", "kk"),
        gettext_lazy(
            "Type the 16 digits of the family card (KK) number, in a column formatted as text."
        ),
    ),
    (
        ("tanggal", "date", "lahir", "_on"),
        gettext_lazy("Write the date as YYYY-MM-DD (2026-08-17) or DD/MM/YYYY (17/08/2026)."),
    ),
    (
        ("latitude", "longitude", "gps", "lintang", "bujur"),
        gettext_lazy(
            "Use a dot for decimals. In Gunungkidul the latitude is about -8.0 and the "
            "longitude about 110.5."
        ),
    ),
    (
        ("hubungan", "relation", "members"),
        gettext_lazy(
            "Each household has exactly one member whose relation is “Kepala rumah tangga”."
        ),
    ),
)
_CHOICE_HINT = gettext_lazy(
    "Choose an answer from the list in the template (its “petunjuk” sheet lists every "
    "answer); the label or the code both work."
)
_DEFAULT_HINT = gettext_lazy("Correct this cell in the file, then upload the file again.")


@dataclass(frozen=True)
class Card:
    where: str
    value: str
    reason: str
    fix: str


def _column_kind(column: str) -> str:
    return column.rsplit("/", 1)[-1].lower()


def fix_for(problem: dict) -> str:
    column = _column_kind(problem.get("column", ""))
    for words, hint in _HINTS:
        if any(column == word or column.startswith(word) or word in column for word in words):
            return str(hint)
    if "(" in problem.get("reason", "") and problem.get("value"):
        return str(_CHOICE_HINT)
    return str(_DEFAULT_HINT)


def _where(problem: dict, filename: str) -> str:
    parts = []
    sheet = problem.get("sheet", "")
    # A CSV's one table is named after the file: saying it again adds nothing.
    if sheet and sheet != filename and not sheet.lower().endswith(".csv"):
        parts.append(_("sheet %(sheet)s") % {"sheet": sheet})
    if problem.get("row"):
        parts.append(_("row %(row)s") % {"row": problem["row"]})
    if problem.get("column"):
        parts.append(_("column %(column)s") % {"column": problem["column"]})
    return " · ".join(parts) or _("the whole file")


def cards(problems: list[dict], *, filename: str) -> list[Card]:
    return [
        Card(
            where=_where(problem, filename),
            value=problem.get("value", ""),
            reason=problem.get("reason", ""),
            fix=fix_for(problem),
        )
        for problem in problems
    ]
