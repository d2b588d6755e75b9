"""The mapping survey's network questions, and the ties their answers record.

The XLSForm (registry/xlsform.py) and the imports (registry/) add these rows and call
`survey_ties_record`; the questions and the reading of their answers live here so the
registry only carries a hook.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from .models import Tie
from .services import network_changed

MAX_NAMES = 3  # names asked for per question

#: name, kind of tie, label: one select_multiple of the village's people per question
#: (the answer is their registry ids; a name typed instead is kept to match later).
QUESTIONS = (
    (
        "advice_from",
        Tie.Kind.ADVICE,
        _("To whom do you go for advice on farming, money or family matters?"),
    ),
    ("opinion_matters", Tie.Kind.OPINION, _("Whose opinion matters in village meetings?")),
)


@dataclass(frozen=True)
class SurveyAnswer:
    """One respondent naming one person (a registry id, or a name to match later)."""

    respondent_id: int
    kind: str
    target_id: int | None = None
    target_name: str = ""


def answers_from_row(respondent_id: int, row: dict) -> list[SurveyAnswer]:
    """The network answers of one imported survey row: space-separated ids or names."""
    answers = []
    for name, kind, _label in QUESTIONS:
        for value in str(row.get(name) or "").split()[:MAX_NAMES]:
            if value.isdigit():
                answers.append(SurveyAnswer(respondent_id, kind, target_id=int(value)))
            else:
                answers.append(SurveyAnswer(respondent_id, kind, target_name=value[:150]))
    return answers


@transaction.atomic
def survey_ties_record(
    *, organisation, village_code: str, answers: Iterable[SurveyAnswer], on: datetime.date
) -> int:
    """Record the network answers of a survey; a respondent's earlier survey answers of the
    same day are replaced (an import run twice records them once)."""
    from berdaya.registry.models import Person

    answers = list(answers)
    people = set(
        Person.objects.filter(
            organisation=organisation, household__village_id=village_code
        ).values_list("pk", flat=True)
    )
    respondents = {a.respondent_id for a in answers if a.respondent_id in people}
    Tie.objects.filter(
        organisation=organisation,
        source=Tie.Source.SURVEY,
        source_person_id__in=respondents,
        on=on,
    ).delete()
    rows = [
        Tie(
            organisation=organisation,
            village_id=village_code,
            source_person_id=a.respondent_id,
            target_id=a.target_id if a.target_id in people else None,
            target_name="" if a.target_id in people else (a.target_name or str(a.target_id)),
            kind=a.kind,
            source=Tie.Source.SURVEY,
            on=on,
        )
        for a in answers
        if a.respondent_id in respondents
        and a.target_id != a.respondent_id
        and (a.target_id is not None or a.target_name.strip())
    ]
    # Bulk, so the audit trail sees the import that wrote them rather than each tie.
    Tie.objects.bulk_create(rows, batch_size=2000)
    network_changed(organisation_id=organisation.pk, village_code=village_code)
    return len(rows)
