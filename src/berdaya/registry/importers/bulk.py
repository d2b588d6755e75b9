"""Writing imported households in bulk: keys reserved up front, rows sent with executemany.

An import writes up to a million rows (100,000 households with their members, surveys,
enrolments, consents, history events and submission ids). Django's `bulk_create` spends most
of its time assembling SQL, and on SQLite sends 45 persons per statement (its 999-parameter
limit), so imports do this instead:

* primary keys are reserved before anything is written (`reserve_ids`), so a household can
  name its latest survey and a consent its giver without reading anything back;
* model instances still come from `registry.building`, the rules every registration
  follows; only the INSERT is done here, one `executemany` per table and chunk;
* preparing rows (building instances, encrypting NIK/KK, hashing them) is most of the work,
  so a large import prepares chunks in worker processes while this process writes the
  previous ones (`PARALLEL_FROM`);
* foreign keys are checked at commit (Berdaya's tables declare them deferred), so a
  household may point to its survey before the survey row is written.

The caller holds the transaction: all of this is one write, or nothing.
"""

from __future__ import annotations

import datetime
import multiprocessing
import os
import threading
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from itertools import accumulate
from operator import attrgetter

from django.core.exceptions import ImproperlyConfigured
from django.db import connections, models, router

from berdaya.core.fields import EncryptedIdentifierField

from ..building import (
    event_date,
    free_answers,
    household_from_record,
    person_from_member,
    survey_from_record,
)
from ..models import (
    Consent,
    Enrolment,
    Household,
    HouseholdSurvey,
    Person,
    RegistryEvent,
    Submission,
)
from .base import ImportedHousehold

CHUNK = 2000  # households per round of inserts
PARALLEL_FROM = 20_000  # households; smaller imports are prepared in this process
MAX_WORKERS = 4
SQLITE_CACHE_KIB = 256 * 1024  # page cache while writing

ENROLMENT_COLUMNS = ("household_id", "person_id", "scheme_id", "since", "until", "recorded_on")
CONSENT_COLUMNS = ("household_id", "given_by_id", "purpose", "given_on", "recorded_by_id")
EVENT_COLUMNS = (
    "organisation_id",
    "household_id",
    "kind",
    "occurred_on",
    "details",
    "recorded_by_id",
    "recorded_at",
)
SUBMISSION_COLUMNS = ("organisation_id", "uuid", "household_id", "submitted_at", "import_job_id")


@dataclass(frozen=True)
class Context:
    """What every row of one import shares."""

    organisation_id: int
    user_id: int | None
    job_id: int
    source: str
    today: datetime.date
    now: datetime.datetime
    schemes: Mapping[str, int]  # scheme code -> SocialProtectionScheme pk
    # username -> user pk of the organisation's people, for the enumerator a server names
    enumerators: Mapping[str, int] = field(default_factory=dict)
    round_id: int | None = None  # the survey round the job's surveys belong to

    def surveyor(self, record) -> int | None:
        """The enumerator's user when the server named one we know; the importer only when
        the file names nobody (never someone else's work under the importer's name)."""
        if record.submitted_by:
            return self.enumerators.get(record.submitted_by.casefold())
        return self.user_id


@dataclass
class Rows:
    """One chunk of households as rows ready to insert (identifiers already encrypted)."""

    households: list = field(default_factory=list)
    surveys: list = field(default_factory=list)
    persons: list = field(default_factory=list)
    enrolments: list = field(default_factory=list)
    consents: list = field(default_factory=list)
    events: list = field(default_factory=list)
    submissions: list = field(default_factory=list)


def _columns(model) -> tuple[str, ...]:
    return tuple(f.attname for f in model._meta.concrete_fields)


def _encrypted(model) -> frozenset[str]:
    return frozenset(
        f.attname for f in model._meta.concrete_fields if isinstance(f, EncryptedIdentifierField)
    )


# --- preparing rows (here or in a worker process) ---------------------------------------


def _instance_rows(model, objects: Sequence, now: datetime.datetime) -> list[list]:
    """Rows of model instances, auto_now fields set to `now`, identifiers encrypted."""
    fields = model._meta.concrete_fields
    for each in fields:
        if getattr(each, "auto_now", False) or getattr(each, "auto_now_add", False):
            for obj in objects:
                setattr(obj, each.attname, now)
    values = attrgetter(*_columns(model))
    encrypt = [
        (index, each.get_prep_value)
        for index, each in enumerate(fields)
        if isinstance(each, EncryptedIdentifierField)
    ]
    rows = []
    for obj in objects:
        row = list(values(obj))
        for index, prepare in encrypt:
            row[index] = prepare(row[index])
        rows.append(row)
    return rows


