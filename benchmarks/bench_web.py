"""Benchmark: Berdaya's pages on a district-sized registry (1,000,000 persons), served by gunicorn.

A script, not a test. It

1. builds the registry once through the real import service (`import_job_create` +
   `import_job_run`): the areas of DI Yogyakarta, the demo community, then 125,000 synthetic
   households (about 500,000 persons) imported into each of the demo's two villages — kept in
   `$BERDAYA_BENCH_DIR` (default /tmp/berdaya_bench) for SQLite, and in the PostgreSQL
   database of `--postgres URL`, between runs;
2. serves it with gunicorn (2 sync workers) on 127.0.0.1;
3. signs in as a facilitator (one village, 125,000 households) and as the manager (both
   villages, 250,000 households) and loads each page with 16 concurrent clients (threads
   with keep-alive connections, a fixed number of requests or seconds, loopback only);
4. measures a plain-Django floor in the same run: a minimal view listing 50 filtered rows of
   the same person table with a count, rendered by a small template;
5. prints req/s, p50, p99 and errors per page as a Markdown table for docs/benchmarks.md.

    .venv/bin/python benchmarks/bench_web.py                          # SQLite, 1M persons
    .venv/bin/python benchmarks/bench_web.py --postgres postgres://root@127.0.0.1:5432/wt_scale
    .venv/bin/python benchmarks/bench_web.py --build-only             # just build the data
    .venv/bin/python benchmarks/bench_web.py --smoke                  # tiny registry, few requests

See benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import base64
import datetime as dt
import http.client
import json
import os
import platform
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

from django_otp.oath import totp

ROOT = Path(__file__).resolve().parents[1]
DATA_DIR = Path(os.environ.get("BERDAYA_BENCH_DIR", Path(tempfile.gettempdir()) / "berdaya_bench"))
HOUSEHOLDS_PER_VILLAGE = 125_000
PASSWORD = "berdaya-demo"  # noqa: S105 (the demo users' published password)
FACILITATOR = "pendamping.girisekar"
MANAGER = "manajer"
# The demo's published authenticator key (berdaya.demo.security, which needs Django set up).
DEMO_TOTP_KEY = "BERDAYADEMOTWOFACTORNOTFORREALUS"


# -- building the registry ---------------------------------------------------------------------


def _environment(database_url: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="web.settings",
        DATABASE_URL=database_url,
        BERDAYA_MEDIA_ROOT=str(DATA_DIR / "media"),
        # The exports are larger than an upload may be by default; not what we measure.
        BERDAYA_MAX_UPLOAD_BYTES=str(2 * 1024**3),
        PYTHONPATH=f"{ROOT / 'src'}:{ROOT / 'benchmarks'}",
    )
    return env


def _setup(database_url: str) -> None:
    os.environ.update(_environment(database_url))
    sys.path[:0] = [str(ROOT / "src"), str(ROOT / "benchmarks")]
    import django

    django.setup()


def build(database_url: str, households: int) -> None:
    """Child process: migrate, load areas and the demo, import `households` per village."""
    _setup(database_url)
    import logging

    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.core.management import call_command
    from django.test import override_settings

    from berdaya.areas.models import Village
    from berdaya.areas.services import areas_load
    from berdaya.core.models import User
    from berdaya.demo.community import ORGANISATION_NAME, VILLAGES, demo_create, demo_exists
    from berdaya.organisations.models import Organisation
    from berdaya.registry.importers.samples import synthetic_households, template_filled_csv
    from berdaya.registry.models import ImportJob
    from berdaya.registry.services import import_job_create, import_job_run
    from berdaya.registry.xlsform import form_build

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    call_command("migrate", verbosity=0)
    if not Village.objects.filter(code__startswith="34.").exists():
        areas_load(provinces=["34"])
    if not demo_exists():
        demo_create()
    form = form_build()
    user = User.objects.get(username=MANAGER)
    organisation = Organisation.objects.get(name=ORGANISATION_NAME)
    for number, code in enumerate(VILLAGES):
        started = time.perf_counter()
        records = synthetic_households(households, village_code=code, seed=2026 + number)
        data = template_filled_csv(records, form)
        del records
        with override_settings(
            TASKS={"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
        ):
            job = import_job_create(
                user=user,
                organisation=organisation,
                village=Village.objects.get(code=code),
                source="template",
                uploaded_file=SimpleUploadedFile(f"households-{code}.csv", data),
            )
        del data
        job = import_job_run(job.pk)
        if job.status != ImportJob.Status.DONE:
            raise SystemExit(f"import into {code} failed: {job.errors[:3]}")
        print(
            f"{code}: {job.households_created:,} households, {job.persons_created:,} persons "
            f"in {time.perf_counter() - started:.0f} s",
            flush=True,
        )


def _marker(database_url: str) -> Path:
    name = re.sub(r"[^A-Za-z0-9]+", "_", database_url.split("@")[-1])
    return DATA_DIR / f"built-{name}.json"


def ensure_built(database_url: str, households: int, *, fresh_sqlite: Path | None) -> None:
    """Build once; later runs only migrate (and so pick up new stored-figure tables)."""
    marker = _marker(database_url)
    if marker.exists() and json.loads(marker.read_text()).get("households") == households:
        _run_child(["--migrate"], database_url)
        return
    if fresh_sqlite is not None:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{fresh_sqlite}{suffix}").unlink(missing_ok=True)
    else:
        _reset_postgres(database_url)
    started = time.perf_counter()
    _run_child(["--build-child", str(households)], database_url)
    marker.write_text(
        json.dumps({"households": households, "seconds": round(time.perf_counter() - started)})
    )


def _reset_postgres(database_url: str) -> None:
    parts = urllib.parse.urlsplit(database_url)
    database = parts.path.lstrip("/")
    command = ["psql", "-q", "-h", parts.hostname or "127.0.0.1", "-p", str(parts.port or 5432)]
    command += ["-U", parts.username or "root", "-d", database]
    command += ["-c", "DROP SCHEMA public CASCADE; CREATE SCHEMA public;"]
    subprocess.run(command, check=True)  # noqa: S603


def _run_child(arguments: list[str], database_url: str) -> None:
    command = [sys.executable, __file__, *arguments, "--database", database_url]
    subprocess.run(command, check=True, env=_environment(database_url))  # noqa: S603


def migrate(database_url: str) -> None:
    _setup(database_url)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


# -- serving and loading -----------------------------------------------------------------------


@dataclass
class Result:
    page: str
    user: str
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    seconds: float = 0.0
    first: float | None = None  # the first request after the server started

    def row(self) -> str:
        count = len(self.latencies)
        rate = count / self.seconds if self.seconds else 0
        ordered = sorted(self.latencies)

        def quantile(q: float) -> str:
            if not ordered:
                return "—"
            return f"{1000 * ordered[min(len(ordered) - 1, int(q * len(ordered)))]:.0f}"

        first = "—" if self.first is None else f"{1000 * self.first:.0f}"
        return (
            f"| {self.page} | {self.user} | {rate:.1f} | {quantile(0.5)} | {quantile(0.99)} | "
            f"{self.errors} | {count} | {first} |"
        )


class Client:
    """One keep-alive HTTP connection with a session cookie (loopback only)."""

    def __init__(self, port: int, cookies: dict[str, str] | None = None):
        self.port = port
        self.cookies = dict(cookies or {})
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    def request(self, method: str, path: str, body: dict | None = None) -> tuple[int, bytes]:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        data = None
        if body is not None:
            data = urllib.parse.urlencode(body)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"http://127.0.0.1:{self.port}{path}"
        try:
            self.connection.request(method, path, body=data, headers=headers)
            response = self.connection.getresponse()
        except (http.client.HTTPException, OSError):
            self.connection.close()
            self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            raise
        content = response.read()
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";", 1)[0]
        if response.getheader("Connection", "").lower() == "close":
            self.connection.close()
            self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        return response.status, content


def sign_in(port: int, username: str) -> dict[str, str]:
    client = Client(port)
    status, content = client.request("GET", "/masuk/")
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', content)
    if status != 200 or token is None:
        raise SystemExit(f"sign-in page answered {status}")
    status, _ = client.request(
        "POST",
        "/masuk/",
        {
            "csrfmiddlewaretoken": token.group(1).decode(),
            "username": username,
            "password": PASSWORD,
        },
    )
    if status != 302 or "sessionid" not in client.cookies:
        raise SystemExit(f"could not sign in as {username} (answer {status})")
    # Managers and admins pass the second step with the demo's published authenticator key
    # (signed in, they are sent there from any page until they do).
    status, _ = client.request("GET", "/")
    if status == 302:
        status, content = client.request("GET", "/profil/dua-langkah/")
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', content)
        if status != 200 or token is None:
            raise SystemExit(f"the second step's page answered {status}")
        code = totp(base64.b32decode(DEMO_TOTP_KEY))
        status, _ = client.request(
            "POST",
            "/profil/dua-langkah/",
            {"csrfmiddlewaretoken": token.group(1).decode(), "code": f"{code:06d}"},
        )
        if status != 302:
            raise SystemExit(f"{username} did not pass the second step (answer {status})")
    return client.cookies


def load(
    port: int, cookies: dict, path: str, *, clients: int, requests: int, seconds: float
) -> tuple[list[float], int, float]:
    """`clients` threads request `path` until `requests` answers or `seconds` have passed."""
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds
    remaining = [requests]

    def work():
        nonlocal errors
        client = Client(port, cookies)
        while time.perf_counter() < deadline:
            with lock:
                if remaining[0] <= 0:
                    return
                remaining[0] -= 1
            started = time.perf_counter()
            try:
                status, _ = client.request("GET", path)
                ok = status == 200
            except (http.client.HTTPException, OSError):
                ok = False
            elapsed = time.perf_counter() - started
            with lock:
                if ok:
                    latencies.append(elapsed)
                else:
                    errors += 1

    threads = [threading.Thread(target=work) for _ in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, errors, time.perf_counter() - started


def serve(database_url: str, port: int, workers: int) -> subprocess.Popen:
    env = _environment(database_url)
    command = [str(Path(sys.executable).parent / "gunicorn"), "berdaya.config.wsgi"]
    command += ["--bind", f"127.0.0.1:{port}", "--workers", str(workers), "--worker-class", "sync"]
    command += ["--timeout", "120", "--log-level", "warning", "--keep-alive", "5"]
    process = subprocess.Popen(command, env=env, cwd=ROOT, start_new_session=True)  # noqa: S603
    for _ in range(600):
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                return process
        except OSError:
            time.sleep(0.1)
    stop(process)
    raise SystemExit("gunicorn did not start")


def stop(process: subprocess.Popen) -> None:
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)


def pages(port: int, cookies: dict) -> dict[str, str]:
    """The pages to load, with object ids found through the signed-in user's own pages."""
    client = Client(port, cookies)
    _, listing = client.request("GET", "/registri/rumah-tangga/")
    household = re.search(rb'href="/registri/rumah-tangga/(\d+)/"', listing)
    paths = {
        "floor (plain Django)": "/bench/floor/?from=1000",
        "dashboard": "/",
        "household list": "/registri/rumah-tangga/",
        "household list, page 30": "/registri/rumah-tangga/?page=30",
        "search by name": "/registri/rumah-tangga/?q=sri",
        "activity list": "/pendampingan/",
        "participation": "/pendampingan/partisipasi/",
        "village profile": "/wilayah/desa/34.03.06.2002/",
    }
    if household:
        number = household.group(1).decode()
        paths["household page"] = f"/registri/rumah-tangga/{number}/"
        _, page = client.request("GET", paths["household page"])
        person = re.search(rb'href="/registri/warga/(\d+)/"', page)
        if person:
            paths["person page"] = f"/registri/warga/{person.group(1).decode()}/"
    _, programmes = client.request("GET", "/program/")
    programme = re.search(rb'href="/program/(\d+)/"', programmes)
    if programme:
        number = programme.group(1).decode()
        paths["critical mass"] = f"/program/{number}/massa-kritis/"
        village = "34.03.06.2002"
        later = {
            "village map": f"/peta/desa/{village}/",
            "programme map": f"/peta/program/{number}/",
            "network page": f"/jaringan/{number}/{village}/",
            "partnerships": f"/kemitraan/program/{number}/",
            "advocacy cases": f"/advokasi/program/{number}/",
            "reports": f"/laporan/program/{number}/",
            "poverty over time": f"/program/{number}/kemiskinan/",
            "village poverty over time": f"/program/{number}/desa/{village}/kemiskinan/",
        }
        _, manage = client.request("GET", f"/publik/program/{number}/")
        public = re.search(rb'href="(/publik/[a-z0-9-]+/)"', manage)
        if public:
            later["public page"] = public.group(1).decode()
        # Pages added after the first measurement, where this user may open them.
        for name, path in later.items():
            status, _ = client.request("GET", path)
            if status == 200:
                paths[name] = path
    paths["planning list"] = "/perencanaan/"
    paths["group list"] = "/kelompok/"
    return paths


