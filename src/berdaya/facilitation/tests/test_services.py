"""Recording activities and attendance: rules a facilitator relies on."""

import datetime
from fractions import Fraction

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from berdaya.core.errors import PermissionDenied, ValidationFailed
from berdaya.facilitation.models import Activity, Attachment
from berdaya.facilitation.selectors import community_initiative_share, participation
from berdaya.facilitation.services import (
    activity_record,
    attachment_add,
    attendance_record,
    guests_record,
)
from berdaya.registry.models import Person

GIRISEKAR, SIDOHARJO = "34.03.06.2002", "34.03.07.2003"
ON = datetime.date(2025, 5, 20)


def _activity(demo, **overrides) -> Activity:
    arguments = dict(
        user=demo.users["pendamping.girisekar"],
        programme=demo.programme,
        village_code=GIRISEKAR,
        kind="fgd",
        title="FGD air bersih musim kemarau",
        held_on=ON,
        initiated_by="community",
        stage="pendampingan",
        level="mezzo",
        strategies=["participation"],
    )
    arguments.update(overrides)
    return activity_record(**arguments)


def _people(village, **filters):
    return Person.objects.filter(household__village_id=village, status="present", **filters)


def test_an_activity_outside_the_programme_years_is_refused(demo):
    before = Activity.objects.count()  # the demo's year of activities
    with pytest.raises(ValidationFailed) as caught:
        _activity(demo, held_on=datetime.date(2024, 12, 31))
    assert caught.value.field == "held_on"
    assert Activity.objects.count() == before


def test_a_facilitator_records_only_in_their_own_village(demo):
    with pytest.raises(PermissionDenied):
        _activity(demo, village_code=SIDOHARJO)


def test_a_person_from_another_village_cannot_attend_or_initiate(demo):
    outsider = _people(SIDOHARJO).first()
    with pytest.raises(ValidationFailed):
        _activity(demo, initiator_person=outsider)
    activity = _activity(demo)
    with pytest.raises(ValidationFailed) as caught:
        attendance_record(activity=activity, person=outsider)
    assert caught.value.field == "person"
    assert not activity.attendance.exists()


def test_participation_counts_by_hand(demo):
    # Two women and one man attend; one woman proposes and decides, the man speaks;
    # plus 4 unregistered guests: 3 men aged 30–59 and 1 girl. Total 7: 4 men, 3 women.
    activity = _activity(demo)
    women = list(_people(GIRISEKAR, sex="P", birth_date__year__lte=1990)[:2])
    man = _people(GIRISEKAR, sex="L", birth_date__year__lte=1990).first()
    attendance_record(activity=activity, person=women[0], proposed=True, decided=True)
    attendance_record(activity=activity, person=women[1])
    attendance_record(activity=activity, person=man, spoke=True)
    guests_record(activity=activity, sex="L", age_band="adult", count=3)
    guests_record(activity=activity, sex="P", age_band="child", count=1)
    figures = participation([activity])
    assert (figures.total, figures.registered, figures.guests) == (7, 3, 4)
    assert figures.by_sex == {"L": 4, "P": 3}
    assert figures.by_age_band["child"] == 1
    assert figures.roles_by_sex["decided"] == {"P": 1}
    assert figures.roles_by_sex["spoke"] == {"L": 1}
    assert sum(figures.by_poverty.values()) == 3  # every registered person has a status
    assert figures.share(figures.by_sex["P"]) == Fraction(3, 7)
    # Recording the same person again updates, it does not double count.
    attendance_record(activity=activity, person=man, spoke=True, proposed=True)
    assert participation([activity]).registered == 3


def test_who_initiates_is_measured(demo):
    own = _activity(demo)
    theirs = _activity(demo, initiated_by="facilitator", title="Kunjungan rumah")
    external = _activity(demo, initiated_by="external", title="Sosialisasi dinas")
    assert community_initiative_share([own, theirs, external]) == Fraction(1, 3)


JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 100


def test_a_photo_is_kept_and_a_50_mb_photo_or_a_disguised_file_is_refused(demo):
    activity = _activity(demo)
    kept = attachment_add(
        activity=activity, upload=SimpleUploadedFile("rapat.jpg", JPEG), user=None
    )
    assert kept.content_type == "image/jpeg" and kept.size == len(JPEG)
    huge = SimpleUploadedFile("besar.jpg", JPEG)
    huge.size = 50 * 1024 * 1024
    with pytest.raises(ValidationFailed) as caught:
        attachment_add(activity=activity, upload=huge, user=None)
    assert "50" in caught.value.message
    with pytest.raises(ValidationFailed):
        attachment_add(
            activity=activity, upload=SimpleUploadedFile("foto.jpg", b"MZ\x90\x00exe"), user=None
        )
    assert Attachment.objects.count() == 1
