"""Reads for the village profile: aggregates of the registry and the community's records.

Everything here is scoped by the access rule. The registry part uses the *figures*
scope (`registry.selectors.households_for_figures`): viewers see the profile too, so
these functions return counts and shares only, never a household or a person.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import pandas as pd
from django.db.models import Count, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from berdaya.areas.models import Village
from berdaya.areas.selectors import village_get
from berdaya.core.access import (
    get_visible_or_404,
    organisation_ids_for,
    village_codes_for,
    visible_to,
)
from berdaya.core.errors import NotFound, ValidationFailed
from berdaya.registry import choices, indicators
from berdaya.registry.models import Household, HouseholdSurvey, Person
from berdaya.registry.selectors import households_for_figures, persons_for_figures, schemes_for

from .models import Capital, CapitalItem, Institution, PastProgramme


def village_for_user(*, user, code: str) -> Village:
    """A village the user works in (any role); any other code answers 404."""
    try:
        village = village_get(code=code)
    except ValidationFailed as error:  # not even a code: the page does not exist
        raise NotFound(error.message) from error
    if village.code not in village_codes_for(user):
        raise Http404
    return village


def institutions_of(*, user, village: Village) -> QuerySet[Institution]:
    return visible_to(user, Institution.objects.filter(village=village))


def past_programmes_of(*, user, village: Village) -> QuerySet[PastProgramme]:
    return visible_to(user, PastProgramme.objects.filter(village=village))


def capital_items_of(*, user, village: Village) -> QuerySet[CapitalItem]:
    return visible_to(user, CapitalItem.objects.filter(village=village))


def institution_get(*, user, pk: int) -> Institution:
    return get_visible_or_404(user, Institution.objects.select_related("village"), pk=pk)


def past_programme_get(*, user, pk: int) -> PastProgramme:
    return get_visible_or_404(user, PastProgramme.objects.select_related("village"), pk=pk)


def capital_item_get(*, user, pk: int) -> CapitalItem:
    return get_visible_or_404(user, CapitalItem.objects.select_related("village"), pk=pk)


# -- the profile -------------------------------------------------------------------------------

AGE_BANDS = [(low, low + 4) for low in range(0, 75, 5)] + [(75, None)]


@dataclass
class Share:
    label: str
    count: int
    total: int

    @property
    def percent(self) -> int:
        return round(100 * self.count / self.total) if self.total else 0


@dataclass
class Question:
    label: str
    answers: list[Share]


@dataclass
class SchemeCoverage:
    name: str
    enrolled: int
    poor_not_enrolled: int | None  # None until poverty statuses are known
    enrolled_not_poor: int | None


@dataclass
class CapitalScore:
    capital: str
    label: str
    registry: float | None  # 0–100 from registry indicators
    assessed: float | None  # 0–100 from facilitator-entered items
    parts: list[tuple[str, float | None]] = field(default_factory=list)
    items: int = 0

    @property
    def score(self) -> float | None:
        known = [v for v in (self.registry, self.assessed) if v is not None]
        return sum(known) / len(known) if known else None


@dataclass
class VillageFigures:
    households: int
    persons: int
    women: int
    children: int
    elderly: int
    unknown_age: int
    pyramid: list[dict]
    living: list[Question]
    coverage: list[SchemeCoverage]
    vulnerabilities: list[Share]
    disasters: list[Share]
    mpi: indicators.MPISummary
    capitals: list[CapitalScore]


LIVING_QUESTIONS = (
    ("floor", choices.Floor),
    ("water", choices.Water),
    ("sanitation", choices.Sanitation),
    ("electricity", choices.Electricity),
    ("cooking_fuel", choices.CookingFuel),
)


def _band(age: int) -> int:
    return min(age // 5, len(AGE_BANDS) - 1)


def _band_label(index: int) -> str:
    low, high = AGE_BANDS[index]
    return f"{low}+" if high is None else f"{low}–{high}"


def village_figures(*, user, village: Village) -> VillageFigures:
    """The registry's aggregates for the village profile (viewers included)."""
    today = timezone.localdate()
    households = households_for_figures(user).filter(
        village=village, status=Household.Status.ACTIVE
    )
    persons = persons_for_figures(user).filter(
        household__in=households.values("pk"), status=Person.Status.PRESENT
    )
    counts: Counter = Counter()
    women = children = elderly = unknown = 0
    for sex, birth in persons.values_list("sex", "birth_date"):
        women += sex == Person.Sex.FEMALE
        age = indicators.age_on(birth, today)
        if age is None:
            unknown += 1
            continue
        children += age < 18
        elderly += age >= 60
        counts[(_band(age), sex)] += 1
    pyramid = [
        {"band": _band_label(i), "order": i, "sex": sex, "count": counts[(i, sex)]}
        for i in range(len(AGE_BANDS))
        for sex in (Person.Sex.MALE, Person.Sex.FEMALE)
    ]
    table = indicators.household_table(households, today=today)
    statuses = indicators.poverty(table)
    mpi = indicators.mpi_summary(table, statuses)
    return VillageFigures(
        households=len(table),
        persons=sum(counts.values()) + unknown,
        women=women,
        children=children,
        elderly=elderly,
        unknown_age=unknown,
        pyramid=pyramid,
        living=_living(households),
        coverage=_coverage(user, table, statuses),
        vulnerabilities=_vulnerabilities(table, persons),
        disasters=_disasters(households),
        mpi=mpi,
        capitals=capital_scores(user=user, village=village, table=table),
    )


