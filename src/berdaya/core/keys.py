"""Key rotation for encrypted identifiers (see docs/privacy.md)."""

from __future__ import annotations

from django.apps import apps
from django.db import transaction

from . import crypto
from .fields import EncryptedIdentifierField

BATCH = 2000


def _encrypted_fields():
    for model in apps.get_models():
        names = [
            f.name for f in model._meta.concrete_fields if isinstance(f, EncryptedIdentifierField)
        ]
        if names:
            yield model, names


def identifiers_rotate() -> dict[str, int]:
    """Re-encrypt every stored value under the newest key; returns counts per model.

    Values are read raw (as tokens) and rotated with MultiFernet.rotate, so no
    plaintext passes through the ORM or the audit trail. One transaction per
    model: a failure leaves that model's values as they were, all readable.
    """
    counts: dict[str, int] = {}
    for model, names in _encrypted_fields():
        label = model._meta.label
        counts[label] = 0
        table = model._meta.db_table
        pk = model._meta.pk.column
        with transaction.atomic():
            from django.db import connection

            quote = connection.ops.quote_name
            for name in names:
                column = model._meta.get_field(name).column
                with connection.cursor() as cursor:
                    cursor.execute(
                        f"SELECT {quote(pk)}, {quote(column)} FROM {quote(table)} "  # noqa: S608
                        f"WHERE {quote(column)} <> ''"
                    )
                    rows = cursor.fetchall()
                for start in range(0, len(rows), BATCH):
                    batch = [
                        (crypto.rotate(token), key) for key, token in rows[start : start + BATCH]
                    ]
                    with connection.cursor() as cursor:
                        cursor.executemany(
                            f"UPDATE {quote(table)} SET {quote(column)} = %s "  # noqa: S608
                            f"WHERE {quote(pk)} = %s",
                            batch,
                        )
                counts[label] += len(rows)
    return counts
