"""One date format per kind: a day reads "7 Des 2026", a moment "7 Des 2026, 19.21", on
every page and in every message (issue 16 found three formats on one walk)."""

from __future__ import annotations

import datetime
import re
from pathlib import Path

from django.template import Context, Template
from django.utils import timezone, translation

import berdaya
from berdaya.core.dates import show_date, show_datetime

SRC_DIR = Path(berdaya.__file__).resolve().parent
# A day and a moment use the project's formats; a month or a year (chart and period labels)
# and the value of an <input type="date"> are other kinds.
ALLOWED = {"DATETIME_FORMAT", "M Y", "Y", "D j M", "Y-m-d"}


def test_a_day_and_a_moment_read_the_same_in_python_and_in_templates():
    day = datetime.date(2026, 12, 7)
    moment = timezone.make_aware(datetime.datetime(2026, 12, 7, 19, 21))
    template = Template('{{ day }} | {{ day|date }} | {{ moment|date:"DATETIME_FORMAT" }}')
    with translation.override("id"):
        assert show_date(day) == "7 Des 2026"
        assert show_datetime(moment) == "7 Des 2026, 19.21"
        shown = template.render(Context({"day": day, "moment": moment}))
        assert shown == "7 Des 2026 | 7 Des 2026 | 7 Des 2026, 19.21"
    with translation.override("en"):
        assert show_date(day) == "7 Dec 2026"
        assert show_datetime(moment) == "7 Dec 2026, 19:21"
    assert show_date(None) == show_datetime(None) == "—"


def test_templates_use_no_date_format_of_their_own():
    odd = []
    for path in SRC_DIR.rglob("*.html"):
        for found in re.finditer(r"\|date:[\"']([^\"']*)[\"']", path.read_text(encoding="utf-8")):
            if found.group(1) not in ALLOWED:
                odd.append(f"{path.relative_to(SRC_DIR)}: {found.group(0)}")
    assert not odd, "use |date (a day) or |date:'DATETIME_FORMAT' (a moment):\n" + "\n".join(odd)
