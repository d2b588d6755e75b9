"""Matching a foreign form to Berdaya's: which sheet holds the people, which column holds
which field, and how its answers are recoded.

An import of a form Berdaya did not write stops at `ImportJob.Status.NEEDS_MAPPING`;
the column-matching page (and the CLI's printed proposal) show what these functions
propose — columns by similarity (`importers.similar`), recodings from Berdaya's labels,
the form's own XLSForm and the registers' numbers (`importers.recode`) — and the person
importing confirms. What they confirm is the job's `column_map`, kept with the job (so its
report shows the recoding used):

    {"<field>": "<column>", ..., "members_sheet": "<sheet>",
     "recode": {"<field>": {"<answer in the file>": "<Berdaya code>"}}}
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from berdaya.core.errors import PermissionDenied, ValidationFailed

from ..importers import importer_for, recode, similar
from ..importers.base import REQUIRED_KEYS
from ..importers.linked import MEMBERS_SHEET
from ..importers.tables import TableError
from ..models import ImportJob
from ..xlsform import MEMBER
from . import imports
from .import_villages import village_column


@dataclass
class RecodeRow:
    """One answer found in the file's column, and the Berdaya code proposed for it."""

    answer: str
    suggested: str


@dataclass
class ColumnChoice:
    """One Berdaya field on the column-matching page."""

    key: str
    label: str
    table: str  # the sheet/CSV it is read from
    columns: list[str]
    suggested: str
    required: bool
    # Berdaya's codes the field's answers may be recoded to: (code, label).
    options: list[tuple[str, str]] = field(default_factory=list)
    # The answers of the suggested column that are not Berdaya's codes, with proposals.
    recode: list[RecodeRow] = field(default_factory=list)
    recode_column: str = ""
    too_many_answers: bool = False


@dataclass
class SheetChoice:
    """A repeat sheet of the file, for choosing the one that holds the people."""

    name: str
    path: str  # "main > visits > people" for a repeat inside a repeat
    columns: list[str]
    chosen: bool


def _question_map(job: ImportJob, form):
    importer = importer_for(job.source)
    return importer, importer.fields(form)


def import_job_sheets(job: ImportJob) -> list[SheetChoice]:
    """The file's repeat sheets, when it has several (empty otherwise)."""
    tables = job.file_columns or {}
    repeats = tables.get("repeats") or []
    main = tables.get("household", {}).get("sheet", "")
    chosen = tables.get("member", {}).get("sheet", "")
    parents = {r["sheet"]: r.get("parent", "") for r in repeats}
    found = []
    for repeat in repeats:
        path, current, seen = [repeat["sheet"]], repeat["sheet"], set()
        while parents.get(current) and current not in seen:
            seen.add(current)
            current = parents[current]
            path.insert(0, current)
        found.append(
            SheetChoice(
                name=repeat["sheet"],
                path=" > ".join([main, *path] if main else path),
                columns=list(repeat.get("columns", [])),
                chosen=repeat["sheet"] == chosen,
            )
        )
    return found


def _answers(job: ImportJob, importer, wanted: Mapping[str, list[tuple[str, bool]]]) -> dict:
    """The different answers of some columns: {(sheet, column): [answers] or None}.
    Read from the stored upload when the page is shown, never kept."""
    if not wanted or not job.stored_file or not hasattr(importer, "all_tables"):
        return {}
    try:
        data = imports._read_stored(job)
        tables = {t.name: t for t in importer.all_tables(data, job.filename)}
    except (OSError, TableError, ValueError):
        return {}
    found = {}
    for sheet, columns in wanted.items():
        table = tables.get(sheet)
        if table is None:
            continue
        for column, multiple in columns:
            try:
                found[(sheet, column)] = recode.column_answers(table, column, multiple=multiple)
            except TableError:
                found[(sheet, column)] = []
    return found


def import_job_fields(
    job: ImportJob,
    *,
    chosen: Mapping[str, str] | None = None,
    recoding: Mapping[str, Mapping[str, str]] | None = None,
    answers: bool = True,
) -> list[ColumnChoice]:
    """The fields to match for a job that waits for its columns, with proposals.

    `chosen` (the columns a person picked on the page) replaces the proposal; `recoding`
    the proposed recodings. With `answers`, the answers of each list field's column are
    read from the upload, for recoding."""
    from django.utils.translation import get_language

    form = imports._form_for(job)
    importer, fields = _question_map(job, form)
    tables = job.file_columns or {}
    form_info = tables.get("form")
    english = (get_language() or "id").startswith("en")
    required = {*REQUIRED_KEYS, "household_id"}
    if not job.village_id:  # each household's village is read from the file
        required.add("village_code")
    saved = {k: v for k, v in (job.column_map or {}).items() if isinstance(v, str)}
    saved_recode = (job.column_map or {}).get(recode.RECODE) or {}
    proposals: dict[str, str] = {}
    for role, level in (("household", False), ("member", True)):
        columns = tables.get(role, {}).get("columns", [])
        questions = [q for q in fields if (q.level == MEMBER) == level]
        keys = {q.key for q in questions}
        if chosen is not None:
            proposals.update({k: v for k, v in chosen.items() if k in keys})
        else:
            taken = {k: v for k, v in saved.items() if k in keys}
            proposals.update(similar.suggest(columns, questions, form_info, taken=taken))
    found = []
    for question in fields:
        table = tables.get("member" if question.level == MEMBER else "household", {})
        columns = list(table.get("columns", []))
        suggested = proposals.get(question.key, "")
        if not suggested and question.key == "village_code" and "village_code" in required:
            suggested = village_column(columns)  # another form's village list
        found.append(
            ColumnChoice(
                key=question.key,
                label=question.label[1 if english else 0],
                table=table.get("sheet", ""),
                columns=columns,
                suggested=suggested if suggested in columns else "",
                required=question.key in required,
                options=[
                    (code, labels[1 if english else 0])
                    for code, labels in recode.targets(question, form).items()
                ],
            )
        )
    if answers:
        _add_recodings(job, importer, fields, found, form, form_info, recoding, saved_recode)
    return found


