"""What every importer does: find Berdaya's fields among a file's columns, read rows into records.

An importer (KoboToolbox, ODK Central, Berdaya's template) knows how its tables
are laid out and linked; the rest is shared here. Column matching is automatic
for Berdaya's own XLSForm (its question names, with or without group paths);
for any other form a person matches the columns once (`column_map`: Berdaya
field -> file column) and the import runs with that.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from berdaya.core import crypto

from ..records import SURVEY_FIELDS, HouseholdRecord, MemberRecord, Problem, Where
from ..xlsform import HOUSEHOLD, MEMBER, Form, Question
from . import values
from .labels import label_reader
from .recode import RECODE, recoded, recoding_for
from .tables import Table

Progress = Callable[[float], None]

# Pseudo-questions an import may fill besides the form's own.
LATITUDE = Question("latitude", "decimal", ("Lintang (latitude)", "Latitude"), key="latitude")
LONGITUDE = Question("longitude", "decimal", ("Bujur (longitude)", "Longitude"), key="longitude")
# Fields without which a row cannot become a household member.
REQUIRED_KEYS = frozenset({"name", "sex", "relation"})
# Column widths of the registry: longer text would not fit.
MAX_LENGTH = {"dusun": 100, "rw": 3, "rt": 3, "address": 255, "name": 150}
IDENTIFIERS = frozenset({"nik", "kk"})


@dataclass
class ImportedHousehold(HouseholdRecord):
    """A household record with the answers to the programme's own questions."""

    extra: dict = field(default_factory=dict)


@dataclass
class TableInfo:
    """A table of the file, for the column-matching page."""

    name: str
    columns: list[str]
    parent: str = ""  # a repeat sheet's parent sheet (the main one, or a repeat: nested)


@dataclass
class ParseResult:
    records: list[ImportedHousehold] = field(default_factory=list)
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    # Berdaya field -> the file's column, so a report names what the user sees.
    column_names: dict[str, str] = field(default_factory=dict)
    # HOUSEHOLD / MEMBER -> the table that holds those fields.
    tables: dict[str, TableInfo] = field(default_factory=dict)
    # Fields of the form with no column in the file.
    unmatched: list[str] = field(default_factory=list)
    mapping_needed: bool = False
    rows: int = 0
    # Every repeat sheet of the file, so the person importing can say which holds people.
    repeats: list[TableInfo] = field(default_factory=list)

    @property
    def members(self) -> int:
        return sum(len(r.members) for r in self.records)


class Importer(ABC):
    """Turns one kind of file into household records (and problems, by row and column)."""

    source: str = ""
    # Berdaya fields the importer itself needs a column for (besides the form's).
    own_fields: tuple[Question, ...] = ()

    @abstractmethod
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
        """Read the file. Without `column_map`, stop with `mapping_needed` unless every
        field of the form is found (it is Berdaya's own form); with one, use it."""

    def fields(self, form: Form) -> list[Question]:
        """Every field a column can be matched to, household fields first."""
        questions = form.questions()
        household = [q for q in questions if q.level == HOUSEHOLD]
        members = [q for q in questions if q.level == MEMBER]
        return [*self.own_fields, *household, LATITUDE, LONGITUDE, *members]


# --- matching columns ------------------------------------------------------


# Group separators: "/" (KoboToolbox's default), "-" (ODK Central), and the others
# KoboToolbox's export dialog lets a user type.
SEPARATORS = ("/", "-", ".", ":")


def _candidates(question: Question) -> list[str]:
    names = [question.name]
    if question.group:
        names[:0] = [f"{question.group}{sep}{question.name}" for sep in SEPARATORS]
    return names


def _suffix_match(header: Sequence[str], name: str) -> str:
    found = [c for c in header if any(c.endswith(f"{sep}{name}") for sep in SEPARATORS)]
    return found[0] if len(found) == 1 else ""


def match_column(header: Sequence[str], question: Question) -> str:
    """The column of `question` in a header, with or without group paths, or ''."""
    present = set(header)
    if question.key == "latitude":
        return _match_any(header, ("gps_latitude", "gps-Latitude", "latitude", "lintang"))
    if question.key == "longitude":
        return _match_any(header, ("gps_longitude", "gps-Longitude", "longitude", "bujur"))
    for name in _candidates(question):
        if name in present:
            return name
    return _suffix_match(header, question.name)


def _match_any(header: Sequence[str], endings: Iterable[str]) -> str:
    for ending in endings:
        for column in header:
            if column == ending or column.lower().endswith(ending.lower()):
                return column
    return ""


