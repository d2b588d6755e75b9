"""The `berdaya` command line: hyphenated command names and readable failures."""

from __future__ import annotations

import pytest
from django.db import connections
from django.utils.translation import gettext as _

from berdaya.areas.models import District, Province, Regency, Village
from berdaya.cli import main


@pytest.fixture
def keep_test_connection(monkeypatch):
    """Django's command runner closes connections when done; the test's transaction needs it."""
    monkeypatch.setattr(connections, "close_all", lambda: None)


def test_load_areas_is_spelled_with_a_hyphen_and_reports_up_to_date_areas(
    db, capsys, keep_test_connection
):
    main(["berdaya", "load-areas", "--province", "34"])

    out = capsys.readouterr().out.strip()
    summary = _(
        "%(province)d provinces, %(regency)d regencies, %(district)d districts, "
        "%(village)d villages."
    ) % {
        "province": Province.objects.filter(code="34").count(),
        "regency": Regency.objects.filter(code__startswith="34.").count(),
        "district": District.objects.filter(code__startswith="34.").count(),
        "village": Village.objects.filter(code__startswith="34.").count(),
    }
    assert out == _("Areas were already up to date (nothing changed): %s") % summary


def test_a_service_error_on_the_command_line_is_a_message_and_exit_code_2(
    db, capsys, tmp_path, keep_test_connection
):
    with pytest.raises(SystemExit) as exited:
        main(["berdaya", "load-areas", "--source", str(tmp_path / "missing")])
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert "npm" in err
    assert "Traceback" not in err


def test_an_unknown_command_is_reported_not_crashed(db, capsys, keep_test_connection):
    with pytest.raises(SystemExit) as exited:
        main(["berdaya", "load-everything"])
    assert exited.value.code != 0
    err = capsys.readouterr().err
    assert "load_everything" in err or "load-everything" in err
