import datetime

import pytest

from berdaya.learning.models import ReportingPeriod

GIRISEKAR = "34.03.06.2002"
SIDOHARJO = "34.03.07.2003"


@pytest.fixture
def periods(demo):
    """The demo's reporting periods, oldest first."""
    return list(ReportingPeriod.objects.filter(programme=demo.programme).order_by("starts_on"))


@pytest.fixture
def facilitator(demo):
    return demo.users["pendamping.girisekar"]


@pytest.fixture
def manager(demo):
    return demo.users["manajer"]


def day(year, month, dd):
    return datetime.date(year, month, dd)
