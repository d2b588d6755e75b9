"""The programme's own survey questions: managers add and remove them, answers are kept."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.urls import reverse

from berdaya.registry import xlsform
from berdaya.registry.models import CustomQuestion, HouseholdSurvey

GIRISEKAR = "34.03.06.2002"


@pytest.fixture
def manager(login):
    client = login("manajer")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # messages checked in English
    return client


def _url(demo, name="registry:programme-questions"):
    return reverse(name, args=[demo.programme.pk])


def _add(client, demo, **fields):
    data = {"label_id": "Jarak ke pasar (km)?", "name": "jarak_pasar", "kind": "integer"}
    data.update(fields)
    return client.post(_url(demo), data)


def test_a_manager_adds_a_question_and_the_programmes_form_asks_it(manager, demo):
    response = _add(
        manager,
        demo,
        label_id="Lahan utama?",
        label_en="Main land?",
        name="lahan_utama",
        kind="select_one",
        choices_text="sawah = Sawah | Rice field\ntegal = Tegalan | Dry field\n\n",
        required="on",
    )
    assert response.status_code == 302
    question = CustomQuestion.objects.get(programme=demo.programme, name="lahan_utama")
    assert question.required
    assert question.choices == [
        {"code": "sawah", "label_id": "Sawah", "label_en": "Rice field"},
        {"code": "tegal", "label_id": "Tegalan", "label_en": "Dry field"},
    ]
    page = manager.get(_url(demo))
    assert "Lahan utama?" in page.content.decode()
    form = xlsform.form_for_programme(demo.programme)
    assert "lahan_utama" in [q.name for q in form.questions()]


@pytest.mark.parametrize(
    ("fields", "field", "reason"),
    [
        ({"name": "Jarak Pasar!"}, "name", "small letters"),
        ({"name": "lantai"}, "name", "not one of Berdaya's own"),  # Berdaya's own question
        ({"kind": "select_one", "choices_text": ""}, "choices_text", "List the answers"),
        ({"kind": "select_one", "choices_text": "a b = A"}, "choices_text", "List the answers"),
        ({"label_id": ""}, "label_id", "required"),
    ],
)
def test_a_bad_question_is_refused_with_the_reason_and_nothing_is_added(
    manager, demo, fields, field, reason
):
    before = CustomQuestion.objects.count()
    response = _add(manager, demo, **fields)
    assert response.status_code == 422
    assert reason in " ".join(response.context["form"].errors[field])
    assert CustomQuestion.objects.count() == before


def test_the_same_name_twice_is_refused(manager, demo):
    assert _add(manager, demo).status_code == 302
    response = _add(manager, demo, label_id="Lagi?")
    assert response.status_code == 422
    assert "already has a question with this name" in response.content.decode()
    assert CustomQuestion.objects.filter(programme=demo.programme).count() == 1


def test_a_question_with_answers_stays_and_one_without_is_removed(manager, demo):
    _add(manager, demo)
    _add(manager, demo, name="punya_hp", kind="yes_no", label_id="Punya HP?")
    answered = CustomQuestion.objects.get(name="jarak_pasar")
    unanswered = CustomQuestion.objects.get(name="punya_hp")
    survey = HouseholdSurvey.objects.filter(
        household__organisation=demo.organisation, household__village_id=GIRISEKAR
    ).first()
    survey.extra = {**survey.extra, "jarak_pasar": 3}
    survey.save(update_fields=["extra"])

    kept = manager.post(
        _url(demo, "registry:programme-question-remove"), {"question": answered.pk}, follow=True
    )
    assert "already answered this question" in kept.content.decode()
    assert CustomQuestion.objects.filter(pk=answered.pk).exists()

    manager.post(_url(demo, "registry:programme-question-remove"), {"question": unanswered.pk})
    assert not CustomQuestion.objects.filter(pk=unanswered.pk).exists()


def test_a_facilitator_sees_the_questions_but_cannot_change_them(login, demo, manager):
    _add(manager, demo)
    question = CustomQuestion.objects.get(name="jarak_pasar")
    facilitator = login("pendamping.girisekar")
    page = facilitator.get(_url(demo))
    assert page.status_code == 200 and not page.context["manages"]
    assert b'data-testid="question-form"' not in page.content
    assert _add(facilitator, demo, name="lain").status_code == 403
    removed = facilitator.post(
        _url(demo, "registry:programme-question-remove"), {"question": question.pk}
    )
    assert removed.status_code == 403
    assert CustomQuestion.objects.filter(programme=demo.programme).count() == 1


def test_removing_a_question_that_is_not_the_programmes_says_so(manager, demo):
    _add(manager, demo)
    response = manager.post(
        _url(demo, "registry:programme-question-remove"), {"question": 999999}, follow=True
    )
    assert "is not in the programme" in response.content.decode()
    assert CustomQuestion.objects.filter(programme=demo.programme).count() == 1


# -- answering on the household's survey page ---------------------------------------------------


def _ask_every_kind(demo) -> None:
    from berdaya.registry.services import custom_question_add

    two = [
        {"code": "sawah", "label_id": "Sawah", "label_en": "Rice field"},
        {"code": "tegal", "label_id": "Tegalan", "label_en": "Dry field"},
    ]
    for position, (name, kind, label_id, label_en, choices, required) in enumerate(
        [
            (
                "jarak_pasar",
                "integer",
                "Jarak ke pasar (km)?",
                "Distance to market (km)?",
                [],
                True,
            ),
            ("luas_kolam", "decimal", "Luas kolam (ha)?", "", [], False),
            ("panen_terakhir", "date", "Panen terakhir?", "Last harvest?", [], False),
            ("ikut_koperasi", "yes_no", "Ikut koperasi?", "In a cooperative?", [], False),
            ("lahan_utama", "select_one", "Lahan utama?", "Main land?", two, False),
            ("lahan_lain", "select_multiple", "Lahan lain?", "Other land?", two, False),
            ("catatan_program", "text", "Catatan program?", "", [], False),
        ]
    ):
        custom_question_add(
            programme=demo.programme,
            name=name,
            kind=kind,
            label_id=label_id,
            label_en=label_en,
            choices=choices,
            required=required,
            position=position,
        )


def _household(demo):
    from berdaya.registry.models import Household

    return Household.objects.filter(
        organisation=demo.organisation, village_id=GIRISEKAR, latest_survey__isnull=False
    ).order_by("pk")[0]


ANSWERS = {
    "surveyed_on": "2026-10-01",
    "extra_jarak_pasar": "7",
    "extra_luas_kolam": "0.25",
    "extra_panen_terakhir": "2026-09-12",
    "extra_ikut_koperasi": "1",
    "extra_lahan_utama": "tegal",
    "extra_lahan_lain": ["sawah", "tegal"],
    "extra_catatan_program": "",
}


def test_the_programmes_questions_are_answered_on_the_survey_page_and_shown(login, demo):
    _ask_every_kind(demo)
    household = _household(demo)
    client = login("pendamping.girisekar")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    url = reverse("registry:survey-add", args=[household.pk])
    page = client.get(url).content.decode()
    assert "Distance to market (km)?" in page and "Rice field" in page
    assert "Luas kolam (ha)?" in page  # no English wording: the Indonesian one

    response = client.post(url, ANSWERS)

    assert response.status_code == 302
    survey = HouseholdSurvey.objects.filter(household=household).latest("pk")
    assert survey.extra == {
        "jarak_pasar": 7,
        "luas_kolam": 0.25,
        "panen_terakhir": "2026-09-12",
        "ikut_koperasi": True,
        "lahan_utama": "tegal",
        "lahan_lain": ["sawah", "tegal"],
    }
    detail = client.get(reverse("registry:household-detail", args=[household.pk]))
    answers = dict(detail.context["latest"][1])
    assert answers["Distance to market (km)?"] == "7"
    assert answers["In a cooperative?"] == "Yes"
    assert answers["Main land?"] == "Dry field"
    assert answers["Other land?"] == "Rice field, Dry field"
    assert answers["Catatan program?"] == "—"
    # The next survey starts from these answers.
    again = client.get(url)
    assert again.context["form"]["extra_lahan_utama"].value() == "tegal"
    assert again.context["form"]["extra_ikut_koperasi"].value() == "1"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"extra_jarak_pasar": ""}, "extra_jarak_pasar"),  # required
        ({"extra_jarak_pasar": "tujuh"}, "extra_jarak_pasar"),
        ({"extra_lahan_utama": "hutan"}, "extra_lahan_utama"),  # not one of its answers
        ({"extra_panen_terakhir": "2026-02-30"}, "extra_panen_terakhir"),
    ],
)
def test_a_wrong_answer_to_a_programme_question_is_shown_and_nothing_saved(
    login, demo, change, field
):
    _ask_every_kind(demo)
    household = _household(demo)
    before = HouseholdSurvey.objects.filter(household=household).count()
    client = login("pendamping.girisekar")
    response = client.post(
        reverse("registry:survey-add", args=[household.pk]), {**ANSWERS, **change}
    )
    assert response.status_code == 422
    assert field in response.context["form"].errors
    assert HouseholdSurvey.objects.filter(household=household).count() == before


def test_the_service_refuses_an_answer_to_a_question_nobody_asks(demo):
    from berdaya.core.errors import ValidationFailed
    from berdaya.registry.services import household_survey_record

    household = _household(demo)
    before = HouseholdSurvey.objects.filter(household=household).count()
    with pytest.raises(ValidationFailed, match="tidak_ditanya"):
        household_survey_record(
            household=household,
            survey={},
            surveyed_on=household.latest_survey.surveyed_on,
            programme_answers={"tidak_ditanya": 1},
        )
    assert HouseholdSurvey.objects.filter(household=household).count() == before


def test_a_survey_without_any_answer_is_refused(demo):
    from berdaya.core.errors import ValidationFailed
    from berdaya.registry.services import household_survey_record

    household = _household(demo)
    before = HouseholdSurvey.objects.filter(household=household).count()
    with pytest.raises(ValidationFailed):
        household_survey_record(
            household=household,
            survey={"floor": "", "assets": [], "cattle": None},
            surveyed_on=household.latest_survey.surveyed_on,
        )
    assert HouseholdSurvey.objects.filter(household=household).count() == before
