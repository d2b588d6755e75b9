"""The ledger's rules, kept by the database itself.

PostgreSQL:
* a deferred constraint trigger checks at commit that every transaction touched
  has debits equal to credits and at least two entries (the technique
  django-hordak uses), so no code path — not even raw SQL — can leave an
  unbalanced transaction behind;
* updates and deletes of transactions, entries, schedules, instalments and stock
  movements are refused (append-only: a reversal corrects a mistake). TRUNCATE,
  which the test suite uses to empty tables, does not fire row triggers.

SQLite: updates of the same tables are refused by a trigger. Deletes are refused in
the models (Django's test flush deletes rows on SQLite); the balance rule is checked
by `ledger.transaction_post` inside one BEGIN IMMEDIATE transaction.
"""

from django.db import migrations

APPEND_ONLY = [
    "savings_transaction",
    "savings_entry",
    "savings_loanschedule",
    "savings_instalment",
    "savings_stockmovement",
]

PG_FORWARD = [
    """
    CREATE FUNCTION savings_check_balanced() RETURNS trigger AS $$
    DECLARE
        tx bigint := COALESCE(NEW.transaction_id, OLD.transaction_id);
        debits bigint;
        credits bigint;
        legs bigint;
    BEGIN
        SELECT COALESCE(SUM(debit), 0), COALESCE(SUM(credit), 0), COUNT(*)
          INTO debits, credits, legs
          FROM savings_entry WHERE transaction_id = tx;
        IF debits <> credits THEN
            RAISE EXCEPTION 'Transaksi % tidak seimbang: debit % , kredit %', tx, debits, credits
                USING ERRCODE = 'check_violation';
        END IF;
        IF legs = 1 THEN
            RAISE EXCEPTION 'Transaksi % hanya punya satu entri', tx
                USING ERRCODE = 'check_violation';
        END IF;
        RETURN NULL;
    END;
    $$ LANGUAGE plpgsql;
    """,
    """
    CREATE CONSTRAINT TRIGGER savings_entry_balanced
        AFTER INSERT OR UPDATE OR DELETE ON savings_entry
        DEFERRABLE INITIALLY DEFERRED
        FOR EACH ROW EXECUTE FUNCTION savings_check_balanced();
    """,
    """
    CREATE FUNCTION savings_tx_has_entries() RETURNS trigger AS $$
    BEGIN
        IF NOT EXISTS (SELECT 1 FROM savings_entry WHERE transaction_id = NEW.id) THEN
            RAISE EXCEPTION 'Transaksi % tidak punya entri', NEW.id
                USING ERRCODE = 'check_violation';
        END IF;
        RETURN NULL;
    END;
    $$ LANGUAGE plpgsql;
    """,
    """
    CREATE CONSTRAINT TRIGGER savings_transaction_has_entries
        AFTER INSERT ON savings_transaction
        DEFERRABLE INITIALLY DEFERRED
        FOR EACH ROW EXECUTE FUNCTION savings_tx_has_entries();
    """,
    """
    CREATE FUNCTION savings_refuse_change() RETURNS trigger AS $$
    BEGIN
        RAISE EXCEPTION 'Buku kas hanya bisa ditambah (%): koreksi dengan pembalikan', TG_TABLE_NAME
            USING ERRCODE = 'restrict_violation';
    END;
    $$ LANGUAGE plpgsql;
    """,
    *[
        f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
        "FOR EACH ROW EXECUTE FUNCTION savings_refuse_change();"
        for table in APPEND_ONLY
    ],
]

PG_BACKWARD = [
    *[f"DROP TRIGGER IF EXISTS {table}_append_only ON {table};" for table in APPEND_ONLY],
    "DROP TRIGGER IF EXISTS savings_transaction_has_entries ON savings_transaction;",
    "DROP TRIGGER IF EXISTS savings_entry_balanced ON savings_entry;",
    "DROP FUNCTION IF EXISTS savings_refuse_change();",
    "DROP FUNCTION IF EXISTS savings_tx_has_entries();",
    "DROP FUNCTION IF EXISTS savings_check_balanced();",
]

SQLITE_FORWARD = [
    f"CREATE TRIGGER {table}_append_only BEFORE UPDATE ON {table} "
    "BEGIN SELECT RAISE(ABORT, 'Buku kas hanya bisa ditambah: koreksi dengan pembalikan'); END;"
    for table in APPEND_ONLY
]
SQLITE_BACKWARD = [f"DROP TRIGGER IF EXISTS {table}_append_only;" for table in APPEND_ONLY]


def forward(apps, schema_editor):
    statements = {"postgresql": PG_FORWARD, "sqlite": SQLITE_FORWARD}.get(
        schema_editor.connection.vendor, []
    )
    for statement in statements:
        schema_editor.execute(statement, params=None)


def backward(apps, schema_editor):
    statements = {"postgresql": PG_BACKWARD, "sqlite": SQLITE_BACKWARD}.get(
        schema_editor.connection.vendor, []
    )
    for statement in statements:
        schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):
    dependencies = [("savings", "0001_initial")]

    operations = [migrations.RunPython(forward, backward)]
