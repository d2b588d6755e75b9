"""Benchmark: MPI by village with every per-indicator censored headcount (berdaya.analysis).

A script, not a test. It writes synthetic global-MPI household registries to Parquet (in a
temporary folder, never the repository), then times, from the same Parquet file to the
result table:

* berdaya.analysis.AlkireFoster on DuckDB through Ibis (what users run),
* a straightforward pandas implementation (the baseline, kept below),
* the same query written by hand in DuckDB SQL (for reference),

and, at national scale (70 million households), Berdaya on DuckDB in a child process whose
peak memory (RSS) is read from the operating system.

    .venv/bin/python benchmarks/bench_mpi.py                 # 1 M and 10 M, 5 runs each
    .venv/bin/python benchmarks/bench_mpi.py --national      # also 70 M (about 3 GB of disk)
    .venv/bin/python benchmarks/bench_mpi.py --sizes 100000 --runs 3    # a quick look

Results are printed as a Markdown table for docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

DATA_DIR = Path(os.environ.get("BERDAYA_BENCH_DIR", Path(tempfile.gettempdir()) / "berdaya_bench"))
VILLAGE_SIZE = 835  # households per village: 70 M households / 83,763 villages (idn-area-data)
FUELS = ["lpg", "wood", "electric", "charcoal", "kerosene", "crop_residue"]


# -- data --------------------------------------------------------------------------------------


def generate(households: int, path: Path) -> Path:
    """A synthetic registry with the global MPI's columns, written by DuckDB (deterministic).

    Villages differ in how poor they are (a village factor from 0 to 1), so deprivations are
    correlated within villages as in real registries.
    """
    import duckdb

    if path.exists():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    # hash(i, salt) % 1000 gives a reproducible pseudo-random number per household and column.
    r = "(hash(i, {salt}) % 1000)"
    village = f"(i // {VILLAGE_SIZE})"
    poverty = f"((hash({village}, 99) % 1000) / 1000.0)"  # 0 rich .. 1 poor, per village

    def p(salt: int, base: float, slope: float) -> str:
        return f"({r.format(salt=salt)} < 1000 * ({base} + {slope} * {poverty}))"

    fuels = "[" + ", ".join(f"'{f}'" for f in FUELS) + "]"
    query = f"""
        SELECT
            i AS household_id,
            lpad(CAST(3400000000 + {village} AS VARCHAR), 10, '0') AS village_code,
            CAST(1 + hash(i, 1) % 7 AS TINYINT) AS household_size,
            {p(2, 0.05, 0.30)} AS undernourished_member,
            {p(3, 0.01, 0.06)} AS child_death_5y,
            CAST(CASE WHEN {p(4, 0.05, 0.40)} THEN hash(i, 5) % 6 ELSE 6 + hash(i, 6) % 10 END
                 AS TINYINT) AS max_years_schooling,
            CAST(CASE WHEN {p(7, 0.02, 0.20)} THEN 1 + hash(i, 8) % 3 ELSE 0 END AS TINYINT)
                AS children_out_of_school,
            CASE WHEN {p(9, 0.05, 0.60)} THEN {fuels}[2 + 2 * CAST(hash(i, 10) % 2 AS INT)]
                 ELSE {fuels}[1 + 2 * CAST(hash(i, 11) % 2 AS INT)] END AS cooking_fuel,
            NOT {p(12, 0.05, 0.40)} AS improved_sanitation,
            NOT {p(13, 0.03, 0.30)} AS safe_drinking_water,
            NOT {p(14, 0.00, 0.10)} AS has_electricity,
            NOT {p(15, 0.05, 0.40)} AS adequate_housing,
            CAST(CASE WHEN {p(16, 0.05, 0.40)} THEN hash(i, 17) % 2 ELSE 2 + hash(i, 18) % 4 END
                 AS TINYINT) AS small_assets,
            {r.format(salt=19)} < 60 AS owns_car
        FROM range({households}) AS t(i)
    """  # noqa: S608 - built from constants
    con = duckdb.connect()
    con.execute("SET enable_progress_bar = false")
    con.execute(f"COPY ({query}) TO '{tmp}' (FORMAT parquet, COMPRESSION zstd)")
    tmp.rename(path)
    return path


# -- the three implementations -----------------------------------------------------------------


def run_berdaya(path: Path, threads: int | None = None) -> tuple[float, Any]:
    """Berdaya through Ibis on DuckDB: seconds from the Parquet file to the result table."""
    import ibis

    from berdaya.analysis import GLOBAL_MPI, AlkireFoster

    start = time.perf_counter()
    con = ibis.duckdb.connect(**({"threads": threads} if threads else {}))
    con.raw_sql("SET enable_progress_bar = false")
    households = con.read_parquet(path)
    result = AlkireFoster(GLOBAL_MPI, weight_column="household_size").compute(
        households, by="village_code"
    )
    table = result.groups.to_pyarrow()
    return time.perf_counter() - start, table


# The global MPI in 18ths: 3 for each health and education indicator, 1 for each living
# standard; poor from 6 (k = 1/3), vulnerable from 4 (ceil(18/5)), severe from 9 (1/2).
UNITS = {
    "nutrition": 3, "child_mortality": 3, "years_of_schooling": 3, "school_attendance": 3,
    "cooking_fuel": 1, "sanitation": 1, "drinking_water": 1, "electricity": 1, "housing": 1,
    "assets": 1,
}  # fmt: skip
SOLID_FUELS = ["wood", "charcoal", "coal", "dung", "crop_residue", "shrubs"]


def run_pandas(path: Path) -> tuple[float, Any]:
    """The baseline: the same per-village table in plain pandas, as an analyst would write it.

    Same outputs as Berdaya's `groups` (minus the window shares): population, poor,
    vulnerable and severe people, H, A, M0, and per indicator the uncensored and censored
    headcounts and the contribution.
    """
    import numpy as np
    import pandas as pd

    start = time.perf_counter()
    df = pd.read_parquet(path)
    w = df["household_size"].astype("int64")
    deprived = {
        "nutrition": df["undernourished_member"],
        "child_mortality": df["child_death_5y"],
        "years_of_schooling": df["max_years_schooling"] < 6,
        "school_attendance": df["children_out_of_school"] > 0,
        "cooking_fuel": df["cooking_fuel"].isin(SOLID_FUELS),
        "sanitation": ~df["improved_sanitation"],
        "drinking_water": ~df["safe_drinking_water"],
        "electricity": ~df["has_electricity"],
        "housing": ~df["adequate_housing"],
        "assets": (df["small_assets"] <= 1) & ~df["owns_car"],
    }
    score = sum(deprived[name].astype("int64") * units for name, units in UNITS.items())
    poor = score >= 6
    frame = pd.DataFrame({"village_code": df["village_code"], "w": w})
    frame["poor_w"] = np.where(poor, w, 0)
    frame["vulnerable_w"] = np.where((score >= 4) & ~poor, w, 0)
    frame["severe_w"] = np.where(score >= 9, w, 0)
    frame["score_w"] = np.where(poor, w * score, 0)
    for name in UNITS:
        frame[f"u_{name}"] = np.where(deprived[name], w, 0)
        frame[f"c_{name}"] = np.where(poor & deprived[name], w, 0)
    sums = frame.groupby("village_code", sort=False).sum()
    out = pd.DataFrame(index=sums.index)
    out["population"] = sums["w"]
    out["poor_population"] = sums["poor_w"]
    out["H"] = sums["poor_w"] / sums["w"]
    out["A"] = sums["score_w"] / (sums["poor_w"] * 18)
    out["M0"] = sums["score_w"] / (sums["w"] * 18)
    out["vulnerable_ratio"] = sums["vulnerable_w"] / sums["w"]
    out["severe_ratio"] = sums["severe_w"] / sums["w"]
    for name, units in UNITS.items():
        out[f"uncensored_{name}"] = sums[f"u_{name}"] / sums["w"]
        out[f"censored_{name}"] = sums[f"c_{name}"] / sums["w"]
        out[f"contribution_{name}"] = 100 * units * sums[f"c_{name}"] / sums["score_w"]
    return time.perf_counter() - start, out.reset_index()


def duckdb_sql_query(path: Path) -> str:
    """The same table as one hand-written DuckDB query."""
    deprived = {
        "nutrition": "undernourished_member",
        "child_mortality": "child_death_5y",
        "years_of_schooling": "max_years_schooling < 6",
        "school_attendance": "children_out_of_school > 0",
        "cooking_fuel": "cooking_fuel IN (" + ", ".join(f"'{fuel}'" for fuel in SOLID_FUELS) + ")",
        "sanitation": "NOT improved_sanitation",
        "drinking_water": "NOT safe_drinking_water",
        "electricity": "NOT has_electricity",
        "housing": "NOT adequate_housing",
        "assets": "small_assets <= 1 AND NOT owns_car",
    }
    flags = ", ".join(f"CAST({e} AS INT) AS d_{n}" for n, e in deprived.items())
    score = " + ".join(f"{UNITS[n]} * d_{n}" for n in deprived)
    per_indicator = ", ".join(
        f"SUM(w * d_{n}) / SUM(w) AS uncensored_{n}, "
        f"SUM(pw * d_{n}) / SUM(w) AS censored_{n}, "
        f"100 * {UNITS[n]} * SUM(pw * d_{n}) / SUM(pw * score) AS contribution_{n}"
        for n in deprived
    )
    return f"""
        WITH d AS (
            SELECT village_code, CAST(household_size AS INT) AS w, {flags}
            FROM read_parquet('{path}')
        ),
        s AS (SELECT *, {score} AS score FROM d),
        p AS (SELECT *, CASE WHEN score >= 6 THEN w ELSE 0 END AS pw FROM s)
        SELECT village_code,
            SUM(w) AS population, SUM(pw) AS poor_population,
            SUM(pw) / SUM(w) AS H,
            SUM(pw * score) / (18 * SUM(pw)) AS A,
            SUM(pw * score) / (18 * SUM(w)) AS M0,
            SUM(CASE WHEN score >= 4 AND score < 6 THEN w ELSE 0 END) / SUM(w) AS vulnerable_ratio,
            SUM(CASE WHEN score >= 9 THEN w ELSE 0 END) / SUM(w) AS severe_ratio,
            {per_indicator}
        FROM p GROUP BY village_code
    """  # noqa: S608 - built from constants and our own file name


def run_duckdb_sql(path: Path) -> tuple[float, Any]:
    """The same table hand-written in DuckDB SQL (a reference, not a competitor)."""
    import duckdb

    query = duckdb_sql_query(path)
    start = time.perf_counter()
    con = duckdb.connect()
    con.execute("SET enable_progress_bar = false")
    table = con.sql(query).to_arrow_table()
    return time.perf_counter() - start, table


def check_agreement(path: Path) -> None:
    """The baseline and the hand-written query give Berdaya's numbers (to 1e-12)."""
    import numpy as np

    _, ours = run_berdaya(path)
    ours = ours.to_pandas().set_index("village_code").sort_index()
    columns = ["population", "poor_population", "H", "A", "M0"] + [
        f"{kind}_{name}" for name in UNITS for kind in ("uncensored", "censored", "contribution")
    ]
    for name in ("pandas", "duckdb_sql"):
        _, theirs = IMPLEMENTATIONS[name](path)
        theirs = theirs if hasattr(theirs, "set_index") else theirs.to_pandas()
        theirs = theirs.set_index("village_code").sort_index()
        for column in columns:
            a = ours[column].to_numpy(dtype=float)
            b = theirs[column].to_numpy(dtype=float)
            if not np.allclose(a, b, rtol=1e-12, atol=0, equal_nan=True):
                raise SystemExit(f"{name} disagrees with berdaya on {column}")
    print(f"pandas and hand-written SQL agree with berdaya on {len(ours):,} villages")


