"""Recoding a foreign form's answers into Berdaya's codes, and proposing how.

Another organisation's form answers "sex" with `male`/`female` or `1`/`2`, and "relation"
with `wife_husband` or the register's numbers (1 = kepala rumah tangga). The column
matching carries a recoding per field:

    {"sex": "hh_member/sex_i_c",
     "recode": {"sex": {"male": "L", "female": "P"},
                "relation": {"1": "head", "2": "spouse", "wife_husband": "spouse"}}}

A recoding's keys are the file's answers (matched ignoring case and repeated spaces), its
values Berdaya's codes of that field (`yes`/`no` for a yes/no question), or "" for "no
answer". An answer the recoding does not name is read as before: Berdaya's own code or
label, else a problem of its row and column (the import stays all or nothing).

The proposal (`propose`) is a suggestion the user confirms: Berdaya's labels in Indonesian
and English (ignoring case, accents, underscores), the labels of the form's own choices
sheet when its XLSForm is uploaded with the data (`foreign_form`), well-known answers of
other forms, and the numbers of the Indonesian registers (BPS / DTKS).
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence

from django.utils.translation import gettext as _

from ..records import Problem
from ..xlsform import Form, Question
from .tables import Table, TableError, file_problem, xlsx_tables

RECODE = "recode"
# Kinds of answer a recoding applies to.
RECODABLE = frozenset({"select_one", "select_multiple", "yes_no"})
# A proposal from a label that is this similar (difflib's ratio) or more.
LABEL_SIMILARITY = 0.85
# A column with more different answers than this is not a list question: nothing proposed.
MAX_ANSWERS = 60

_SPLIT = re.compile(r"[\s_\-/.:,;()]+")


def normalise(text) -> str:
    """Lower case, no accents, underscores and punctuation as spaces: `Wife_Husband` and
    `wife / husband` are the same."""
    decomposed = unicodedata.normalize("NFKD", str(text))
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(_SPLIT.split(plain.casefold())).strip()


def answer_key(value) -> str:
    """How a file's answer is looked up in a recoding: case and repeated spaces ignored."""
    return " ".join(str(value).split()).casefold()


# --- what a field may be recoded to ---------------------------------------------------


def targets(question: Question, form: Form) -> dict[str, tuple[str, ...]]:
    """Berdaya's codes a field's answers may be recoded to, with their labels."""
    if question.kind not in RECODABLE:
        return {}
    list_name = "ya_tidak" if question.kind == "yes_no" else question.list_name
    return {choice.name: tuple(choice.label) for choice in form.lists.get(list_name, [])}


def recode_problems(
    recode, fields: Sequence[Question], form: Form, columns: Mapping[str, str] | None = None
) -> list[Problem]:
    """A recoding typed by hand (the CLI's `--columns`) that is not an object of objects,
    names a field Berdaya does not read or that takes no list answer, or recodes to a code
    the field does not have: refused, each in words."""
    if recode is None:
        return []
    if not isinstance(recode, Mapping):
        return [_problem(_("“recode” must be an object: {field: {answer in the file: code}}."))]
    by_key = {question.key: question for question in fields}
    problems = []
    for key, mapping in recode.items():
        question = by_key.get(key)
        if question is None:
            problems.append(
                _problem(
                    _("“%(field)s” in “recode” is not a field Berdaya reads.") % {"field": key}
                )
            )
            continue
        allowed = targets(question, form)
        if not allowed:
            problems.append(
                _problem(
                    _("“%(field)s” takes no answer from a list, so its answers cannot be recoded.")
                    % {"field": key}
                )
            )
            continue
        if not isinstance(mapping, Mapping) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in mapping.items()
        ):
            problems.append(
                _problem(
                    _(
                        "The recoding of “%(field)s” must be an object of the file's answers "
                        "and Berdaya's codes, both as text."
                    )
                    % {"field": key}
                )
            )
            continue
        for answer, code in mapping.items():
            if code and code not in allowed:
                problems.append(
                    Problem(
                        0,
                        "",
                        (columns or {}).get(key, ""),
                        answer[:80],
                        _(
                            "“%(code)s” is not one of Berdaya's codes for “%(field)s”; "
                            "they are: %(allowed)s."
                        )
                        % {"code": code[:80], "field": key, "allowed": ", ".join(allowed)},
                    )
                )
    return problems


def _problem(reason: str) -> Problem:
    return Problem(0, "", "", "", reason)


def recoding_for(recode: Mapping | None, key: str) -> dict[str, str]:
    """A field's recoding with its answers as they are looked up."""
    mapping = (recode or {}).get(key) or {}
    return {answer_key(answer): code for answer, code in mapping.items()}


