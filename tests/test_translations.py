"""The Indonesian catalogue: complete, translated, placeholders intact, and in use.

Bahasa Indonesia is the default language and the msgids are English. A string
added to the code without a translation fails `test_catalogue_is_complete`,
which lists it: run MAKEMESSAGES, translate the new entries in the .po, and
commit it. English needs no catalogue: Django shows the msgid, and never falls
back to the default language for English.
"""

from __future__ import annotations

import gettext as gettext_module
import io
import os
import re
import shutil
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from django.conf import settings
from django.core.management import call_command
from django.test import Client, override_settings
from django.test.signals import setting_changed
from django.urls import reverse
from django.utils import translation

import berdaya

SRC_DIR = Path(berdaya.__file__).resolve().parent  # src/berdaya
LOCALE_DIR = SRC_DIR / "locale"
ID_PO = LOCALE_DIR / "id" / "LC_MESSAGES" / "django.po"
MAKEMESSAGES = (
    "cd src/berdaya && DJANGO_SETTINGS_MODULE=berdaya.config.settings.test "
    '../../.venv/bin/django-admin makemessages -l id --no-location --no-obsolete -i "tests/*"'
)
GETTEXT_MISSING = "install GNU gettext (apt-get install gettext)"

# printf-style placeholders (%(name)s, %s, %d, %.1f...) and "%%"; {{ }} should
# not survive makemessages, but if one does it must survive translation too.
_PRINTF = re.compile(
    r"%(?:\((?P<name>[^)]*)\))?[#0 +-]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[diouxXeEfFgGcrsa%]"
)
_TEMPLATE_VARIABLE = re.compile(r"\{\{.*?\}\}")


def _read(path: Path, locale: str | None = "id", *, strict: bool = True) -> Catalog:
    with path.open("rb") as po:
        return read_po(po, locale=locale, abort_invalid=strict)


def _messages(catalog: Catalog) -> list[Message]:
    return [message for message in catalog if message.id]  # not the header


def _key(message: Message) -> tuple[str | None, str | tuple[str, ...]]:
    return (message.context, message.id)


def _describe(keys) -> str:
    lines = []
    for context, msgid in sorted(keys, key=repr):
        text = " | ".join(msgid) if isinstance(msgid, tuple) else msgid
        lines.append(f"  {text!r}" + (f" (context {context!r})" if context else ""))
    return "\n".join(lines)


def _translations(message: Message) -> tuple[str, ...]:
    string = message.string
    return tuple(string) if isinstance(string, (tuple, list)) else (string,)


def _placeholders(text: str) -> tuple[set[str], list[str]]:
    """Named placeholders as a set, positional ones in order (order matters for them)."""
    named, positional = set(_TEMPLATE_VARIABLE.findall(text)), []
    for match in _PRINTF.finditer(text):
        if match.group(0) == "%%":
            continue
        if match.group("name") is not None:
            named.add(match.group(0))
        else:
            positional.append(match.group(0))
    return named, positional


# --- (a) every entry is translated -----------------------------------------


def test_catalogue_header():
    catalog = _read(ID_PO)
    assert not catalog.fuzzy, (
        "The header of the id catalogue is marked fuzzy: `pybabel compile` skips the "
        "whole catalogue. Remove `#, fuzzy` above the header."
    )
    assert str(catalog.locale) == "id"
    assert catalog.plural_forms == "nplurals=1; plural=0;"
    assert not catalog.obsolete, "Obsolete (#~) entries: re-run with --no-obsolete."


def test_every_message_is_translated():
    catalog = _read(ID_PO)
    messages = _messages(catalog)
    assert messages, f"{ID_PO} has no messages"
    untranslated = {_key(m) for m in messages if not all(_translations(m))}
    fuzzy = {_key(m) for m in messages if m.fuzzy}
    wrong_forms = {
        _key(m) for m in messages if m.pluralizable and len(_translations(m)) != 1
    }  # Indonesian has one plural form: msgstr[0] only
    problems = []
    if untranslated:
        problems.append(f"Untranslated in {ID_PO.name} (id):\n{_describe(untranslated)}")
    if fuzzy:
        problems.append(f"Fuzzy in {ID_PO.name} (id), check and unmark:\n{_describe(fuzzy)}")
    if wrong_forms:
        problems.append(f"Give exactly one msgstr[0]:\n{_describe(wrong_forms)}")
    assert not problems, "\n".join(problems)


# --- (b) every string in the code is in the catalogue ----------------------


