"""Benchmark: importing a village's mapping survey into the registry (berdaya.registry).

A script, not a test. It builds a fresh SQLite database in a temporary folder (never the
repository's), loads the areas of DI Yogyakarta and the demo community, writes synthetic
exports of Berdaya's own form (100,000 households, about 400,000 persons, realistic NIKs),
and imports each through the real service (`import_job_create` + `import_job_run`) in a
child process whose peak memory (RSS) is read from the operating system:

* Berdaya's template as CSV (one row per person),
* a KoboToolbox XLSX export (main sheet + `anggota` sheet, select-multiple both ways),

each into its own fresh copy of the database, so both write into the same starting state.

    .venv/bin/python benchmarks/bench_import.py                        # 100,000 households
    .venv/bin/python benchmarks/bench_import.py --households 10000     # a quick look
    .venv/bin/python benchmarks/bench_import.py --profile template     # cProfile, top 25

Results are printed as a Markdown table for docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA_DIR = Path(os.environ.get("BERDAYA_BENCH_DIR", Path(tempfile.gettempdir()) / "berdaya_bench"))
VILLAGE = "34.03.06.2002"  # Girisekar, a village of the demo programme
FILES = {"template": "households.csv", "kobo": "households.xlsx"}


def _django(database: Path) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "berdaya.config.settings.test"
    os.environ["DATABASE_URL"] = f"sqlite:///{database}"
    os.environ["BERDAYA_MEDIA_ROOT"] = str(DATA_DIR / "media")
    # The exports are larger than an upload may be by default; the limit is not what we measure.
    os.environ["BERDAYA_MAX_UPLOAD_BYTES"] = str(2 * 1024**3)
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()


def prepare(households: int) -> dict:
    """The database with areas and the demo, and the two files (made once per size)."""
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    base = DATA_DIR / "base.sqlite3"
    sizes = DATA_DIR / f"files-{households}"
    if not base.exists():
        _django(base)
        from django.core.management import call_command

        from berdaya.areas.services import areas_load
        from berdaya.demo.community import demo_create

        call_command("migrate", verbosity=0)
        areas_load(provinces=["34"])
        demo_create()
    else:
        _django(base)
    timings = {}
    if not sizes.exists():
        from berdaya.registry.importers.samples import (
            kobo_xlsx,
            synthetic_households,
            template_filled_csv,
        )
        from berdaya.registry.xlsform import form_build

        started = time.perf_counter()
        records = synthetic_households(households, village_code=VILLAGE, seed=2026)
        timings["generate records"] = time.perf_counter() - started
        form = form_build()
        tmp = sizes.with_suffix(".tmp")
        tmp.mkdir(exist_ok=True)
        started = time.perf_counter()
        (tmp / FILES["template"]).write_bytes(template_filled_csv(records, form))
        timings["write template CSV"] = time.perf_counter() - started
        started = time.perf_counter()
        (tmp / FILES["kobo"]).write_bytes(kobo_xlsx(records, form))
        timings["write Kobo XLSX"] = time.perf_counter() - started
        persons = sum(len(r.members) for r in records)
        (tmp / "counts.json").write_text(json.dumps({"households": households, "persons": persons}))
        tmp.rename(sizes)
    return {"base": base, "files": sizes, "timings": timings}


def _peak_rss_mb() -> int:
    """This process's own peak memory. Not `ru_maxrss`: Linux carries that over from the
    parent through fork and exec, so a child would report the data generator's peak."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024)
    return -1