IMPLEMENTATIONS = {"berdaya": run_berdaya, "pandas": run_pandas, "duckdb_sql": run_duckdb_sql}


# -- measuring ---------------------------------------------------------------------------------


def peak_rss_kb() -> int:
    """This process's peak resident set size, in kB (VmHWM in /proc/self/status).

    Not ``getrusage(...).ru_maxrss``: Linux carries ``ru_maxrss`` across fork and exec, so a
    child started by a parent that holds gigabytes (the pandas runs) would report the
    parent's peak; VmHWM belongs to the child's own address space.
    """
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def in_child(name: str, path: Path) -> tuple[float, int, float]:
    """Run one implementation in a fresh process: (seconds, rows, peak RSS in GB).

    The peak covers everything in the child: Python, Ibis and every DuckDB thread.
    """
    code = (
        f"import json, sys; sys.path.insert(0, {str(Path(__file__).parent)!r}); "
        f"import bench_mpi as b; s, t = b.IMPLEMENTATIONS[{name!r}](b.Path({str(path)!r})); "
        "print(json.dumps([s, len(t), b.peak_rss_kb()]))"
    )
    done = subprocess.run(  # noqa: S603 - our own interpreter and script
        [sys.executable, "-c", code], check=True, capture_output=True, text=True
    )
    seconds, rows, peak_kb = json.loads(done.stdout.strip().splitlines()[-1])
    return seconds, rows, peak_kb / 1024**2