def option_columns(header: Sequence[str], question: Question, column: str) -> dict[str, int]:
    """The 0/1 columns of a select-multiple answer (`rumah/aset/tv`) -> their positions."""
    bases = ([column] if column else []) + _candidates(question)
    prefixes = [(f"{base}{sep}", sep) for base in bases for sep in SEPARATORS]
    found = {}
    for index, name in enumerate(header):
        for prefix, sep in prefixes:
            if name.startswith(prefix) and sep not in name[len(prefix) :]:
                found.setdefault(name[len(prefix) :], index)
                break
    return found


@dataclass
class Binding:
    question: Question
    column: str
    index: int  # -1 when the answer is read from 0/1 columns only
    options: dict[str, int] = field(default_factory=dict)
    # The file's answers -> Berdaya's codes (`recode` in the column matching).
    recoding: dict[str, str] = field(default_factory=dict)

    def __post_init__(self):
        # Looked up once here, not once per cell.
        self.key = self.question.key
        read = values.READERS.get(self.question.kind, values.text)
        read = recoded(read, self.recoding, multiple=self.question.kind == "select_multiple")
        self.read = label_reader(self.question, read)
        self.limit = MAX_LENGTH.get(self.key, 0)


def bind(
    table: Table,
    questions: Sequence[Question],
    column_map: Mapping[str, str] | None,
    recode: Mapping | None = None,
) -> tuple[list[Binding], list[str]]:
    """Bindings of the questions found in `table` and the keys not found; `recode`
    (field -> {file's answer: code}) turns a foreign form's answers into Berdaya's."""
    header = table.header
    position = {}
    for index, name in enumerate(header):
        position.setdefault(name, index)
    bindings, unmatched = [], []
    for question in questions:
        if column_map is not None:
            column = column_map.get(question.key, "")
            column = column if column in position else ""
        else:
            column = match_column(header, question)
        options = {}
        if question.kind == "select_multiple" and column_map is None:
            options = option_columns(header, question, column)
        if column:
            recoding = recoding_for(recode, question.key)
            bindings.append(Binding(question, column, position[column], options, recoding))
        elif options:
            bindings.append(Binding(question, question.name, -1, options))
        else:
            unmatched.append(question.key)
    return bindings, unmatched


# --- reading rows ------------------------------------------------------------


def shown_value(binding: Binding, raw) -> str:
    """The cell as the report shows it: identifiers masked, long text cut."""
    shown = values.text(raw) if not isinstance(raw, int | float) else str(raw)
    return crypto.mask(shown) if binding.key in IDENTIFIERS else shown[:80]


def read_answers(
    row: Sequence, bindings: Sequence[Binding], where: Where, errors: list[Problem]
) -> dict[str, object]:
    """The answers of one row by Berdaya field; unreadable cells become problems."""
    answers: dict[str, object] = {}
    width = len(row)
    for binding in bindings:
        index = binding.index
        raw = row[index] if 0 <= index < width else None
        if binding.options and (raw is None or raw == ""):
            # No answer in the list column: read the 0/1 columns (`rumah/aset/tv`).
            answers[binding.key] = [
                code
                for code, position in binding.options.items()
                if position < width and values.ticked(row[position])
            ]
            continue
        try:
            value = binding.read(raw)
        except values.BadValue as exc:
            errors.append(
                Problem(
                    where.row, where.sheet, binding.column, shown_value(binding, raw), exc.reason
                )
            )
            value = None
        if binding.limit and isinstance(value, str) and len(value) > binding.limit:
            errors.append(
                Problem(
                    where.row,
                    where.sheet,
                    binding.column,
                    shown_value(binding, raw),
                    _("Too long: at most %(max)d characters.") % {"max": binding.limit},
                )
            )
            value = value[: binding.limit]
        answers[binding.key] = value
    return answers


_TEXT_SURVEY = frozenset(
    {
        "floor",
        "wall",
        "roof",
        "water",
        "sanitation",
        "electricity",
        "cooking_fuel",
        "income_band",
        "expenditure_band",
        "notes",
    }
)


def household_from_answers(
    answers: Mapping[str, object], *, where: Where, village_code: str, uuid: str = "", at=None
) -> ImportedHousehold:
    def text_of(key: str) -> str:
        value = answers.get(key)
        return value if isinstance(value, str) else ""

    latitude = longitude = None
    point = answers.get("gps")
    if isinstance(point, tuple):
        latitude, longitude = point
    else:
        latitude, longitude = answers.get("latitude"), answers.get("longitude")
    survey = {}
    for key in SURVEY_FIELDS:
        if key in answers:
            value = answers[key]
            survey[key] = ("" if value is None else value) if key in _TEXT_SURVEY else value
    extra = {
        key.removeprefix("extra."): value
        for key, value in answers.items()
        if key.startswith("extra.") and value not in (None, "", [])
    }
    return ImportedHousehold(
        village_code=text_of("village_code") if "village_code" in answers else village_code,
        members=[],
        uuid=uuid,
        submitted_at=at,
        kk=text_of("kk"),
        dusun=text_of("dusun"),
        rw=text_of("rw"),
        rt=text_of("rt"),
        address=text_of("address"),
        latitude=latitude,
        longitude=longitude,
        surveyed_on=answers.get("surveyed_on"),
        survey=survey,
        schemes=list(answers.get("schemes") or []),
        consent=answers.get("consent"),
        where=where,
        extra=extra,
    )


