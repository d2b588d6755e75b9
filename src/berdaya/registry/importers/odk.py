"""ODK Central CSV zip exports ("All data and media files" or "CSV files").

The zip holds `<form id>.csv` with one row per submission (`SubmissionDate`
first, group paths joined by `-`, `meta-instanceID` and `KEY`) and one
`<form id>-<repeat>.csv` per repeat group whose `PARENT_KEY` is the
submission's `KEY`. A GPS point is split into `…-Latitude`, `…-Longitude`,
`…-Altitude` and `…-Accuracy`.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from ..xlsform import MEMBERS_REPEAT
from .linked import Layout, LinkedImporter, members_table, no_members_table
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


def _main_and_members(
    tables: list[Table], filename: str, *, form, members_sheet: str = ""
) -> tuple[Table, Table]:
    mains = [t for t in tables if t.has(LAYOUT.key) and not t.has(LAYOUT.parent)]
    repeats = [t for t in tables if t.has(LAYOUT.parent)]
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
    members = members_table(
        repeats,
        form=form,
        chosen=members_sheet,
        named=lambda t: t.name.lower().endswith(f"-{MEMBERS_REPEAT}.csv"),
    )
    if members is None:
        raise no_members_table(
            filename,
            repeats,
            members_sheet,
            _(
                "The zip has no CSV for the household members: ODK Central names it "
                "“<form>-%(repeat)s.csv”, with a %(column)s column."
            )
            % {"repeat": MEMBERS_REPEAT, "column": LAYOUT.parent},
        )
    main = next((t for t in mains if t.has("SubmissionDate")), mains[0])
    return main, members


class OdkImporter(LinkedImporter):
    source = "odk"

    layout = LAYOUT

    def tables(self, data: bytes, filename: str, *, form, members_sheet: str = ""):
        return _main_and_members(
            zip_csv_tables(data, filename), filename, form=form, members_sheet=members_sheet
        )
