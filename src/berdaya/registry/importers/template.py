"""Berdaya's plain template: one CSV or XLSX table, one row per PERSON.

Every row carries its household's number (`id_rumah_tangga`) and the household's
answers; they are read from the household's first row, and a later row of the
same household may leave them empty but not contradict them. Column names are
the question names of Berdaya's XLSForm without group paths, plus `latitude`
and `longitude` for the GPS point. Lists (assets, schemes, difficulties,
disasters) are codes separated by spaces; yes/no answers are `yes` or `no`;
dates are YYYY-MM-DD (or DD/MM/YYYY); NIK and KK are typed as text.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from operator import itemgetter

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.worksheet.datavalidation import DataValidation

from ..records import Problem, Where
from ..xlsform import HOUSEHOLD, MEMBER, Form, Question
from . import values
from .base import (
    REQUIRED_KEYS,
    Importer,
    ParseResult,
    Progress,
    TableInfo,
    bind,
    column_map_problems,
    household_from_answers,
    member_from_answers,
    missing_required,
    needs_mapping,
    read_answers,
    shown_value,
    unmatched_warnings,
)
from .recode import RECODE, recode_problems
from .tables import ZIP_MAGIC, Table, TableError, csv_table, file_problem, xlsx_tables

HOUSEHOLD_ID = Question(
    "id_rumah_tangga",
    "text",
    ("Nomor rumah tangga di berkas ini", "Household number in this file"),
    key="household_id",
)
DATA_SHEET = "data"
PROGRESS_EVERY = 10000


def template_columns(form: Form) -> list[Question]:
    """The template's columns in order: household number, household, then member answers."""
    from .base import LATITUDE, LONGITUDE

    columns = [HOUSEHOLD_ID]
    for question in form.questions():
        if question.level != HOUSEHOLD:
            continue
        if question.key == "gps":
            columns += [LATITUDE, LONGITUDE]
        else:
            columns.append(question)
    columns += [q for q in form.questions() if q.level == MEMBER]
    return columns


def _table(data: bytes, filename: str) -> Table:
    if data.startswith(ZIP_MAGIC):
        tables = xlsx_tables(data, filename)
        chosen = next((t for t in tables if t.name.lower() == DATA_SHEET), tables[0])
        return chosen
    return csv_table(data, filename)


class TemplateImporter(Importer):
    source = "template"
    own_fields = (HOUSEHOLD_ID,)

    def fields(self, form: Form) -> list[Question]:
        return [q for q in super().fields(form) if q.key != "gps"]

    def all_tables(self, data: bytes, filename: str) -> list[Table]:
        return [_table(data, filename)]

    def parse(
        self,
        data: bytes,
        *,
        filename: str,
        form: Form,
        column_map: Mapping[str, str] | None = None,
        village_code: str = "",
        progress: Progress | None = None,
        include_rejected: bool = False,  # a template has no reviews
    ) -> ParseResult:
        try:
            table = _table(data, filename)
        except TableError as exc:
            return ParseResult(errors=[exc.problem])
        if not table.header:
            return ParseResult(
                errors=[file_problem(table.name, _("The file has no header row."), row=1)]
            )
        fields = self.fields(form)
        recode = (column_map or {}).get(RECODE)
        if column_map is not None:
            column_map = {k: v for k, v in column_map.items() if k != RECODE} or None
        household_questions = [q for q in fields if q.level == HOUSEHOLD]
        member_questions = [q for q in fields if q.level == MEMBER]
        household_bindings, household_unmatched = bind(
            table, household_questions, column_map, recode
        )
        member_bindings, member_unmatched = bind(table, member_questions, column_map, recode)
        result = ParseResult(
            tables={
                HOUSEHOLD: TableInfo(table.name, list(table.header)),
                MEMBER: TableInfo(table.name, list(table.header)),
            },
            unmatched=household_unmatched + member_unmatched,
        )
        result.column_names = {b.key: b.column for b in (*household_bindings, *member_bindings)} | {
            "members": table.name
        }
        result.column_names["uuid"] = result.column_names.get("household_id", HOUSEHOLD_ID.name)
        result.errors = column_map_problems(column_map, fields, [table])
        result.errors += recode_problems(recode, fields, form, result.column_names)
        if result.errors:
            return result
        if needs_mapping(result.unmatched, column_map):
            result.mapping_needed = True
            return result
        result.errors = missing_required(
            result.unmatched, fields, table.name, {*REQUIRED_KEYS, HOUSEHOLD_ID.key}
        )
        if result.errors:
            return result
        result.warnings = unmatched_warnings(
            result.unmatched, fields, dict.fromkeys(result.unmatched, table.name)
        )
        id_binding = next(b for b in household_bindings if b.key == HOUSEHOLD_ID.key)
        answer_bindings = [b for b in household_bindings if b.key != HOUSEHOLD_ID.key]
        try:
            self._read(
                table, result, id_binding, answer_bindings, member_bindings, village_code, progress
            )
        except TableError as exc:  # a sheet that breaks off half-way
            return ParseResult(errors=[exc.problem])
        return result

    def _read(
        self, table, result, id_binding, household_bindings, member_bindings, village, progress
    ):
        errors = result.errors
        indices = [b.index for b in household_bindings]
        width_needed = max(indices, default=-1) + 1
        cells = itemgetter(*indices) if len(indices) > 1 else (lambda row: (row[indices[0]],))
        households: dict[str, tuple] = {}  # number -> (record, its first row's cells)
        read = 0
        total = table.size
        for number, row in table.rows():
            where = Where(number, table.name)
            if len(row) < width_needed:
                row = list(row) + [None] * (width_needed - len(row))
            number_in_file = (
                values.text(row[id_binding.index]) if id_binding.index < len(row) else ""
            )
            if not number_in_file:
                errors.append(
                    Problem(number, table.name, id_binding.column, "", _("This cell is empty."))
                )
                continue
            if is_example(number_in_file):
                continue  # the template's example household
            known = households.get(number_in_file)
            if known is None:
                answers = read_answers(row, household_bindings, where, errors)
                record = household_from_answers(
                    answers,
                    where=where,
                    village_code=village,
                    uuid=f"template:{village}:{number_in_file}",
                )
                households[number_in_file] = (record, cells(row) if indices else ())
                result.records.append(record)
            else:
                record, first = known
                if indices and cells(row) != first:
                    self._compare(row, first, record, household_bindings, where, errors)
            answers = read_answers(row, member_bindings, where, errors)
            record.members.append(member_from_answers(answers, where=where))
            read += 1
            if progress and total and read % PROGRESS_EVERY == 0:
                progress(min(1.0, read / total))
        result.rows = read

    @staticmethod
    def _compare(row, first, record, bindings, where, errors) -> None:
        for binding, first_value in zip(bindings, first, strict=True):
            value = values.text(row[binding.index])
            if value and value != values.text(first_value):
                errors.append(
                    Problem(
                        where.row,
                        where.sheet,
                        binding.column,
                        shown_value(binding, row[binding.index]),
                        _("Differs from the first row of this household (row %(row)d).")
                        % {"row": record.where.row},
                    )
                )


