"""Exports with a main table of submissions and a table of repeat rows linked to it.

KoboToolbox links by `_index` / `_parent_index`, ODK Central by `KEY` / `PARENT_KEY`;
the rest (matching columns, reading answers, attaching members) is the same.
"""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ..records import Problem, Where
from ..xlsform import HOUSEHOLD, MEMBER, Form
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
    match_column,
    member_from_answers,
    missing_required,
    needs_mapping,
    read_answers,
    submission_id,
    unmatched_warnings,
)
from .recode import RECODE, recode_problems
from .tables import Table, TableError, file_problem, prefetch

PROGRESS_EVERY = 5000


@dataclass(frozen=True)
class Layout:
    tool: str  # "KoboToolbox", "ODK Central": named in problems
    key: str  # the main table's row id
    parent: str  # the repeat table's link to it
    uuid: tuple[str, ...]  # columns with the submission's id, the first found is used
    submitted: tuple[str, ...]  # columns with the submission time
    uuid_named: str  # the id column named in a problem when none is found
    # The review a server's reviewer gave a submission, and the values that keep it out.
    review: tuple[str, ...] = ()
    refused: frozenset[str] = frozenset()
    submitter: tuple[str, ...] = ()  # columns naming who submitted


# The column-matching key that names the members' sheet when a file has several repeats.
MEMBERS_SHEET = "members_sheet"


def members_table(
    repeats: list[Table], *, form: Form, chosen: str, named: Callable[[Table], bool]
) -> Table | None:
    """The repeat table that holds the household's people.

    The one the person importing chose; else Berdaya's own (`anggota`); else the only one;
    else the one whose columns match the most member questions (name, sex, relation...),
    when one clearly does. None when it cannot be told: the caller asks."""
    if chosen:
        return next((t for t in repeats if t.name == chosen), None)
    own = [t for t in repeats if named(t)]
    if own:
        return own[0]
    if len(repeats) == 1:
        return repeats[0]
    questions = [q for q in form.questions() if q.level == MEMBER]

    def score(table: Table) -> int:
        return sum(1 for q in questions if match_column(table.header, q))

    ranked = sorted(repeats, key=score, reverse=True)
    if ranked and score(ranked[0]) and (len(ranked) == 1 or score(ranked[0]) > score(ranked[1])):
        return ranked[0]
    return None


def no_members_table(filename: str, repeats: list[Table], chosen: str, hint: str) -> TableError:
    sheets = ", ".join(f"“{t.name}”" for t in repeats) or "—"
    if chosen:
        reason = _(
            "“%(sheet)s” is not a repeat sheet of this file; its repeat sheets are: %(sheets)s."
        ) % {"sheet": chosen, "sheets": sheets}
    else:
        reason = _(
            "%(hint)s The file's repeat sheets are %(sheets)s: say which holds the household "
            "members (“%(key)s” in the column matching)."
        ) % {"hint": hint, "sheets": sheets, "key": MEMBERS_SHEET}
    return TableError(file_problem(filename, reason))


def review_key(value) -> str:
    """A review status as written in any export: "Not Approved", "validation_status_not_approved",
    "not_approved" and "rejected" become "not approved" / "rejected"."""
    text = values.text(value).lower().replace("_", " ").replace("-", " ")
    text = text.removeprefix("validation status ")
    return " ".join(text.split())


def _first(header, names) -> str:
    return next((name for name in names if name in header), "")


def _missing_column(table: Table, column: str, tool: str) -> Problem:
    return Problem(
        1,
        table.name,
        column,
        "",
        _("This column of a %(tool)s export is missing.") % {"tool": tool},
    )


def _positions(bindings, *others: int) -> set[int]:
    """The columns the bindings (and the link columns) read."""
    found = {i for i in others if i >= 0}
    for binding in bindings:
        if binding.index >= 0:
            found.add(binding.index)
        found.update(binding.options.values())
    return found


