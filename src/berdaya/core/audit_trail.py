"""The audit trail as an administrator reads it: who did what to whom, in words.

django-auditlog stores each change as model, primary key and raw values ("vote #19 create
cycle: None → 3"). This module turns a page of entries into sentences ("Agus Prasetyo
mencatat kehadiran Painem di Musyawarah Dusun 3") with the models' and fields' own
(translated) names, related objects by name, choices by label, dates in the one format, and
personal values (birth date, health, location, identifiers) masked.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from auditlog.models import LogEntry
from auditlog.registry import auditlog
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from .dates import show_date, show_datetime

# Values a page of the trail never shows, only that they changed.
PERSONAL_FIELDS = frozenset(
    {
        "nik",
        "kk",
        "nik_hash",
        "kk_hash",
        "birth_date",
        "latitude",
        "longitude",
        "address",
        "disabilities",
        "chronic_illness",
        "pregnant",
        "undernourished",
        "ballot",
    }
)
MASK = "•••"
HIDDEN_FIELDS = frozenset({"id", "created_at", "updated_at"})
EMPTY = {None, "", "None", "[]", "{}"}


@dataclass
class Change:
    field: str
    before: str
    after: str


@dataclass
class Line:
    entry: LogEntry
    when: str
    who: str
    sentence: str
    kind: str
    changes: list[Change] = field(default_factory=list)


def audited_kinds() -> list[ContentType]:
    """The content types of every audited model, by their (translated) name."""
    kinds = [ContentType.objects.get_for_model(model) for model in auditlog.get_models()]
    return sorted(kinds, key=lambda kind: str(kind.model_class()._meta.verbose_name))


def _model_of(entry: LogEntry):
    return entry.content_type.model_class() if entry.content_type_id else None


def _field(model, name: str) -> models.Field | None:
    """The model's own field `name` (not a reverse relation), or None."""
    try:
        found = model._meta.get_field(name)
    except FieldDoesNotExist:
        return None
    return found if isinstance(found, models.Field) else None


class _Names:
    """Objects named on a page, fetched once per model: the entries' own objects and every
    object their changes point to."""

    def __init__(self, entries: Sequence[LogEntry]):
        wanted: dict[type, set] = defaultdict(set)
        for entry in entries:
            model = _model_of(entry)
            if model is None:
                continue
            wanted[model].add(entry.object_pk)
            for name, change in (entry.changes_dict or {}).items():
                target = _field(model, name)
                if isinstance(target, models.ForeignKey):
                    for value in change[:2] if isinstance(change, list | tuple) else ():
                        if value not in EMPTY:
                            wanted[target.related_model].add(str(value))
        self.objects: dict[tuple[type, str], object] = {}
        for model, pks in wanted.items():
            keys = [pk for pk in pks if str(pk).isdigit()]
            manager = model._base_manager
            for obj in manager.filter(pk__in=keys):
                self.objects[(model, str(obj.pk))] = obj

    def get(self, model, pk):
        return self.objects.get((model, str(pk)))

    def name(self, model, pk, fallback: str = "") -> str:
        obj = self.get(model, pk)
        if obj is not None:
            return _name(obj)
        return fallback or f"{model._meta.verbose_name} #{pk}"


def _name(obj) -> str:
    """What to call an object: its name, a person's name, a title; else its kind and number."""
    for attribute in ("name", "title", "label", "filename"):
        value = getattr(obj, attribute, None)
        if isinstance(value, str) and value:
            return value
    text = str(obj)
    if not text or "None" in text or text.replace(" ", "").replace("·", "").isdigit():
        return f"{obj._meta.verbose_name} #{obj.pk}"
    return text


def _value(model, name: str, raw, names: _Names) -> str:
    if raw in EMPTY:
        return "—"
    if name in PERSONAL_FIELDS:
        return MASK
    target = _field(model, name)
    if isinstance(target, models.ForeignKey):
        return names.name(target.related_model, raw)
    if target is not None and target.choices:
        labels = {str(code): label for code, label in target.flatchoices}
        return str(labels.get(str(raw), raw))
    if isinstance(target, models.BooleanField):
        return _("Yes") if str(raw) == "True" else _("No") if str(raw) == "False" else "—"
    if isinstance(target, models.DateTimeField):
        try:
            return show_datetime(datetime.datetime.fromisoformat(str(raw)))
        except ValueError:
            return str(raw)
    if isinstance(target, models.DateField):
        try:
            return show_date(datetime.date.fromisoformat(str(raw)[:10]))
        except ValueError:
            return str(raw)
    return str(raw)[:120]


def _field_label(model, name: str) -> str:
    target = _field(model, name)
    label = getattr(target, "verbose_name", None) if target is not None else None
    return capfirst(str(label or name.replace("_", " ")))


