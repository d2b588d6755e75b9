"""Submissions from a server's API as the tables of an export, for the registry's import.

The registry's KoboToolbox and ODK Central importers read a main table of submissions and
a table per repeat (`registry.importers.tables.Table`), linked by `_index`/`_parent_index`
(KoboToolbox) or `KEY`/`PARENT_KEY` (ODK Central). A pulled batch is turned into exactly
those tables, with the column names the exports use, so the same column matching, the
same checks and the same review rules apply:

* KoboToolbox's JSON keys are the export's headers with "/" between groups; a repeat is
  a list of objects under its path and becomes the sheet named after it; `_validation_status`
  is an object whose `uid` the importer reads (`validation_status_not_approved`);
* ODK Central's OData nests groups as objects (joined with "-", as its CSV does), gives a
  GPS point as GeoJSON (split into `-Latitude`, `-Longitude`, `-Altitude`, `-Accuracy`),
  `__id` (the CSV's `KEY`), `__system` (`SubmissionDate`, `SubmitterName`, `ReviewState`,
  …), and each repeat as a table `Submissions.<repeat>` whose `__Submissions-id` (or
  `__Submissions-<path>-id`) is the parent's `__id`.

The batch is stored encrypted as JSON (`encode`) like an upload and read back by
`PulledKoboImporter` / `PulledOdkImporter`, registered under the sources in `SOURCES`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from berdaya.registry.importers import KoboImporter, OdkImporter
from berdaya.registry.importers.kobo import LAYOUT as KOBO_LAYOUT
from berdaya.registry.importers.odk import LAYOUT as ODK_LAYOUT
from berdaya.registry.importers.tables import Table, TableError, file_problem

# The registry import's source for a pulled batch, by connection kind.
SOURCES = {"kobo": "kobo-api", "odk": "odk-api"}
FORMAT = "berdaya-pulled-tables/1"

# ODK Central's CSV names for `__system` (lib/data/briefcase.js in central-backend).
ODK_SYSTEM = {
    "submissionDate": "SubmissionDate",
    "updatedAt": "UpdatedAt",
    "submitterId": "SubmitterID",
    "submitterName": "SubmitterName",
    "attachmentsPresent": "AttachmentsPresent",
    "attachmentsExpected": "AttachmentsExpected",
    "status": "Status",
    "reviewState": "ReviewState",
    "deviceId": "DeviceID",
    "edits": "Edits",
    "formVersion": "FormVersion",
}


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


@dataclass
class TableRows:
    """A table being built: its header grows as rows bring new keys."""

    name: str
    rows: list[dict] = field(default_factory=list)
    # The submission id of each row, for the pull's report (row number -> id).
    ids: list[str] = field(default_factory=list)
    # Columns the form has even where no submission answered them (KoboToolbox leaves an
    # unanswered question out of its JSON; an export has its column all the same).
    known: list[str] = field(default_factory=list)

    def add(self, row: dict, submission_id: str) -> None:
        self.rows.append(row)
        self.ids.append(submission_id)

    def kept(self, keep: set[str] | None) -> list[tuple[dict, str]]:
        return [
            (r, i) for r, i in zip(self.rows, self.ids, strict=True) if keep is None or i in keep
        ]

    def as_json(self, keep: set[str] | None = None) -> dict:
        """The table with the rows of the submissions in `keep` (all when None); its header
        has every column any submission of the server had, so one batch is read like the next."""
        header: dict[str, None] = dict.fromkeys(self.known)
        for row in self.rows:
            header.update(dict.fromkeys(row))
        columns = list(header)
        return {
            "name": self.name,
            "header": columns,
            "rows": [[row.get(column, "") for column in columns] for row, _i in self.kept(keep)],
        }


@dataclass
class Batch:
    """The tables of a server's submissions; `keep` chooses the new ones."""

    tables: list[TableRows]

    def encode(self, keep: set[str] | None = None) -> bytes:
        return json.dumps(
            {"format": FORMAT, "tables": [t.as_json(keep) for t in self.tables]},
            ensure_ascii=False,
        ).encode()

    def row_ids(self, keep: set[str] | None = None) -> dict[str, dict[str, str]]:
        """{sheet: {row number as the report shows it: submission id}} (header is row 1)."""
        found = {}
        for table in self.tables:
            kept = table.kept(keep)
            if kept:
                found[table.name] = {
                    str(number): sid for number, (_row, sid) in enumerate(kept, start=2)
                }
        return found