def _living(households: QuerySet[Household]) -> list[Question]:
    surveys = HouseholdSurvey.objects.filter(pk__in=households.values("latest_survey_id"))
    total = households.count()
    questions = []
    for name, choice in LIVING_QUESTIONS:
        labels = dict(choice.choices)
        rows = surveys.values(name).annotate(n=Count("pk")).order_by("-n", name)
        answers = [
            Share(str(labels.get(row[name], row[name])), row["n"], total)
            for row in rows
            if row[name]
        ]
        known = sum(a.count for a in answers)
        if total - known:
            answers.append(Share(_("Not known"), total - known, total))
        label = HouseholdSurvey._meta.get_field(name).verbose_name
        questions.append(Question(str(label).capitalize(), answers))
    return questions


def _coverage(user, table: pd.DataFrame, statuses) -> list[SchemeCoverage]:
    schemes = list(schemes_for(organisation_ids_for(user)))
    enrolled = {s.code: set() for s in schemes}
    for pk, codes in zip(table["household_id"], table["schemes"].fillna(""), strict=True):
        for code in codes.split():
            enrolled.setdefault(code, set()).add(int(pk))
    known = {pk: item for pk, item in statuses.items() if item.status != "unknown"}
    result = []
    if known:
        from berdaya.analysis.poverty import Coverage, Scheme

        frame = pd.DataFrame(
            {
                "household_id": list(known),
                "poor": [item.is_poor for item in known.values()],
                **{f"enrolled_{s.code}": [pk in enrolled[s.code] for pk in known] for s in schemes},
            }
        )
        measure = Coverage(
            [Scheme(s.code, eligible="poor", enrolled=f"enrolled_{s.code}") for s in schemes]
        )
        overall = indicators.cached(
            "coverage", frame, lambda: measure.compute(frame).overall.to_pandas()
        ).set_index("scheme")
    for scheme in schemes:
        row = overall.loc[scheme.code] if known else None
        result.append(
            SchemeCoverage(
                name=scheme.name,
                enrolled=len(enrolled[scheme.code]),
                poor_not_enrolled=None if row is None else int(row["eligible_not_enrolled"]),
                enrolled_not_poor=None if row is None else int(row["enrolled_not_eligible"]),
            )
        )
    return result


def _true_count(series: pd.Series) -> int:
    return int(series.fillna(False).astype(bool).sum())


def _vulnerabilities(table: pd.DataFrame, persons: QuerySet[Person]) -> list[Share]:
    total = len(table)
    disabled = sum(1 for d in persons.values_list("disabilities", flat=True) if d)
    people = persons.count()
    return [
        Share(_("Female-headed households"), _true_count(table["female_head"]), total),
        Share(_("Elderly people living alone (60+)"), _true_count(table["elderly_alone"]), total),
        Share(
            _("Child-headed households (head under 18)"), _true_count(table["child_headed"]), total
        ),
        Share(_("Households hit by a disaster"), _true_count(table["hit_by_disaster"]), total),
        Share(
            _("Households with a member with a disability"),
            _true_count(table["member_with_disability"]),
            total,
        ),
        Share(_("Persons with a disability (of all persons)"), disabled, people),
    ]


def _disasters(households: QuerySet[Household]) -> list[Share]:
    total = households.count()
    counter: Counter = Counter()
    surveys = HouseholdSurvey.objects.filter(pk__in=households.values("latest_survey_id"))
    for disasters in surveys.values_list("disasters", flat=True):
        counter.update(set(disasters or ()))
    labels = dict(choices.Disaster.choices)
    return [Share(str(labels.get(k, k)), n, total) for k, n in counter.most_common()]


# -- the five capitals -------------------------------------------------------------------------

ACTIVE_INSTITUTIONS_FOR_FULL_SCORE = 5

# Short names for the chart's spokes.
CAPITAL_SHORT = {
    Capital.HUMAN: gettext_lazy("Human"),
    Capital.SOCIAL: gettext_lazy("Social"),
    Capital.NATURAL: gettext_lazy("Natural"),
    Capital.PHYSICAL: gettext_lazy("Physical"),
    Capital.FINANCIAL: gettext_lazy("Financial"),
}

