"""Fixtures for the browser tests: Debian's Chromium driven by Playwright.

Playwright's browsers cannot be downloaded here (`playwright install` needs the
network), so the tests drive the system Chromium from the `chromium` package.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from django.db import connections

CHROMIUM = Path("/usr/bin/chromium")
PHONE = {"width": 360, "height": 740}
CHROMIUM_ARGS = [
    "--no-sandbox",  # CI runs as root, where Chromium's sandbox refuses to start
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    # No calls home: the tests must not depend on (or wait for) the network.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(autouse=True)
def _allow_django_beside_playwright(monkeypatch):
    # Playwright's sync API keeps an asyncio event loop running in this thread,
    # so Django would refuse every ORM call made here (SynchronousOnlyOperation)
    # even though no coroutine ever touches the database. Allow it, for browser
    # tests only (monkeypatch restores the environment afterwards).
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture
def page(live_server, tmp_path, django_db_serialized_rollback):
    """A fresh phone-sized browser tab (own profile, no cookies) on the live server.

    The live server needs a transactional database, which is emptied after each test;
    `django_db_serialized_rollback` puts back what the migrations wrote (the national
    social-protection schemes, say) so the next test can build the demo again.
    """
    if not CHROMIUM.exists():
        pytest.fail(
            f"{CHROMIUM} is missing: install Debian's Chromium with "
            "`apt-get install chromium` (the browser tests never skip).",
            pytrace=False,
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        # launch() rejects --user-data-dir, so a persistent context gets a fresh,
        # throw-away profile instead; nothing leaks between tests or runs.
        context = playwright.chromium.launch_persistent_context(
            user_data_dir=tmp_path / "chromium-profile",
            executable_path=str(CHROMIUM),
            headless=True,
            args=CHROMIUM_ARGS,
            viewport=PHONE,
            # A phone set to English (Accept-Language: en-US), as many are in
            # Indonesia: Berdaya must still start in Bahasa Indonesia.
            locale="en-US",
            timezone_id="Asia/Jakarta",
            base_url=live_server.url,
        )
        violations: list[str] = []
        try:
            context.set_default_timeout(15_000)
            page = context.pages[0] if context.pages else context.new_page()
            # Every page is served with an enforced Content Security Policy; Chromium
            # reports each refused script, style or frame on the console. Any one fails
            # the test, so a new inline script or style is caught where it is added.
            page.on(
                "console",
                lambda message: (
                    violations.append(f"{page.url}: {message.text}")
                    if "Content Security Policy" in message.text
                    else None
                ),
            )
            yield page
            assert not violations, "Content Security Policy violations:\n" + "\n".join(violations)
        finally:
            context.close()
            # While Playwright's loop runs, Django keeps this thread's database
            # connections apart from the usual ones (asgiref's Local acts like a
            # contextvar when a loop is running), so ORM calls made meanwhile open
            # a second connection that pytest-django never sees. Close it here, or
            # PostgreSQL refuses to drop the test database at the end of the run.
            connections.close_all()