def run(source: str, database: Path, path: Path, profile: bool, serial: bool) -> dict:
    """Import one file into `database` (child process); return times, counts and memory."""
    _django(database)
    if serial:
        from berdaya.registry.importers import bulk

        bulk.PARALLEL_FROM = 10**12  # prepare every row in this process
    import logging

    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import override_settings

    from berdaya.areas.models import Village
    from berdaya.core.models import User
    from berdaya.demo.community import GIRISEKAR, ORGANISATION_NAME
    from berdaya.organisations.models import Organisation
    from berdaya.registry.models import ImportJob
    from berdaya.registry.services import import_job_create, import_job_run

    phases: list[str] = []

    class Phases(logging.Handler):
        def emit(self, record):
            phases.append(record.getMessage())

    logging.getLogger("berdaya.registry.services.imports").addHandler(Phases())
    data = path.read_bytes()
    with override_settings(
        TASKS={"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    ):
        started = time.perf_counter()
        job = import_job_create(
            user=User.objects.get(username="manajer"),
            organisation=Organisation.objects.get(name=ORGANISATION_NAME),
            village=Village.objects.get(code=GIRISEKAR),
            source=source,
            uploaded_file=SimpleUploadedFile(path.name, data),
        )
        stored = time.perf_counter() - started
    del data
    if profile:
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        profiler.enable()
    load_before = os.getloadavg()[0]
    cpu_before = os.times()
    started = time.perf_counter()
    import_job_run(job.pk)
    seconds = time.perf_counter() - started
    cpu_after = os.times()
    cpu = sum(
        getattr(cpu_after, name) - getattr(cpu_before, name)
        for name in ("user", "system", "children_user", "children_system")
    )
    if profile:
        profiler.disable()
        pstats.Stats(profiler, stream=sys.stderr).sort_stats("cumulative").print_stats(25)
        pstats.Stats(profiler, stream=sys.stderr).sort_stats("tottime").print_stats(25)
    job = ImportJob.objects.get(pk=job.pk)
    return {
        "source": source,
        "status": job.status,
        "errors": job.errors[:3],
        "households": job.households_created,
        "persons": job.persons_created,
        "store_seconds": round(stored, 2),
        "import_seconds": round(seconds, 2),
        "cpu_seconds": round(cpu, 1),
        "load": f"{load_before:.1f}–{os.getloadavg()[0]:.1f}",
        "peak_rss_mb": _peak_rss_mb(),
        "worker_rss_mb": round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024),
        "phases": phases,
        "file_mb": round(path.stat().st_size / 1024**2, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--households", type=int, default=100_000)
    parser.add_argument("--sources", nargs="+", default=["template", "kobo"], choices=FILES)
    parser.add_argument("--profile", choices=FILES, help="cProfile one source's import")
    parser.add_argument(
        "--serial", action="store_true", help="prepare rows in one process (no workers)"
    )
    parser.add_argument("--child", nargs=3, metavar=("SOURCE", "DATABASE", "FILE"))
    args = parser.parse_args()
    if args.child:
        source, database, path = args.child
        profile = args.profile == source
        result = run(source, Path(database), Path(path), profile, args.serial)
        print(json.dumps(result))
        return

    prepared = prepare(args.households)
    counts = json.loads((prepared["files"] / "counts.json").read_text())
    results = []
    for source in args.sources:
        database = DATA_DIR / f"run-{source}.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{database}{suffix}").unlink(missing_ok=True)
        shutil.copyfile(prepared["base"], database)
        command = [sys.executable, __file__, "--child", source, str(database)]
        command.append(str(prepared["files"] / FILES[source]))
        if args.profile:
            command += ["--profile", args.profile]
        if args.serial:
            command.append("--serial")
        output = subprocess.run(command, check=True, capture_output=True, text=True)  # noqa: S603
        if output.stderr.strip():
            print(output.stderr, file=sys.stderr)
        results.append(json.loads(output.stdout.strip().splitlines()[-1]))
    for name, seconds in prepared["timings"].items():
        print(f"{name}: {seconds:.1f} s")
    print()
    print(
        f"{counts['households']:,} households, {counts['persons']:,} persons · "
        f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, SQLite · {dt.date.today().isoformat()}"
    )
    print()
    print(
        "| file | size | households | persons | import (s) | CPU (s) | read / check / write (s) "
        "| peak RSS (largest worker) | load |"
    )
    print("|---|---:|---:|---:|---:|---:|---|---:|---|")
    for r in results:
        phases = " / ".join(p.rsplit(" in ", 1)[-1].removesuffix(" s") for p in r["phases"])
        print(
            f"| {r['source']} | {r['file_mb']} MB | {r['households']:,} | {r['persons']:,} | "
            f"{r['import_seconds']} | {r['cpu_seconds']} | {phases} | "
            f"{r['peak_rss_mb']:,} MB ({r['worker_rss_mb']:,} MB) | {r['load']} |"
        )
        if r["status"] != "done":
            print(f"status {r['status']}: {r['errors']}")
        if r["errors"]:
            print(r["errors"])


if __name__ == "__main__":
    main()