def recoded(read, mapping: Mapping[str, str], *, multiple: bool):
    """`read` with the recoding applied first: to the cell, or to each answer of a list."""
    if not mapping:
        return read
    if multiple:
        from . import values

        def read_many(raw):
            whole = mapping.get(answer_key(values.text(raw))) if not values.is_blank(raw) else None
            if whole is not None:
                return [whole] if whole else []
            items = [mapping.get(answer_key(item), item) for item in values.choices(raw)]
            return read(" ".join(item for item in items if item))

        return read_many

    def read_one(raw):
        if raw is None:
            return read(raw)
        found = mapping.get(answer_key(raw if isinstance(raw, str) else _as_text(raw)))
        return read(raw if found is None else found)

    return read_one


def _as_text(value) -> str:
    from . import values

    return values.text(value)


# --- proposing -------------------------------------------------------------------------

# Answers other forms use for Berdaya's codes (normalised), by Berdaya list.
_WELL_KNOWN = {
    "jenis_kelamin": {
        "L": ("m", "male", "man", "boy", "laki", "laki laki", "lk", "pria", "l"),
        "P": ("f", "female", "woman", "girl", "perempuan", "pr", "wanita", "p"),
    },
    "hubungan": {
        "head": (
            "head",
            "hh head",
            "household head",
            "head of household",
            "self",
            "kepala keluarga",
            "kepala rumah tangga",
            "krt",
            "kk",
        ),
        "spouse": (
            "spouse",
            "wife",
            "husband",
            "wife husband",
            "husband wife",
            "partner",
            "istri",
            "suami",
            "istri suami",
            "suami istri",
        ),
        "child": (
            "child",
            "son",
            "daughter",
            "son daughter",
            "daughter son",
            "children",
            "anak",
            "anak kandung",
            "anak tiri",
            "anak angkat",
            "adopted child",
            "stepchild",
        ),
        "child_in_law": ("son in law", "daughter in law", "child in law", "menantu"),
        "grandchild": ("grandchild", "grandson", "granddaughter", "cucu"),
        "parent": (
            "parent",
            "father",
            "mother",
            "father mother",
            "mother father",
            "parent in law",
            "father in law",
            "mother in law",
            "orang tua",
            "mertua",
            "ayah",
            "ibu",
        ),
        "other_relative": (
            "other relative",
            "relative",
            "brother",
            "sister",
            "brother sister",
            "sibling",
            "nephew",
            "niece",
            "uncle",
            "aunt",
            "cousin",
            "famili lain",
            "saudara",
        ),
        "other": (
            "other",
            "non relative",
            "not related",
            "domestic worker",
            "servant",
            "lodger",
            "lainnya",
            "pembantu",
            "pembantu rumah tangga",
            "bukan keluarga",
        ),
    },
    "ya_tidak": {
        "yes": ("yes", "ya", "y", "true", "benar", "iya"),
        "no": ("no", "tidak", "n", "false", "salah", "tdk", "bukan"),
    },
}

# The numbers of the Indonesian registers (BPS Susenas / DTKS): jenis kelamin 1 laki-laki,
# 2 perempuan; hubungan dengan kepala rumah tangga 1–9; ya 1, tidak 2.
_REGISTER_CODES = {
    "jenis_kelamin": {"1": "L", "2": "P"},
    "hubungan": {
        "1": "head",
        "2": "spouse",
        "3": "child",
        "4": "child_in_law",
        "5": "grandchild",
        "6": "parent",
        "7": "other_relative",
        "8": "other",
        "9": "other",
    },
    "ya_tidak": {"1": "yes", "2": "no"},
}


def _list_of(question: Question) -> str:
    return "ya_tidak" if question.kind == "yes_no" else question.list_name


def _by_words(question: Question, form: Form) -> dict[str, str]:
    """Normalised label or well-known answer -> Berdaya's code."""
    found: dict[str, str] = {}
    for code, labels in targets(question, form).items():
        found.setdefault(normalise(code), code)
        for label in labels:
            if label:
                found.setdefault(normalise(label), code)
    for code, words in _WELL_KNOWN.get(_list_of(question), {}).items():
        for word in words:
            found.setdefault(word, code)
    return found


def _from_words(words: Iterable[str], known: Mapping[str, str]) -> str:
    for word in words:
        key = normalise(word)
        if not key:
            continue
        if key in known:
            return known[key]
        # "Kepala keluarga (KK)", "Wife or husband": each part known and agreeing.
        parts = [p for p in re.split(r"\s+(?:or|atau|dan|and)\s+", key) if p]
        codes = {known.get(part) for part in parts}
        if len(parts) > 1 and len(codes) == 1 and None not in codes:
            return codes.pop()
        close = difflib.get_close_matches(key, list(known), n=2, cutoff=LABEL_SIMILARITY)
        if close and (len(close) == 1 or known[close[0]] == known[close[1]]):
            return known[close[0]]
    return ""


