"""Benchmark: 20 people saving while a manager exports everyone (issue 17, finding 1).

A script, not a test. It prepares a database with the areas of DI Yogyakarta, the demo
community and a large synthetic village imported through the real import service
(default 30,000 households, about 120,000 persons — the size of the export in the
finding), serves it with gunicorn on 127.0.0.1, and then for `--seconds`:

* one manager posts the person-level XLSX export again and again (the full registry);
* `--writers` facilitators (20) each record a new survey of a household, one after the
  other, as fast as the server answers (each a transaction: survey, household, event).

It counts the writes, the ones that failed (5xx: "database is locked" was a 500 before;
a 503 "busy, try again" is counted apart) and their latencies, and prints a Markdown table
row for docs/benchmarks.md.

    .venv/bin/python benchmarks/bench_writers_during_export.py                  # SQLite
    .venv/bin/python benchmarks/bench_writers_during_export.py \\
        --database postgres://root@127.0.0.1:5432/wt_reliability                # PostgreSQL
    .venv/bin/python benchmarks/bench_writers_during_export.py --code /tmp/old/src   # older code

`--code` serves another checkout's `src` against the same prepared database (for a
before/after comparison). Data lives in `$BERDAYA_BENCH_DIR` (default /tmp/berdaya_bench).
The server binds 127.0.0.1 only and is stopped at the end.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA_DIR = Path(os.environ.get("BERDAYA_BENCH_DIR", Path(tempfile.gettempdir()) / "berdaya_bench"))
VILLAGE = "34.03.06.2002"  # Girisekar, a village of the demo programme
PASSWORD = "berdaya-demo"  # noqa: S105 (the demo's published password)
KEYS = {
    # The test settings' throw-away keys: the benchmark's data is synthetic.
    "BERDAYA_SECRET_KEY": "bench-only-secret-key-not-for-any-real-deployment-0123456789",
    "BERDAYA_FIELD_KEYS": "dGVzdC1rZXktZm9yLXRlc3RzLW9ubHktMzItYnl0ZXM=",
    "BERDAYA_HASH_KEY": "dGVzdC1oYXNoLWtleS1mb3ItdGVzdHMtb25seS0zMmI=",
}

PREPARE = """
import django, json, sys
django.setup()
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import override_settings
from berdaya.areas.services import areas_load
from berdaya.areas.models import Village
from berdaya.core.models import User
from berdaya.demo.community import ORGANISATION_NAME, demo_exists, demo_create
from berdaya.organisations.models import Organisation
from berdaya.registry.models import Household, Person
from berdaya.registry.services import import_job_create, import_job_run
from berdaya.registry.importers.samples import synthetic_households, template_filled_csv
from berdaya.registry.xlsform import form_build

wanted = int(sys.argv[1])
call_command("migrate", verbosity=0)
if not Village.objects.filter(code__startswith="34.").exists():
    areas_load(provinces=["34"])
if not demo_exists():
    demo_create()
