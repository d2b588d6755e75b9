"""No demo NIK or KK appears in plaintext in the SQLite file or in the logs.

Runs the real commands in a subprocess against a file database with every log
switched to DEBUG (SQL included), then searches the database files and the
captured output byte by byte.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _berdaya(args, env, *, check=True):
    return subprocess.run(  # noqa: S603  (our own command, fixed arguments)
        [sys.executable, "-m", "berdaya", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=check,
        timeout=600,
    )


def test_no_demo_identifier_is_stored_or_logged_in_plaintext(tmp_path):
    database = tmp_path / "berdaya.sqlite3"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "berdaya.config.settings.local",
        "DATABASE_URL": f"sqlite:///{database}",
        "BERDAYA_DEBUG": "true",  # Django logs every SQL statement with its parameters
        "BERDAYA_LOG_LEVEL": "DEBUG",
        "BERDAYA_SQL_LOG_LEVEL": "DEBUG",
        "BERDAYA_SECRET_KEY": "plaintext-test-" + "x" * 40,
        "BERDAYA_FIELD_KEYS": "dGVzdC1rZXktZm9yLXRlc3RzLW9ubHktMzItYnl0ZXM=",
        "BERDAYA_HASH_KEY": "dGVzdC1oYXNoLWtleS1mb3ItdGVzdHMtb25seS0zMmI=",
    }
    env.pop("BERDAYA_TEST_SQLITE", None)
    logs = []
    for args in (
        ["migrate", "--noinput"],
        ["load-areas", "--province", "34"],
        ["demo"],
        ["shell", "-c", "from django.test import Client; from berdaya.core.models import User; "
         "from berdaya.accounts.testing import signed_in; "
         "c = signed_in(Client(HTTP_HOST='127.0.0.1'), User.objects.get(username='manajer')); "
         "[c.get(u) for u in ('/', '/registri/rumah-tangga/', '/registri/rumah-tangga/1/')]"],
    ):  # fmt: skip
        result = _berdaya(args, env)
        logs.append(result.stdout + result.stderr)
    assert "SELECT" in "".join(logs), "SQL logging was not on; the search would prove nothing"

    # Read the identifiers back through the application (stdout of this one is not a log).
    dump = _berdaya(
        ["shell", "-c", "import json; from berdaya.registry.models import Person, Household; "
         "print(json.dumps([p.nik for p in Person.objects.all()] + "
         "[h.kk for h in Household.objects.all()]))"],
        env,
    )  # fmt: skip
    identifiers = [value for value in json.loads(dump.stdout.strip().splitlines()[-1]) if value]
    assert len(identifiers) > 500

    stored = b"".join(
        path.read_bytes() for path in tmp_path.iterdir() if path.name.startswith("berdaya.sqlite3")
    )
    logged = "".join(logs)
    leaks = [i for i in identifiers if i.encode() in stored or i in logged]
    assert leaks == [], f"{len(leaks)} identifiers found in plaintext"