CAPITAL_FORMULAS = {
    Capital.HUMAN: gettext_lazy(
        "people 15+ with at least six years of schooling; children 7–15 in school; "
        "children under 5 not undernourished; people without a chronic illness"
    ),
    Capital.SOCIAL: gettext_lazy(
        "active local institutions recorded for the village (five or more = 100)"
    ),
    Capital.NATURAL: gettext_lazy(
        "households farming land; keeping livestock; with safe drinking water; "
        "not hit by a disaster"
    ),
    Capital.PHYSICAL: gettext_lazy(
        "households with adequate housing; electricity; an own or shared toilet; "
        "clean cooking fuel; a motorcycle, bicycle or car"
    ),
    Capital.FINANCIAL: gettext_lazy(
        "households with savings; without debts; with an income over Rp1 million a month; "
        "owning two or more assets or a car"
    ),
}


def _share(numerator: float, denominator: float) -> float | None:
    return 100 * numerator / denominator if denominator else None


def _known_share(series: pd.Series, *, invert: bool = False) -> float | None:
    known = series.dropna()
    if known.empty:
        return None
    share = 100 * known.astype(bool).mean()
    return 100 - share if invert else share


def _mean(values) -> float | None:
    known = [v for v in values if v is not None]
    return sum(known) / len(known) if known else None


def _registry_parts(table: pd.DataFrame, active_institutions: int) -> dict[str, list]:
    def total(column: str) -> int:
        return int(table[column].fillna(0).sum())

    people = total("household_size")
    assets_ok = table["small_assets"].ge(2) | table["owns_car"].fillna(False).astype(bool)
    assets_ok = assets_ok.where(table["small_assets"].notna())
    return {
        Capital.HUMAN: [
            (
                _("Schooling (15+)"),
                _share(total("persons_15_plus_schooled"), total("persons_15_plus")),
            ),
            (_("In school (7–15)"), _share(total("children_attending"), total("children_7_15"))),
            (
                _("Well nourished (under 5)"),
                None
                if not total("under_5")
                else 100 - _share(total("under_5_undernourished"), total("under_5")),
            ),
            (
                _("Without chronic illness"),
                None if not people else 100 - _share(total("chronically_ill"), people),
            ),
        ],
        Capital.SOCIAL: [
            (
                _("Active institutions"),
                100 * min(1, active_institutions / ACTIVE_INSTITUTIONS_FOR_FULL_SCORE),
            ),
        ],
        Capital.NATURAL: [
            (_("Farm land"), _known_share(table["farms_land"])),
            (_("Livestock"), _known_share(table["keeps_livestock"])),
            (_("Safe drinking water"), _known_share(table["safe_drinking_water"])),
            (_("No disaster"), _known_share(table["hit_by_disaster"], invert=True)),
        ],
        Capital.PHYSICAL: [
            (_("Adequate housing"), _known_share(table["adequate_housing"])),
            (_("Electricity"), _known_share(table["has_electricity"])),
            (_("Toilet"), _known_share(table["improved_sanitation"])),
            (_("Clean cooking fuel"), _known_share(table["clean_fuel"])),
            (_("Transport"), _known_share(table["owns_transport"])),
        ],
        Capital.FINANCIAL: [
            (_("Savings"), _known_share(table["has_savings"])),
            (_("No debts"), _known_share(table["has_debt"], invert=True)),
            (_("Income over Rp1 million"), _known_share(table["income_over_1m"])),
            (_("Assets"), _known_share(assets_ok)),
        ],
    }


def capital_scores(*, user, village: Village, table: pd.DataFrame) -> list[CapitalScore]:
    """Each capital 0–100: the mean of its registry shares, averaged with the mean of the
    facilitators' items (very weak = 0, weak = 25, moderate = 50, strong = 75, very
    strong = 100) when there are any."""
    active = institutions_of(user=user, village=village).filter(active=True).count()
    parts = _registry_parts(table, active) if len(table) else {c: [] for c in Capital.values}
    if not len(table):
        parts[Capital.SOCIAL] = [
            (_("Active institutions"), 100 * min(1, active / ACTIVE_INSTITUTIONS_FOR_FULL_SCORE))
        ]
    items: dict[str, list[int]] = {c: [] for c in Capital.values}
    for capital, strength in capital_items_of(user=user, village=village).values_list(
        "capital", "strength"
    ):
        items[capital].append((strength - 1) * 25)
    return [
        CapitalScore(
            capital=capital.value,
            label=str(capital.label),
            registry=_mean(v for _label, v in parts[capital]),
            assessed=_mean(items[capital]),
            parts=parts[capital],
            items=len(items[capital]),
        )
        for capital in Capital
    ]
