"""Tables inside uploaded files: sheets of an XLSX workbook, CSV files, CSVs in a zip.

A table is a header and rows numbered as the user sees them in a spreadsheet
(the header is row 1). Files that cannot be read raise `TableError` with a
problem that names the file and, where it helps, the line.
"""

from __future__ import annotations

import csv
import html
import io
import multiprocessing
import re
import zipfile
from collections.abc import Callable, Collection, Iterator, Sequence
from dataclasses import dataclass
from functools import partial

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
# A small streaming reader. An XLSX workbook is a zip of XML parts; the sheets
# are read in blocks with regular expressions (cells written in the usual
# r, s, t attribute order, as Excel, LibreOffice, KoboToolbox and openpyxl
# write them), falling back to a real XML parser for any row that does not fit.
# It is about five times faster than openpyxl's read-only mode, which matters
# for 400,000 member rows.

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PACKAGE_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_ROW = re.compile(rb"<row\b([^>]*?)(?:/>|>(.*?)</row>)", re.S)
_ROW_NUMBER = re.compile(rb'\br="(\d+)"')
_CELL = re.compile(
    rb'<c r="([A-Z]+)\d+"(?: s="(\d+)")?(?: t="(\w+)")?\s*'
    rb"(?:/>|>(?:<f[^>]*/>|<f[^>]*>[^<]*</f>)?(?:<v>([^<]*)</v>|<is>(.*?)</is>)?</c>)",
    re.S,
)
_TEXT = re.compile(rb"<t(?:\s[^>]*)?>([^<]*)</t>")
_SHARED = re.compile(rb"<si>(.*?)</si>|<si/>", re.S)
_BLOCK = 1 << 22  # read sheets 4 MB at a time


def _column_index(letters: bytes, cache: dict[bytes, int] = {}) -> int:  # noqa: B006
    index = cache.get(letters)
    if index is None:
        index = 0
        for letter in letters:
            index = index * 26 + (letter - 64)
        index -= 1
        cache[letters] = index
    return index


def _unescape(raw: bytes) -> str:
    value = raw.decode("utf-8")
    return html.unescape(value) if "&" in value else value


def _joined_text(raw: bytes | None) -> str:
    if not raw:
        return ""
    return _unescape(b"".join(_TEXT.findall(raw)))


def _resolve(target: str) -> str:
    target = target.lstrip("/")
    return target if target.startswith("xl/") else f"xl/{target}"


