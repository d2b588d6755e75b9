"""Tables inside uploaded files: sheets of an XLSX workbook, CSV files, CSVs in a zip.

A table is a header and rows numbered as the user sees them in a spreadsheet
(the header is row 1). Files that cannot be read raise `TableError` with a
problem that names the file and, where it helps, the line.
"""

from __future__ import annotations

import csv
import datetime
import io
import multiprocessing
import zipfile
from collections.abc import Callable, Collection, Iterator, Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _

from ..records import Problem
from .values import text

ZIP_MAGIC = b"PK\x03\x04"
# Members smaller than this may compress as they like (styles, a short sheet).
RATIO_FROM = 1024 * 1024
_READ = 1 << 20


@dataclass(frozen=True)
class Limits:
    """How large an upload may become once unpacked (settings `BERDAYA_IMPORT_*`).

    XLSX and ODK's zips compress 5–20 fold; a "zip bomb" (1 MB that unpacks to 1 GB)
    compresses a thousand fold. Both limits are checked from the zip's directory before
    anything is unpacked, and again while reading (a directory can lie), together with
    the number of rows, of columns and the length of one row."""

    unpacked_bytes: int
    ratio: int
    rows: int
    columns: int
    row_bytes: int = 16 * 1024 * 1024

    @classmethod
    def from_settings(cls) -> Limits:
        from django.conf import settings

        return cls(
            unpacked_bytes=settings.BERDAYA_IMPORT_MAX_UNPACKED_MB * 1024 * 1024,
            ratio=settings.BERDAYA_IMPORT_MAX_RATIO,
            rows=settings.BERDAYA_IMPORT_MAX_ROWS,
            columns=settings.BERDAYA_IMPORT_MAX_COLUMNS,
        )


def _too_large(filename: str, limits: Limits) -> TableError:
    return TableError(
        file_problem(
            filename,
            _(
                "“%(file)s” unpacks to more than %(limit)s MB, or far more than an export "
                "of this size can hold; it is not read. Export fewer submissions at a time "
                "(for example one hamlet), or ask your administrator."
            )
            % {"file": filename, "limit": f"{limits.unpacked_bytes // 1048576:,}"},
        )
    )


def _too_many_rows(filename: str, limits: Limits) -> TableError:
    return TableError(
        file_problem(
            filename,
            _("“%(file)s” has more than %(rows)s rows; split it into smaller files.")
            % {"file": filename, "rows": f"{limits.rows:,}"},
        )
    )


def _too_many_columns(filename: str, limits: Limits, row: int) -> TableError:
    return TableError(
        file_problem(
            filename,
            _("Row %(row)d has more than %(columns)s columns; this is not an export Berdaya reads.")
            % {"row": row, "columns": f"{limits.columns:,}"},
            row=row,
        )
    )


def check_archive(archive: zipfile.ZipFile, filename: str, limits: Limits, infos=None) -> None:
    """Refuse a zip whose directory announces too much, before unpacking anything."""
    infos = [i for i in (infos if infos is not None else archive.infolist()) if not i.is_dir()]
    if sum(info.file_size for info in infos) > limits.unpacked_bytes:
        raise _too_large(filename, limits)
    for info in infos:
        if info.file_size > RATIO_FROM and info.file_size > limits.ratio * max(
            info.compress_size, 1
        ):
            raise _too_large(filename, limits)


class Budget:
    """What may still be unpacked from one upload: counts every byte read, whatever the
    zip's directory said."""

    def __init__(self, filename: str, limits: Limits):
        self.filename, self.limits = filename, limits
        self.left = limits.unpacked_bytes

    def take(self, size: int) -> None:
        self.left -= size
        if self.left < 0:
            raise _too_large(self.filename, self.limits)

    def read(self, archive: zipfile.ZipFile, name) -> bytes:
        parts = []
        with archive.open(name) as part:
            while block := part.read(_READ):
                self.take(len(block))
                parts.append(block)
        return b"".join(parts)


class TableError(Exception):
    """The file (or one table in it) cannot be read at all."""

    def __init__(self, problem: Problem):
        super().__init__(problem.reason)
        self.problem = problem


def file_problem(name: str, reason: str, *, row: int = 0, column: str = "") -> Problem:
    return Problem(row=row, sheet=name, column=column, value="", reason=str(reason))


@dataclass
class Table:
    name: str  # sheet name, or the CSV's file name
    header: list[str]
    _rows: Callable[..., Iterator[tuple[int, Sequence]]]
    size: int = 0  # rows in the table including the header, when known

    def rows(self, needed: Collection[int] | None = None) -> Iterator[tuple[int, Sequence]]:
        """(row number, values) for every non-empty row after the header.

        With `needed` (column positions), other cells may be left out (None) where that
        saves work: a KoboToolbox sheet has many columns Berdaya does not read."""
        return self._rows(needed)

    def has(self, column: str) -> bool:
        return column in self.header


