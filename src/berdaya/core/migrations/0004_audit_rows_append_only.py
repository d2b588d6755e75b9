"""The accounts of personal-data access cannot be changed or removed by the application.

PostgreSQL: a trigger refuses UPDATE and DELETE on `core_personaldataaccess` (who revealed,
exported or read whose data) and UPDATE on `auditlog_logentry` (the change history; its
rows of one person are deleted only by a data-subject erasure, UU PDP art. 43). A trigger
binds every role, the table's owner included; docs/privacy.md shows the GRANTs that also
take the rights away from an application role that does not own the tables.

SQLite: the same triggers for UPDATE (SQLite's flush empties tables with DELETE, which the
test suite needs).
"""

from django.db import migrations

POSTGRES_FORWARD = """
CREATE OR REPLACE FUNCTION berdaya_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'berdaya: rows of % are append-only (% refused)', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER berdaya_pda_append_only BEFORE UPDATE OR DELETE ON core_personaldataaccess
    FOR EACH ROW EXECUTE FUNCTION berdaya_append_only();
CREATE TRIGGER berdaya_logentry_no_update BEFORE UPDATE ON auditlog_logentry
    FOR EACH ROW EXECUTE FUNCTION berdaya_append_only();
"""
POSTGRES_BACKWARD = """
DROP TRIGGER IF EXISTS berdaya_pda_append_only ON core_personaldataaccess;
DROP TRIGGER IF EXISTS berdaya_logentry_no_update ON auditlog_logentry;
DROP FUNCTION IF EXISTS berdaya_append_only();
"""
SQLITE_FORWARD = [
    """CREATE TRIGGER berdaya_pda_no_update BEFORE UPDATE ON core_personaldataaccess
       BEGIN SELECT RAISE(ABORT, 'berdaya: rows of core_personaldataaccess are append-only'); END""",
    """CREATE TRIGGER berdaya_logentry_no_update BEFORE UPDATE ON auditlog_logentry
       BEGIN SELECT RAISE(ABORT, 'berdaya: rows of auditlog_logentry are append-only'); END""",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS berdaya_pda_no_update",
    "DROP TRIGGER IF EXISTS berdaya_logentry_no_update",
]


def forward(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        if schema_editor.connection.vendor == "postgresql":
            cursor.execute(POSTGRES_FORWARD)
        elif schema_editor.connection.vendor == "sqlite":
            for statement in SQLITE_FORWARD:
                cursor.execute(statement)


def backward(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        if schema_editor.connection.vendor == "postgresql":
            cursor.execute(POSTGRES_BACKWARD)
        elif schema_editor.connection.vendor == "sqlite":
            for statement in SQLITE_BACKWARD:
                cursor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0003_personal_data_access_channel_and_object_ids"),
        ("auditlog", "0017_add_actor_email"),
    ]

    operations = [migrations.RunPython(forward, backward)]
