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

# Written out in full (no string building): the FTS table's name is FTS_TABLE.
_SQLITE_TRIGGERS = {
    "registry_person_name_ai": (
        "CREATE TRIGGER IF NOT EXISTS registry_person_name_ai AFTER INSERT ON registry_person "
        "BEGIN INSERT INTO registry_person_name(rowid, name) VALUES (new.id, new.name); END"
    ),
    "registry_person_name_ad": (
        "CREATE TRIGGER IF NOT EXISTS registry_person_name_ad AFTER DELETE ON registry_person "
        "BEGIN INSERT INTO registry_person_name(registry_person_name, rowid, name) "
        "VALUES ('delete', old.id, old.name); END"
    ),
    "registry_person_name_au": (
        "CREATE TRIGGER IF NOT EXISTS registry_person_name_au "
        "AFTER UPDATE OF name ON registry_person "
        "BEGIN INSERT INTO registry_person_name(registry_person_name, rowid, name) "
        "VALUES ('delete', old.id, old.name); "
        "INSERT INTO registry_person_name(rowid, name) VALUES (new.id, new.name); END"
    ),
}
_SQLITE_TABLE = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS registry_person_name USING fts5(name, "
    "content='registry_person', content_rowid='id', "
    "tokenize='unicode61 remove_diacritics 2', prefix='1 2 3')"
)
_SQLITE_REFILL = "INSERT INTO registry_person_name(registry_person_name) VALUES ('rebuild')"
_SQLITE_MATCH = "SELECT rowid FROM registry_person_name WHERE registry_person_name MATCH %s"
_SQLITE_JOIN_MATCH = "registry_person_name MATCH %s"
_PG_INDEX = (
    "CREATE INDEX IF NOT EXISTS registry_person_name_tsv ON registry_person "
    "USING gin (to_tsvector('simple'::regconfig, name))"
)
_PG_MATCH = (
    "to_tsvector('simple'::regconfig, registry_person.name) @@ to_tsquery('simple'::regconfig, %s)"
)


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
            cursor.execute(_SQLITE_TABLE)
            for sql in _SQLITE_TRIGGERS.values():
                cursor.execute(sql)
            cursor.execute(_SQLITE_REFILL)
            return True
        if conn.vendor == "postgresql":
            cursor.execute("SELECT 1 FROM pg_indexes WHERE indexname = %s", [PG_INDEX])
            if cursor.fetchone():
                return False
            cursor.execute(_PG_INDEX)
            return True
    return False


def words(text: str) -> list[str]:
    """The words of a search, lower case, at most MAX_WORDS."""
    return [w.lower() for w in WORD.findall(text or "")][:MAX_WORDS]


def households_named_sqlite(
    text: str, *, scopes: dict[int, set[str]], limit: int, present_only: bool = False
) -> list[int]:
    """SQLite: households of the first `limit` persons named like `text` within `scopes`
    (organisation -> village codes). The FTS table drives the query (CROSS JOIN keeps
    SQLite from probing it once per person) and the LIMIT stops it early."""
    terms = words(text)
    pairs = [(o, sorted(codes)) for o, codes in sorted(scopes.items()) if codes]
    if not terms or not pairs:
        return []
    scope_sql = " OR ".join(
        "(p.organisation_id = %s AND h.village_id IN ({}))".format(", ".join(["%s"] * len(c)))
        for _o, c in pairs
    )
    params: list = [" ".join(f'"{term}"*' for term in terms)]
    for organisation_id, codes in pairs:
        params += [organisation_id, *codes]
    status = " AND p.status = 'present'" if present_only else ""
    sql = (
        "SELECT p.household_id FROM registry_person_name f "  # noqa: S608 (placeholders only)
        "CROSS JOIN registry_person p CROSS JOIN registry_household h "
        "WHERE registry_person_name MATCH %s AND p.id = f.rowid AND h.id = p.household_id "
        f"AND ({scope_sql}){status} LIMIT %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, limit])
        return [row[0] for row in cursor.fetchall()]


def name_matches(text: str) -> Q:
    """A condition on `Person` rows whose name has every word of `text` as a word prefix
    (nothing matches when `text` has no word). The words go in as a bound parameter."""
    terms = words(text)
    if not terms:
        return Q(pk__in=[])
    if connection.vendor == "postgresql":
        query = " & ".join(f"{term}:*" for term in terms)
        return Q(RawSQL(_PG_MATCH, [query], output_field=BooleanField()))  # noqa: S611
    if connection.vendor == "sqlite":
        query = " ".join(f'"{term}"*' for term in terms)
        return Q(pk__in=RawSQL(_SQLITE_MATCH, [query]))  # noqa: S611
    # Any other database: the same rule without an index.
    condition = Q()
    for term in terms:
        condition &= Q(name__istartswith=term) | Q(name__icontains=f" {term}")
    return condition
