"""Encryption at rest and keyed hashes for national identifiers (NIK, KK).

UU PDP No. 27/2022 treats these as personal data whose leak does real harm, so
the database never holds them in plaintext:

* the value is encrypted with Fernet (AES-128-CBC + HMAC-SHA256: authenticated
  encryption) under `BERDAYA_FIELD_KEYS`; the first key encrypts, all keys
  decrypt, which is how keys are rotated (docs/privacy.md);
* a keyed hash (HMAC-SHA256 under `BERDAYA_HASH_KEY`) of the normalised value is
  stored beside it for exact look-up and duplicate detection, without the
  ability to reverse it by hashing all 10^16 possible numbers.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

_NON_DIGITS = re.compile(r"\D")


@cache
def _fernet() -> MultiFernet:
    keys = settings.BERDAYA_FIELD_KEYS
    if not keys:
        raise ImproperlyConfigured("BERDAYA_FIELD_KEYS is empty.")
    try:
        return MultiFernet([Fernet(key) for key in keys])
    except ValueError as exc:  # a key that is not 32 url-safe base64 bytes
        raise ImproperlyConfigured(
            "BERDAYA_FIELD_KEYS must be Fernet keys (32 url-safe base64-encoded bytes)."
        ) from exc


@cache
def _hash_key() -> bytes:
    key = settings.BERDAYA_HASH_KEY
    if len(key) < 32:
        raise ImproperlyConfigured("BERDAYA_HASH_KEY must be at least 32 characters.")
    return key.encode()


def reset_key_cache() -> None:
    """Forget cached keys (after settings change in tests or a rotation)."""
    _fernet.cache_clear()
    _hash_key.cache_clear()


def normalise_identifier(value: str) -> str:
    """Keep digits only: '3201 0112-3456 0001' and '3201011234560001' are one NIK."""
    return _NON_DIGITS.sub("", value or "")


def encrypt(plaintext: str) -> str:
    return _fernet().encrypt(plaintext.encode()).decode("ascii")


def decrypt(token: str) -> str:
    try:
        return _fernet().decrypt(token.encode("ascii")).decode()
    except InvalidToken as exc:
        raise ImproperlyConfigured(
            "An encrypted value cannot be decrypted with BERDAYA_FIELD_KEYS: "
            "a key was removed before every value was rotated."
        ) from exc


def rotate(token: str) -> str:
    """Re-encrypt a token under the first (newest) key."""
    return _fernet().rotate(token.encode("ascii")).decode("ascii")


def blind_index(value: str) -> str:
    """Keyed hash of a normalised identifier, for equality look-ups."""
    normalised = normalise_identifier(value)
    return hmac.new(_hash_key(), normalised.encode(), hashlib.sha256).hexdigest()


def mask(value: str, *, head: int = 4, tail: int = 2) -> str:
    """'3201011234560001' -> '3201**********01' (what a page shows by default)."""
    if not value:
        return ""
    if len(value) <= head + tail:
        return "*" * len(value)
    return value[:head] + "*" * (len(value) - head - tail) + value[-tail:]