have = Household.objects.filter(village_id={village!r}).count()
if have < wanted:
    records = synthetic_households(wanted - have, village_code={village!r}, seed=have + 17)
    with override_settings(
        TASKS={{"default": {{"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}}},
        BERDAYA_MAX_UPLOAD_BYTES=2 * 1024**3,
    ):
        job = import_job_create(
            user=User.objects.get(username="manajer"),
            organisation=Organisation.objects.get(name=ORGANISATION_NAME),
            village=Village.objects.get(code={village!r}),
            source="template",
            uploaded_file=SimpleUploadedFile(
                "bench.csv", template_filled_csv(records, form_build())
            ),
        )
        job = import_job_run(job.pk)
    assert job.status == "done", job.errors[:3]
ids = list(Household.objects.filter(village_id={village!r}).values_list("pk", flat=True)[:2000])
print(json.dumps({{"households": Household.objects.count(), "persons": Person.objects.count(),
                  "ids": ids}}))
"""


def _environment(database_url: str, code: str | None) -> dict:
    env = dict(os.environ)
    env.update(KEYS)
    env.update(
        DATABASE_URL=database_url,
        # The test settings: the demo's passwords are hashed with their fast hasher, and
        # DEBUG is off. Everything the benchmark measures is the same as in production.
        DJANGO_SETTINGS_MODULE="berdaya.config.settings.test",
        BERDAYA_LOG_LEVEL="WARNING",
        BERDAYA_MEDIA_ROOT=str(DATA_DIR / "media"),
        BERDAYA_ALLOWED_HOSTS="127.0.0.1",
    )
    if code:
        env["PYTHONPATH"] = code + os.pathsep + env.get("PYTHONPATH", "")
    return env


def prepare(database_url: str, households: int) -> dict:
    env = _environment(database_url, None)
    code = PREPARE.format(village=VILLAGE)
    done = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code, str(households)],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode:
        sys.exit(done.stderr[-3000:])
    return json.loads(done.stdout.strip().splitlines()[-1])


class Client:
    """A signed-in browser: cookies, CSRF token, no redirects followed."""

    def __init__(self, base: str, username: str):
        self.base = base
        self.jar = http.cookiejar.CookieJar()

        class NoRedirect(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *args, **kwargs):
                return None

        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), NoRedirect()
        )
        self.get("/masuk/")
        status, _ = self.post("/masuk/", {"username": username, "password": PASSWORD})
        if status != 302:
            raise SystemExit(f"{username} could not sign in ({status})")

    def _csrf(self) -> str:
        return next((c.value for c in self.jar if c.name == "csrftoken"), "")

    def get(self, path: str) -> tuple[int, bytes]:
        return self._open(urllib.request.Request(self.base + path))  # noqa: S310 (loopback)

    def post(self, path: str, data: dict) -> tuple[int, bytes]:
        body = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": self._csrf()}).encode()
        request = urllib.request.Request(  # noqa: S310 (loopback)
            self.base + path, data=body, headers={"Referer": self.base + path}
        )
        return self._open(request)

    def _open(self, request) -> tuple[int, bytes]:
        try:
            with self.opener.open(request, timeout=300) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.read()


def serve(database_url: str, port: int, code: str | None, workers: int, threads: int):
    command = [
        str(ROOT / ".venv" / "bin" / "gunicorn"),
        "berdaya.config.wsgi",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--threads",
        str(threads),
        "--worker-class",
        "gthread",
        "--timeout",
        "300",
        "--log-level",
        "warning",
    ]
    server = subprocess.Popen(command, env=_environment(database_url, code), cwd=ROOT)  # noqa: S603
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=2) as answer:  # noqa: S310
                if answer.status == 200:
                    return server, base
        except OSError:
            time.sleep(0.3)
    server.terminate()
    raise SystemExit("gunicorn did not start")


def measure(base: str, ids: list[int], *, writers: int, seconds: float) -> dict:
    stop = threading.Event()
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    exports: list[float] = []
    lock = threading.Lock()
    writer_clients = [Client(base, "pendamping.girisekar") for _ in range(writers)]
    exporter = Client(base, "manajer")
    export_started = threading.Event()

    def export_loop():
        while not stop.is_set():
            started = time.perf_counter()
            export_started.set()
            status, _body = exporter.post(
                "/registri/rumah-tangga/ekspor/", {"level": "persons", "file_format": "xlsx"}
            )
            if status == 200:
                exports.append(time.perf_counter() - started)
            else:
                print(f"export answered {status}", file=sys.stderr)

    def write_loop(client: Client, seed: int):
        rng = random.Random(seed)  # noqa: S311 (which household, not a secret)
        export_started.wait()
        while not stop.is_set():
            household = rng.choice(ids)
            started = time.perf_counter()
            status, _ = client.post(
                f"/registri/rumah-tangga/{household}/survei/",
                {"surveyed_on": "2026-12-01", "land_m2": str(rng.randint(0, 5000))},
            )
            elapsed = time.perf_counter() - started
            with lock:
                latencies.append(elapsed)
                statuses[status] = statuses.get(status, 0) + 1

    threads = [threading.Thread(target=export_loop, daemon=True)]
    threads += [
        threading.Thread(target=write_loop, args=(c, i), daemon=True)
        for i, c in enumerate(writer_clients)
    ]
    for thread in threads:
        thread.start()
    export_started.wait()
    time.sleep(seconds)
    stop.set()
    for thread in threads[1:]:
        thread.join(timeout=600)
    running = threads[0].is_alive()  # an export still under way is not waited for
    with lock:
        ordered = sorted(latencies)

    def quantile(q: float) -> float:
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else 0.0

    return {
        "writes": len(latencies),
        "ok": statuses.get(302, 0),
        "errors_5xx": sum(n for s, n in statuses.items() if s >= 500 and s != 503),
        "busy_503": statuses.get(503, 0),
        "other": {s: n for s, n in statuses.items() if s != 302 and s < 500},
        "p50": quantile(0.50),
        "p95": quantile(0.95),
        "max": ordered[-1] if ordered else 0.0,
        "exports": len(exports),
        "export_running_at_end": running,
        "export_median": statistics.median(exports) if exports else None,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", default="", help="a postgres:// URL (default: SQLite)")
    parser.add_argument("--households", type=int, default=30_000)
    parser.add_argument("--writers", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--port", type=int, default=8120)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=8, help="threads per gunicorn worker")
    parser.add_argument("--code", default=None, help="serve this src folder instead")
    args = parser.parse_args()
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    if args.database:
        database_url, kind = args.database, "PostgreSQL"
    else:
        base = DATA_DIR / f"writers-{args.households}.sqlite3"
        counts = prepare(f"sqlite:///{base}", args.households)
        run = DATA_DIR / "writers-run.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{run}{suffix}").unlink(missing_ok=True)
        shutil.copy(base, run)
        database_url, kind = f"sqlite:///{run}", "SQLite (WAL)"
    counts = prepare(database_url, args.households)
    server, base_url = serve(database_url, args.port, args.code, args.workers, args.threads)
    try:
        result = measure(base_url, counts["ids"], writers=args.writers, seconds=args.seconds)
    finally:
        server.terminate()
        server.wait(timeout=60)
    print(json.dumps({**result, **{k: v for k, v in counts.items() if k != "ids"}}, indent=1))
    export = f"{result['export_median']:.1f} s" if result["export_median"] else "—"
    if result["export_running_at_end"]:
        export += ", one still running"
    print(
        "| database | persons | writers | writes | 5xx errors | 503 busy | p50 | p95 | max "
        "| exports (median) |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    print(
        f"| {kind} | {counts['persons']:,} | {args.writers} | {result['writes']:,} "
        f"| {result['errors_5xx']} | {result['busy_503']} | {result['p50']:.2f} s "
        f"| {result['p95']:.2f} s | {result['max']:.2f} s | {result['exports']} ({export}) |"
    )


if __name__ == "__main__":
    main()
