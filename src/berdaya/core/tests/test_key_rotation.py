"""Rotating the encryption key keeps every NIK/KK readable (docs/privacy.md)."""

import io

from cryptography.fernet import Fernet
from django.core.management import call_command
from django.db import connection

from berdaya.core import crypto
from berdaya.registry.models import Household, Person


def _raw_tokens(table: str, column: str) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE {column} <> '' ORDER BY id")  # noqa: S608
        return [row[0] for row in cursor.fetchall()]


def test_rotation_moves_every_value_to_the_new_key_and_the_old_key_can_go(demo, settings):
    old_keys = list(settings.BERDAYA_FIELD_KEYS)
    niks = list(Person.objects.order_by("pk").values_list("nik", flat=True))
    kks = list(Household.objects.order_by("pk").values_list("kk", flat=True))
    new_key = Fernet.generate_key().decode()
    try:
        settings.BERDAYA_FIELD_KEYS = [new_key, *old_keys]
        crypto.reset_key_cache()
        call_command("rotate_keys", stdout=io.StringIO())
        # Only the new key is needed now.
        settings.BERDAYA_FIELD_KEYS = [new_key]
        crypto.reset_key_cache()
        only_new = Fernet(new_key)
        for token in _raw_tokens("registry_person", "nik"):
            only_new.decrypt(token.encode())  # raises if any value still needs the old key
        assert list(Person.objects.order_by("pk").values_list("nik", flat=True)) == niks
        assert list(Household.objects.order_by("pk").values_list("kk", flat=True)) == kks
    finally:
        settings.BERDAYA_FIELD_KEYS = old_keys
        crypto.reset_key_cache()