def _stop_on_term(signum, frame):
    raise SystemExit(f"stopped by signal {signum}")  # so the server is stopped too


def measure(args, database_url: str, label: str) -> list[Result]:
    signal.signal(signal.SIGTERM, _stop_on_term)
    process = serve(database_url, args.port, args.workers)
    results: list[Result] = []
    try:
        for username in (FACILITATOR, MANAGER):
            cookies = sign_in(args.port, username)
            for page, path in pages(args.port, cookies).items():
                result = Result(page, username)
                client = Client(args.port, cookies)
                started = time.perf_counter()
                status, _ = client.request("GET", path)
                result.first = time.perf_counter() - started
                if status != 200:
                    print(f"{label} {username} {page} {path}: answer {status}", file=sys.stderr)
                result.latencies, result.errors, result.seconds = load(
                    args.port,
                    cookies,
                    path,
                    clients=args.clients,
                    requests=args.requests,
                    seconds=args.seconds,
                )
                print(result.row(), flush=True)
                results.append(result)
    finally:
        stop(process)
    return results


def table(label: str, results: list[Result]) -> str:
    lines = [
        f"**{label}**",
        "",
        "| page | user | req/s | p50 (ms) | p99 (ms) | errors | requests | first (ms) |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    lines += [r.row() for r in results]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--postgres", help="a PostgreSQL URL (else SQLite in BERDAYA_BENCH_DIR)")
    parser.add_argument("--households", type=int, default=HOUSEHOLDS_PER_VILLAGE)
    parser.add_argument("--port", type=int, default=8110)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--requests", type=int, default=1500, help="per page and user, at most")
    parser.add_argument("--seconds", type=float, default=10, help="per page and user, at most")
    parser.add_argument("--build-only", action="store_true")
    parser.add_argument("--smoke", action="store_true", help="200 households, a few requests")
    parser.add_argument("--build-child", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--migrate", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--database", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.build_child is not None:
        build(args.database, args.build_child)
        return
    if args.migrate:
        migrate(args.database)
        return
    if args.smoke:
        args.households, args.requests, args.seconds, args.clients = 100, 20, 5, 4
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    if args.postgres:
        database_url, sqlite, label = args.postgres, None, "PostgreSQL"
    else:
        sqlite = DATA_DIR / f"web-{args.households}.sqlite3"
        database_url, label = f"sqlite:///{sqlite}", "SQLite"
    ensure_built(database_url, args.households, fresh_sqlite=sqlite)
    if args.build_only:
        return
    results = measure(args, database_url, label)
    print()
    print(
        f"{2 * args.households:,} households · gunicorn {args.workers} sync workers, "
        f"{args.clients} clients · {platform.processor() or platform.machine()}, "
        f"{os.cpu_count()} cores, Python {platform.python_version()} · "
        f"{dt.date.today().isoformat()} · load {os.getloadavg()[0]:.1f}"
    )
    print()
    print(table(label, results))
    if any(r.errors for r in results):
        raise SystemExit(1)


if __name__ == "__main__":
    main()