# --- KoboToolbox ---------------------------------------------------------------------


def _is_repeat(value) -> bool:
    return isinstance(value, list) and any(isinstance(item, dict) for item in value)


def kobo_columns(survey: Iterable[Mapping]) -> dict[str, list[str]]:
    """The columns of a KoboToolbox form (the asset's `content.survey`), by sheet: "" for
    the main sheet, a repeat's name for its own. KoboToolbox gives each row its `$xpath`."""
    columns: dict[str, list[str]] = {"": []}
    path: list[tuple[str, bool]] = []  # (group name, is a repeat)
    for row in survey:
        kind = str(row.get("type", "")).split(" ")[0]
        name = str(row.get("name") or row.get("$autoname") or "")
        if kind in {"begin_group", "begin group", "begin_repeat", "begin repeat"}:
            path.append((name, "repeat" in kind))
            continue
        if kind in {"end_group", "end group", "end_repeat", "end repeat"}:
            if path:
                path.pop()
            continue
        if not name or kind in {"note", "calculate_here"}:
            continue
        xpath = str(row.get("$xpath") or "/".join([*(p for p, _r in path), name]))
        repeats = [p for p, repeat in path if repeat]
        columns.setdefault(repeats[-1] if repeats else "", []).append(xpath)
    return columns


def kobo_batch(
    submissions: Iterable[Mapping],
    *,
    sheet: str,
    ids: Iterable[str],
    columns: Mapping[str, list[str]] | None = None,
) -> Batch:
    """KoboToolbox API v2 submissions as the XLS export's sheets ("XML values and headers",
    group names in headers, "/" as separator). `ids` is the id the registry keeps for each
    submission: written as `meta/rootUuid`, which the importer reads first. `columns` are
    the form's own (`kobo_columns`)."""
    columns = columns or {}
    main = TableRows(sheet, known=list(columns.get("", [])))
    repeats: dict[str, TableRows] = {
        name: TableRows(name, known=[*known, "_index", "_parent_table_name", "_parent_index"])
        for name, known in columns.items()
        if name
    }

    def flatten(item: Mapping, row: dict, *, index: int, table: str, sid: str, record) -> None:
        for key, value in item.items():
            if _is_repeat(value):
                name = key.rsplit("/", 1)[-1]
                target = repeats.setdefault(name, TableRows(name))
                for child in value:
                    if not isinstance(child, Mapping):
                        continue
                    child_index = len(target.rows) + 1
                    child_row = {
                        "_index": child_index,
                        "_parent_table_name": table,
                        "_parent_index": index,
                        "_submission__id": record.get("_id", ""),
                        "_submission__uuid": record.get("_uuid", ""),
                    }
                    flatten(child, child_row, index=child_index, table=name, sid=sid, record=record)
                    target.add(child_row, sid)
            elif key == "_validation_status":
                row[key] = value.get("uid", "") if isinstance(value, Mapping) else _text(value)
            elif key == "_attachments":
                row[key] = len(value) if isinstance(value, list) else ""
            elif isinstance(value, list):
                row[key] = " ".join(_text(v) for v in value if not isinstance(v, dict | list))
            elif isinstance(value, Mapping):
                continue
            else:
                row[key] = _text(value)

    for index, (record, sid) in enumerate(zip(submissions, ids, strict=True), start=1):
        row: dict = {}
        flatten(record, row, index=index, table=sheet, sid=sid, record=record)
        row["meta/rootUuid"] = sid
        row["_index"] = index
        main.add(row, sid)
    return Batch([main, *repeats.values()])


# --- ODK Central -------------------------------------------------------------------------