def test_catalogue_is_complete(tmp_path, monkeypatch):
    """makemessages run over a copy of the code finds exactly the committed msgids."""
    tools = ("xgettext", "msguniq", "msgmerge", "msgattrib")  # what makemessages runs
    missing_tools = [tool for tool in tools if not shutil.which(tool)]
    if missing_tools:
        pytest.fail(f"{', '.join(missing_tools)} not found: {GETTEXT_MISSING}")

    copy = tmp_path / "berdaya"
    shutil.copytree(SRC_DIR, copy, ignore=shutil.ignore_patterns("locale", "__pycache__"))
    (copy / "locale").mkdir()
    monkeypatch.chdir(copy)  # makemessages scans the current directory
    with override_settings(LOCALE_PATHS=[str(copy / "locale")]):  # never the real one
        call_command(
            "makemessages",
            locale=["id"],
            no_location=True,
            no_obsolete=True,
            ignore_patterns=["tests/*"],
            verbosity=0,
        )
    extracted_po = copy / "locale" / "id" / "LC_MESSAGES" / "django.po"
    # A fresh catalogue has English's two empty plural forms: only its msgids count.
    extracted = {_key(m) for m in _messages(_read(extracted_po, strict=False))}
    committed = {_key(m) for m in _messages(_read(ID_PO))}

    missing = extracted - committed
    obsolete = committed - extracted
    problems = []
    if missing:
        problems.append(f"In the code but not in {ID_PO.name} (id):\n{_describe(missing)}")
    if obsolete:
        problems.append(f"In {ID_PO.name} (id) but no longer in the code:\n{_describe(obsolete)}")
    assert not problems, (
        "\n".join(problems) + f"\nRun: {MAKEMESSAGES}\nthen translate every new entry."
    )


# --- (c) placeholders survive translation ----------------------------------


def test_placeholders_match():
    wrong = []
    for message in _messages(_read(ID_PO)):
        # A plural translation is compared with msgid_plural: it must show the count.
        source = message.id[-1] if message.pluralizable else message.id
        expected = _placeholders(source)
        for index, string in enumerate(_translations(message)):
            if string and _placeholders(string) != expected:
                wrong.append(
                    f"  {source!r}\n    msgstr[{index}] {string!r}: "
                    f"has {_placeholders(string)}, expected {expected}"
                )
    assert not wrong, "Placeholders differ between msgid and msgstr:\n" + "\n".join(wrong)


# --- (d) the catalogue is used ---------------------------------------------


def _reset_translation_caches() -> None:
    # Python's gettext caches parsed .mo files by path; Django caches its merged
    # catalogues per language and resets them when LOCALE_PATHS changes.
    gettext_module._translations.clear()
    setting_changed.send(
        sender=settings._wrapped.__class__,
        setting="LOCALE_PATHS",
        value=settings.LOCALE_PATHS,
        enter=False,
    )


@pytest.fixture(scope="session")
def compiled_catalogues():
    """Compile every .po to the .mo next to it, as `make messages` does (pybabel compile)."""
    for po in sorted(LOCALE_DIR.glob("*/LC_MESSAGES/*.po")):
        catalog = _read(po, locale=po.parent.parent.name)
        buffer = io.BytesIO()
        write_mo(buffer, catalog)
        mo = po.with_suffix(".mo")
        if not mo.exists() or mo.read_bytes() != buffer.getvalue():
            partial = mo.with_name(f"{mo.name}.{os.getpid()}.partial")
            partial.write_bytes(buffer.getvalue())
            partial.replace(mo)  # atomic: a concurrent reader never sees half a file
    _reset_translation_caches()


def test_gettext_speaks_indonesian(compiled_catalogues):
    with translation.override("id"):
        assert translation.gettext("Sign in") == "Masuk"
        assert translation.gettext("Sign out") == "Keluar"
        assert (
            translation.ngettext("%(counter)s village", "%(counter)s villages", 3)
            == "%(counter)s desa"
        )
    with translation.override("en"):
        assert translation.gettext("Sign in") == "Sign in"
        assert (
            translation.ngettext("%(counter)s village", "%(counter)s villages", 3)
            == "%(counter)s villages"
        )


def test_sign_in_page_is_indonesian_by_default(compiled_catalogues):
    assert reverse("core:login") == "/masuk/"
    response = Client().get("/masuk/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="id">' in html
    assert "<h1>Masuk</h1>" in html
    assert "Sign in" not in html


def test_sign_in_page_in_english_with_the_language_cookie(compiled_catalogues):
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get("/masuk/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="en">' in html
    assert "<h1>Sign in</h1>" in html
    assert "Masuk" not in html