def prepare(
    records: Sequence[ImportedHousehold],
    *,
    household_ids: Sequence[int],
    survey_ids: Sequence[int],
    person_ids: Sequence[int],
    context: Context,
) -> Rows:
    """The rows of some households, with the keys reserved for them."""
    households = [
        household_from_record(record, organisation_id=context.organisation_id) for record in records
    ]
    for household, pk in zip(households, household_ids, strict=True):
        household.pk = pk
        household.import_job_id = context.job_id
    surveys = []
    for record, household, pk in zip(records, households, survey_ids, strict=True):
        survey = survey_from_record(
            record,
            household=household,
            surveyed_by_id=context.surveyor(record),
            today=context.today,
        )
        if survey is not None:
            survey.pk = pk
            survey.extra = free_answers(record.extra)
            survey.round_id = context.round_id
            household.latest_survey_id = pk
            surveys.append(survey)
    persons, heads = [], {}
    next_id = iter(person_ids).__next__
    for record, household in zip(records, households, strict=True):
        for member in record.members:
            person = person_from_member(member, household=household)
            person.pk = next_id()
            person.import_job_id = context.job_id
            persons.append(person)
            if member.relation == Person.Relation.HEAD:
                heads[household.pk] = person.pk
    rows = Rows(
        households=_instance_rows(Household, households, context.now),
        surveys=_instance_rows(HouseholdSurvey, surveys, context.now),
        persons=_instance_rows(Person, persons, context.now),
    )
    for record, household in zip(records, households, strict=True):
        pk = household.pk
        on = record.surveyed_on or context.today
        for code in sorted(set(record.schemes)):
            rows.enrolments.append((pk, None, context.schemes[code], on, None, on))
        if record.consent:
            rows.consents.append((pk, heads.get(pk), Consent.Purpose.MAPPING, on, context.user_id))
        rows.events.append(
            (
                context.organisation_id,
                pk,
                RegistryEvent.Kind.IMPORTED,
                event_date(record, context.today),
                {
                    "import": context.job_id,
                    "source": context.source,
                    "members": len(record.members),
                },
                context.user_id,
                context.now,
            )
        )
        if record.uuid:
            rows.submissions.append(
                (context.organisation_id, record.uuid, pk, record.submitted_at, context.job_id)
            )
    return rows


# What forked workers read: set just before a pool starts, so the records reach them by
# fork (copy on write) instead of being pickled.
_FORKED: dict = {}
_FORK_LOCK = threading.Lock()


def _prepare_forked(task) -> Rows:
    start, end, household_ids, survey_ids, person_ids = task
    return prepare(
        _FORKED["records"][start:end],
        household_ids=household_ids,
        survey_ids=survey_ids,
        person_ids=person_ids,
        context=_FORKED["context"],
    )


# --- writing ------------------------------------------------------------------------------


def reserve_ids(model, count: int) -> Sequence[int]:
    """`count` unused primary keys of `model`, safe inside the write transaction.

    SQLite: the transaction holds the write lock (IMMEDIATE), so nobody else inserts.
    PostgreSQL: keys come from the table's sequence, as concurrent inserts' do.
    """
    if not count:
        return []
    connection = connections[router.db_for_write(model)]
    table, column = model._meta.db_table, model._meta.pk.column
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"SELECT MAX({quote(column)}) FROM {quote(table)}")  # noqa: S608
            top = cursor.fetchone()[0] or 0
            cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
            row = cursor.fetchone()
            start = max(top, row[0] if row else 0) + 1
            return range(start, start + count)
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [table, column, count],
            )
            return [row[0] for row in cursor.fetchall()]
    raise ImproperlyConfigured("Imports write to SQLite or PostgreSQL only.")


def _same_as_last(adapt):
    """`adapt`, remembering its last answer: a whole column of `created_at` is one moment."""
    last = [object(), None]

    def adapted(value):
        if value is not last[0]:
            last[0], last[1] = value, adapt(value)
        return last[1]

    return adapted


def _json_adapter(json_field, connection):
    """JSON answers repeat ([] most of all): adapt each distinct list once."""
    adapt = partial(json_field.get_db_prep_save, connection=connection)
    known: dict[str, object] = {}

    def adapted(value):
        if not isinstance(value, list):
            return adapt(value)
        key = repr(value)
        if key not in known:
            known[key] = adapt(value)
        return known[key]

    return adapted


def _adapter(model_field, connection):
    """How a Python value of a field becomes a query parameter (None: as it is)."""
    if isinstance(model_field, models.JSONField):
        return _json_adapter(model_field, connection)
    if isinstance(model_field, EncryptedIdentifierField):
        return partial(model_field.get_db_prep_save, connection=connection)
    if isinstance(model_field, models.DateTimeField):
        return _same_as_last(connection.ops.adapt_datetimefield_value)
    if isinstance(model_field, models.DateField):
        return connection.ops.adapt_datefield_value
    return None


