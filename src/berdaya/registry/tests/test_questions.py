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
