"""An audit a data-protection officer can rely on: append-only, drilled, backed up exactly."""

from __future__ import annotations

import json
import sqlite3

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction

from berdaya.core.backup import database_backup, database_restore
from berdaya.core.models import PersonalDataAccess
from berdaya.registry.models import Person

pytestmark = pytest.mark.usefixtures("demo")
GIRISEKAR = "34.03.06.2002"


def _access(demo, **fields) -> PersonalDataAccess:
    return PersonalDataAccess.objects.create(
        user=demo.users["manajer"],
        organisation=demo.organisation,
        action=fields.pop("action", PersonalDataAccess.Action.REVEAL),
        object_type=fields.pop("object_type", "person"),
        **fields,
    )


def test_accounts_of_personal_data_access_cannot_be_changed(demo):
    row = _access(demo, object_id="1", field="nik", purpose="Verifikasi")
    with pytest.raises(DatabaseError), transaction.atomic():
        PersonalDataAccess.objects.filter(pk=row.pk).update(purpose="nothing to see")
    row.refresh_from_db()
    assert row.purpose == "Verifikasi"
    if connection.vendor == "postgresql":  # SQLite keeps DELETE for the test suite's flush
        with pytest.raises(DatabaseError), transaction.atomic():
            PersonalDataAccess.objects.filter(pk=row.pk).delete()
        assert PersonalDataAccess.objects.filter(pk=row.pk).exists()


def test_the_change_history_cannot_be_rewritten(demo):
    from auditlog.models import LogEntry

    entry = LogEntry.objects.order_by("pk").first()
    assert entry is not None
    with pytest.raises(DatabaseError), transaction.atomic():
        LogEntry.objects.filter(pk=entry.pk).update(changes_text="rewritten")


# -- backup and restore ----------------------------------------------------------------------


def _tables_sqlite(conn: sqlite3.Connection) -> dict[str, list[tuple]]:
    names = [
        row[0]
        for row in conn.execute(
            "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"
        )
    ]
    # Sorted in Python: the name index's FTS5 shadow tables are WITHOUT ROWID.
    return {
        name: sorted(conn.execute(f'SELECT * FROM "{name}"'), key=repr)  # noqa: S608
        for name in names
    }


def _tables_postgres(dbname: str) -> dict[str, list[tuple]]:
    import psycopg

    params = {**connection.get_connection_params(), "dbname": dbname}
    params.pop("cursor_factory", None)
    params.pop("context", None)
    with psycopg.connect(**params) as conn:
        names = [
            row[0]
            for row in conn.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
            )
        ]
        return {
            name: sorted(map(repr, conn.execute(f'SELECT * FROM "{name}"').fetchall()))  # noqa: S608
            for name in names
        }


def _secrets() -> list[bytes]:
    values = [settings.SECRET_KEY, settings.BERDAYA_HASH_KEY, *settings.BERDAYA_FIELD_KEYS]
    return [value.encode() for value in values]


def test_a_backup_restores_exactly_and_holds_no_key_nor_plaintext_nik(
    tmp_path, transactional_db, django_db_serialized_rollback
):
    # Outside a transaction, as the command runs (SQLite's backup waits on open write locks).
    target = tmp_path / "berdaya.backup"
    nik = Person.objects.exclude(nik_hash="").order_by("pk").first().nik
    database_backup(target=target)
    content = target.read_bytes()
    for secret in _secrets():
        assert secret not in content
    assert nik.encode() not in content  # NIK/KK are ciphertext in the backup too
    if connection.vendor == "sqlite":
        live = sqlite3.connect(":memory:")  # read both through plain sqlite3 (no converters)
        connection.connection.backup(live)
        restored = sqlite3.connect(tmp_path / "restored.sqlite3")
        sqlite3.connect(target).backup(restored)
        tables = _tables_sqlite(live)
        assert tables["registry_person"] and tables["core_personaldataaccess"] is not None
        assert _tables_sqlite(restored) == tables
    else:
        import psycopg

        name = connection.settings_dict["NAME"]
        scratch = f"{name}_restore"
        params = {**connection.get_connection_params(), "dbname": "postgres", "autocommit": True}
        params.pop("cursor_factory", None)
        params.pop("context", None)
        with psycopg.connect(**params) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{scratch}"')
            admin.execute(f'CREATE DATABASE "{scratch}"')
        try:
            database_restore(
                source=target, settings_dict={**connection.settings_dict, "NAME": scratch}
            )
            assert _tables_postgres(scratch) == _tables_postgres(name)
        finally:
            with psycopg.connect(**params) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{scratch}"')


def test_a_restored_database_decrypts_with_the_same_keys(
    tmp_path, transactional_db, django_db_serialized_rollback
):
    if connection.vendor != "sqlite":
        # The PostgreSQL copy is compared byte for byte above; decryption is the same code.
        assert Person.objects.exclude(nik_hash="").exists()
        return
    from berdaya.core import crypto

    target = tmp_path / "berdaya.backup"
    database_backup(target=target)
    restored = sqlite3.connect(target)
    stored = dict(restored.execute("SELECT id, nik FROM registry_person WHERE nik != ''"))
    originals = dict(Person.objects.exclude(nik_hash="").values_list("pk", "nik"))
    assert {pk: crypto.decrypt(value) for pk, value in stored.items()} == originals


def test_restore_refuses_a_file_that_is_not_a_backup(tmp_path):
    from berdaya.core.errors import ValidationFailed

    junk = tmp_path / "junk.bin"
    junk.write_bytes(json.dumps({"not": "a backup"}).encode())
    with pytest.raises(ValidationFailed):
        database_restore(source=junk)


def test_the_restore_command_asks_for_confirmation(tmp_path):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="--yes"):
        call_command("restore", str(tmp_path / "x"))