def _changes(entry: LogEntry, model, names: _Names) -> list[Change]:
    shown = []
    for name, change in (entry.changes_dict or {}).items():
        if name in HIDDEN_FIELDS or not isinstance(change, list | tuple) or len(change) < 2:
            continue
        before, after = change[0], change[1]
        if entry.action == LogEntry.Action.CREATE and after in EMPTY:
            continue
        shown.append(
            Change(
                _field_label(model, name),
                _value(model, name, before, names),
                _value(model, name, after, names),
            )
        )
    return shown


def _related(entry: LogEntry, model, names: _Names, name: str) -> str:
    """The name of the object `name` points to, from the change or the object itself."""
    change = (entry.changes_dict or {}).get(name)
    target = _field(model, name)
    if target is None or not isinstance(target, models.ForeignKey):
        return ""
    for value in reversed(change[:2]) if isinstance(change, list | tuple) else ():
        if value not in EMPTY:
            return names.name(target.related_model, value)
    obj = names.get(model, entry.object_pk)
    pk = getattr(obj, f"{name}_id", None) if obj is not None else None
    return names.name(target.related_model, pk) if pk is not None else "?"


# Sentences for the rows that say most about people: who came, who joined, who voted.
_PEOPLE_SENTENCES = {
    ("attendance", LogEntry.Action.CREATE): (
        ("person", "activity"),
        gettext_noop("%(who)s recorded the attendance of %(person)s at %(activity)s"),
    ),
    ("attendance", LogEntry.Action.UPDATE): (
        ("person", "activity"),
        gettext_noop("%(who)s changed what %(person)s did at %(activity)s"),
    ),
    ("attendance", LogEntry.Action.DELETE): (
        ("person", "activity"),
        gettext_noop("%(who)s removed %(person)s from who came to %(activity)s"),
    ),
    ("groupmember", LogEntry.Action.CREATE): (
        ("person", "group"),
        gettext_noop("%(who)s added %(person)s to %(group)s"),
    ),
    ("groupmember", LogEntry.Action.UPDATE): (
        ("person", "group"),
        gettext_noop("%(who)s changed the membership of %(person)s in %(group)s"),
    ),
    ("vote", LogEntry.Action.CREATE): (
        ("voter", "cycle"),
        gettext_noop("%(who)s recorded the ballot of %(voter)s in %(cycle)s"),
    ),
    ("vote", LogEntry.Action.UPDATE): (
        ("voter", "cycle"),
        gettext_noop("%(who)s corrected the ballot of %(voter)s in %(cycle)s"),
    ),
}
_VERBS = {
    LogEntry.Action.CREATE: gettext_noop("%(who)s recorded %(kind)s “%(object)s”"),
    LogEntry.Action.UPDATE: gettext_noop("%(who)s changed %(kind)s “%(object)s”"),
    LogEntry.Action.DELETE: gettext_noop("%(who)s deleted %(kind)s “%(object)s”"),
    LogEntry.Action.ACCESS: gettext_noop("%(who)s opened %(kind)s “%(object)s”"),
}


def _translated(sentence: str) -> str:
    return _(sentence)


def _sentence(entry: LogEntry, model, names: _Names, who: str) -> str:
    special = _PEOPLE_SENTENCES.get((entry.content_type.model, entry.action))
    if special is not None:
        fields, sentence = special
        values = {name: _related(entry, model, names, name) for name in fields}
        return _translated(sentence) % {"who": who, **values}
    fallback = entry.object_repr if entry.object_repr and "None" not in entry.object_repr else ""
    return _translated(_VERBS.get(entry.action, _VERBS[LogEntry.Action.UPDATE])) % {
        "who": who,
        "kind": model._meta.verbose_name,
        "object": names.name(model, entry.object_pk, fallback),
    }


def lines(entries: Sequence[LogEntry]) -> list[Line]:
    """Readable lines for a page of entries (a few queries per page, not per entry)."""
    entries = list(entries)
    names = _Names(entries)
    shown = []
    for entry in entries:
        model = _model_of(entry)
        who = str(entry.actor) if entry.actor_id else _("Berdaya (automatic)")
        if model is None:  # a model removed since
            sentence = f"{who}: {entry.object_repr}"
            kind, changes = "", []
        else:
            sentence = _sentence(entry, model, names, who)
            kind = str(capfirst(model._meta.verbose_name))
            deleted = entry.action == LogEntry.Action.DELETE
            changes = [] if deleted else _changes(entry, model, names)
        shown.append(Line(entry, show_datetime(entry.timestamp), who, sentence, kind, changes))
    return shown