def _add_recodings(job, importer, fields, found, form, form_info, recoding, saved_recode):
    questions = {q.key: q for q in fields}
    wanted: dict[str, list[tuple[str, bool]]] = {}
    for choice in found:
        if choice.options and choice.suggested:
            multiple = questions[choice.key].kind == "select_multiple"
            wanted.setdefault(choice.table, []).append((choice.suggested, multiple))
    read = _answers(job, importer, wanted)
    for choice in found:
        if not (choice.options and choice.suggested):
            continue
        answers = read.get((choice.table, choice.suggested))
        choice.recode_column = choice.suggested
        if answers is None and (choice.table, choice.suggested) in read:
            choice.too_many_answers = True
            continue
        question = questions[choice.key]
        labels = recode.foreign_choice_labels(choice.suggested, form_info)
        proposal = recode.propose(answers or [], question, form, labels)
        given = (recoding if recoding is not None else saved_recode).get(choice.key) or {}
        given = {recode.answer_key(k): v for k, v in given.items()}
        from ..importers.labels import codes_by_label

        berdaya_labels = codes_by_label().get(question.list_name or "", {})
        choice.recode = [
            RecodeRow(answer, given.get(recode.answer_key(answer), suggestion))
            for answer, suggestion in proposal.items()
            # A Berdaya label is read as its code already; shown only if recoded otherwise.
            if " ".join(answer.split()).casefold() not in berdaya_labels
            or recode.answer_key(answer) in given
        ]


def _check_recoding(job, recoding, fields, form) -> dict[str, dict[str, str]]:
    problems = recode.recode_problems(recoding, fields, form)
    if problems:
        raise ValidationFailed(problems[0].reason, field=recode.RECODE)
    return {key: dict(mapping) for key, mapping in (recoding or {}).items() if mapping}


@transaction.atomic
def import_job_map_columns(
    *,
    user,
    job: ImportJob,
    column_map: Mapping[str, str],
    recoding: Mapping[str, Mapping[str, str]] | None = None,
) -> ImportJob:
    """Save which column holds which field and how answers are recoded; queue the import
    again. The recoding is kept with the job, so its report says what was recoded."""
    job = ImportJob.objects.select_for_update().get(pk=job.pk)
    if not imports._may_import(user, job):
        raise PermissionDenied(_("Only the organisation's facilitators and managers can import."))
    if job.status != ImportJob.Status.NEEDS_MAPPING:
        raise ValidationFailed(_("This import is not waiting for its columns to be matched."))
    form = imports._form_for(job)
    chosen = {}
    for choice in import_job_fields(job, answers=False):
        column = (column_map.get(choice.key) or "").strip()
        if column and column not in choice.columns:
            raise ValidationFailed(
                _("“%(column)s” is not a column of %(table)s.")
                % {"column": column, "table": choice.table},
                field=choice.key,
            )
        if choice.required and not column:
            raise ValidationFailed(
                _("Choose the column for “%(field)s”.") % {"field": choice.label},
                field=choice.key,
            )
        chosen[choice.key] = column
    _importer, fields = _question_map(job, form)
    kept = _check_recoding(job, recoding, fields, form)
    kept = {key: mapping for key, mapping in kept.items() if chosen.get(key)}
    if kept:
        chosen[recode.RECODE] = kept
    sheet = (job.column_map or {}).get(MEMBERS_SHEET)
    if sheet:
        chosen[MEMBERS_SHEET] = sheet
    job.column_map = chosen
    job.status = ImportJob.Status.WAITING
    job.progress = 0
    job.save(update_fields=["column_map", "status", "progress"])
    imports._enqueue(job)
    return job


@transaction.atomic
def import_job_choose_members(*, user, job: ImportJob, sheet: str) -> ImportJob:
    """Say which repeat sheet holds the household's people (a repeat inside a repeat is
    joined up to its household through its parents), and read the file again with it."""
    job = ImportJob.objects.select_for_update().get(pk=job.pk)
    if not imports._may_import(user, job):
        raise PermissionDenied(_("Only the organisation's facilitators and managers can import."))
    if job.status != ImportJob.Status.NEEDS_MAPPING:
        raise ValidationFailed(_("This import is not waiting for its columns to be matched."))
    names = [choice.name for choice in import_job_sheets(job)]
    if sheet not in names:
        raise ValidationFailed(
            _("“%(sheet)s” is not a repeat sheet of this file; its repeat sheets are: %(sheets)s.")
            % {"sheet": sheet, "sheets": ", ".join(f"“{name}”" for name in names) or "—"},
            field=MEMBERS_SHEET,
        )
    # The columns are proposed again: the people's sheet has columns of its own.
    job.column_map = {MEMBERS_SHEET: sheet}
    job.status = ImportJob.Status.WAITING
    job.progress = 0
    job.save(update_fields=["column_map", "status", "progress"])
    imports._enqueue(job)
    return job
