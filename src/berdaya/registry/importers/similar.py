"""Proposing columns by similarity, for forms Berdaya did not write.

Exact names (`base.match_column`) decide whether a file is Berdaya's own form. For the
column-matching page, a column is also proposed when its name — without group prefixes
(`group_x/`, `grp-`, any separator `/ . - :`), without a short suffix such as `_h_c` or
`_i_c`, ignoring case, accents and underscores — or the label the uploaded XLSForm gives
it is close to a field's name, key, label (Indonesian or English) or a name other forms
use for it (`gender` for sex). Close means, for one word, a difflib ratio (Python's
standard library; rapidfuzz is not in the environment) and, for several, the share of
words with a close word on the other side, of at least `THRESHOLD`, so that wrong
proposals are rare; each column is proposed for one field at most; the user confirms.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping, Sequence

from ..xlsform import Question
from .base import match_column
from .recode import foreign_question, normalise

THRESHOLD = 0.8
# Two words are the same word with a typo or an ending at most ("kelamin" / "kelamim").
WORD_SIMILARITY = 0.85
# The words that say nothing about a column ("date of birth" is "birth date").
_FILLER = frozenset(
    {"of", "the", "a", "an", "is", "in", "to", "yang", "dari", "dengan", "di", "untuk", "ke"}
)
# Other names forms give Berdaya's fields (normalised).
_OTHER_NAMES = {
    "sex": ("gender", "sex of member", "jk"),
    "relation": ("relationship", "relationship to head", "hubungan keluarga", "hub krt"),
    "birth_date": ("dob", "date of birth", "tgl lahir", "tanggal lahir"),
    "name": ("full name", "member name", "nama anggota"),
    "marital_status": ("marital", "status kawin"),
    "dusun": ("hamlet",),
    "nik": ("national id", "no nik"),
    "kk": ("family card", "no kk", "nomor kk"),
}
_SHORT_SUFFIX = re.compile(r"(?:[_\-][a-z0-9]{1,2}){1,2}$")
_BRACKETS = re.compile(r"\([^)]*\)")


def _last_part(column: str) -> str:
    return re.split(r"[/.:]|-(?=[A-Za-z])", column)[-1] if column else ""


def column_terms(column: str, form_info: Mapping | None = None) -> list[str]:
    """What a column may be called: the whole name, its last part, that part without a
    short suffix, and the labels its question has in the uploaded XLSForm."""
    last = _last_part(column)
    terms = [normalise(column), normalise(last)]
    stripped = _SHORT_SUFFIX.sub("", last)
    if len(stripped) >= 2 and stripped != last:
        terms.append(normalise(stripped))
    question = foreign_question(column, form_info)
    if question:
        terms += [normalise(_BRACKETS.sub(" ", label)) for label in question.get("labels", [])]
    return [t for t in dict.fromkeys(terms) if t]


def field_terms(question: Question) -> list[str]:
    terms = [
        question.name,
        question.key.removeprefix("extra."),
        *question.label,
        *_OTHER_NAMES.get(question.key, ()),
    ]
    return [t for t in dict.fromkeys(normalise(_BRACKETS.sub(" ", x)) for x in terms if x) if t]


def _words(term: str) -> set[str]:
    return {w for w in term.split() if w not in _FILLER}


def _close(a: str, b: str) -> bool:
    return a == b or difflib.SequenceMatcher(None, a, b).ratio() >= WORD_SIMILARITY


def similarity(a: str, b: str) -> float:
    """One word against one word: difflib's ratio ("relationship" / "relation"). Several
    words: the share of words with a close word on the other side, so that "household
    size" is not "household income"."""
    if not a or not b:
        return 0.0
    if a == b:
        return 1.0
    left, right = _words(a), _words(b)
    if len(left) <= 1 and len(right) <= 1:
        return difflib.SequenceMatcher(None, a, b).ratio()
    if not left or not right:
        return 0.0
    matched = sum(1 for word in left if any(_close(word, other) for other in right))
    return matched / max(len(left), len(right))


def score(column: str, question: Question, form_info: Mapping | None = None) -> float:
    fields = field_terms(question)
    return max(
        (similarity(c, f) for c in column_terms(column, form_info) for f in fields), default=0.0
    )


def suggest(
    columns: Sequence[str],
    questions: Sequence[Question],
    form_info: Mapping | None = None,
    taken: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """Field key -> proposed column, for the fields of one table: exact matches first,
    then the closest pairs above the threshold, each column used once."""
    chosen: dict[str, str] = {}
    used: set[str] = set()
    for key, column in (taken or {}).items():
        if column in columns:
            chosen[key] = column
            used.add(column)
    for question in questions:
        if question.key in chosen:
            continue
        column = match_column(columns, question)
        if column and column not in used:
            chosen[question.key] = column
            used.add(column)
    pairs = []
    for question in questions:
        if question.key in chosen or question.key in {"latitude", "longitude"}:
            continue
        for column in columns:
            if column in used or column.startswith("_"):
                continue
            value = score(column, question, form_info)
            if value >= THRESHOLD:
                pairs.append((value, question.key, column))
    for _value, key, column in sorted(pairs, key=lambda p: -p[0]):
        if key not in chosen and column not in used:
            chosen[key] = column
            used.add(column)
    return chosen
