"""The breach drill (UU PDP art. 46): whose data a token or a user touched in a period."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from berdaya.core.models import PersonalDataAccess
from berdaya.registry.models import Household, Person

pytestmark = pytest.mark.usefixtures("demo")
GIRISEKAR = "34.03.06.2002"


def _access(demo, **fields) -> PersonalDataAccess:
    return PersonalDataAccess.objects.create(
        user=demo.users["manajer"],
        organisation=demo.organisation,
        action=fields.pop("action", PersonalDataAccess.Action.REVEAL),
        object_type=fields.pop("object_type", "person"),
        **fields,
    )


def test_the_breach_drill_lists_whose_data_a_token_touched(api, demo):
    household = Household.objects.filter(village_id=GIRISEKAR).order_by("pk").first()
    person = Person.objects.filter(household__village_id=GIRISEKAR).order_by("-pk").first()
    client = api("pendamping.girisekar", scope="read")
    client.get(f"/api/v1/households/{household.pk}")
    client.get(f"/api/v1/persons/{person.pk}")
    prefix = PersonalDataAccess.objects.latest("pk").channel.removeprefix("api:")
    api("manajer").get("/api/v1/persons?limit=5")  # another account: not in the drill
    out, err = io.StringIO(), io.StringIO()
    today = timezone.localdate().isoformat()
    call_command("breach_drill", "--token", prefix, "--since", today, stdout=out, stderr=err)
    lines = out.getvalue().strip().splitlines()
    assert lines[0].split(",")[:3] == ["person_id", "household_id", "village_code"]
    touched = {int(line.split(",")[0]) for line in lines[1:]}
    members = set(household.members.values_list("pk", flat=True))
    assert touched == members | {person.pk}
    assert "2 recorded accesses" in err.getvalue() or "2 " in err.getvalue()


def test_the_breach_drill_reports_exports_as_possibly_everyone(demo):
    _access(demo, action=PersonalDataAccess.Action.EXPORT, object_type="household", row_count=240)
    out, err = io.StringIO(), io.StringIO()
    yesterday = (timezone.localdate() - datetime.timedelta(days=1)).isoformat()
    call_command("breach_drill", "--user", "manajer", "--since", yesterday, stdout=out, stderr=err)
    assert "240" in err.getvalue()
