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
    household_from_answers,
    member_from_answers,
    missing_required,
    needs_mapping,
    read_answers,
    shown_value,
    unmatched_warnings,
)
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

    def parse(
        self,
        data: bytes,
        *,
        filename: str,
        form: Form,
        column_map: Mapping[str, str] | None = None,
        village_code: str = "",
        progress: Progress | None = None,
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
        household_questions = [q for q in fields if q.level == HOUSEHOLD]
        member_questions = [q for q in fields if q.level == MEMBER]
        household_bindings, household_unmatched = bind(table, household_questions, column_map)
        member_bindings, member_unmatched = bind(table, member_questions, column_map)
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


def _allowed(question: Question, form: Form) -> str:
    kind = question.kind
    if question.list_name and question.list_name != "ya_tidak":
        codes = " ".join(choice.name for choice in form.lists.get(question.list_name, []))
        return codes if kind == "select_one" else f"{codes} (pisahkan dengan spasi)"
    return {
        "yes_no": "yes / no",
        "date": "YYYY-MM-DD",
        "integer": "0, 1, 2, …",
        "decimal": "-7.95",
        "identifier": "16 angka, sebagai teks",
    }.get(kind, "")


def template_csv(form: Form) -> bytes:
    """The header row as CSV (UTF-8 with the byte-order mark, so Excel reads it right)."""
    buffer = io.StringIO()
    csv.writer(buffer).writerow([q.name for q in template_columns(form)])
    return buffer.getvalue().encode("utf-8-sig")


def template_xlsx(form: Form) -> bytes:
    """A `data` sheet to fill (NIK and KK columns formatted as text) and a guide sheet."""
    columns = template_columns(form)
    workbook = Workbook()
    data = workbook.active
    data.title = DATA_SHEET
    data.append([q.name for q in columns])
    for index, question in enumerate(columns, start=1):
        data.cell(row=1, column=index).font = Font(bold=True)
        if question.kind in {"identifier", "text", "select_one", "select_multiple"}:
            letter = data.cell(row=1, column=index).column_letter
            for row in range(2, 1002):
                data[f"{letter}{row}"].number_format = "@"
    data.freeze_panes = "B2"
    guide = workbook.create_sheet("petunjuk")
    guide.append(["kolom", "pertanyaan", "question", "isian"])
    for cell in guide[1]:
        cell.font = Font(bold=True)
    for question in columns:
        guide.append(
            [question.name, question.label[0], question.label[1], _allowed(question, form)]
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
