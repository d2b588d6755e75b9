"""Demo ties: advice and opinion answers from the mapping survey, and a year of
co-attendance and co-membership derived from the accompaniment records."""

from __future__ import annotations

import datetime
import random

from berdaya.networks.services import ties_derive
from berdaya.networks.survey import SurveyAnswer, survey_ties_record
from berdaya.registry.models import Person


def demo_networks(community, *, seed: int = 2026) -> None:
    rng = random.Random(seed)
    organisation = community.organisation
    on = datetime.date(2025, 2, 20)
    for code in community.villages:
        people = list(
            Person.objects.filter(
                organisation=organisation, household__village_id=code, status="present"
            )
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        if len(people) < 10:
            continue
        # A few people many go to (Pareto-like), as villages tend to have.
        respected = rng.sample(people, max(3, len(people) // 15))
        answers = []
        for person in people:
            if rng.random() < 0.25:  # not everyone was asked, or answered
                continue
            for target in rng.sample(respected, min(len(respected), rng.randint(1, 3))):
                if target != person:
                    answers.append(SurveyAnswer(person, "advice", target_id=target))
            if rng.random() < 0.6:
                target = rng.choice(respected if rng.random() < 0.7 else people)
                if target != person:
                    answers.append(SurveyAnswer(person, "opinion", target_id=target))
        survey_ties_record(organisation=organisation, village_code=code, answers=answers, on=on)
        ties_derive(organisation=organisation, village_code=code, on=on)