class _Table:
    """An INSERT statement for some columns of a model, and how to adapt their values."""

    def __init__(self, model, columns: Sequence[str], *, adapted: Iterable[str] = ()):
        self.model = model
        self.connection = connections[router.db_for_write(model)]
        done = set(adapted)
        fields = [model._meta.get_field(name.removesuffix("_id")) for name in columns]
        self.adapters = [
            (index, adapt)
            for index, (name, each) in enumerate(zip(columns, fields, strict=True))
            if name not in done and (adapt := _adapter(each, self.connection))
        ]
        quote = self.connection.ops.quote_name
        self.sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608 (model's own names)
            quote(model._meta.db_table),
            ", ".join(quote(each.column) for each in fields),
            ", ".join(["%s"] * len(fields)),
        )

    def insert(self, rows: Iterable[Sequence]) -> int:
        prepared = []
        for row in rows:
            row = list(row)
            for index, adapt in self.adapters:
                row[index] = adapt(row[index])
            prepared.append(row)
        if prepared:
            with self.connection.cursor() as cursor:
                cursor.executemany(self.sql, prepared)
        return len(prepared)


@contextmanager
def large_cache(model=Household):
    """A larger SQLite page cache while writing: the keyed-hash and uuid indexes take rows
    in random order, and with the default 2 MB cache a large import re-reads pages."""
    connection = connections[router.db_for_write(model)]
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        before = int(cursor.fetchone()[0])
        cursor.execute(f"PRAGMA cache_size = {-SQLITE_CACHE_KIB}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {before}")


def _workers() -> int:
    if "fork" not in multiprocessing.get_all_start_methods():
        return 0
    return min(MAX_WORKERS, os.cpu_count() or 1)


def write(
    records: Sequence[ImportedHousehold],
    *,
    context: Context,
    check=None,
    person_ids_out: list[int] | None = None,
) -> dict[str, int]:
    """Insert the households and everything that goes with them; return counts per kind.

    Call inside a transaction; `check` (if given) is called between chunks and may raise
    to stop the write, which the transaction then undoes. Large imports prepare their
    rows in worker processes (forked: they read the records without copying and never
    touch the database).
    """
    total = len(records)
    household_ids = reserve_ids(Household, total)
    survey_ids = reserve_ids(HouseholdSurvey, total)  # at most one survey per household
    sizes = [len(r.members) for r in records]
    person_ids = reserve_ids(Person, sum(sizes))
    if person_ids_out is not None:  # the people's keys, in the order of the records' members
        person_ids_out.extend(person_ids)
    offsets = [0, *accumulate(sizes)]
    tasks = [
        (
            start,
            min(start + CHUNK, total),
            household_ids[start : start + CHUNK],
            survey_ids[start : start + CHUNK],
            person_ids[offsets[start] : offsets[min(start + CHUNK, total)]],
        )
        for start in range(0, total, CHUNK)
    ]
    tables = {
        "households": _Table(Household, _columns(Household), adapted=_encrypted(Household)),
        "surveys": _Table(HouseholdSurvey, _columns(HouseholdSurvey)),
        "persons": _Table(Person, _columns(Person), adapted=_encrypted(Person)),
        "enrolments": _Table(Enrolment, ENROLMENT_COLUMNS),
        "consents": _Table(Consent, CONSENT_COLUMNS),
        "events": _Table(RegistryEvent, EVENT_COLUMNS),
        "submissions": _Table(Submission, SUBMISSION_COLUMNS),
    }
    counts = dict.fromkeys(tables, 0)
    for rows in _prepared(records, tasks, context):
        if check is not None:
            check()  # the job's time and memory limits (core.jobs), between chunks
        for name, table in tables.items():
            counts[name] += table.insert(getattr(rows, name))
    return counts


def _prepared(records, tasks, context) -> Iterator[Rows]:
    workers = _workers() if len(records) >= PARALLEL_FROM else 0
    if not workers:
        for start, end, household_ids, survey_ids, person_ids in tasks:
            yield prepare(
                records[start:end],
                household_ids=household_ids,
                survey_ids=survey_ids,
                person_ids=person_ids,
                context=context,
            )
        return
    with _FORK_LOCK:
        _FORKED.update(records=records, context=context)
        try:
            with multiprocessing.get_context("fork").Pool(workers) as pool:
                yield from pool.imap(_prepare_forked, tasks)
        finally:
            _FORKED.clear()