# --- the template to download ---------------------------------------------------

# Rows whose household number starts with this are the template's example: never imported.
EXAMPLE_PREFIX = "CONTOH"
LISTS_SHEET = "daftar"
EXAMPLE_ROWS = 1000  # rows of the data sheet with drop-down lists

# One example household (invented, in Desa Girisekar, Gunungkidul), written with labels as
# people fill the template: the head, her husband and their daughter.
_EXAMPLE_HOUSEHOLD = {
    "id_rumah_tangga": f"{EXAMPLE_PREFIX}-1",
    "setuju": "Ya",
    "kode_desa": "34.03.06.2002",
    "dusun": "Blimbing",
    "rw": "01",
    "rt": "002",
    "alamat": "Jl. Panggang km 3",
    "latitude": "-8.0123",
    "longitude": "110.4711",
    "tanggal_survei": "2026-08-17",
    "no_kk": "3403061708260001",
    "lantai": "Tanah",
    "dinding": "Bambu atau anyaman bambu",
    "atap": "Genteng",
    "air_minum": "Sumur terlindung atau sumur bor",
    "menit_air": "20",
    "sanitasi": "Jamban bersama rumah tangga lain",
    "listrik": "PLN, menyambung dari tetangga",
    "bahan_bakar": "Kayu bakar",
    "aset": "radio phone",
    "luas_lahan": "1500",
    "sapi": "0",
    "kambing": "2",
    "unggas": "6",
    "pendapatan": "Kurang dari Rp1 juta sebulan",
    "pengeluaran": "Kurang dari Rp1 juta sebulan",
    "pengeluaran_bulanan": "950000",
    "tabungan": "Tidak",
    "utang": "Ya",
    "kematian_anak": "0",
    "bencana": "drought",
    "program": "pkh",
    "catatan": "",
}
_EXAMPLE_MEMBERS = (
    {
        "nama": "Wagiyem (contoh)",
        "nik": "3403064505830001",
        "jenis_kelamin": "Perempuan",
        "hubungan": "Kepala rumah tangga",
        "tanggal_lahir": "1983-05-05",
        "status_kawin": "Kawin",
        "pendidikan": "SD/sederajat",
        "sekolah": "Tidak",
        "pekerjaan": "Petani (lahan sendiri atau sewa)",
    },
    {
        "nama": "Sukardi (contoh)",
        "nik": "3403060102800001",
        "jenis_kelamin": "Laki-laki",
        "hubungan": "Istri/suami",
        "tanggal_lahir": "1980-02-01",
        "status_kawin": "Kawin",
        "pendidikan": "SD/sederajat",
        "sekolah": "Tidak",
        "pekerjaan": "Buruh tani",
    },
    {
        "nama": "Tri (contoh)",
        "jenis_kelamin": "Perempuan",
        "hubungan": "Anak",
        "tanggal_lahir": "2015-07-09",
        "status_kawin": "Belum kawin",
        "sekolah": "Ya",
    },
)


def is_example(number_in_file: str) -> bool:
    return number_in_file.upper().startswith(EXAMPLE_PREFIX)


