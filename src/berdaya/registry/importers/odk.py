"""ODK Central CSV zip exports ("All data and media files" or "CSV files").

The zip holds `<form id>.csv` with one row per submission (`SubmissionDate`
first, group paths joined by `-`, `meta-instanceID` and `KEY`) and one
`<form id>-<repeat>.csv` per repeat group whose `PARENT_KEY` is the
submission's `KEY`. A GPS point is split into `…-Latitude`, `…-Longitude`,
`…-Altitude` and `…-Accuracy`.
"""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

from ..xlsform import MEMBERS_REPEAT
from .linked import Layout, LinkedImporter
from .tables import Table, TableError, file_problem, zip_csv_tables

LAYOUT = Layout(
    tool="ODK Central",
    key="KEY",
    parent="PARENT_KEY",
    # KEY is the submission's first instance id and stays when the submission is edited.
    uuid=("KEY", "meta-instanceID", "instanceID"),
    submitted=("SubmissionDate",),
    uuid_named="KEY",
    # Central's review states: received (blank), hasIssues, edited, approved, rejected.
    review=("ReviewState",),
    refused=frozenset({"rejected"}),
    submitter=("SubmitterName",),
)


def _main(tables: list[Table], filename: str) -> Table:
    mains = [t for t in tables if t.has(LAYOUT.key) and not t.has(LAYOUT.parent)]
    if not mains:
        raise TableError(
            file_problem(
                filename,
                _(
                    "The zip has no main CSV: ODK Central puts one named after the form "
                    "(“<form>.csv”) with a %(column)s column and no %(parent)s column."
                )
                % {"column": LAYOUT.key, "parent": LAYOUT.parent},
            )
        )
    return next((t for t in mains if t.has("SubmissionDate")), mains[0])


# A nested repeat's PARENT_KEY: "uuid:…/group/repeat[2]" names the repeat it is in.
_REPEAT_STEP = re.compile(r"/([^/\[]+)\[\d+\]$")


class OdkImporter(LinkedImporter):
    source = "odk"

    layout = LAYOUT

    def all_tables(self, data: bytes, filename: str) -> list[Table]:
        return zip_csv_tables(data, filename)

    def main_table(self, tables, filename, *, form) -> Table:
        return _main(tables, filename)

    def is_own_members(self, table: Table) -> bool:
        return table.name.lower().endswith(f"-{MEMBERS_REPEAT}.csv")

    def parent_name(self, repeat: Table, tables) -> str:
        position = repeat.header.index(LAYOUT.parent) if repeat.has(LAYOUT.parent) else -1
        first = next(repeat.rows({position}), None) if position >= 0 else None
        if first is None or position >= len(first[1]):
            return ""
        step = _REPEAT_STEP.search(str(first[1][position] or ""))
        if not step:
            return ""
        ending = f"-{step.group(1)}.csv".lower()
        return next(
            (
                t.name
                for t in tables
                if t is not repeat and t.has(LAYOUT.parent) and t.name.lower().endswith(ending)
            ),
            "",
        )

    def hint(self) -> str:
        return _(
            "The zip has no CSV for the household members: ODK Central names it "
            "“<form>-%(repeat)s.csv”, with a %(column)s column."
        ) % {"repeat": MEMBERS_REPEAT, "column": LAYOUT.parent}
