"""Search persons by name on an index, the same way on SQLite and PostgreSQL.

A name matches when every word typed is the start of a word of the name ("sit ami" finds
"Siti Aminah"), case-insensitively: SQLite through an FTS5 table (`registry_person_name`,
kept current by triggers on `registry_person`), PostgreSQL through a GIN index on
`to_tsvector('simple', name)` with prefix queries (`sit:* & ami:*`). Nothing scans the
person table.

Django rebuilds a SQLite table to alter it (and drops its triggers with it), so
`ensure_index` runs after every `migrate` (see `apps.py`) and in `berdaya refresh-figures`:
it recreates what is missing and refills the FTS table when it was.
"""

from __future__ import annotations

import re

from django.db import connection
from django.db.models import BooleanField, Q
from django.db.models.expressions import RawSQL

FTS_TABLE = "registry_person_name"
PG_INDEX = "registry_person_name_tsv"
WORD = re.compile(r"\w+", re.UNICODE)
MAX_WORDS = 6

_SQLITE_TRIGGERS = {
    f"{FTS_TABLE}_ai": f"""CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_ai AFTER INSERT ON registry_person
        BEGIN INSERT INTO {FTS_TABLE}(rowid, name) VALUES (new.id, new.name); END""",
    f"{FTS_TABLE}_ad": f"""CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_ad AFTER DELETE ON registry_person
        BEGIN INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, name)
        VALUES ('delete', old.id, old.name); END""",
    f"{FTS_TABLE}_au": f"""CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_au
        AFTER UPDATE OF name ON registry_person
        BEGIN INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, name)
        VALUES ('delete', old.id, old.name);
        INSERT INTO {FTS_TABLE}(rowid, name) VALUES (new.id, new.name); END""",
}


def ensure_index(using=None) -> bool:
    """Create the name index if it (or one of its triggers) is missing. True if it was."""
    from django.db import connections

    conn = connections[using] if using else connection
    with conn.cursor() as cursor:
        if conn.vendor == "sqlite":
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE name = %s OR name LIKE %s",
                [FTS_TABLE, f"{FTS_TABLE}_a_"],
            )
            present = {row[0] for row in cursor.fetchall()}
            if present >= {FTS_TABLE, *_SQLITE_TRIGGERS}:
                return False
            cursor.execute(
                f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5(name, "
                "content='registry_person', content_rowid='id', "
                "tokenize='unicode61 remove_diacritics 2', prefix='1 2 3')"
            )
            for sql in _SQLITE_TRIGGERS.values():
                cursor.execute(sql)
            cursor.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')")
            return True
        if conn.vendor == "postgresql":
            cursor.execute("SELECT 1 FROM pg_indexes WHERE indexname = %s", [PG_INDEX])
            if cursor.fetchone():
                return False
            cursor.execute(
                f"CREATE INDEX IF NOT EXISTS {PG_INDEX} ON registry_person "
                "USING gin (to_tsvector('simple'::regconfig, name))"
            )
            return True
    return False


def words(text: str) -> list[str]:
    """The words of a search, lower case, at most MAX_WORDS."""
    return [w.lower() for w in WORD.findall(text or "")][:MAX_WORDS]


def name_matches(text: str, *, table: str = "registry_person") -> Q:
    """A condition on `Person` rows whose name has every word of `text` as a word prefix
    (nothing matches when `text` has no word)."""
    terms = words(text)
    if not terms:
        return Q(pk__in=[])
    if connection.vendor == "postgresql":
        query = " & ".join(f"{term}:*" for term in terms)
        match = RawSQL(
            f"to_tsvector('simple'::regconfig, {table}.name) @@ "  # noqa: S608 (a fixed name)
            "to_tsquery('simple'::regconfig, %s)",
            [query],
            output_field=BooleanField(),
        )
        return Q(match)
    if connection.vendor == "sqlite":
        query = " ".join(f'"{term}"*' for term in terms)
        ids = RawSQL(
            f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s",  # noqa: S608
            [query],
        )
        return Q(pk__in=ids)
    # Any other database: the same rule without an index.
    condition = Q()
    for term in terms:
        condition &= Q(name__istartswith=term) | Q(name__icontains=f" {term}")
    return condition
