"""The audit trail reads as sentences about people, with Indonesian names of models and
fields, personal values masked, filters and pages (issue 16)."""

from __future__ import annotations

import datetime

from auditlog.context import set_actor
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.utils import translation

from berdaya.facilitation.models import Activity, Attendance
from berdaya.facilitation.services import attendance_record
from berdaya.registry.models import Person

GIRISEKAR = "34.03.06.2002"


def _attendance(demo):
    activity = Activity.objects.filter(village_id=GIRISEKAR).order_by("pk").first()
    person = (
        Person.objects.filter(household__village_id=GIRISEKAR, status="present")
        .exclude(attendance__activity=activity)
        .first()
    )
    with set_actor(demo.users["pendamping.girisekar"]):
        attendance_record(activity=activity, person=person)
    return activity, person


def test_recording_attendance_reads_as_who_recorded_whom_where(login, demo):
    activity, person = _attendance(demo)
    kind = ContentType.objects.get_for_model(Attendance)

    page = login("admin").get("/audit/", {"kind": kind.pk})

    sentence = page.context["lines"][0].sentence
    facilitator = str(demo.users["pendamping.girisekar"])
    assert sentence == f"{facilitator} mencatat kehadiran {person.name} di {activity.title}"
    assert "#" not in sentence and "None" not in sentence


def test_field_names_are_the_models_own_and_personal_values_are_masked(login, demo):
    person = Person.objects.filter(household__village_id=GIRISEKAR).exclude(birth_date=None)[0]
    with set_actor(demo.users["manajer"]):
        person.birth_date = datetime.date(1971, 3, 4)
        person.education = "smp" if person.education == "sd" else "sd"
        person.save()

    page = login("admin").get(
        "/audit/", {"object": f"{ContentType.objects.get_for_model(Person).pk}:{person.pk}"}
    )

    line = page.context["lines"][0]
    changes = {change.field: (change.before, change.after) for change in line.changes}
    assert changes["Tanggal lahir"] == ("•••", "•••")
    assert "1971" not in page.content.decode()
    with translation.override("id"):
        assert changes["Pendidikan tertinggi"][1] == person.get_education_display()
    assert line.sentence.startswith(f"{demo.users['manajer']} mengubah")
    assert person.name in line.sentence


def test_filters_by_who_and_day_and_pages_keep_the_filters(login, demo):
    _attendance(demo)
    client = login("admin")
    facilitator = demo.users["pendamping.girisekar"]

    page = client.get("/audit/", {"actor": facilitator.pk})
    assert page.context["page"].paginator.count >= 1
    assert {line.entry.actor_id for line in page.context["lines"]} == {facilitator.pk}

    everything = client.get("/audit/")
    assert (
        everything.context["page"].paginator.count
        == LogEntry.objects.filter(additional_data__organisation=demo.organisation.pk).count()
    )
    assert len(everything.context["lines"]) == 25
    assert "actor=" not in everything.context["query"]
    future = client.get("/audit/", {"since": "2099-01-01"})
    assert future.context["page"].paginator.count == 0
    paged = client.get("/audit/", {"action": LogEntry.Action.CREATE, "page": 2})
    assert "action=0&amp;page=3" in paged.content.decode()


def test_the_admins_menu_links_to_the_audit_trail_and_others_do_not_see_it(login, demo):
    assert 'data-testid="menu-audit"' in login("admin").get("/").content.decode()
    for username in ("manajer", "pendamping.girisekar", "pemantau"):
        assert 'data-testid="menu-audit"' not in login(username).get("/").content.decode()
