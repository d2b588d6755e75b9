"""Registering households: one head, valid NIKs, one person once per organisation."""

from __future__ import annotations

import datetime

import pytest

from berdaya.core.crypto import blind_index
from berdaya.core.errors import ValidationFailed
from berdaya.demo.community import GIRISEKAR
from berdaya.organisations.services import organisation_create
from berdaya.registry.models import Household, Person
from berdaya.registry.services import MemberInput, household_register

HEAD = Person.Relation.HEAD
SPOUSE = Person.Relation.SPOUSE
CHILD = Person.Relation.CHILD
# District 34.03.06, born 12 March 1980 (man) / 45 = 5 + 40 May 1983 (woman).
NIK_HEAD = "3403061203800901"
NIK_SPOUSE = "3403064505830901"


def _counts() -> tuple[int, int]:
    return Household.objects.count(), Person.objects.count()


def _register(demo, members, *, organisation=None, kk=""):
    return household_register(
        organisation=organisation or demo.organisation,
        village=demo.villages[GIRISEKAR],
        members=members,
        kk=kk,
        dusun="Dusun Uji",
    )


def _head(nik: str = NIK_HEAD) -> MemberInput:
    return MemberInput(
        name="Paimin", sex="L", relation=HEAD, birth_date=datetime.date(1980, 3, 12), nik=nik
    )


def _spouse(nik: str = NIK_SPOUSE) -> MemberInput:
    return MemberInput(
        name="Sumini", sex="P", relation=SPOUSE, birth_date=datetime.date(1983, 5, 5), nik=nik
    )


def test_a_household_with_one_head_is_registered_with_its_members(demo):
    household = _register(demo, [_head(), _spouse()], kk="3403 0612 0380 0901")
    household.refresh_from_db()
    assert household.head.name == "Paimin"
    assert [m.nik for m in household.members.order_by("pk")] == [NIK_HEAD, NIK_SPOUSE]
    assert household.kk == "3403061203800901"
    assert household.village_id == GIRISEKAR


@pytest.mark.parametrize(
    "members",
    [
        [],
        [_spouse()],
        [_head(), MemberInput(name="Paijo", sex="L", relation=HEAD, nik="")],
    ],
    ids=["nobody", "no-head", "two-heads"],
)
def test_a_household_needs_exactly_one_head(demo, members):
    before = _counts()
    with pytest.raises(ValidationFailed) as caught:
        _register(demo, members)
    assert caught.value.field == "members"
    assert _counts() == before


@pytest.mark.parametrize("nik", ["340306120380090", "34030612038009011", "3403-0612-0380-090"])
def test_a_nik_without_16_digits_is_refused_without_repeating_the_nik(demo, nik):
    before = _counts()
    with pytest.raises(ValidationFailed) as caught:
        _register(demo, [_head(nik=nik)])
    digits = nik.replace("-", "")
    message = caught.value.message
    assert digits not in message
    assert nik not in message
    assert digits[4:-2] not in message  # the middle digits (birth date, serial) stay hidden
    assert str(len(digits)) in message
    assert caught.value.field == "members.0.nik"
    assert _counts() == before


def test_a_short_kk_is_refused_without_repeating_it(demo):
    with pytest.raises(ValidationFailed) as caught:
        _register(demo, [_head()], kk="340306120380090")
    assert "340306120380090" not in caught.value.message
    assert caught.value.field == "kk"


def test_a_nik_already_registered_in_the_organisation_is_refused_and_nothing_is_written(demo):
    existing = Person.objects.filter(organisation=demo.organisation).exclude(nik_hash="").first()
    before = _counts()

    with pytest.raises(ValidationFailed) as caught:
        _register(demo, [_head(), _spouse(nik=existing.nik)])

    assert existing.nik not in caught.value.message
    assert caught.value.field == "members.1.nik"
    # The household and its head were created first; the whole registration is undone.
    assert _counts() == before
    assert not Person.objects.filter(nik_hash=blind_index(NIK_HEAD)).exists()


def test_the_same_nik_twice_in_one_household_is_refused(demo):
    before = _counts()
    with pytest.raises(ValidationFailed):
        _register(demo, [_head(), _spouse(nik=NIK_HEAD)])
    assert _counts() == before


def test_a_nik_written_with_spaces_is_the_same_person(demo):
    _register(demo, [_head()])
    spaced = f"{NIK_HEAD[:6]} {NIK_HEAD[6:12]} {NIK_HEAD[12:]}"
    with pytest.raises(ValidationFailed):
        _register(demo, [_head(nik=spaced)])


def test_the_same_nik_may_be_registered_by_another_organisation(demo):
    existing = Person.objects.filter(organisation=demo.organisation).exclude(nik_hash="").first()
    other = organisation_create(name="Pemerintah Kalurahan Uji", kind="village_government")

    household = _register(demo, [_head(nik=existing.nik)], organisation=other)

    person = household.members.get()
    assert person.organisation_id == other.pk
    assert person.nik == existing.nik
    assert person.nik_hash == existing.nik_hash
    assert Person.objects.filter(nik_hash=existing.nik_hash).count() == 2


def test_members_without_a_nik_are_allowed(demo):
    child = MemberInput(name="Bayi", sex="P", relation=CHILD, birth_date=datetime.date(2024, 12, 1))
    household = _register(demo, [_head(), child, MemberInput(name="Adik", sex="L", relation=CHILD)])
    assert household.members.filter(nik_hash="").count() == 2


def test_every_survey_answer_of_the_model_is_read_written_and_shown():
    """The form, the household page, imports and exports share one list of answers;
    a new living-conditions field on the model must be added to it, or it would be
    silently dropped by some of them."""
    from berdaya.registry.models import HouseholdSurvey
    from berdaya.registry.records import SURVEY_FIELDS

    bookkeeping = {
        *("id", "household", "surveyed_on", "surveyed_by", "enumerator", "extra", "created_at"),
        "round",  # which survey round it belongs to, not an answer
    }
    answers = {f.name for f in HouseholdSurvey._meta.concrete_fields if f.name not in bookkeeping}
    assert set(SURVEY_FIELDS) == answers
