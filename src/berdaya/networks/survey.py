"""The mapping survey's network questions, and the ties their answers record.

The XLSForm (registry/xlsform.py) asks them in the members repeat, of every member old
enough (`ASKED_FROM_AGE`): whom they go to for advice, whose opinion matters in village
meetings — up to `MAX_NAMES` people per question, picked from the village's people
(registry ids, a list made with the programme's form) or written in when not on the list.
An import (registry/services/imports.py) checks the picked ids and, in the same
transaction as the households, records the answers as ties with source "survey" and the
survey's date (`import_ties_record`). A written name is matched to the one person of the
village with that name when there is exactly one; otherwise it is kept as written, to be
matched later (`Tie.target_name`).
"""

from __future__ import annotations

import datetime
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import Tie
from .services import network_changed

MAX_NAMES = 3  # people named per question, picked and written together
ASKED_FROM_AGE = 15  # full years on the survey date

#: name in the form, kind of tie, label: a select_multiple of the village's people per
#: question (its answer: registry ids) and a text `<name>_lain` for names not on the list.
QUESTIONS = (
    (
        "advice_from",
        Tie.Kind.ADVICE,
        gettext_lazy("To whom do you go for advice on farming, money or family matters?"),
    ),
    (
        "opinion_matters",
        Tie.Kind.OPINION,
        gettext_lazy("Whose opinion matters in village meetings?"),
    ),
)

_SEPARATORS = re.compile(r"[,;\n]+")


def picked_of(value) -> list[str]:
    """The registry ids of a select_multiple answer (a list, or codes split by spaces)."""
    if value in (None, ""):
        return []
    items = value if isinstance(value, list | tuple) else str(value).split()
    return [str(item).strip() for item in items if str(item).strip()]


def names_of(value) -> list[str]:
    """The names written in: separated by commas, semicolons or lines."""
    if not value:
        return []
    return [" ".join(name.split())[:150] for name in _SEPARATORS.split(str(value)) if name.strip()]


def _name_key(name: str) -> str:
    return " ".join(name.casefold().split())


@dataclass(frozen=True)
class SurveyAnswer:
    """One respondent naming one person (a registry id, or a name to match later)."""

    respondent_id: int
    kind: str
    target_id: int | None = None
    target_name: str = ""
    on: datetime.date | None = None  # the survey's date; the call's `on` when empty


def answers_of_member(respondent_id: int, network: Mapping[str, object], on=None):
    """The network answers of one imported member (`MemberRecord.network`)."""
    answers = []
    for name, kind, _label in QUESTIONS:
        for value in picked_of(network.get(name)):
            if value.isdigit():
                answers.append(SurveyAnswer(respondent_id, kind, target_id=int(value), on=on))
        for written in names_of(network.get(f"{name}_names")):
            answers.append(SurveyAnswer(respondent_id, kind, target_name=written, on=on))
    return answers


@transaction.atomic
def survey_ties_record(
    *,
    organisation,
    village_code: str,
    answers: Iterable[SurveyAnswer],
    on: datetime.date,
    refresh: bool = True,
) -> int:
    """Record the network answers of a survey; a respondent's earlier survey answers of the
    same day are replaced (an import run twice records them once). A written name that is
    exactly one person of the village is matched to them."""
    from berdaya.registry.models import Person

    answers = [a if a.on else replace(a, on=on) for a in answers]
    people = dict(
        Person.objects.filter(
            organisation=organisation, household__village_id=village_code
        ).values_list("pk", "name")
    )
    by_name: dict[str, list[int]] = defaultdict(list)
    for pk, name in people.items():
        by_name[_name_key(name)].append(pk)
    respondents = {(a.respondent_id, a.on) for a in answers if a.respondent_id in people}
    for day in {day for _pk, day in respondents}:
        Tie.objects.filter(
            organisation=organisation,
            source=Tie.Source.SURVEY,
            source_person_id__in=[pk for pk, d in respondents if d == day],
            on=day,
        ).delete()
    rows = []
    for a in answers:
        if (a.respondent_id, a.on) not in respondents:
            continue
        if a.target_id is not None and a.target_id not in people:
            continue  # not a person of the village (the import refuses such a file)
        target_id = a.target_id
        name = "" if target_id else " ".join(a.target_name.split())
        if target_id is None and name:
            same = by_name.get(_name_key(name), [])
            if len(same) == 1:
                target_id, name = same[0], ""
        if target_id == a.respondent_id or (target_id is None and not name):
            continue
        rows.append(
            Tie(
                organisation=organisation,
                village_id=village_code,
                source_person_id=a.respondent_id,
                target_id=target_id,
                target_name=name,
                kind=a.kind,
                source=Tie.Source.SURVEY,
                on=a.on,
            )
        )
    # Bulk, so the audit trail sees the import that wrote them rather than each tie.
    Tie.objects.bulk_create(rows, batch_size=2000)
    if refresh:
        network_changed(organisation_id=organisation.pk, village_code=village_code)
    return len(rows)


# --- the import's hooks ----------------------------------------------------------------


def _survey_day(record) -> datetime.date:
    from django.utils import timezone

    if record.surveyed_on:
        return record.surveyed_on
    if record.submitted_at:
        return timezone.localdate(record.submitted_at)
    return timezone.localdate()


def import_answer_problems(
    records: Sequence, *, organisation_id: int, village_code: str, column_names=None
):
    """A person picked from the list who is not one of the village's people in the
    organisation's registry (a list from another village's form, or a number typed):
    an error of that row, so the import writes nothing."""
    from berdaya.registry.models import Person
    from berdaya.registry.records import Problem

    wanted: dict[str, set[int]] = defaultdict(set)
    for record in records:
        for member in record.members:
            for name, _kind, _label in QUESTIONS:
                for value in picked_of(member.network.get(name)):
                    if value.isdigit():
                        wanted[record.village_code or village_code].add(int(value))
    if not wanted:
        return []
    known = {
        (code, pk)
        for code, ids in wanted.items()
        for pk in Person.objects.filter(
            organisation_id=organisation_id, household__village_id=code, pk__in=ids
        ).values_list("pk", flat=True)
    }
    problems = []
    for record in records:
        code = record.village_code or village_code
        for member in record.members:
            for name, _kind, _label in QUESTIONS:
                for value in picked_of(member.network.get(name)):
                    if value.isdigit() and (code, int(value)) not in known:
                        problems.append(
                            Problem(
                                member.where.row,
                                member.where.sheet,
                                (column_names or {}).get(f"network.{name}", name),
                                value,
                                _(
                                    "No one of this village's registry has this number: pick "
                                    "people from the list of the village's form."
                                ),
                            )
                        )
    return problems


def import_ties_record(
    *, organisation_id: int, village_code: str, records: Sequence, person_ids: Sequence[int]
) -> int:
    """After an import wrote its people (`person_ids` in the order of the records'
    members): their network answers as survey ties, dated by each household's survey;
    then the villages' network figures are computed again (after the commit)."""
    from berdaya.organisations.models import Organisation

    by_village: dict[str, list[SurveyAnswer]] = defaultdict(list)
    ids = iter(person_ids)
    for record in records:
        day = _survey_day(record)
        for member in record.members:
            person_id = next(ids)
            if member.network:
                by_village[record.village_code or village_code] += answers_of_member(
                    person_id, member.network, day
                )
    if not by_village:
        return 0
    organisation = Organisation.objects.get(pk=organisation_id)
    return sum(
        survey_ties_record(
            organisation=organisation, village_code=code, answers=answers, on=answers[0].on
        )
        for code, answers in by_village.items()
    )