def example_rows(columns: list[Question], form: Form) -> list[list[str]]:
    """The example household, one row per member; a label that is not one of the form's
    (a changed list) falls back to the list's first label."""
    rows = []
    for index, member in enumerate(_EXAMPLE_MEMBERS):
        answers = (
            {**_EXAMPLE_HOUSEHOLD, **member}
            if index == 0
            else {
                "id_rumah_tangga": _EXAMPLE_HOUSEHOLD["id_rumah_tangga"],
                **member,
            }
        )
        rows.append([_example_value(q, answers.get(q.name, ""), form) for q in columns])
    return rows


def _example_value(question: Question, value: str, form: Form) -> str:
    if not value or question.kind != "select_one" or question.list_name == "ya_tidak":
        return value
    labels = [choice.label[0] for choice in form.lists.get(question.list_name, [])]
    return value if value in labels or not labels else labels[0]


def _allowed(question: Question, form: Form) -> str:
    kind = question.kind
    if question.list_name and question.list_name != "ya_tidak":
        options = form.lists.get(question.list_name, [])
        listed = "; ".join(f"{choice.label[0]} ({choice.name})" for choice in options)
        if kind == "select_one":
            return f"Pilih dari daftar, atau tulis kodenya: {listed}"
        example = " ".join(choice.name for choice in options[:2])
        return f"Kode dipisahkan spasi, misalnya “{example}”: {listed}"
    if question.name == "latitude":
        return "Angka desimal dengan titik, misalnya -8.0123 (selatan khatulistiwa: minus)"
    if question.name == "longitude":
        return "Angka desimal dengan titik, misalnya 110.4711 (Gunungkidul sekitar 110,5)"
    return {
        "yes_no": "Ya / Tidak",
        "date": "TTTT-BB-HH, misalnya 2026-08-17 (atau 17/08/2026)",
        "integer": "Bilangan bulat: 0, 1, 2, …",
        "decimal": "Angka desimal dengan titik",
        "identifier": "16 angka, sebagai teks",
    }.get(kind, "")


def template_csv(form: Form) -> bytes:
    """The header row and the example household (UTF-8 with the byte-order mark, so Excel
    reads it right). Rows numbered CONTOH… are never imported: fill your own below."""
    columns = template_columns(form)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([q.name for q in columns])
    writer.writerows(example_rows(columns, form))
    return buffer.getvalue().encode("utf-8-sig")


def _list_ranges(workbook, columns: list[Question], form: Form) -> dict[str, str]:
    """A sheet of the labels of every single-answer list; list name -> its cell range."""
    sheet = workbook.create_sheet(LISTS_SHEET)
    ranges, column = {}, 0
    names = sorted({q.list_name for q in columns if q.kind in {"select_one", "yes_no"}} - {""})
    for list_name in names:
        options = form.lists.get(list_name, [])
        if not options:
            continue
        column += 1
        letter = sheet.cell(row=1, column=column).column_letter
        sheet.cell(row=1, column=column, value=list_name).font = Font(bold=True)
        for row, choice in enumerate(options, start=2):
            sheet.cell(row=row, column=column, value=choice.label[0])
        ranges[list_name] = f"{LISTS_SHEET}!${letter}$2:${letter}${len(options) + 1}"
    sheet.sheet_state = "hidden"
    return ranges


def template_xlsx(form: Form) -> bytes:
    """A `data` sheet to fill (the example household first, drop-down lists of labels, NIK
    and KK columns formatted as text), a guide sheet, and the hidden lists."""
    columns = template_columns(form)
    workbook = Workbook()
    data = workbook.active
    data.title = DATA_SHEET
    data.append([q.name for q in columns])
    for row in example_rows(columns, form):
        data.append(row)
    ranges = _list_ranges(workbook, columns, form)
    last = EXAMPLE_ROWS + 1
    for index, question in enumerate(columns, start=1):
        header = data.cell(row=1, column=index)
        header.font = Font(bold=True)
        letter = header.column_letter
        if question.kind in {"identifier", "text", "select_one", "select_multiple"}:
            for row in range(2, last + 1):
                data[f"{letter}{row}"].number_format = "@"
        if question.list_name in ranges:
            check = DataValidation(
                type="list",
                formula1=f"={ranges[question.list_name]}",
                allow_blank=True,
                showErrorMessage=True,
                errorTitle="Bukan jawaban yang ada",
                error="Pilih salah satu jawaban dari daftar.",
            )
            check.add(f"{letter}2:{letter}{last}")
            data.add_data_validation(check)
    data.freeze_panes = "B2"
    guide = workbook.create_sheet("petunjuk", 1)
    guide.append(["kolom", "pertanyaan", "question", "isian"])
    for cell in guide[1]:
        cell.font = Font(bold=True)
    guide.append(
        [
            "",
            "Baris yang nomor rumah tangganya diawali CONTOH adalah contoh dan tidak diimpor.",
            "Rows whose household number starts with CONTOH are the example and are not imported.",
            "",
        ]
    )
    for question in columns:
        guide.append(
            [question.name, question.label[0], question.label[1], _allowed(question, form)]
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
