"""Database behaviour every part of Berdaya shares: busy databases, long reads, backoff.

* **Writers never wait behind readers.** SQLite in WAL mode lets a reader keep reading
  while a writer writes, but only if the reader holds no write lock — and Berdaya's
  transactions are IMMEDIATE (they take the write lock at BEGIN, so two writers queue
  instead of failing half-way). A long read (an export, a report) therefore runs in
  `read_snapshot()`: a DEFERRED transaction that never writes on SQLite, a REPEATABLE
  READ, READ ONLY one on PostgreSQL — one consistent view of the data that blocks no one.
* **A busy SQLite is retried in one place**: the database backend `berdaya.core.sqlite`
  retries a statement that meets "database is locked" outside a transaction (BEGIN
  included) a few times with a bounded, jittered backoff, after SQLite's own
  `busy_timeout`. What is still busy after that reaches `BerdayaErrorMiddleware` as a
  database error that `is_busy` recognises, and the user gets a translated "busy, try
  again" page (503 with Retry-After), never a 500.
"""

from __future__ import annotations

import random
from contextlib import contextmanager

from django.db import DEFAULT_DB_ALIAS, connections, transaction

# Retry-After for a busy database, in seconds.
RETRY_AFTER = 5
BACKOFF_FIRST, BACKOFF_MAX = 0.05, 10.0
# PostgreSQL: serialization failure, deadlock, lock not available, statement timeout.
_PG_BUSY_CODES = {"40001", "40P01", "55P03", "57014"}


def backoff(attempt: int, *, first: float = BACKOFF_FIRST, cap: float = BACKOFF_MAX) -> float:
    """Seconds to wait before attempt `attempt + 1`: doubling from `first`, capped, jittered."""
    delay = min(cap, first * 2**attempt)
    return delay * (0.5 + random.random() / 2)  # noqa: S311 (jitter, not a secret)


def is_busy(error: BaseException) -> bool:
    """A database error that means "busy, try again" rather than a fault."""
    seen = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        text = str(error).lower()
        if "database is locked" in text or "database table is locked" in text:
            return True
        if getattr(error, "sqlstate", None) in _PG_BUSY_CODES:
            return True
        if getattr(error, "pgcode", None) in _PG_BUSY_CODES:
            return True
        error = error.__cause__ or error.__context__
    return False


@contextmanager
def read_snapshot(using: str = DEFAULT_DB_ALIAS):
    """A consistent, read-only view of the database that holds no write lock.

    Write nothing inside it (on SQLite the first write would have to upgrade the lock
    and could fail as busy); write after it, in a transaction of its own."""
    connection = connections[using]
    if connection.in_atomic_block:  # already in a transaction: read in it
        yield
        return
    if connection.vendor == "sqlite":
        # Connect first: connecting sets the mode from the settings (IMMEDIATE) again.
        connection.ensure_connection()
        mode = connection.transaction_mode
        connection.transaction_mode = "DEFERRED"
        try:
            with transaction.atomic(using=using):
                yield
        finally:
            connection.transaction_mode = mode
        return
    with transaction.atomic(using=using):
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        yield


# Rows SQLite's ANALYZE reads per index: approximate statistics in a fraction of a second on
# a district's database (a full ANALYZE took 11 s at a million persons). At 1,000 every
# village looked as small as a thousand keys, so the planner still chose the walk.
ANALYSIS_LIMIT = 20_000


def statistics_refresh(using: str = DEFAULT_DB_ALIAS) -> None:
    """Fresh statistics for the query planner, after a large write (an import, a rebuild).

    Without them SQLite chooses an index by its shape alone: a name search in a village of
    125,000 households walked the list's covering index (55 ms) instead of looking up its
    thousand keys (3 ms). PostgreSQL's autovacuum analyses on its own, but only later."""
    connection = connections[using]
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"PRAGMA analysis_limit={ANALYSIS_LIMIT}")
            cursor.execute("ANALYZE")
        elif connection.vendor == "postgresql":
            cursor.execute("ANALYZE")