# A table this large is read in a forked process while the caller reads another one:
# the two sheets of a large KoboToolbox export are each about half of its reading time.
PREFETCH_FROM = 20_000  # rows
_CHUNK = 5_000  # rows per message from the reading process


def prefetch(table: Table, needed: Collection[int] | None = None) -> Iterator[tuple[int, Sequence]]:
    """`table.rows(needed)`, read from now on in a forked process when the table is large.

    The child only reads the upload (its own copy, by fork) and never touches the
    database. If it fails in an unexpected way, the rows are read again here, so the
    result never depends on whether the prefetch worked.
    """
    if (
        table.size < PREFETCH_FROM
        or "fork" not in multiprocessing.get_all_start_methods()
        or multiprocessing.current_process().daemon  # may not start processes of its own
    ):
        return table.rows(needed)
    context = multiprocessing.get_context("fork")
    receiving, sending = context.Pipe(duplex=False)
    reader = context.Process(
        target=_read_ahead, args=(table, needed, sending), name=f"read {table.name}", daemon=True
    )
    reader.start()
    sending.close()
    return _received(table, needed, reader, receiving)


def _read_ahead(table: Table, needed, sending) -> None:
    # Everything is read before anything is sent: the parent is busy reading another
    # table, and a full pipe would stop this process until it listens.
    try:
        rows = list(table.rows(needed))
    except TableError as error:
        sending.send(("refused", error.problem))
    except Exception:
        sending.send(("failed", None))
    else:
        for start in range(0, len(rows), _CHUNK):
            sending.send(("rows", rows[start : start + _CHUNK]))
        sending.send(("done", None))
    finally:
        sending.close()


def _received(table, needed, reader, receiving) -> Iterator[tuple[int, Sequence]]:
    sent = 0
    try:
        while True:
            try:
                kind, content = receiving.recv()
            except EOFError:  # the reading process died (killed, out of memory)
                kind, content = "failed", None
            if kind == "rows":
                sent += len(content)
                yield from content
            elif kind == "refused":
                raise TableError(content)
            elif kind == "failed":
                # Read it here instead, skipping what was already handed over.
                for index, row in enumerate(table.rows(needed)):
                    if index >= sent:
                        yield row
                return
            else:
                return
    finally:
        receiving.close()
        if reader.is_alive():
            reader.terminate()
        reader.join()


def _trim(header: Sequence) -> list[str]:
    names = [text(cell) for cell in header]
    while names and not names[-1]:
        names.pop()
    return names


def _blank(values: Sequence) -> bool:
    return all(v is None or (isinstance(v, str) and not v.strip()) for v in values)


# --- XLSX ------------------------------------------------------------------
#
# Cells are read by python-calamine (Rust calamine): about 2.6 times faster than the
# hand-written streamer it replaced (docs/benchmarks.md). Calamine trusts the zip it is
# given, so the protections stay here: the zip's directory is checked first, then every
# part is inflated once against the byte budget (a directory can lie) and refused if it
# declares a DTD — calamine's XML parser does not expand entities, but an export never
# has a DTD, so one is refused rather than relied on.

_DTD = b"<!doctype"


def _screen(archive: zipfile.ZipFile, budget: Budget) -> None:
    for info in archive.infolist():
        if info.is_dir():
            continue
        tail = b""
        with archive.open(info) as part:
            while block := part.read(_READ):
                budget.take(len(block))
                if _DTD in (tail + block[:16]).lower() or _DTD in block.lower():
                    raise ValueError("a DTD in an XLSX part")
                tail = block[-16:]


def _cell(value):
    if value == "":
        return None
    if type(value) is float and value.is_integer():
        return int(value)
    if type(value) is datetime.date:
        return datetime.datetime.combine(value, datetime.time())
    return value


class _Sheet:
    """One worksheet, loaded on first use and kept (the header and the rows share it)."""

    def __init__(self, workbook, name: str, filename: str, limits: Limits):
        self.workbook, self.name, self.filename, self.limits = workbook, name, filename, limits
        self._loaded = None

    def loaded(self):
        if self._loaded is None:
            sheet = self.workbook.get_sheet_by_name(self.name)
            if sheet.height and sheet.end[0] + 1 > self.limits.rows:
                raise _too_many_rows(self.filename, self.limits)
            if sheet.width and sheet.end[1] + 1 > self.limits.columns:
                raise _too_many_columns(self.filename, self.limits, sheet.start[0] + 1)
            self._loaded = sheet
        return self._loaded

    def rows(self, needed: Collection[int] | None = None) -> Iterator[tuple[int, list]]:
        """(row number, values) of every row, empty cells as None."""
        sheet = self.loaded()
        if not sheet.height:
            return
        first_row, first_column = sheet.start
        pad = [None] * first_column
        if needed is None:
            for offset, values in enumerate(sheet.iter_rows()):
                yield first_row + offset + 1, pad + [_cell(v) for v in values]
            return
        # Only the wanted columns become Python values: a KoboToolbox sheet has many
        # columns Berdaya does not read.
        width = max(needed, default=-1) + 1
        wanted = [(i, i - first_column) for i in sorted(needed) if i >= first_column]
        for offset, values in enumerate(sheet.iter_rows()):
            row = [None] * width
            size = len(values)
            for index, position in wanted:
                if position < size:
                    row[index] = _cell(values[position])
            yield first_row + offset + 1, row


