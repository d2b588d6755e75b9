"""`berdaya check --deploy` passes on the production settings with no warnings."""

from __future__ import annotations

import os
import secrets
import string
import subprocess
import sys
from pathlib import Path

from cryptography.fernet import Fernet


def _deploy_check(tmp_path: Path, **overrides: str) -> subprocess.CompletedProcess:
    alphabet = string.ascii_letters + string.digits + string.punctuation
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("BERDAYA_", "DJANGO_", "DATABASE_"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="berdaya.config.settings.production",
        # Starts with "$" on purpose: such a key once crashed the settings.
        BERDAYA_SECRET_KEY="$" + "".join(secrets.choice(alphabet) for _ in range(60)),
        BERDAYA_FIELD_KEYS=Fernet.generate_key().decode(),
        BERDAYA_HASH_KEY=secrets.token_hex(20),
        BERDAYA_ALLOWED_HOSTS="berdaya.example.org",
        DATABASE_URL=f"sqlite:///{tmp_path / 'x.sqlite3'}",
    )
    env.update(overrides)
    return subprocess.run(
        [sys.executable, "-m", "berdaya.cli", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_the_production_settings_pass_the_deploy_check_without_warnings(tmp_path):
    completed = _deploy_check(tmp_path)
    output = completed.stdout + completed.stderr
    assert completed.returncode == 0, output
    assert "WARNING" not in output
    assert "security.W" not in output
    assert "no issues" in output


def test_the_deploy_check_does_fail_on_a_weak_secret_key(tmp_path):
    # Shows the check above can fail: the same command, one weak setting.
    completed = _deploy_check(tmp_path, BERDAYA_SECRET_KEY="short")
    assert completed.returncode != 0
    assert "security.W009" in completed.stdout + completed.stderr