def assemble(
    importer: Importer,
    main: Table,
    members: Table,
    *,
    layout: Layout,
    form: Form,
    column_map: Mapping[str, str] | None,
    village_code: str,
    progress: Progress | None,
    include_rejected: bool = False,
    chain: Sequence[Table] = (),
    recode: Mapping | None = None,
) -> ParseResult:
    """Households from `main`, people from `members`; `chain` holds the repeat sheets
    between them when the people's repeat is inside another repeat (top first)."""
    fields = importer.fields(form)
    household_questions = [q for q in fields if q.level == HOUSEHOLD]
    member_questions = [q for q in fields if q.level == MEMBER]
    result = ParseResult(
        tables={
            HOUSEHOLD: TableInfo(main.name, list(main.header)),
            MEMBER: TableInfo(members.name, list(members.header)),
        }
    )
    household_bindings, household_unmatched = bind(main, household_questions, column_map, recode)
    member_bindings, member_unmatched = bind(members, member_questions, column_map, recode)
    result.unmatched = household_unmatched + member_unmatched
    uuid_column = _first(main.header, layout.uuid)
    submitted_column = _first(main.header, layout.submitted)
    review_column = "" if include_rejected else _first(main.header, layout.review)
    submitter_column = _first(main.header, layout.submitter)
    result.column_names = {
        **{b.key: b.column for b in (*household_bindings, *member_bindings)},
        "members": members.name,
        "uuid": uuid_column or layout.uuid_named,
    }
    if "gps" in result.column_names:
        result.column_names.setdefault("latitude", result.column_names["gps"])
        result.column_names.setdefault("longitude", result.column_names["gps"])

    structural = []
    if not main.has(layout.key):
        structural.append(_missing_column(main, layout.key, layout.tool))
    if not members.has(layout.parent):
        structural.append(_missing_column(members, layout.parent, layout.tool))
    for table in chain:
        structural += [
            _missing_column(table, column, layout.tool)
            for column in (layout.key, layout.parent)
            if not table.has(column)
        ]
    if not uuid_column:
        structural.append(_missing_column(main, layout.uuid_named, layout.tool))
    structural += column_map_problems(column_map, fields, [main, *chain, members])
    structural += recode_problems(recode, fields, form, result.column_names)
    if structural:
        result.errors = structural
        return result
    if needs_mapping(result.unmatched, column_map):
        result.mapping_needed = True
        return result
    result.errors = missing_required(
        member_unmatched, member_questions, members.name, REQUIRED_KEYS
    )
    if result.errors:
        return result
    table_of = {key: main.name for key in household_unmatched}
    table_of.update({key: members.name for key in member_unmatched})
    result.warnings = unmatched_warnings(result.unmatched, fields, table_of)

    header = main.header
    key_index, uuid_index = header.index(layout.key), header.index(uuid_column)
    submitted_index = header.index(submitted_column) if submitted_column else -1
    review_index = header.index(review_column) if review_column else -1
    submitter_index = header.index(submitter_column) if submitter_column else -1
    # Submissions a reviewer refused, by their key (their members are left out with them).
    refused: dict[str, str] = {}
    total = main.size + members.size
    by_key = {}
    errors = result.errors
    read = 0
    parent_index = members.header.index(layout.parent)
    # The members' sheet is read meanwhile in another process when it is large.
    member_rows = prefetch(members, _positions(member_bindings, parent_index))
    for number, row in main.rows(
        _positions(
            household_bindings,
            key_index,
            uuid_index,
            submitted_index,
            review_index,
            submitter_index,
        )
    ):
        where = Where(number, main.name)
        width = len(row)
        key = values.text(row[key_index]) if key_index < width else ""
        if 0 <= review_index < width and key:
            review = review_key(row[review_index])
            if review in layout.refused:
                refused[key] = values.text(row[review_index])
                continue
        answers = read_answers(row, household_bindings, where, errors)
        if not key:
            errors.append(Problem(number, main.name, layout.key, "", _("This cell is empty.")))
            continue
        if key in by_key:
            errors.append(
                Problem(
                    number,
                    main.name,
                    layout.key,
                    key,
                    _("Another row has the same value (row %(row)d).")
                    % {"row": by_key[key].where.row},
                )
            )
            continue
        record = household_from_answers(
            answers,
            where=where,
            village_code=village_code,
            uuid=submission_id(row[uuid_index]) if uuid_index < width else "",
            at=values.timestamp(row[submitted_index]) if 0 <= submitted_index < width else None,
        )
        if 0 <= submitter_index < width:
            record.submitted_by = values.text(row[submitter_index])[:150]
        by_key[key] = record
        result.records.append(record)
        read += 1
        if progress and total and read % PROGRESS_EVERY == 0:
            progress(min(1.0, read / total))
    # A nested repeat: each row of the sheets between leads up to its household's key.
    household_of = _households_of(chain, layout) if chain else None
    for number, row in member_rows:
        where = Where(number, members.name)
        parent = values.text(row[parent_index]) if parent_index < len(row) else ""
        if household_of is not None:
            if parent not in household_of:
                errors.append(
                    Problem(
                        number,
                        members.name,
                        layout.parent,
                        parent,
                        _("No row of “%(sheet)s” has this %(column)s.")
                        % {"sheet": chain[-1].name, "column": layout.key},
                    )
                )
                continue
            parent = household_of[parent]
        record = by_key.get(parent)
        if record is None and parent in refused:
            continue
        if record is None:
            errors.append(
                Problem(
                    number,
                    members.name,
                    layout.parent,
                    parent,
                    _("No household in “%(sheet)s” has this %(column)s.")
                    % {"sheet": main.name, "column": layout.key},
                )
            )
            continue
        answers = read_answers(row, member_bindings, where, errors)
        record.members.append(member_from_answers(answers, where=where))
        read += 1
        if progress and total and read % PROGRESS_EVERY == 0:
            progress(min(1.0, read / total))
    result.rows = read
    if refused:
        result.warnings.append(_refused_warning(main.name, review_column, refused, layout.tool))
    return result