def member_from_answers(answers: Mapping[str, object], *, where: Where) -> MemberRecord:
    def text_of(key: str) -> str:
        value = answers.get(key)
        return value if isinstance(value, str) else ""

    return MemberRecord(
        name=text_of("name"),
        sex=text_of("sex"),
        relation=text_of("relation"),
        birth_date=answers.get("birth_date"),
        nik=text_of("nik"),
        marital_status=text_of("marital_status"),
        education=text_of("education"),
        attending_school=answers.get("attending_school"),
        occupation=text_of("occupation"),
        disabilities=list(answers.get("disabilities") or []),
        chronic_illness=answers.get("chronic_illness"),
        pregnant=answers.get("pregnant"),
        undernourished=answers.get("undernourished"),
        network={
            key.removeprefix("network."): value
            for key, value in answers.items()
            if key.startswith("network.") and value not in (None, "", [])
        },
        where=where,
    )


def submission_id(value) -> str:
    """One submission, one id: ODK's `uuid:…` and KoboToolbox's bare uuid are the same."""
    return values.text(value).removeprefix("uuid:")


def column_map_problems(
    column_map: Mapping[str, str] | None, fields: Sequence[Question], tables: Sequence[Table]
) -> list[Problem]:
    """A matching typed by hand (the CLI's `--columns`) that names a field Berdaya does not
    read or a column the file does not have: refused, not silently left unmatched."""
    if not column_map:
        return []
    keys = {question.key for question in fields}
    columns = {name for table in tables for name in table.header}
    listing = "; ".join(f"{table.name}: {', '.join(table.header)}" for table in tables)
    problems = []
    for key, column in column_map.items():
        if key in {"members_sheet", RECODE}:  # checked where sheets are chosen / recoded
            continue
        if key not in keys:
            problems.append(
                Problem(
                    0,
                    "",
                    "",
                    key,
                    _("“%(field)s” is not a field Berdaya reads; the fields are: %(fields)s.")
                    % {"field": key, "fields": ", ".join(sorted(keys))},
                )
            )
        elif column and column not in columns:
            problems.append(
                Problem(
                    0,
                    "",
                    column,
                    "",
                    _(
                        "“%(column)s”, given for “%(field)s”, is not a column of this file. "
                        "Its sheets and columns are: %(listing)s."
                    )
                    % {"column": column, "field": key, "listing": listing},
                )
            )
    return problems


def needs_mapping(unmatched: Sequence[str], column_map: Mapping[str, str] | None) -> bool:
    """Ask a person to match columns unless this is Berdaya's own form (all found).

    The GPS point may come as one column or as latitude and longitude; a programme's
    own questions may be missing from an export of the general form.
    """
    if column_map is not None:
        return False
    optional = {"latitude", "longitude", "gps"}
    return any(
        key not in optional and not key.startswith(("extra.", "network.")) for key in unmatched
    )


def missing_required(
    unmatched: Iterable[str], questions: Sequence[Question], table: str, required: Iterable[str]
) -> list[Problem]:
    """A problem for each required field that has no column."""
    labels = {q.key: q for q in questions}
    problems = []
    for key in unmatched:
        if key in required:
            question = labels.get(key)
            problems.append(
                Problem(
                    1,
                    table,
                    question.name if question else key,
                    "",
                    _("This required column is missing from the file."),
                )
            )
    return problems


def unmatched_warnings(
    unmatched: Iterable[str], questions: Sequence[Question], table_of: Mapping[str, str]
) -> list[Problem]:
    """A warning for each question of the form that has no column (its answers stay empty)."""
    unmatched = list(unmatched)
    labels = {q.key: q for q in questions}
    # The location is one GPS column or latitude and longitude: say so once, if neither.
    quiet = {"latitude", "longitude"}
    if not {"latitude", "longitude"} <= set(unmatched):
        quiet.add("gps")
    # The network questions came later: an export of the form before them has none.
    quiet.update(key for key in unmatched if key.startswith("network."))
    return [
        Problem(
            1,
            table_of.get(key, ""),
            labels[key].name if key in labels else key,
            "",
            _("No column for this question, so its answers are left empty."),
        )
        for key in unmatched
        if key not in quiet
    ]
