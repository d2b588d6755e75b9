"""KoboToolbox XLSX exports.

Export with "XML values and headers" (group paths included or not). The first
sheet holds one row per submission with `_index`, `_uuid` and
`_submission_time`; each repeat group has a sheet of its own (`anggota` for the
members) whose `_parent_index` points at the submission's `_index`. A
select-multiple answer comes as one column of space-separated codes, as 0/1
columns (`rumah/aset/tv`), or both. When the form has HXL hashtags, KoboToolbox
can write them as a second header row (`#adm1+code`, `#affected+f`); that row is not
a submission and is skipped.
"""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

from ..xlsform import MEMBERS_REPEAT
from .base import match_column
from .linked import Layout, LinkedImporter
from .tables import Table, TableError, file_problem, xlsx_tables

LAYOUT = Layout(
    tool="KoboToolbox",
    key="_index",
    parent="_parent_index",
    # rootUuid (newer KoboToolbox) stays when a submission is edited; _uuid may not.
    uuid=("meta/rootUuid", "rootUuid", "_uuid", "meta/instanceID", "instanceID"),
    submitted=("_submission_time",),
    uuid_named="_uuid",
    # Written as the label ("Not Approved") or the uid ("validation_status_not_approved").
    review=("_validation_status",),
    refused=frozenset({"not approved"}),
    submitter=("_submitted_by",),
)


# An HXL hashtag with attributes, as HXL 1.1 spells it: "#affected+f+children".
_HASHTAG = re.compile(r"#[a-z][a-z0-9_]*(\s*\+[a-z][a-z0-9_]*)*", re.I)


def _is_hxl(values) -> bool:
    cells = [str(v).strip() for v in values if v is not None and str(v).strip()]
    return bool(cells) and all(_HASHTAG.fullmatch(cell) for cell in cells)


def without_hxl_row(table: Table) -> Table:
    """The table without KoboToolbox's HXL hashtag row, if it has one right under the header."""
    first = next(table.rows(), None)
    if first is None or first[0] != 2 or not _is_hxl(first[1]):
        return table

    def rows(needed=None, source=table):
        for number, values in source.rows(needed):
            if number != 2:
                yield number, values

    return Table(table.name, table.header, rows, table.size)


def _main(tables: list[Table], filename: str) -> Table:
    mains = [t for t in tables if t.has(LAYOUT.key) and not t.has(LAYOUT.parent)]
    if not mains:
        raise TableError(
            file_problem(
                filename,
                _(
                    "No sheet has the %(column)s column of a KoboToolbox export: export "
                    "the data as XLS with “XML values and headers”."
                )
                % {"column": LAYOUT.key},
                column=LAYOUT.key,
            )
        )
    return mains[0]


def same_sheet(sheet: str, section: str) -> bool:
    """A sheet name as KoboToolbox writes it for a repeat: whole, cut to Excel's 31
    characters, or cut to 28 + "..." (formpack)."""
    if sheet == section:
        return True
    if sheet.endswith("...") and section.startswith(sheet[:-3]):
        return True
    return len(sheet) == 31 and section.startswith(sheet)


def _key(text: str) -> str:
    return " ".join(text.casefold().split())


def labels_export(table: Table, form) -> bool:
    """The export was made with "Labels" as its header format: its headers are the
    questions' labels (with group labels before a separator), not their names."""
    questions = [q for q in form.questions() if q.label[0]]
    labels = {_key(label) for q in questions for label in q.label if label}
    by_label = sum(
        1
        for header in table.header
        if _key(header) in labels
        or any(_key(header).endswith(f"{sep}{label}") for sep in "/.:-" for label in labels)
    )
    by_name = sum(1 for q in questions if match_column(table.header, q))
    return by_label >= 3 and by_label > by_name


class KoboImporter(LinkedImporter):
    source = "kobo"

    layout = LAYOUT

    def all_tables(self, data: bytes, filename: str) -> list[Table]:
        return [without_hxl_row(table) for table in xlsx_tables(data, filename)]

    def main_table(self, tables, filename, *, form) -> Table:
        main = _main(tables, filename)
        if labels_export(main, form):
            raise TableError(
                file_problem(
                    filename,
                    _(
                        "This KoboToolbox export has the questions' labels as its headers. "
                        "Download it again from Data → Downloads with “Value and header "
                        "format: XML values and headers”."
                    ),
                )
            )
        return main

    def is_own_members(self, table: Table) -> bool:
        return table.name == MEMBERS_REPEAT

    def parent_name(self, repeat: Table, tables) -> str:
        """From `_parent_table_name` (formpack writes the parent section's name)."""
        if not repeat.has("_parent_table_name"):
            return ""
        position = repeat.header.index("_parent_table_name")
        first = next(repeat.rows({position}), None)
        if first is None or position >= len(first[1]):
            return ""
        section = str(first[1][position] or "").strip()
        return next(
            (
                t.name
                for t in tables
                if t is not repeat and t.has(LAYOUT.parent) and same_sheet(t.name, section)
            ),
            "",
        )

    def hint(self) -> str:
        return _(
            "No sheet for the household members: a KoboToolbox export of Berdaya's form "
            "has one named “%(sheet)s” with a %(column)s column."
        ) % {"sheet": MEMBERS_REPEAT, "column": LAYOUT.parent}
