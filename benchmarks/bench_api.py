"""Benchmark: the REST API's list endpoints under concurrent clients (berdaya.api).

A script, not a test. It serves Berdaya with gunicorn (2 sync workers, 127.0.0.1 only) and
sends GET requests from 16 concurrent client threads for a bounded time per endpoint, with a
personal access token, then prints requests per second and latency percentiles as a Markdown
table for docs/benchmarks.md.

The database:

* `--database-url URL` (or `DATABASE_URL`) — an existing database, e.g. the 1M-person
  PostgreSQL database that `benchmarks/bench_web.py` builds;
* otherwise `$BERDAYA_BENCH_DIR/api.sqlite3` (default a temporary folder): made once with the
  areas of DI Yogyakarta and the demo community (240 households), then reused.

    .venv/bin/python benchmarks/bench_api.py                          # demo size, SQLite
    .venv/bin/python benchmarks/bench_api.py --seconds 30 --clients 16
    DATABASE_URL=postgres://root@127.0.0.1:5432/bench .venv/bin/python benchmarks/bench_api.py

The load generator runs on the same 2 cores as the server, so the numbers are a floor.
"""

from __future__ import annotations

import argparse
import http.client
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = ROOT / ".venv" / "bin"
DATA_DIR = Path(os.environ.get("BERDAYA_BENCH_DIR", Path(tempfile.gettempdir()) / "berdaya_bench"))
PORT = int(os.environ.get("BERDAYA_BENCH_PORT", "8150"))
ENDPOINTS = (
    "/api/v1/households?limit=50",
    "/api/v1/persons?limit=50",
    "/api/v1/activities?limit=50",
    "/api/v1/groups?limit=50",
    "/api/v1/programmes",
)
USER = "manajer"


def _env(database_url: str) -> dict:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "berdaya.config.settings.local",
        "BERDAYA_DEBUG": "false",
        "DATABASE_URL": database_url,
        # The benchmark measures the server, not the rate limiter's refusals.
        "BERDAYA_API_RATE_CALLER": "10000000/min",
        "BERDAYA_API_RATE_IP": "10000000/min",
        "BERDAYA_LOG_LEVEL": "WARNING",
    }
    return env


def _berdaya(args: list[str], env: dict) -> str:
    result = subprocess.run(  # noqa: S603  (our own venv binaries, an argument list)
        [str(BIN / "berdaya"), *args], env=env, capture_output=True, text=True, check=True
    )
    return result.stdout


def prepare(database_url: str | None) -> str:
    if database_url:
        return database_url
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    path = DATA_DIR / "api.sqlite3"
    url = f"sqlite:///{path}"
    if not path.exists():
        env = _env(url)
        _berdaya(["migrate", "--noinput", "-v", "0"], env)
        _berdaya(["load-areas", "--province", "34"], env)
        _berdaya(["demo"], env)
    return url


def make_token(env: dict) -> str:
    code = (
        "from berdaya.accounts.services import token_create; "
        "from berdaya.core.models import User; "
        f"print(token_create(user=User.objects.get(username='{USER}'), name='bench', "
        "scope='read', expires_in_days=1).secret)"
    )
    return _berdaya(["shell", "-c", code], env).strip().splitlines()[-1]


def serve(env: dict) -> subprocess.Popen:
    server = subprocess.Popen(  # noqa: S603  (gunicorn from the venv, loopback only)
        [str(BIN / "gunicorn"), "berdaya.config.wsgi", "--workers", "2",
         "--bind", f"127.0.0.1:{PORT}", "--timeout", "60", "--log-level", "warning"],
        env=env, cwd=ROOT,
    )  # fmt: skip
    for _ in range(100):
        try:
            connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=2)
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise SystemExit("gunicorn did not start")


def load(path: str, token: str, *, clients: int, seconds: float) -> dict:
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def client() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
        headers = {"Authorization": f"Bearer {token}", "Host": "127.0.0.1"}
        mine = []
        while time.monotonic() < stop:
            started = time.perf_counter()
            try:
                connection.request("GET", path, headers=headers)
                response = connection.getresponse()
                response.read()
                ok = response.status == 200
            except OSError:
                connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
                ok = False
            mine.append(time.perf_counter() - started)
            if not ok:
                with lock:
                    errors[0] += 1
        with lock:
            latencies.extend(mine)

    started = time.monotonic()
    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    latencies.sort()

    def percentile(p: float) -> float:
        return latencies[min(len(latencies) - 1, int(p * len(latencies)))] * 1000

    return {
        "path": path,
        "requests": len(latencies),
        "errors": errors[0],
        "rps": len(latencies) / elapsed,
        "p50": percentile(0.50),
        "p99": percentile(0.99),
        "mean": statistics.fmean(latencies) * 1000 if latencies else 0.0,
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL"))
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=15.0)
    args = parser.parse_args(argv)
    url = prepare(args.database_url)
    env = _env(url)
    token = make_token(env)
    server = serve(env)
    try:
        rows = [load(path, token, clients=args.clients, seconds=args.seconds) for path in ENDPOINTS]
    finally:
        server.terminate()
        server.wait(timeout=30)
    print(
        f"\n{platform.node()} · {os.cpu_count()} cores · Python {platform.python_version()} · "
        f"{url.split(':', 1)[0]} · gunicorn 2 sync workers · {args.clients} clients · "
        f"{args.seconds:.0f} s per endpoint\n"
    )
    print("| endpoint | requests | errors | req/s | p50 ms | p99 ms |")
    print("|---|---:|---:|---:|---:|---:|")
    for row in rows:
        print(
            f"| `{row['path']}` | {row['requests']} | {row['errors']} | {row['rps']:.0f} | "
            f"{row['p50']:.0f} | {row['p99']:.0f} |"
        )
    sys.stdout.flush()


if __name__ == "__main__":
    main()
