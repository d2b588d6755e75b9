"""Every page a manager opens in the demo fits a 360 px phone: nothing scrolls sideways.

A facilitator's phone is the main screen Berdaya is made for. Wide tables sit in their own
scrolling box (`.table-scroll`), so only they may be wider than the screen; the page itself
must not be. The pages are those of the main navigation and of one object of each kind.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from berdaya.demo import DEMO_PASSWORD
from berdaya.facilitation.models import Activity
from berdaya.groups.models import Group
from berdaya.planning.models import PlanningCycle
from berdaya.registry.models import Household, Person

from .test_sign_in_language_dashboard import assert_no_horizontal_scroll, open_sign_in_page, sign_in

pytestmark = pytest.mark.browser

GIRISEKAR = "34.03.06.2002"


def _pages(demo) -> list[str]:
    programme = demo.programme.pk
    household = Household.objects.filter(village_id=GIRISEKAR, status="active").first()
    person = Person.objects.filter(household=household).first()
    activity = Activity.objects.filter(village_id=GIRISEKAR).order_by("-held_on").first()
    group = Group.objects.filter(village_id=GIRISEKAR).first()
    cycle = PlanningCycle.objects.get(organisation=demo.organisation, village_id=GIRISEKAR)
    planning_steps = [
        "planning:problems",
        "planning:tree",
        "planning:priorities",
        "planning:solutions",
        "planning:action",
        "planning:evaluation",
    ]
    return [
        reverse("core:dashboard"),
        reverse("registry:household-list"),
        reverse("registry:household-detail", args=[household.pk]),
        reverse("registry:person-detail", args=[person.pk]),
        reverse("registry:household-export"),
        reverse("registry:village-analysis-export", args=[GIRISEKAR]),
        reverse("registry:programme-analysis-export", args=[programme]),
        reverse("registry:import-list"),
        reverse("areas:village-detail", args=[GIRISEKAR]),
        reverse("facilitation:activity-list"),
        reverse("facilitation:activity-detail", args=[activity.pk]),
        reverse("facilitation:activity-edit", args=[activity.pk]),
        reverse("facilitation:participation"),
        reverse("facilitation:my-work"),
        reverse("groups:list"),
        reverse("groups:detail", args=[group.pk]),
        reverse("groups:assess", args=[group.pk]),
        reverse("planning:list"),
        *[reverse(name, args=[cycle.pk]) for name in planning_steps],
        reverse("programmes:list"),
        reverse("programmes:detail", args=[programme]),
        reverse("programmes:timeline", args=[programme]),
        reverse("programmes:critical-mass", args=[programme]),
        reverse("programmes:cadres", args=[programme]),
        reverse("registry:programme-questions", args=[programme]),
        reverse("groups:rubric", args=[programme]),
    ]


# `demo` comes before `page` so the demo data exists before the browser starts.
def test_every_main_page_fits_a_phone(demo, page):
    open_sign_in_page(page)
    sign_in(page, "manajer", DEMO_PASSWORD)
    for path in _pages(demo):
        response = page.goto(path)
        assert response.status == 200, f"{path} answered {response.status}"
        assert_no_horizontal_scroll(page)
