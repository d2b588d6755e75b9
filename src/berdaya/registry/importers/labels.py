"""Answers written as their label ("Tanah", "Kepala rumah tangga", "Earth") instead of their
code (`earth`, `head`): both are accepted on import, so a filled template reads as people
write it and an export in Indonesian comes back in.

A label is matched whole, ignoring case and repeated spaces; a cell that matches no label is
left as it is (a code, or a mistake the shared validation reports).
"""

from __future__ import annotations

import functools
from collections.abc import Callable

from ..xlsform import CODE_LISTS, Question, _code_list


def _key(text: str) -> str:
    return " ".join(str(text).split()).casefold()


@functools.cache
def codes_by_label() -> dict[str, dict[str, str]]:
    """For each of Berdaya's code lists: label (Indonesian or English) -> code."""
    found: dict[str, dict[str, str]] = {}
    for list_name, codes in CODE_LISTS.items():
        by_label: dict[str, str] = {}
        for choice in _code_list(list_name, codes):
            for label in choice.label:
                by_label.setdefault(_key(label), choice.name)
        found[list_name] = by_label
    return found


def label_reader(question: Question, read: Callable) -> Callable:
    """`read` for `question`, taking labels of its list as their codes."""
    by_label = codes_by_label().get(question.list_name or "")
    if not by_label:
        return read
    if question.kind == "select_one":

        def read_one(raw):
            value = read(raw)
            return by_label.get(_key(value), value) if value else value

        return read_one
    if question.kind == "select_multiple":

        def read_many(raw):
            whole = by_label.get(_key(raw)) if isinstance(raw, str) and raw.strip() else None
            if whole:
                return [whole]
            return [by_label.get(_key(item), item) for item in read(raw)]

        return read_many
    return read