def propose(
    answers: Iterable[str],
    question: Question,
    form: Form,
    foreign_labels: Mapping[str, Sequence[str]] | None = None,
) -> dict[str, str]:
    """For each answer of a column that is not one of Berdaya's codes already: the code it
    probably means, or "" when nothing tells. The user confirms."""
    allowed = targets(question, form)
    if not allowed:
        return {}
    known = _by_words(question, form)
    register = _REGISTER_CODES.get(_list_of(question), {})
    answers = [a for a in answers if a not in allowed]
    numbers_only = all(a.isdigit() for a in answers)
    by_label = {answer_key(k): v for k, v in (foreign_labels or {}).items()}
    proposal = {}
    for answer in answers:
        code = _from_words(by_label.get(answer_key(answer), ()), known)
        code = code or _from_words([answer], known)
        if not code and numbers_only:
            code = register.get(answer, "")
        proposal[answer] = code if code in allowed else ""
    return proposal


def column_answers(table: Table, column: str, *, multiple: bool) -> list[str] | None:
    """The different answers in a column, in the order first met; None when there are too
    many for a list question."""
    from . import values

    if column not in table.header:
        return []
    position = table.header.index(column)
    seen: dict[str, None] = {}
    for _number, row in table.rows({position}):
        raw = row[position] if position < len(row) else None
        if values.is_blank(raw):
            continue
        for answer in values.choices(raw) if multiple else [values.text(raw)]:
            seen.setdefault(answer, None)
            if len(seen) > MAX_ANSWERS:
                return None
    return list(seen)


# --- the form's own XLSForm ------------------------------------------------------------


def _labels(row: Mapping[str, object]) -> list[str]:
    from . import values

    return [
        values.text(v)
        for k, v in row.items()
        if (k == "label" or k.startswith("label::") or k.startswith("label:")) and values.text(v)
    ]


def _sheet(tables: Sequence[Table], name: str) -> Table | None:
    return next((t for t in tables if t.name.strip().casefold() == name), None)


def _records(table: Table) -> Iterable[dict[str, object]]:
    header = [h.strip().casefold() for h in table.header]
    for _number, row in table.rows():
        yield {name: row[i] if i < len(row) else None for i, name in enumerate(header)}


def foreign_form(data: bytes, filename: str) -> dict:
    """The questions and choice lists of the XLSForm a file was collected with:
    {"questions": {name: {"labels": [...], "list": list name}},
     "lists": {list name: {code: [labels]}}}. TableError when it is not an XLSForm."""
    from . import values

    tables = xlsx_tables(data, filename)
    survey, choices = _sheet(tables, "survey"), _sheet(tables, "choices")
    if survey is None or "name" not in [h.strip().casefold() for h in survey.header]:
        raise TableError(
            file_problem(
                filename,
                _(
                    "“%(file)s” is not an XLSForm: it has no “survey” sheet with a “name” "
                    "column. Upload the form the data was collected with (the .xlsx "
                    "published on KoboToolbox or ODK Central), or leave this empty."
                )
                % {"file": filename},
            )
        )
    questions = {}
    for row in _records(survey):
        name, kind = values.text(row.get("name")), values.text(row.get("type")).split()
        if not name:
            continue
        list_name = kind[1] if len(kind) > 1 and kind[0].startswith("select_") else ""
        questions[name[:100]] = {"labels": [x[:200] for x in _labels(row)][:4], "list": list_name}
    lists: dict[str, dict[str, list[str]]] = {}
    if choices is not None:
        for row in _records(choices):
            list_name = values.text(row.get("list_name") or row.get("list name"))
            code = values.text(row.get("name"))
            if list_name and code:
                lists.setdefault(list_name[:100], {})[code[:100]] = [x[:200] for x in _labels(row)][
                    :4
                ]
    return {"questions": questions, "lists": lists}


def foreign_question(column: str, form_info: Mapping | None) -> dict | None:
    """The question of the uploaded XLSForm a column holds (`group/sub/name` -> `name`)."""
    questions = (form_info or {}).get("questions") or {}
    if column in questions:
        return questions[column]
    for separator in ("/", "-", ".", ":"):
        last = column.rsplit(separator, 1)[-1]
        if last in questions:
            return questions[last]
    return None


def foreign_choice_labels(column: str, form_info: Mapping | None) -> dict[str, list[str]]:
    """The labels the uploaded XLSForm gives each answer code of a column."""
    question = foreign_question(column, form_info)
    if not question or not question.get("list"):
        return {}
    return dict(((form_info or {}).get("lists") or {}).get(question["list"], {}))