class _Workbook:
    def __init__(self, archive: zipfile.ZipFile, budget: Budget):
        from defusedxml import ElementTree
        from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format
        from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900

        self.archive = archive
        self.budget = budget
        self.limits = budget.limits
        names = set(archive.namelist())
        read = partial(budget.read, archive)
        workbook = ElementTree.fromstring(read("xl/workbook.xml"))
        relations = ElementTree.fromstring(read("xl/_rels/workbook.xml.rels"))
        targets = {
            rel.get("Id"): _resolve(rel.get("Target", ""))
            for rel in relations.iter(f"{_PACKAGE_REL}Relationship")
        }
        properties = workbook.find(f"{_MAIN}workbookPr")
        mac = properties is not None and properties.get("date1904") in {"1", "true"}
        self.epoch = CALENDAR_MAC_1904 if mac else CALENDAR_WINDOWS_1900
        self.sheets = [
            (sheet.get("name", ""), targets.get(sheet.get(f"{_REL}id"), ""))
            for sheet in workbook.iter(f"{_MAIN}sheet")
        ]
        self.strings: list[str] = []
        if "xl/sharedStrings.xml" in names:
            content = read("xl/sharedStrings.xml")
            self.strings = [_joined_text(m.group(1)) for m in _SHARED.finditer(content)]
        # Which cell styles are dates: numbers in those cells are days since 1900.
        self.date_styles: set[bytes] = set()
        if "xl/styles.xml" in names:
            styles = ElementTree.fromstring(read("xl/styles.xml"))
            custom = {
                int(f.get("numFmtId", "0")): f.get("formatCode", "")
                for f in styles.iter(f"{_MAIN}numFmt")
            }
            cell_formats = styles.find(f"{_MAIN}cellXfs")
            for index, xf in enumerate(cell_formats if cell_formats is not None else ()):
                number_format = int(xf.get("numFmtId", "0"))
                code = custom.get(number_format) or BUILTIN_FORMATS.get(number_format, "")
                if code and is_date_format(code):
                    self.date_styles.add(str(index).encode())

    def size(self, target: str) -> int:
        """The rows a sheet says it has (its `dimension`), or 0 when it does not say."""
        with self.archive.open(target) as part:
            start = part.read(4096)
        match = re.search(rb'<dimension ref="[A-Z]+\d+:[A-Z]+(\d+)"', start)
        return int(match.group(1)) if match else 0

    def _blocks(self, target: str) -> Iterator[bytes]:
        """The sheet's XML in pieces that end after a complete row."""
        rest = b""
        with self.archive.open(target) as part:
            while block := part.read(_BLOCK):
                self.budget.take(len(block))
                content = rest + block
                cut = content.rfind(b"</row>")
                if cut < 0:
                    if len(content) > self.limits.row_bytes:  # one endless row
                        raise _too_large(self.budget.filename, self.limits)
                    rest = content
                    continue
                cut += len(b"</row>")
                yield content[:cut]
                rest = content[cut:]
        if rest:
            yield rest

    def _value(self, style: bytes, kind: bytes, raw: bytes, inline: bytes):
        if kind == b"inlineStr":
            return _joined_text(inline)
        if not raw:
            return None
        if kind == b"s":
            return self.strings[int(raw)]
        if not kind or kind == b"n":
            number = int(raw) if raw.isdigit() else float(raw)
            if style and style in self.date_styles:
                from openpyxl.utils.datetime import from_excel

                return from_excel(number, self.epoch)
            return number
        if kind == b"b":
            return raw == b"1"
        return _unescape(raw)  # str (a formula's text), e (an error), d (an ISO date)

    def _slow_row(self, body: bytes) -> list:
        """A row the fast pattern did not fully match, read with an XML parser."""
        from defusedxml import ElementTree

        limit = self.limits.columns
        row = ElementTree.fromstring(
            b'<row xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            + body
            + b"</row>"
        )
        values: list = []
        for cell in row.iter(f"{_MAIN}c"):
            reference = (cell.get("r") or "").rstrip("0123456789").encode()
            if reference:
                index = _column_index(reference)
                if index >= limit:
                    raise _too_many_columns(self.budget.filename, self.limits, 0)
                values.extend([None] * (index - len(values)))
            inline = cell.find(f"{_MAIN}is")
            if inline is not None:
                values.append("".join(t.text or "" for t in inline.iter(f"{_MAIN}t")))
                continue
            values.append(
                self._value(
                    (cell.get("s") or "").encode(),
                    (cell.get("t") or "").encode(),
                    (cell.findtext(f"{_MAIN}v") or "").encode(),
                    b"",
                )
            )
        return values

    def rows(
        self, target: str, needed: Collection[int] | None = None
    ) -> Iterator[tuple[int, list]]:
        """(row number, values) of every row of a sheet, empty cells as None."""
        previous = 0
        value = self._value
        wanted = frozenset(needed) if needed is not None else None
        width = max(wanted, default=-1) + 1 if wanted is not None else 0
        max_rows, max_columns = self.limits.rows, self.limits.columns
        filename = self.budget.filename
        for block in self._blocks(target):
            for row in _ROW.finditer(block):
                found = _ROW_NUMBER.search(row.group(1))
                number = int(found.group(1)) if found else previous + 1
                previous = number
                if number > max_rows:
                    raise _too_many_rows(filename, self.limits)
                body = row.group(2)
                if body and body.count(b"<c") > max_columns:
                    raise _too_many_columns(filename, self.limits, number)
                if not body:
                    yield number, []
                    continue
                cells = _CELL.findall(body)
                if len(cells) != body.count(b"<c ") + body.count(b"<c>"):
                    yield number, self._slow_row(body)
                    continue
                if wanted is not None:
                    values = [None] * width
                    for letters, style, kind, raw, inline in cells:
                        index = _column_index(letters)
                        if index in wanted:
                            values[index] = value(style, kind, raw, inline)
                    yield number, values
                    continue
                values = []
                for letters, style, kind, raw, inline in cells:
                    index = _column_index(letters)
                    if index >= max_columns:  # "XFD1": a cell far to the right
                        raise _too_many_columns(filename, self.limits, number)
                    if index > len(values):
                        values.extend([None] * (index - len(values)))
                    values.append(value(style, kind, raw, inline))
                yield number, values


def xlsx_tables(data: bytes, filename: str, limits: Limits | None = None) -> list[Table]:
    """Every sheet of a workbook, read as it streams (the file is never loaded whole)."""
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
        workbook = _Workbook(archive, Budget(filename, limits))
    except TableError:
        raise
    except Exception:  # a broken zip, a missing part, XML that does not parse
        raise TableError(
            file_problem(
                filename, _("“%(file)s” is not a readable XLSX workbook.") % {"file": filename}
            )
        ) from None
    tables = []
    for name, target in workbook.sheets:

        def rows(needed=None, target=target, name=name):
            try:
                iterator = workbook.rows(target, needed)
                next(iterator, None)  # the header
                for number, values in iterator:
                    if values and not _blank(values):
                        yield number, values
            except (KeyError, ValueError, SyntaxError, zipfile.BadZipFile):
                raise TableError(
                    file_problem(filename, _("Sheet “%(sheet)s” cannot be read.") % {"sheet": name})
                ) from None

        try:
            first = next(workbook.rows(target), (1, []))[1]
        except (KeyError, ValueError, SyntaxError, zipfile.BadZipFile):
            raise TableError(
                file_problem(filename, _("Sheet “%(sheet)s” cannot be read.") % {"sheet": name})
            ) from None
        tables.append(Table(name, _trim(first), rows, workbook.size(target)))
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