def _unreadable_sheet(filename: str, name: str) -> TableError:
    return TableError(
        file_problem(filename, _("Sheet “%(sheet)s” cannot be read.") % {"sheet": name})
    )


def xlsx_tables(data: bytes, filename: str, limits: Limits | None = None) -> list[Table]:
    """Every sheet of a workbook."""
    from python_calamine import CalamineError, CalamineWorkbook, SheetTypeEnum

    if not data:
        raise TableError(file_problem(filename, _("The file is empty.")))
    limits = limits or Limits.from_settings()
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except Exception:
        archive = None
    if archive is not None:
        check_archive(archive, filename, limits)
    try:
        if archive is None:
            raise zipfile.BadZipFile
        _screen(archive, Budget(filename, limits))
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        names = [
            meta.name for meta in workbook.sheets_metadata if meta.typ == SheetTypeEnum.WorkSheet
        ]
    except TableError:
        raise
    except Exception:  # a broken zip, a missing part, XML that does not parse
        raise TableError(
            file_problem(
                filename, _("“%(file)s” is not a readable XLSX workbook.") % {"file": filename}
            )
        ) from None
    unreadable = (CalamineError, KeyError, ValueError, zipfile.BadZipFile)
    tables = []
    for name in names:
        sheet = _Sheet(workbook, name, filename, limits)

        def rows(needed=None, sheet=sheet, name=name):
            try:
                iterator = sheet.rows(needed)
                next(iterator, None)  # the header
                for number, values in iterator:
                    if values and not _blank(values):
                        yield number, values
            except unreadable:
                raise _unreadable_sheet(filename, name) from None

        try:
            first = next(sheet.rows(), (1, []))[1]
            size = sheet.loaded().end[0] + 1 if sheet.loaded().height else 0
        except unreadable:
            raise _unreadable_sheet(filename, name) from None
        tables.append(Table(name, _trim(first), rows, size))
    return tables


# --- CSV -------------------------------------------------------------------


def decode(data: bytes, name: str) -> str:
    """UTF-8 (with or without the byte-order mark Excel writes), or a clear refusal.

    Other encodings are not guessed: a wrong guess turns names into nonsense silently.
    """
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise TableError(
            file_problem(
                name,
                _(
                    "“%(file)s” is not saved as UTF-8 text (the first unreadable character "
                    "is on line %(line)d). Save it as “CSV UTF-8” in Excel or LibreOffice "
                    "and upload it again."
                )
                % {"file": name, "line": line},
                row=line,
            )
        ) from None


def _delimiter(first_line: str) -> str:
    # Excel set to Indonesian writes semicolons; tabs come from copy-paste.
    counts = {d: first_line.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=counts.get)
    return best if counts[best] else ","


def csv_table(data: bytes, name: str, limits: Limits | None = None) -> Table:
    if not data.strip():
        raise TableError(file_problem(name, _("The file is empty.")))
    limits = limits or Limits.from_settings()
    content = decode(data, name)
    delimiter = _delimiter(content.split("\n", 1)[0])
    header = next(csv.reader(io.StringIO(content.split("\n", 1)[0]), delimiter=delimiter), [])
    if len(header) > limits.columns:
        raise _too_many_columns(name, limits, 1)

    def rows(needed=None):
        reader = csv.reader(io.StringIO(content, newline=""), delimiter=delimiter)
        next(reader, None)
        for number, values in enumerate(reader, start=2):
            if number > limits.rows:
                raise _too_many_rows(name, limits)
            if len(values) > limits.columns:
                raise _too_many_columns(name, limits, number)
            if values and not _blank(values):
                yield number, values

    return Table(name, _trim(header), rows, content.count("\n") + 1)


# --- zip of CSVs ------------------------------------------------------------


def zip_csv_tables(data: bytes, filename: str, limits: Limits | None = None) -> list[Table]:
    if not data:
        raise TableError(file_problem(filename, _("The file is empty.")))
    limits = limits or Limits.from_settings()
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = [
            info
            for info in archive.infolist()
            if not info.is_dir()
            and info.filename.lower().endswith(".csv")
            and not info.filename.startswith("__MACOSX/")
        ]
        check_archive(archive, filename, limits, members)
        budget = Budget(filename, limits)
        tables = []
        for info in members:
            name = info.filename.rsplit("/", 1)[-1]
            tables.append(csv_table(budget.read(archive, info), name, limits))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError):
        raise TableError(
            file_problem(filename, _("“%(file)s” is not a zip file.") % {"file": filename})
        ) from None
    return tables