def cpu_seconds() -> float:
    """CPU time of this process so far (all threads), user + system."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def load() -> str:
    """The 1-minute load average: other work on the machine slows every timing."""
    return f"{os.getloadavg()[0]:.1f}"


def machine() -> str:
    cpu = "unknown CPU"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 1024**3
    import duckdb
    import ibis
    import pandas

    return (
        f"{os.cpu_count()} cores ({cpu}), {memory:.0f} GB RAM, {platform.system()} "
        f"{platform.release()}, Python {platform.python_version()}, Ibis {ibis.__version__}, "
        f"DuckDB {duckdb.__version__}, pandas {pandas.__version__}; "
        f"{dt.date.today().isoformat()}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[1_000_000, 10_000_000])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--pandas-runs", type=int, default=3)
    parser.add_argument("--national", action="store_true", help="also 70 M households")
    parser.add_argument("--national-runs", type=int, default=3)
    args = parser.parse_args()
    print(f"Machine: {machine()}", flush=True)
    print(f"Data in {DATA_DIR}; load average {load()}", flush=True)
    check_agreement(generate(min(args.sizes), DATA_DIR / f"registry_{min(args.sizes)}.parquet"))
    rows = []
    for size in args.sizes:
        path = generate(size, DATA_DIR / f"registry_{size}.parquet")
        mb = path.stat().st_size / 1024**2
        for name in IMPLEMENTATIONS:
            IMPLEMENTATIONS[name](path)  # warm the file cache and the imports
        samples: dict[str, list[float]] = {name: [] for name in IMPLEMENTATIONS}
        cpu: dict[str, list[float]] = {name: [] for name in IMPLEMENTATIONS}
        # Interleaved, so that other work on the machine falls on all three alike.
        for run in range(args.runs):
            for name, implementation in IMPLEMENTATIONS.items():
                if name != "pandas" or run < args.pandas_runs:
                    before = cpu_seconds()
                    samples[name].append(implementation(path)[0])
                    cpu[name].append(cpu_seconds() - before)
        times = {name: statistics.median(values) for name, values in samples.items()}
        for name, values in samples.items():
            shown = ", ".join(f"{v:.2f}" for v in values)
            print(
                f"{size:>11,} {name:<10} median {times[name]:.3f} s  ({shown}); "
                f"CPU {statistics.median(cpu[name]):.2f} s",
                flush=True,
            )
        print(f"{'':>11} load average {load()}", flush=True)
        rows.append((size, mb, times))
    print()
    print(
        "| households | Parquet | Berdaya (Ibis on DuckDB) | pandas baseline | speed-up "
        "| DuckDB SQL by hand |"
    )
    print("|---:|---:|---:|---:|---:|---:|")
    for size, mb, t in rows:
        print(
            f"| {size:,} | {mb:,.0f} MB | {t['berdaya']:.2f} s | {t['pandas']:.2f} s "
            f"| {t['pandas'] / t['berdaya']:.1f}x | {t['duckdb_sql']:.2f} s |"
        )
    if args.national:
        size = 70_000_000
        path = generate(size, DATA_DIR / f"registry_{size}.parquet")
        mb = path.stat().st_size / 1024**2
        print(f"\n70 M households: {mb:,.0f} MB of Parquet; each run in a fresh process")
        results: dict[str, list[tuple[float, float]]] = {"berdaya": [], "duckdb_sql": []}
        for _ in range(args.national_runs):
            for name, values in results.items():
                seconds, groups, peak = in_child(name, path)
                values.append((seconds, peak))
                print(f"  {name:<10} {seconds:.2f} s, peak RSS {peak:.2f} GB, {groups:,} villages"
                      f" (load {load()})", flush=True)  # fmt: skip
        for name, values in results.items():
            seconds = statistics.median(s for s, _ in values)
            peak = max(p for _, p in values)
            print(f"| 70,000,000 | {name} | {seconds:.2f} s (median of {len(values)}) "
                  f"| peak RSS {peak:.2f} GB (max of {len(values)}) |")  # fmt: skip


if __name__ == "__main__":
    main()
