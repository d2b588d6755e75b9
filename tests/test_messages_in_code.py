"""Every message Berdaya's code shows a person goes through gettext.

`test_translations.py` checks that every string marked for translation is translated; this
test checks that nothing reaches a person without being marked: an error a service raises
(`BerdayaError` and its subclasses, a ballot the counting methods refuse, a form's
`ValidationError`), a flash message, a form error. A string literal or an f-string there
fails, with the file and line to fix.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import berdaya

SRC_DIR = Path(berdaya.__file__).resolve().parent

# Errors whose message a person reads (the CLI prints BerdayaError too).
USER_FACING_ERRORS = {
    "BerdayaError",
    "NotFound",
    "PermissionDenied",
    "ValidationFailed",
    "InvalidRecords",
    "MethodError",
    "ValidationError",
    "CommandError",
}
MESSAGE_FUNCTIONS = {"success", "error", "warning", "info"}


def _name(node: ast.AST) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return ""


def _literal_text(node: ast.AST | None) -> bool:
    """A string the reader would see as it is: a literal, an f-string, or one %-formatted."""
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str) and any(c.isalpha() for c in node.value)
    if isinstance(node, ast.JoinedStr):
        return True
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod):
        return _literal_text(node.left)
    return False


def _untranslated(tree: ast.AST) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call):
            call = node.exc
            if _name(call.func) in USER_FACING_ERRORS and call.args and _literal_text(call.args[0]):
                found.append((node.lineno, f"raise {_name(call.func)}(...)"))
        elif isinstance(node, ast.Call):
            func = node.func
            if (
                isinstance(func, ast.Attribute)
                and _name(func.value) == "messages"
                and func.attr in MESSAGE_FUNCTIONS
                and len(node.args) >= 2
                and _literal_text(node.args[1])
            ):
                found.append((node.lineno, f"messages.{func.attr}(...)"))
            if _name(func) == "add_error" and len(node.args) >= 2 and _literal_text(node.args[1]):
                found.append((node.lineno, "add_error(...)"))
    return found


def _code_files() -> list[Path]:
    return sorted(
        path
        for path in SRC_DIR.rglob("*.py")
        if "tests" not in path.relative_to(SRC_DIR).parts
        and "migrations" not in path.relative_to(SRC_DIR).parts
    )


def test_every_message_a_person_reads_is_marked_for_translation():
    problems = []
    for path in _code_files():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        problems += [
            f"{path.relative_to(SRC_DIR)}:{line}: {what} with a string not wrapped in gettext"
            for line, what in _untranslated(tree)
        ]
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize(
    "code",
    [
        'raise ValidationFailed("Choose a village.")',
        'raise MethodError(f"{placed} dots placed")',
        'raise PermissionDenied("No %s" % name)',
        'messages.success(request, "Saved.")',
        'form.add_error("name", "Give a name.")',
    ],
)
def test_the_check_catches_an_untranslated_message(code):
    assert _untranslated(ast.parse(code))


@pytest.mark.parametrize(
    "code",
    [
        'raise ValidationFailed(_("Choose a village."))',
        'raise MethodError(_("%(n)d dots") % {"n": n})',
        "raise ValidationFailed(error.message)",
        'raise TypeError(f"unknown activity details: {names}")',  # for developers
        'messages.success(request, _("Saved."))',
    ],
)
def test_the_check_lets_translated_and_developer_messages_through(code):
    assert not _untranslated(ast.parse(code))


def test_a_refused_ballot_is_explained_in_indonesian():
    """The ballot errors of the counting methods reach the facilitator (issue 16)."""
    from django.utils import translation

    from berdaya.planning import methods

    ballot = methods.Ballot(voter=1, choices={"air": 4, "jalan": 1})
    with translation.override("id"), pytest.raises(methods.MethodError) as refused:
        methods.dots(["air", "jalan"], [ballot], per_voter=3)
    assert str(refused.value) == "5 titik ditempatkan; setiap orang punya 3."


def test_djangos_stock_messages_read_as_berdaya_words_them():
    """Berdaya's catalogue replaces Django's awkward Indonesian ("Masukkan keseluruhan angka
    bilangan.") for the messages in berdaya.core.stock_messages."""
    import gettext as gettext_module

    import django
    from django import forms
    from django.utils import translation

    from berdaya.core.stock_messages import REWORDED

    djangos = gettext_module.GNUTranslations(
        (Path(django.__file__).parent / "conf/locale/id/LC_MESSAGES/django.mo").open("rb")
    )
    with translation.override("id"):
        for msgid in REWORDED:
            assert djangos.gettext(msgid) != msgid, f"not a Django message: {msgid}"
            assert translation.gettext(msgid) != djangos.gettext(msgid), msgid
        field = forms.IntegerField(max_value=3)
        with pytest.raises(forms.ValidationError) as refused:
            field.clean("2,5")
        assert refused.value.messages == ["Isi dengan bilangan bulat, tanpa koma, misalnya 3."]
        with pytest.raises(forms.ValidationError) as refused:
            field.clean("4")
        assert refused.value.messages == ["Paling besar 3."]