def _households_of(chain: Sequence[Table], layout: Layout) -> dict[str, str]:
    """Each row of the innermost sheet of `chain` (by its key) -> its household's key."""
    above: dict[str, str] | None = None
    for table in chain:
        key_index, parent_index = table.header.index(layout.key), table.header.index(layout.parent)
        level = {}
        for _number, row in table.rows({key_index, parent_index}):
            width = len(row)
            key = values.text(row[key_index]) if key_index < width else ""
            parent = values.text(row[parent_index]) if parent_index < width else ""
            level[key] = parent if above is None else above.get(parent, "")
        above = level
    return above or {}


def _refused_warning(sheet: str, column: str, refused: Mapping[str, str], tool: str) -> Problem:
    statuses = ", ".join(sorted({f"“{status}”" for status in refused.values()}))
    return Problem(
        0,
        sheet,
        column,
        "",
        ngettext(
            "%(count)d submission was left out: a reviewer in %(tool)s marked it %(statuses)s. "
            "To import it anyway, tick “Also import submissions a reviewer refused”.",
            "%(count)d submissions were left out: a reviewer in %(tool)s marked them "
            "%(statuses)s. To import them anyway, tick “Also import submissions a reviewer "
            "refused”.",
            len(refused),
        )
        % {"count": len(refused), "tool": tool, "statuses": statuses},
    )


class LinkedImporter(Importer):
    """An export of a main table and repeat tables; subclasses say how to find them."""

    layout: Layout
    # Said when the members' sheet cannot be told (how the tool names Berdaya's own).
    members_hint: str = ""

    @abstractmethod
    def all_tables(self, data: bytes, filename: str) -> list[Table]:
        """Every table of the export (TableError if the file cannot be read)."""

    @abstractmethod
    def main_table(self, tables: list[Table], filename: str, *, form: Form) -> Table:
        """The submissions' table (TableError if there is none)."""

    @abstractmethod
    def is_own_members(self, table: Table) -> bool:
        """The repeat of Berdaya's own form (`anggota`)."""

    @abstractmethod
    def parent_name(self, repeat: Table, tables: list[Table]) -> str:
        """The table a repeat's rows point at: a repeat's name when nested, else ''."""

    def hint(self) -> str:
        return ""

    def chain(self, members: Table, tables: list[Table]) -> list[Table]:
        """The repeat tables between the main one and `members` (top first)."""
        by_name = {table.name: table for table in tables}
        found: list[Table] = []
        current = members
        while True:
            parent = by_name.get(self.parent_name(current, tables))
            if parent is None or parent is members or parent in found:
                return found
            found.insert(0, parent)
            current = parent

    def repeats_info(self, repeats: list[Table], tables: list[Table]) -> list[TableInfo]:
        names = {t.name for t in repeats}
        return [
            TableInfo(
                table.name,
                list(table.header),
                parent=parent if (parent := self.parent_name(table, tables)) in names else "",
            )
            for table in repeats
        ]

    def parse(
        self,
        data: bytes,
        *,
        filename: str,
        form: Form,
        column_map: Mapping[str, str] | None = None,
        village_code: str = "",
        progress: Progress | None = None,
        include_rejected: bool = False,
    ) -> ParseResult:
        try:
            chosen = (column_map or {}).get(MEMBERS_SHEET, "")
            recode = (column_map or {}).get(RECODE)
            # A matching that only names the sheet still lets the columns be found by name.
            column_map = {
                k: v for k, v in (column_map or {}).items() if k not in {MEMBERS_SHEET, RECODE}
            }
            tables = self.all_tables(data, filename)
            main = self.main_table(tables, filename, form=form)
            repeats = [t for t in tables if t.has(self.layout.parent)]
            members = members_table(repeats, form=form, chosen=chosen, named=self.is_own_members)
            if members is None and (chosen or not repeats):
                raise no_members_table(filename, repeats, chosen, self.hint())
            if members is None:
                # Several repeats and none clearly holds people: the person importing says.
                return self._choose_sheet(main, repeats, tables, form)
            result = assemble(
                self,
                main,
                members,
                layout=self.layout,
                form=form,
                column_map=column_map or None,
                village_code=village_code,
                progress=progress,
                include_rejected=include_rejected,
                chain=self.chain(members, tables),
                recode=recode,
            )
            if len(repeats) > 1:
                result.repeats = self.repeats_info(repeats, tables)
            return result
        except TableError as exc:  # an unreadable file, or a sheet that breaks off half-way
            return ParseResult(errors=[exc.problem])

    def _choose_sheet(self, main, repeats, tables, form) -> ParseResult:
        household = [q for q in self.fields(form) if q.level == HOUSEHOLD]
        members = [q.key for q in self.fields(form) if q.level == MEMBER]
        _bindings, unmatched = bind(main, household, None)
        return ParseResult(
            tables={HOUSEHOLD: TableInfo(main.name, list(main.header))},
            unmatched=unmatched + members,
            mapping_needed=True,
            repeats=self.repeats_info(repeats, tables),
        )
