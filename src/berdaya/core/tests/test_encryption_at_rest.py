"""NIK and KK never reach the database in plaintext (UU PDP No. 27/2022)."""

from __future__ import annotations

import pytest
from cryptography.fernet import Fernet
from django.conf import settings
from django.core.exceptions import FieldError
from django.db import connection

from berdaya.core.crypto import blind_index
from berdaya.registry.models import Household, Person


def _raw(table: str, column: str, ids: list[int]) -> dict[int, str]:
    placeholders = ", ".join(["%s"] * len(ids))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id, {column} FROM {table} WHERE id IN ({placeholders})",  # noqa: S608
            ids,
        )
        return dict(cursor.fetchall())


def _decrypt_with_configured_key(token: str) -> str:
    # Independent of berdaya.core.crypto: a plain Fernet with the configured key.
    return Fernet(settings.BERDAYA_FIELD_KEYS[0].encode()).decrypt(token.encode()).decode()


def test_no_plaintext_nik_is_stored_and_every_value_is_a_fernet_token(demo):
    persons = list(Person.objects.filter(organisation=demo.organisation).exclude(nik_hash=""))
    assert len(persons) > 200
    raw = _raw(Person._meta.db_table, "nik", [person.pk for person in persons])
    for person in persons:
        assert len(person.nik) == 16 and person.nik.isdigit()
        stored = raw[person.pk]
        assert person.nik not in stored
        assert person.nik[:6] not in stored
        assert stored.startswith("gAAAAA")  # Fernet version byte 0x80, base64
        assert _decrypt_with_configured_key(stored) == person.nik


def test_no_plaintext_kk_is_stored(demo):
    households = list(Household.objects.filter(organisation=demo.organisation).exclude(kk_hash=""))
    assert households
    raw = _raw(Household._meta.db_table, "kk", [household.pk for household in households])
    for household in households:
        assert household.kk not in raw[household.pk]
        assert _decrypt_with_configured_key(raw[household.pk]) == household.kk


def test_the_whole_person_table_holds_no_demo_nik_anywhere(demo):
    niks = {person.nik for person in Person.objects.filter(organisation=demo.organisation)}
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {Person._meta.db_table}")  # noqa: S608
        cells = [str(cell) for row in cursor.fetchall() for cell in row]
    assert not any(nik in cell for nik in niks for cell in cells)


def test_filtering_on_the_encrypted_nik_is_refused(demo):
    nik = Person.objects.filter(organisation=demo.organisation).exclude(nik_hash="").first().nik
    with pytest.raises(FieldError):
        list(Person.objects.filter(nik=nik))
    with pytest.raises(FieldError):
        list(Person.objects.filter(nik__startswith=nik[:6]))


def test_a_person_is_found_by_the_blind_index_of_their_nik(demo):
    person = Person.objects.filter(organisation=demo.organisation).exclude(nik_hash="").last()
    spaced = f"{person.nik[:4]} {person.nik[4:8]} {person.nik[8:12]} {person.nik[12:]}"
    found = Person.objects.get(organisation=demo.organisation, nik_hash=blind_index(spaced))
    assert found == person
