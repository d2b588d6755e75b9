"""Accompaniment pages: one test per view, scoping, and bad input that writes nothing."""

from __future__ import annotations

import datetime

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from berdaya.accounts.testing import signed_in
from berdaya.facilitation.models import Activity, Attachment, Attendance, GuestCount
from berdaya.facilitation.services import activity_record, attendance_record
from berdaya.registry.models import Person

GIRISEKAR, SIDOHARJO = "34.03.06.2002", "34.03.07.2003"
FACILITATOR = "pendamping.girisekar"
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 200


def in_english(client):
    """Messages are checked in English: the Indonesian catalogue may change its wording."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def girisekar(login):
    return in_english(login(FACILITATOR))


@pytest.fixture
def activity(demo):
    """A fresh activity in Girisekar with nobody recorded yet."""
    return activity_record(
        user=demo.users[FACILITATOR],
        programme=demo.programme,
        village_code=GIRISEKAR,
        kind="fgd",
        title="FGD uji halaman",
        held_on=datetime.date(2026, 5, 20),
        initiated_by="community",
        stage="pendampingan",
        level="mezzo",
        strategies=["participation"],
    )


def _other_village_activity(demo) -> Activity:
    return Activity.objects.filter(organisation=demo.organisation, village_id=SIDOHARJO).first()


def _adults(village, **filters):
    return Person.objects.filter(
        household__village_id=village,
        status=Person.Status.PRESENT,
        birth_date__lte=datetime.date(1990, 1, 1),
        **filters,
    ).order_by("pk")


def activity_url(activity) -> str:
    return reverse("facilitation:activity-detail", args=[activity.pk])


def _html(response) -> str:
    return response.content.decode()


# -- the list ----------------------------------------------------------------------------------


def test_the_list_shows_only_the_facilitators_village(girisekar, demo):
    response = girisekar.get(reverse("facilitation:activity-list"))
    assert response.status_code == 200
    shown = response.context["page"].paginator.object_list
    assert shown.exists()
    assert set(shown.values_list("village_id", flat=True)) == {GIRISEKAR}


def test_the_list_filters_by_kind_strategy_initiator_and_dates(girisekar, demo):
    url = reverse("facilitation:activity-list")
    query = {
        "kind": "group_meeting",
        "strategy": "saving",
        "initiated_by": "group",
        "start": "2026-01-01",
        "end": "2026-10-31",
    }
    response = girisekar.get(url, query)
    rows = list(response.context["page"].paginator.object_list)
    assert rows
    for row in rows:
        assert row.kind == "group_meeting" and "saving" in row.strategies
        assert row.initiated_by == "group"
        assert datetime.date(2026, 1, 1) <= row.held_on <= datetime.date(2026, 10, 31)
    # htmx asks for the results only.
    fragment = girisekar.get(url, query, HTTP_HX_REQUEST="true")
    assert "<html" not in _html(fragment) and 'data-testid="activities"' in _html(fragment)


# -- recording ---------------------------------------------------------------------------------


def _form(demo, **changes) -> dict:
    data = {
        "title": "Musyawarah air bersih",
        "kind": "musyawarah",
        "held_on": "2026-06-02",
        "village": GIRISEKAR,
        "place": "Balai dusun Blimbing",
        "initiated_by": "community",
        "stage": "pendampingan",
        "level": "macro",
        "strategies": ["participation", "advocacy"],
        "facilitators": [str(demo.users[FACILITATOR].pk)],
        "notes": "Warga minta penampungan air hujan.",
    }
    data.update(changes)
    return data


def test_the_record_form_offers_the_users_villages_and_ticks_the_user(girisekar, demo):
    response = girisekar.get(reverse("facilitation:activity-create"))
    assert response.status_code == 200
    form = response.context["form"]
    assert [code for code, _name in form.fields["village"].choices] == [GIRISEKAR]
    assert form.initial["facilitators"] == [str(demo.users[FACILITATOR].pk)]
    assert 'type="checkbox" name="strategies"' in _html(response)


def test_recording_an_activity_with_its_initiator(girisekar, demo):
    initiator = _adults(GIRISEKAR).first()
    before = Activity.objects.count()
    response = girisekar.post(
        reverse("facilitation:activity-create"),
        _form(demo, initiator_person=str(initiator.pk)),
    )
    assert response.status_code == 302
    activity = Activity.objects.latest("pk")
    assert Activity.objects.count() == before + 1
    assert response["Location"] == reverse("facilitation:activity-detail", args=[activity.pk])
    assert activity.strategies == ["advocacy", "participation"]
    assert activity.initiator_person == initiator
    assert list(activity.facilitators.all()) == [demo.users[FACILITATOR]]


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"held_on": "2024-12-31"}, "held_on", "within the programme"),
        ({"village": SIDOHARJO}, "village", "valid choice"),
        ({"initiator_person": "sidoharjo"}, "initiator_person", "registered in this village"),
        ({"title": ""}, "title", "required"),
    ],
)
def test_bad_input_is_shown_on_the_form_and_writes_nothing(
    girisekar, demo, changes, field, message
):
    if changes.get("initiator_person") == "sidoharjo":
        changes = {"initiator_person": str(_adults(SIDOHARJO).first().pk)}
    before = Activity.objects.count()
    response = girisekar.post(reverse("facilitation:activity-create"), _form(demo, **changes))
    assert response.status_code == 422
    assert message in " ".join(response.context["form"].errors[field])
    assert f'data-testid="error-{field}"' in _html(response)
    assert Activity.objects.count() == before


def test_a_viewer_cannot_record(login):
    # Refused like the new-import page (403), not a 200 page that only refuses.
    response = login("pemantau").get(reverse("facilitation:activity-create"))
    assert response.status_code == 403


# -- correcting an activity --------------------------------------------------------------------


def test_an_activity_is_corrected_and_keeps_its_village_and_attendance(girisekar, demo, activity):
    person = _adults(GIRISEKAR).first()
    attendance_record(activity=activity, person=person, spoke=True)
    url = reverse("facilitation:activity-edit", args=[activity.pk])
    page = girisekar.get(url)
    assert page.status_code == 200
    assert page.context["form"].initial["title"] == "FGD uji halaman"
    assert 'data-testid="edit-activity"' in _html(girisekar.get(activity_url(activity)))

    # The village cannot be changed by posting another one: the field is fixed.
    response = girisekar.post(url, _form(demo, title="FGD air bersih", village=SIDOHARJO))
    assert response.status_code == 302
    activity.refresh_from_db()
    assert activity.title == "FGD air bersih"
    assert activity.village_id == GIRISEKAR
    assert activity.kind == "musyawarah" and activity.level == "macro"
    assert activity.strategies == ["advocacy", "participation"]
    assert list(activity.attendance.values_list("person_id", flat=True)) == [person.pk]


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"held_on": "2024-12-31"}, "held_on", "within the programme"),
        ({"initiator_person": "sidoharjo"}, "initiator_person", "registered in this village"),
        ({"title": ""}, "title", "required"),
    ],
)
def test_a_bad_correction_is_shown_and_changes_nothing(
    girisekar, demo, activity, changes, field, message
):
    if changes.get("initiator_person") == "sidoharjo":
        changes = {"initiator_person": str(_adults(SIDOHARJO).first().pk)}
    response = girisekar.post(
        reverse("facilitation:activity-edit", args=[activity.pk]), _form(demo, **changes)
    )
    assert response.status_code == 422
    assert message in " ".join(response.context["form"].errors[field])
    activity.refresh_from_db()
    assert activity.title == "FGD uji halaman" and activity.held_on == datetime.date(2026, 5, 20)


def test_a_viewer_sees_an_activity_but_cannot_correct_it(login, demo, activity):
    viewer = login("pemantau")
    assert 'data-testid="edit-activity"' not in _html(viewer.get(activity_url(activity)))
    url = reverse("facilitation:activity-edit", args=[activity.pk])
    assert viewer.get(url).status_code in (403, 404)
    assert viewer.post(url, _form(demo, title="X")).status_code in (403, 404)
    activity.refresh_from_db()
    assert activity.title == "FGD uji halaman"


# -- one activity ------------------------------------------------------------------------------


def test_the_activity_page_shows_who_came_and_the_figures(girisekar, demo, activity):
    woman = _adults(GIRISEKAR, sex="P").first()
    attendance_record(activity=activity, person=woman, proposed=True)
    response = girisekar.get(reverse("facilitation:activity-detail", args=[activity.pk]))
    assert response.status_code == 200
    html = _html(response)
    assert woman.name in html
    assert 'data-testid="figures-total">1<' in html
    assert 'data-testid="figures-women">1<' in html


def test_another_villages_activity_is_not_found_on_any_page(girisekar, demo):
    other = _other_village_activity(demo)
    person = _adults(GIRISEKAR).first()
    assert (
        girisekar.get(reverse("facilitation:activity-detail", args=[other.pk])).status_code == 404
    )
    for name, data in (
        ("attendance-add", {"person": person.pk}),
        ("attendance-remove", {"person": person.pk}),
        ("guests", {"P_adult": 3}),
        ("attachment-upload", {}),
    ):
        response = girisekar.post(reverse(f"facilitation:{name}", args=[other.pk]), data)
        assert response.status_code == 404, name
    assert girisekar.get(reverse("facilitation:figures", args=[other.pk])).status_code == 404
    assert not Attendance.objects.filter(activity=other, person=person).exists()


def test_adding_a_person_answers_htmx_with_the_list_and_new_figures(girisekar, activity):
    person = _adults(GIRISEKAR, sex="L").first()
    response = girisekar.post(
        reverse("facilitation:attendance-add", args=[activity.pk]),
        {"person": person.pk, "spoke": "on", "decided": "on"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    html = _html(response)
    assert 'id="attendance"' in html and person.name in html
    assert 'id="figures" data-testid="figures" hx-swap-oob="true"' in html
    assert 'data-testid="figures-total">1<' in html and 'data-testid="figures-men">1<' in html
    row = Attendance.objects.get(activity=activity, person=person)
    assert (row.spoke, row.proposed, row.decided, row.facilitated) == (True, False, True, False)
    # Ticking another role updates the same row.
    girisekar.post(
        reverse("facilitation:attendance-add", args=[activity.pk]),
        {"person": person.pk, "proposed": "on"},
        HTTP_HX_REQUEST="true",
    )
    row.refresh_from_db()
    assert (row.spoke, row.proposed, row.decided) == (False, True, False)
    assert Attendance.objects.filter(activity=activity).count() == 1


def test_a_person_from_another_village_cannot_attend(girisekar, demo, activity):
    outsider = _adults(SIDOHARJO).filter(organisation=demo.organisation).first()
    url = reverse("facilitation:attendance-add", args=[activity.pk])
    response = girisekar.post(url, {"person": outsider.pk}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200  # htmx swaps only successful answers
    assert "registered in this village" in _html(response)
    # Without htmx the whole page comes back, with the message and status 422.
    response = girisekar.post(url, {"person": outsider.pk})
    assert response.status_code == 422
    assert 'data-testid="error-person"' in _html(response)
    assert not Attendance.objects.filter(activity=activity).exists()


def test_removing_a_person(girisekar, activity):
    person = _adults(GIRISEKAR).first()
    attendance_record(activity=activity, person=person)
    response = girisekar.post(
        reverse("facilitation:attendance-remove", args=[activity.pk]), {"person": person.pk}
    )
    assert response.status_code == 302
    assert not Attendance.objects.filter(activity=activity).exists()


def test_guests_are_counted_by_sex_and_age_band(girisekar, activity):
    url = reverse("facilitation:guests", args=[activity.pk])
    response = girisekar.post(url, {"P_adult": "3", "L_youth": "2"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert 'data-testid="figures-total">5<' in _html(response)
    assert {(g.sex, g.age_band, g.count) for g in GuestCount.objects.filter(activity=activity)} == {
        ("P", "adult", 3),
        ("L", "youth", 2),
    }
    # A negative number is refused and nothing changes.
    response = girisekar.post(url, {"P_adult": "-1"})
    assert response.status_code == 422
    assert GuestCount.objects.filter(activity=activity).count() == 2
    # Emptying a box removes its line.
    girisekar.post(url, {"L_youth": "2"})
    assert list(GuestCount.objects.filter(activity=activity).values_list("sex", flat=True)) == ["L"]


def test_the_figures_fragment(girisekar, activity):
    attendance_record(activity=activity, person=_adults(GIRISEKAR, sex="P").first(), decided=True)
    response = girisekar.get(reverse("facilitation:figures", args=[activity.pk]))
    assert response.status_code == 200
    assert "<html" not in _html(response)
    roles = response.context["role_rows"]
    decided = roles[2]  # spoke, proposed, decided, facilitated
    assert decided.label == "Decided"
    assert (decided.women, decided.men) == (1, 0)


# -- attachments -------------------------------------------------------------------------------


def test_a_photo_is_uploaded_and_downloaded(girisekar, activity):
    response = girisekar.post(
        reverse("facilitation:attachment-upload", args=[activity.pk]),
        {"file": SimpleUploadedFile("rapat.jpg", JPEG, content_type="image/jpeg")},
    )
    assert response.status_code == 302
    attachment = Attachment.objects.get(activity=activity)
    download = girisekar.get(reverse("facilitation:attachment", args=[attachment.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == JPEG
    assert download["Content-Type"] == "image/jpeg"


def test_a_50_mb_photo_and_a_disguised_file_are_refused_on_the_form(girisekar, activity, media):
    url = reverse("facilitation:attachment-upload", args=[activity.pk])
    huge = SimpleUploadedFile("besar.jpg", JPEG + b"\x00" * (50 * 1024 * 1024), "image/jpeg")
    response = girisekar.post(url, {"file": huge})
    assert response.status_code == 422
    assert "the limit is 10 MB" in _html(response)
    assert 'data-testid="error-file"' in _html(response)
    response = girisekar.post(url, {"file": SimpleUploadedFile("foto.jpg", b"MZ\x90\x00exe")})
    assert response.status_code == 422
    assert "Only JPEG or PNG photos and PDF documents" in _html(response)
    assert not Attachment.objects.filter(activity=activity).exists()
    assert not any(media.rglob("*.*"))


def test_another_villages_photo_is_not_found(girisekar, demo):
    from berdaya.facilitation.services import attachment_add

    other = attachment_add(
        activity=_other_village_activity(demo),
        upload=SimpleUploadedFile("x.jpg", JPEG),
        user=None,
    )
    assert girisekar.get(reverse("facilitation:attachment", args=[other.pk])).status_code == 404


# -- picking a person --------------------------------------------------------------------------


def test_the_person_search_finds_people_of_the_users_village_only(girisekar, demo):
    person = _adults(GIRISEKAR).first()
    url = reverse("facilitation:person-search")
    response = girisekar.get(url, {"village": GIRISEKAR, "q_person": person.name[:4]})
    assert response.status_code == 200
    assert f'value="{person.pk}"' in _html(response)
    assert 'name="person"' in _html(response)
    other = _adults(SIDOHARJO).first()
    response = girisekar.get(url, {"village": SIDOHARJO, "q_person": other.name[:4]})
    assert f'value="{other.pk}"' not in _html(response)
    # The field name is one the pages use; anything else falls back to "person".
    response = girisekar.get(url, {"village": GIRISEKAR, "q": person.name, "field": 'x"><b'})
    assert 'name="person"' in _html(response)


# -- over time ---------------------------------------------------------------------------------


def test_participation_over_time_per_month_and_quarter(girisekar):
    url = reverse("facilitation:participation")
    response = girisekar.get(url, {"period": "month"})
    assert response.status_code == 200
    rows = response.context["rows"]
    assert len(rows) >= 12  # the demo's year, month by month
    assert all(row.activities >= 1 for _label, row in rows)
    html = _html(response)
    assert "<svg" in html and 'data-testid="participation-table"' in html
    assert 'data-testid="capture-flag"' in html
    assert "came from the tenth of participants who spoke most" in html
    quarters = girisekar.get(url).context["rows"]  # quarters unless asked
    assert len(quarters) < len(rows)
    assert sum(row.activities for _l, row in quarters) == sum(row.activities for _l, row in rows)


def test_participation_shares_are_counted_by_hand(girisekar, demo):
    # Alone in Sidoharjo's figures for the manager: one activity far from the demo's months.
    manager = demo.users["manajer"]
    activity = activity_record(
        user=manager,
        programme=demo.programme,
        village_code=SIDOHARJO,
        kind="fgd",
        title="FGD",
        held_on=datetime.date(2025, 3, 3),
        initiated_by="community",
        stage="pendampingan",
        level="mezzo",
    )
    women = list(_adults(SIDOHARJO, sex="P")[:3])
    man = _adults(SIDOHARJO, sex="L").first()
    for person in [*women, man]:
        attendance_record(activity=activity, person=person)
    client = in_english(Client())
    signed_in(client, manager)
    rows = client.get(
        reverse("facilitation:participation"), {"village": SIDOHARJO, "period": "month"}
    ).context["rows"]
    _label, march = rows[0]
    assert march.start == datetime.date(2025, 3, 1)
    assert (march.activities, march.attendances, march.persons) == (1, 4, 4)
    assert march.women_share == 3 / 4 and march.community_share == 1


def test_a_viewer_sees_participation_figures_but_no_names(login):
    response = login("pemantau").get(reverse("facilitation:participation"))
    assert response.status_code == 200
    assert response.context["rows"]


def test_an_elite_capture_is_explained_and_flagged(login, demo):
    # A programme of its own, where one man makes every proposal and decision.
    from berdaya.programmes.services import programme_create

    programme = programme_create(
        organisation=demo.organisation,
        name="Program uji suara",
        start_date=datetime.date(2025, 1, 1),
        planned_duration_months=48,
        village_codes=[GIRISEKAR],
    ).programme
    manager = in_english(login("manajer"))
    manager.post(reverse("core:workspace-switch"), {"programme": programme.pk})
    activity = activity_record(
        user=demo.users["manajer"],
        programme=programme,
        village_code=GIRISEKAR,
        kind="musyawarah",
        title="Musyawarah",
        held_on=datetime.date(2026, 3, 2),
        initiated_by="facilitator",
        stage="pendampingan",
        level="macro",
    )
    speaker = _adults(GIRISEKAR, sex="L").first()
    for person in _adults(GIRISEKAR).exclude(pk=speaker.pk)[:30]:
        attendance_record(activity=activity, person=person)
    attendance_record(activity=activity, person=speaker, spoke=True, proposed=True, decided=True)
    response = manager.get(reverse("facilitation:participation"))
    capture = response.context["capture"]
    assert (capture.voices, capture.top_speakers_share, capture.flagged) == (2, 1, True)
    html = _html(response)
    assert "may be taking the decisions" in html
    assert "100% of them came from the tenth of participants who spoke most" in html


# -- the facilitator's page --------------------------------------------------------------------


def test_my_work_lists_upcoming_activities_late_tasks_and_groups_due(girisekar, demo):
    from berdaya.planning.models import ActionTask

    today = timezone.localdate()
    soon = activity_record(
        user=demo.users[FACILITATOR],
        programme=demo.programme,
        village_code=GIRISEKAR,
        kind="visit",
        title="Kunjungan minggu depan",
        held_on=today + datetime.timedelta(days=5),
        initiated_by="facilitator",
        stage="pendampingan",
        level="micro",
    )
    # The demo's water tank was due in October 2026 and is still being built.
    late = ActionTask.objects.get(title="Bangun bak penampungan 20 m³")
    assert late.status == "doing" and late.due_on < today
    response = girisekar.get(reverse("facilitation:my-work"))
    assert response.status_code == 200
    work = response.context["work"]
    assert soon in work.upcoming
    assert late.pk in {task.pk for task in work.overdue_tasks}
    assert [v.code for v in work.villages] == [GIRISEKAR]
    assert all(group.village_id == GIRISEKAR for group in work.groups_due)
    html = _html(response)
    assert "Kunjungan minggu depan" in html and late.title in html
    assert len(response.content) < 20_000  # small enough for a weak connection


def test_the_dashboard_links_to_my_work(girisekar):
    response = girisekar.get(reverse("core:dashboard"))
    assert reverse("facilitation:my-work") in _html(response)


def test_a_group_meeting_is_prefilled_from_the_group_page(girisekar, demo):
    from berdaya.groups.models import Group

    group = Group.objects.filter(organisation=demo.organisation, village_id=GIRISEKAR).first()
    response = girisekar.get(reverse("facilitation:activity-create"), {"group": group.pk})
    initial = response.context["form"].initial
    assert (initial["kind"], initial["group"]) == ("group_meeting", str(group.pk))
    other = Group.objects.filter(organisation=demo.organisation, village_id=SIDOHARJO).first()
    response = girisekar.get(reverse("facilitation:activity-create"), {"group": other.pk})
    assert "group" not in response.context["form"].initial  # not the facilitator's group
    assert girisekar.get(reverse("facilitation:activity-create"), {"group": "x"}).status_code == 200
