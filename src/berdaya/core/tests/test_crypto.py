"""Encrypting and hashing national identifiers (NIK, KK)."""

from __future__ import annotations

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings
from hypothesis import assume, given
from hypothesis import strategies as st

from berdaya.core import crypto

sixteen_digits = st.text(alphabet="0123456789", min_size=16, max_size=16)


@pytest.fixture
def fresh_keys():
    """Drop cached keys before and after, so overridden settings apply and do not leak."""
    crypto.reset_key_cache()
    yield
    crypto.reset_key_cache()


def _key() -> str:
    return Fernet.generate_key().decode()


@given(sixteen_digits)
def test_decrypting_an_encrypted_nik_gives_it_back(nik):
    token = crypto.encrypt(nik)
    assert nik not in token
    assert crypto.decrypt(token) == nik


@given(sixteen_digits)
def test_the_same_nik_encrypts_differently_each_time(nik):
    assert crypto.encrypt(nik) != crypto.encrypt(nik)


@given(sixteen_digits)
def test_the_blind_index_is_deterministic_and_ignores_spaces_and_dashes(nik):
    spaced = f"{nik[:4]} {nik[4:8]}-{nik[8:12]} - {nik[12:]}"
    assert crypto.blind_index(nik) == crypto.blind_index(nik)
    assert crypto.blind_index(spaced) == crypto.blind_index(nik)
    assert nik not in crypto.blind_index(nik)


@given(sixteen_digits, sixteen_digits)
def test_different_niks_have_different_blind_indexes(first, second):
    assume(first != second)
    assert crypto.blind_index(first) != crypto.blind_index(second)


def test_the_blind_index_depends_on_the_hash_key(fresh_keys):
    nik = "3201011234560001"
    before = crypto.blind_index(nik)
    with override_settings(BERDAYA_HASH_KEY="x" * 40):
        crypto.reset_key_cache()
        assert crypto.blind_index(nik) != before


def test_a_short_hash_key_is_refused(fresh_keys):
    with override_settings(BERDAYA_HASH_KEY="too-short"):
        crypto.reset_key_cache()
        with pytest.raises(ImproperlyConfigured):
            crypto.blind_index("3201011234560001")


def test_mask_shows_only_the_first_four_and_last_two_digits():
    assert crypto.mask("3201011234560001") == "3201**********01"
    assert crypto.mask("") == ""
    assert crypto.mask("123456") == "******"


def test_a_token_made_under_the_old_key_still_decrypts_after_a_new_key_is_put_first(fresh_keys):
    old, new = _key(), _key()
    nik = "3403064512800001"
    with override_settings(BERDAYA_FIELD_KEYS=[old]):
        crypto.reset_key_cache()
        old_token = crypto.encrypt(nik)

    with override_settings(BERDAYA_FIELD_KEYS=[new, old]):
        crypto.reset_key_cache()
        assert crypto.decrypt(old_token) == nik
        rotated = crypto.rotate(old_token)
        assert rotated != old_token

    with override_settings(BERDAYA_FIELD_KEYS=[new]):
        crypto.reset_key_cache()
        assert crypto.decrypt(rotated) == nik
        with pytest.raises(ImproperlyConfigured):
            crypto.decrypt(old_token)

    # The rotated token really is under the new key alone.
    assert Fernet(new.encode()).decrypt(rotated.encode()).decode() == nik


def test_new_values_are_encrypted_under_the_first_key(fresh_keys):
    old, new = _key(), _key()
    with override_settings(BERDAYA_FIELD_KEYS=[new, old]):
        crypto.reset_key_cache()
        token = crypto.encrypt("3403060101900002")
    assert Fernet(new.encode()).decrypt(token.encode()).decode() == "3403060101900002"


def test_a_value_cannot_be_decrypted_with_an_unrelated_key(fresh_keys):
    token = crypto.encrypt("3403060101900002")
    with override_settings(BERDAYA_FIELD_KEYS=[_key()]):
        crypto.reset_key_cache()
        with pytest.raises(ImproperlyConfigured):
            crypto.decrypt(token)


@pytest.mark.parametrize("keys", [[], ["not-a-fernet-key"]])
def test_missing_or_malformed_field_keys_are_a_configuration_error(fresh_keys, keys):
    with override_settings(BERDAYA_FIELD_KEYS=keys):
        crypto.reset_key_cache()
        with pytest.raises(ImproperlyConfigured):
            crypto.encrypt("3403060101900002")
