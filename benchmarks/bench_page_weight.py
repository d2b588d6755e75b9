"""Bytes a facilitator's phone downloads per page, cold (first visit) and warm (again).

Drives Debian's Chromium (Playwright) at 360 x 740 against a running Berdaya and sums the
bytes that came over the network (`encodedDataLength` of every response: headers and
compressed body; a file served from the browser's cache counts 0). Start the server the way
`make run` does (static files collected, compressed and cache-busted), then:

    .venv/bin/python benchmarks/bench_page_weight.py --base http://127.0.0.1:8160

The targets of issue 16: cold pages at most 60 KB, warm at most 20 KB.
"""

from __future__ import annotations

import argparse
import tempfile

from playwright.sync_api import sync_playwright

ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PAGES = [
    ("dashboard", "/"),
    ("households", "/registri/rumah-tangga/"),
    ("register a household", "/registri/rumah-tangga/baru/"),
    ("activities", "/pendampingan/"),
    ("my work", "/pendampingan/kerja-saya/"),
    ("groups", "/kelompok/"),
]


class Meter:
    """Bytes received since the last `take()`, from Chrome's network events."""

    def __init__(self, page):
        self.total = 0
        self.files = 0
        session = page.context.new_cdp_session(page)
        session.send("Network.enable")
        session.on("Network.loadingFinished", self._finished)

    def _finished(self, event):
        self.total += int(event.get("encodedDataLength", 0))
        self.files += 1

    def take(self) -> tuple[int, int]:
        total, files = self.total, self.files
        self.total = self.files = 0
        return total, files


def _sign_in(page, base: str, username: str, password: str) -> None:
    page.goto(base + "/masuk/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    with page.expect_navigation():
        page.click("form:has(input[name=password]) button[type=submit]")


def measure(base: str, username: str, password: str) -> list[tuple[str, int, int, int]]:
    rows = []
    with sync_playwright() as playwright:
        for name, path in PAGES:
            # Cold: a fresh profile (empty cache) that has only signed in; the sign-in page
            # loaded the shared CSS and JS, so a truly first visit is measured on a profile
            # whose cache is cleared after signing in.
            context = playwright.chromium.launch_persistent_context(
                tempfile.mkdtemp(prefix="berdaya-weight-"),
                executable_path="/usr/bin/chromium",
                headless=True,
                args=ARGS,
                viewport={"width": 360, "height": 740},
            )
            page = context.pages[0] if context.pages else context.new_page()
            _sign_in(page, base, username, password)
            session = context.new_cdp_session(page)
            session.send("Network.enable")
            session.send("Network.clearBrowserCache")
            meter = Meter(page)
            page.goto(base + path, wait_until="networkidle")
            cold, files = meter.take()
            page.goto(base + path, wait_until="networkidle")
            warm, _files = meter.take()
            rows.append((name, cold, warm, files))
            context.close()
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", default="http://127.0.0.1:8000")
    parser.add_argument("--user", default="pendamping.girisekar")
    parser.add_argument("--password", default="berdaya-demo")
    options = parser.parse_args()
    print(f"| page ({options.user}) | cold | warm | files (cold) |")
    print("|---|---:|---:|---:|")
    for name, cold, warm, files in measure(options.base, options.user, options.password):
        print(f"| {name} | {cold / 1024:.1f} KB | {warm / 1024:.1f} KB | {files} |")


if __name__ == "__main__":
    main()
