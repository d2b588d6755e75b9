"""Create the local `.env` with fresh random keys, once, so `make run` needs no manual step.

Run as `python -m berdaya.config.envfile PATH`. An existing file is never
overwritten: its keys decrypt the data already in the database.
"""

from __future__ import annotations

import secrets
import sys
from pathlib import Path

from cryptography.fernet import Fernet


def render() -> str:
    return (
        "# Local settings for Berdaya, created by `make`. Keep this file private:\n"
        "# BERDAYA_FIELD_KEYS decrypt the NIK/KK numbers in the database.\n"
        f"BERDAYA_SECRET_KEY={secrets.token_urlsafe(50)}\n"
        f"BERDAYA_FIELD_KEYS={Fernet.generate_key().decode()}\n"
        f"BERDAYA_HASH_KEY={secrets.token_urlsafe(32)}\n"
    )


def ensure(path: Path) -> bool:
    """Write `path` if it does not exist; return whether it was written."""
    if path.exists():
        return False
    path.write_text(render(), encoding="utf-8")
    path.chmod(0o600)
    return True


if __name__ == "__main__":
    target = Path(sys.argv[1] if len(sys.argv) > 1 else ".env")
    if ensure(target):
        print(f"Created {target} with new keys.")
