"""Model fields that keep personal identifiers encrypted in the database."""

from __future__ import annotations

from django.db import models

from . import crypto


class EncryptedIdentifierField(models.TextField):
    """A NIK/KK-style identifier stored as a Fernet token.

    The Python value is the plaintext; the column holds ciphertext. Because every
    encryption is randomised, the field cannot be filtered on: filter on the
    companion keyed-hash column instead (see `crypto.blind_index`).
    """

    description = "Encrypted identifier"

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value in (None, ""):
            return value
        return crypto.encrypt(str(value))

    def from_db_value(self, value, expression, connection):
        if value in (None, ""):
            return value
        return crypto.decrypt(value)

    def get_lookup(self, lookup_name):
        if lookup_name not in {"isnull"}:
            return None  # Django then raises FieldError: use the hash column.
        return super().get_lookup(lookup_name)
