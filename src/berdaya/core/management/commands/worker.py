"""`berdaya worker`: run background jobs (imports), surviving database errors."""

from __future__ import annotations

import signal
import subprocess
import sys
import time

from django.conf import settings
from django.utils.crypto import get_random_string

from berdaya.core.jobs import backoff, make_worker
from berdaya.core.management.base import BerdayaCommand

# A child that ran this long before exiting was working: restart it without waiting.
HEALTHY_SECONDS = 60


class Command(BerdayaCommand):
    help = (
        "Run background jobs (imports); keeps running through database errors and returns "
        "jobs of workers that died to the queue."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--supervise",
            action="store_true",
            help="Keep --processes workers running, restarting any that exits.",
        )
        parser.add_argument(
            "--processes",
            type=int,
            default=None,
            help="How many workers --supervise runs (default: BERDAYA_WORKERS).",
        )
        parser.add_argument(
            "--interval",
            type=float,
            default=1.0,
            help="Seconds between looks at an empty queue (default: 1).",
        )
        parser.add_argument(
            "--batch",
            action="store_true",
            help="Run the jobs waiting now, then exit.",
        )

    def handle(self, *, supervise, processes, interval, batch, **options):
        if supervise:
            return self.supervise(processes or settings.BERDAYA_WORKERS, interval)
        worker = make_worker(
            queue_names=["default"],
            interval=interval,
            batch=batch,
            backend_name="default",
            startup_delay=not batch,
            max_tasks=None,
            worker_id=get_random_string(32),
            excluded_queue_names=[],
        )
        worker.configure_signals()
        worker.run()

    def supervise(self, count: int, interval: float) -> None:
        command = [sys.executable, "-m", "berdaya", "worker", "--interval", str(interval)]
        children: dict[int, tuple[subprocess.Popen, float, int]] = {}
        stopping = False

        def stop(signum, frame):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)

        def start(slot: int, failures: int) -> None:
            children[slot] = (subprocess.Popen(command), time.monotonic(), failures)  # noqa: S603

        for slot in range(max(1, count)):
            start(slot, 0)
        self.stdout.write(f"Supervising {len(children)} workers.")
        try:
            while not stopping:
                time.sleep(0.5)
                for slot, (child, started, failures) in list(children.items()):
                    code = child.poll()
                    if code is None or stopping:
                        continue
                    failures = 0 if time.monotonic() - started > HEALTHY_SECONDS else failures + 1
                    delay = backoff(failures) if failures else 0
                    self.stderr.write(
                        f"Worker {child.pid} exited ({code}); restarting in {delay:.1f} s."
                    )
                    time.sleep(delay)
                    start(slot, failures)
        finally:
            for child, _started, _failures in children.values():
                if child.poll() is None:
                    child.terminate()
            for child, _started, _failures in children.values():
                try:
                    child.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    child.kill()
