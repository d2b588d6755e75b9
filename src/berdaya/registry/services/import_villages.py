"""Which village each household of a programme's export is for.

An import for a programme (no village chosen) writes each household into its own village,
read from the file: the programme's form lets the facilitator choose it from the
programme's villages (`xlsform.form_for_programme`: the answer is the Kemendagri code, its
label "Name (code)"), and a form written elsewhere may hold the village's name or its code
without dots. The village column is matched like any other; here each household's value
becomes one of the programme's villages, or a problem: not a village of the programme, a
name two of its villages share, no village at all, or a village the person importing may
not write. One problem per value and reason, naming its rows, so that a file of 50,000
households of a village that is not yours says so once.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from berdaya.areas.codes import normalise_code
from berdaya.core.errors import ValidationFailed

from ..importers.base import SEPARATORS, ImportedHousehold
from ..records import Problem

ROWS_NAMED = 10  # rows listed in a problem; the rest are counted
# A label of the programme's own form: "Girisekar (34.03.06.2002)".
_CODE_IN_LABEL = re.compile(r"\(\s*([\d.\s]+?)\s*\)\s*$")
_PREFIXES = ("desa ", "kelurahan ", "kel. ", "ds. ")

MISSING, OUTSIDE, AMBIGUOUS, NOT_YOURS = "missing", "outside", "ambiguous", "not-yours"


def _key(text: str) -> str:
    key = " ".join(text.split()).casefold()
    for prefix in _PREFIXES:
        if key.startswith(prefix):
            return key.removeprefix(prefix).strip()
    return key


def _as_code(value: str) -> str:
    """The Kemendagri code a cell holds (dotted or not, or in a label's brackets), or ''."""
    found = _CODE_IN_LABEL.search(value)
    candidate = found.group(1) if found else value
    if not any(ch.isdigit() for ch in candidate):
        return ""
    try:
        return normalise_code(candidate)
    except ValidationFailed:
        return ""


# Names other forms give their village question, for the column-matching proposal.
VILLAGE_COLUMNS = ("kode_desa", "kode_kelurahan", "desa", "nama_desa", "kelurahan", "village")


def village_column(header: Sequence[str]) -> str:
    """The one column named like a village question (with or without a group path), or ''."""
    for name in VILLAGE_COLUMNS:
        found = [
            column
            for column in header
            if column.casefold() == name
            or any(column.casefold().endswith(f"{sep}{name}") for sep in SEPARATORS)
        ]
        if len(found) == 1:
            return found[0]
    return ""


@dataclass
class _Group:
    kind: str
    value: str
    sheet: str
    rows: list[int] = field(default_factory=list)


class VillageResolver:
    """Turns the village cells of a programme's export into its villages' codes."""

    def __init__(
        self,
        villages: Mapping[str, str],
        *,
        writable: Collection[str],
        programme: str,
    ):
        self.villages = dict(villages)  # code -> name
        self.writable = frozenset(writable)
        self.programme = programme
        self.by_name: dict[str, list[str]] = {}
        for code, name in sorted(self.villages.items()):
            self.by_name.setdefault(_key(name), []).append(code)
        self._cache: dict[str, tuple[str, str]] = {}

    def resolve(self, value: str) -> tuple[str, str]:
        """(code, '') for a village the user may write; else ('' or the code, the reason's kind)."""
        found = self._cache.get(value)
        if found is None:
            found = self._cache[value] = self._resolve(value)
        return found

    def _resolve(self, value: str) -> tuple[str, str]:
        if not value.strip():
            return "", MISSING
        code = _as_code(value)
        if not code:
            codes = self.by_name.get(_key(value), [])
            if len(codes) > 1:
                return "", AMBIGUOUS
            code = codes[0] if codes else ""
        if code not in self.villages:
            return "", OUTSIDE
        if code not in self.writable:
            return code, NOT_YOURS
        return code, ""

    def apply(self, records: Iterable[ImportedHousehold], *, column: str) -> list[Problem]:
        """Set each record's village code to the village's; the problems of those it cannot."""
        groups: dict[tuple[str, str, str], _Group] = {}
        for record in records:
            value = record.village_code or ""
            code, kind = self.resolve(value)
            if kind:
                where = record.where
                group = groups.get((kind, value, where.sheet))
                if group is None:
                    group = groups[(kind, value, where.sheet)] = _Group(kind, value, where.sheet)
                group.rows.append(where.row)
                continue
            record.village_code = code
        return [self._problem(group, column) for group in groups.values()]

    def _shown(self, code: str) -> str:
        return f"{self.villages[code]} ({code})"

    def _listing(self) -> str:
        return ", ".join(self._shown(code) for code in sorted(self.villages, key=self._order))

    def _order(self, code: str) -> tuple[str, str]:
        return (self.villages[code], code)

    def _problem(self, group: _Group, column: str) -> Problem:
        if group.kind == MISSING:
            reason = _(
                "No village for this household. An import for the programme “%(programme)s” "
                "writes each household into its own village, written in this column: one of "
                "%(villages)s."
            ) % {"programme": self.programme, "villages": self._listing()}
        elif group.kind == AMBIGUOUS:
            codes = ", ".join(
                self._shown(code) for code in sorted(self.by_name.get(_key(group.value), []))
            )
            reason = _(
                "More than one village of the programme has this name (%(villages)s): write "
                "the village's code instead."
            ) % {"villages": codes}
        elif group.kind == NOT_YOURS:
            code, _kind = self.resolve(group.value)
            reason = _(
                "%(village)s is not one of your villages, so you cannot import its "
                "households: import this file as someone who works there, or without them."
            ) % {"village": self._shown(code)}
        else:
            reason = _(
                "Not a village of the programme “%(programme)s”. Its villages are "
                "%(villages)s (the name or the code both work)."
            ) % {"programme": self.programme, "villages": self._listing()}
        return Problem(
            group.rows[0],
            group.sheet,
            column,
            group.value[:80],
            f"{reason} {rows_named(group.rows)}",
        )


def rows_named(rows: Sequence[int]) -> str:
    """“Row 5.” / “3 rows: 5, 9, 12.” / “1,200 rows: 5, 9, … and 1,190 more.”"""
    shown = ", ".join(f"{row:,}" for row in rows[:ROWS_NAMED])
    more = len(rows) - ROWS_NAMED
    if more > 0:
        shown = _("%(rows)s and %(count)s more") % {"rows": shown, "count": f"{more:,}"}
    return ngettext(
        "Row %(rows)s.",
        "%(count)s rows: %(rows)s.",
        len(rows),
    ) % {"rows": shown, "count": f"{len(rows):,}"}
