"""Shared test fixtures.

The test database is prepared once per run with the areas of DI Yogyakarta
(province 34) and the demo community, built through the real services. Tests
run inside transactions that roll back, so each starts from that state.
"""

from __future__ import annotations

import pytest
from django.test import Client

from tests.snapshot import DatabaseSnapshot

DEMO_PROVINCES = ["34"]


def pytest_collection_modifyitems(config, items):
    """Tests marked `postgres` run in the PostgreSQL phase of CI (DATABASE_URL=postgres://…).

    On SQLite they are deselected, not skipped: what they prove (a database trigger,
    row locks under twenty writers) does not exist there; the SQLite phase runs the
    same rules through the service checks.
    """
    from django.conf import settings

    if settings.DATABASES["default"]["ENGINE"].endswith("postgresql"):
        return
    kept = [item for item in items if item.get_closest_marker("postgres") is None]
    if len(kept) != len(items):
        config.hook.pytest_deselected(items=[i for i in items if i not in kept])
        items[:] = kept


def _prepare_database() -> None:
    from berdaya.areas.models import Village
    from berdaya.areas.services import areas_load
    from berdaya.demo.community import demo_create, demo_exists

    if demo_exists():
        return
    if _snapshot.restore() and demo_exists():
        return
    if not Village.objects.filter(code__startswith="34.").exists():
        areas_load(provinces=DEMO_PROVINCES)
    demo_create()


_snapshot = DatabaseSnapshot()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        _prepare_database()
        _snapshot.take()


@pytest.fixture
def demo(db):
    """The demo community, as objects fetched from the prepared database."""
    from berdaya.areas.models import Village
    from berdaya.core.models import User
    from berdaya.demo.community import (
        ORGANISATION_NAME,
        PROGRAMME_NAME,
        USERS,
        VILLAGES,
        DemoCommunity,
    )
    from berdaya.organisations.models import Organisation
    from berdaya.programmes.models import Programme

    _prepare_database()  # after a transactional test flushed the tables
    return DemoCommunity(
        organisation=Organisation.objects.get(name=ORGANISATION_NAME),
        programme=Programme.objects.get(name=PROGRAMME_NAME),
        villages={code: Village.objects.get(code=code) for code in VILLAGES},
        users={username: User.objects.get(username=username) for username, *_ in USERS},
    )


@pytest.fixture
def login(demo):
    """`login("manajer")` returns a test client signed in as that demo user."""

    from berdaya.accounts.testing import signed_in

    def _login(username: str) -> Client:
        # Signed in as that user has it after both steps (managers and admins use 2FA).
        return signed_in(Client(), demo.users[username])

    return _login


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """Uploads (photos, import files) go to a folder of the test's own, never the checkout."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def english():
    """For tests that check messages by their English text (the msgids), whatever the
    Indonesian catalogue says: `pytestmark = pytest.mark.usefixtures("english")`."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def default_language(settings):
    """Each test starts in the default language (Indonesian). A request leaves the language
    it answered in active on its thread (the middleware activates it), so without this a
    service's message would be in whatever language the previous test's last page was."""
    from django.utils import translation

    with translation.override(settings.LANGUAGE_CODE):
        yield


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: what a page cached for an earlier test (whose
    rows were rolled back) is not an answer for this one."""
    from django.core.cache import cache

    cache.clear()