def _odk_flatten(item: Mapping, row: dict, prefix: str = "") -> None:
    for key, value in item.items():
        if key.endswith("@odata.navigationLink") or key.startswith("__"):
            continue
        name = f"{prefix}{key}"
        if isinstance(value, Mapping):
            if value.get("type") == "Point" and isinstance(value.get("coordinates"), list):
                coordinates = [*value["coordinates"], "", "", ""]
                properties = value.get("properties") or {}
                row[f"{name}-Latitude"] = _text(coordinates[1])
                row[f"{name}-Longitude"] = _text(coordinates[0])
                row[f"{name}-Altitude"] = _text(coordinates[2])
                row[f"{name}-Accuracy"] = _text(properties.get("accuracy"))
            else:
                _odk_flatten(value, row, f"{name}-")
        elif isinstance(value, list):
            row[name] = " ".join(_text(v) for v in value)
        else:
            row[name] = _text(value)


def _parent_key(row: Mapping) -> str:
    for key, value in row.items():
        if key.startswith("__Submissions") and key.endswith("-id"):
            return _text(value)
    return ""


def odk_batch(
    submissions: Iterable[Mapping],
    repeats: Mapping[str, list[Mapping]],
    *,
    form_id: str,
    ids: Iterable[str],
) -> Batch:
    """ODK Central OData submissions and repeat rows as its CSV export's files."""
    main = TableRows(f"{form_id}.csv")
    root_of: dict[str, str] = {}  # a row's __id -> the id of its submission
    for record, sid in zip(submissions, ids, strict=True):
        row: dict = {}
        _odk_flatten(record, row)
        system = record.get("__system") or {}
        for key, column in ODK_SYSTEM.items():
            if key in system:
                row[column] = _text(system[key])
        row["KEY"] = _text(record.get("__id"))
        root_of[row["KEY"]] = sid
        main.add(row, sid)
    tables = [main]
    # Parents first: `Submissions.a` before `Submissions.a.b`.
    for name in sorted(repeats, key=lambda n: n.count(".")):
        table = TableRows(f"{form_id}-{name.rsplit('.', 1)[-1]}.csv")
        for record in repeats[name]:
            parent = _parent_key(record)
            sid = root_of.get(parent)
            if sid is None:
                continue  # a row of a submission that is not in this batch
            row: dict = {}
            _odk_flatten(record, row)
            row["PARENT_KEY"] = parent
            row["KEY"] = _text(record.get("__id"))
            root_of[row["KEY"]] = sid
            table.add(row, sid)
        tables.append(table)
    return Batch(tables)


# --- reading a stored batch back (the registry's import) ---------------------------------


def decode(data: bytes, filename: str) -> list[Table]:
    try:
        content = json.loads(data.decode())
        if content.get("format") != FORMAT:
            raise ValueError
        stored = content["tables"]
    except (ValueError, UnicodeDecodeError, KeyError, AttributeError, TypeError):
        raise TableError(
            file_problem(filename, _("This pulled batch cannot be read; pull again."))
        ) from None
    tables = []
    for entry in stored:
        rows = entry["rows"]

        def read(needed=None, rows=rows):
            yield from enumerate(rows, start=2)

        tables.append(Table(entry["name"], list(entry["header"]), read, len(rows) + 1))
    return tables


def _main_of(tables: list[Table], filename: str, layout) -> Table:
    """The batch's submissions (the table with the key and no parent)."""
    mains = [t for t in tables if t.has(layout.key) and not t.has(layout.parent)]
    if not mains:
        raise TableError(file_problem(filename, _("This pulled batch has no submissions.")))
    return mains[0]


class PulledKoboImporter(KoboImporter):
    """A batch pulled from KoboToolbox's API, read as its XLS export would be."""

    source = SOURCES["kobo"]

    def all_tables(self, data: bytes, filename: str) -> list[Table]:
        return decode(data, filename)

    def main_table(self, tables, filename, *, form) -> Table:
        return _main_of(tables, filename, KOBO_LAYOUT)


class PulledOdkImporter(OdkImporter):
    """A batch pulled from ODK Central's OData, read as its CSV zip would be."""

    source = SOURCES["odk"]

    def all_tables(self, data: bytes, filename: str) -> list[Table]:
        return decode(data, filename)

    def main_table(self, tables, filename, *, form) -> Table:
        return _main_of(tables, filename, ODK_LAYOUT)


PULLED_IMPORTERS = {
    SOURCES["kobo"]: PulledKoboImporter(),
    SOURCES["odk"]: PulledOdkImporter(),
}
