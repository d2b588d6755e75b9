"""Reads for the village profile: aggregates of the registry and the community's records.

Everything here is scoped by the access rule. The registry part uses the *figures*
scope (`registry.selectors.households_for_figures`): viewers see the profile too, so
these functions return counts and shares only, never a household or a person.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.http import Http404
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
from berdaya.registry import figures as stored
from berdaya.registry.figures import AGE_BANDS
from berdaya.registry.indicators import PovertyStatus
from berdaya.registry.models import HouseholdSurvey, Person
from berdaya.registry.selectors import schemes_for

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
class IncomeFigures:
    """Income poverty (FGT) and inequality (Gini) from the survey's monthly spending."""

    households: int
    answered: int  # households that gave their monthly spending
    line: dict  # amount, year, source, area_code, own, period (`community.lines.LineUsed`)
    P0: float | None = None  # share of people below the line (0-1)
    P1: float | None = None  # poverty gap
    P2: float | None = None  # poverty severity
    gini: float | None = None
    decomposition: dict | None = None  # by, within, between, overlap, groups

    @property
    def enough(self) -> bool:
        return self.P0 is not None

    @property
    def answered_percent(self) -> int:
        return round(100 * self.answered / self.households) if self.households else 0

    def percent(self, value: float | None) -> float | None:
        return None if value is None else 100 * value

    @property
    def P0_percent(self):
        return self.percent(self.P0)

    @property
    def P1_percent(self):
        return self.percent(self.P1)

    @property
    def P2_percent(self):
        return self.percent(self.P2)

    @property
    def groups(self) -> list[dict]:
        if not self.decomposition:
            return []
        return [
            {
                "label": name or _("No dusun recorded"),
                "households": units,
                "mean": mean,
                "gini": gini,
                "share": 100 * share,
            }
            for name, units, mean, gini, share in self.decomposition["groups"]
        ]

    def part_percent(self, name: str) -> float | None:
        # Each part's share of the Gini, which is what a meeting can compare.
        if not self.decomposition or not self.gini:
            return None
        return 100 * self.decomposition[name] / self.gini

    @property
    def within_percent(self):
        return self.part_percent("within")

    @property
    def between_percent(self):
        return self.part_percent("between")

    @property
    def overlap_percent(self):
        return self.part_percent("overlap")


def income_figures(stored_income: dict | None) -> IncomeFigures | None:
    if not stored_income:
        return None
    return IncomeFigures(
        households=stored_income.get("households", 0),
        answered=stored_income.get("answered", 0),
        line=stored_income.get("line") or {},
        P0=stored_income.get("P0"),
        P1=stored_income.get("P1"),
        P2=stored_income.get("P2"),
        gini=stored_income.get("gini"),
        decomposition=stored_income.get("decomposition"),
    )


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
    computed_at: datetime.datetime | None = None  # when the stored figures were computed
    income: IncomeFigures | None = None
    updating: bool = False  # the registry changed since; a background job is on it


LIVING_QUESTIONS = (
    ("floor", choices.Floor),
    ("water", choices.Water),
    ("sanitation", choices.Sanitation),
    ("electricity", choices.Electricity),
    ("cooking_fuel", choices.CookingFuel),
)
assert tuple(name for name, _choice in LIVING_QUESTIONS) == stored.LIVING_QUESTIONS


def _band_label(index: int) -> str:
    low, high = AGE_BANDS[index]
    return f"{low}+" if high is None else f"{low}–{high}"


def figures_organisation(user, village: Village, organisation_id: int | None = None) -> int | None:
    """Whose registry the profile shows: the workspace's organisation if it works in the
    village, else the user's first organisation that does (figures are per organisation)."""
    candidates = sorted(
        o
        for o in organisation_ids_for(user)
        if village.code in village_codes_for(user, organisation_id=o)
    )
    if organisation_id in candidates:
        return organisation_id
    return candidates[0] if candidates else None


def village_figures(
    *, user, village: Village, organisation_id: int | None = None
) -> VillageFigures:
    """The registry's aggregates for the village profile (viewers included), read from the
    stored figures (`registry.figures`): one indexed read, whatever the village's size."""
    organisation = figures_organisation(user, village, organisation_id)
    row = (
        stored.village_row(organisation_id=organisation, village_code=village.code)
        if organisation is not None
        else None
    )
    data = row.figures if row is not None else {}
    total = data.get("households", 0)
    mpi = data.get("mpi") or {}
    by_status = {key: 0 for key, _label in PovertyStatus.choices if key != PovertyStatus.UNKNOWN}
    by_status.update(mpi.get("by_status", {}))
    return VillageFigures(
        households=total,
        persons=data.get("persons", 0),
        women=data.get("women", 0),
        children=data.get("children", 0),
        elderly=data.get("elderly", 0),
        unknown_age=data.get("unknown_age", 0),
        pyramid=[
            {"band": _band_label(band), "order": band, "sex": sex, "count": count}
            for band, sex, count in data.get("pyramid", [])
        ]
        or [
            {"band": _band_label(i), "order": i, "sex": sex, "count": 0}
            for i in range(len(AGE_BANDS))
            for sex in (Person.Sex.MALE, Person.Sex.FEMALE)
        ],
        living=_living(data.get("living", {}), total),
        coverage=_coverage(organisation, data.get("coverage", {})),
        vulnerabilities=_vulnerabilities(data.get("vulnerabilities", {}), total, data),
        disasters=[
            Share(str(DISASTER_LABELS.get(code, code)), n, total)
            for code, n in data.get("disasters", [])
        ],
        mpi=indicators.MPISummary(
            households=mpi.get("households", 0),
            unknown=mpi.get("unknown", 0),
            by_status=by_status,
            headcount=mpi.get("headcount"),
            intensity=mpi.get("intensity"),
            mpi=mpi.get("mpi"),
            contributions=mpi.get("contributions", {}),
        ),
        capitals=capital_scores(user=user, village=village, parts=data.get("capital_parts", {})),
        computed_at=row.computed_at if row is not None else None,
        income=income_figures(data.get("income")),
        updating=row is None or row.stale,
    )


DISASTER_LABELS = dict(choices.Disaster.choices)


def _living(stored_living: dict, total: int) -> list[Question]:
    questions = []
    for name, choice in LIVING_QUESTIONS:
        labels = dict(choice.choices)
        answers = [
            Share(str(labels.get(code, code)), n, total) for code, n in stored_living.get(name, [])
        ]
        known = sum(a.count for a in answers)
        if total - known:
            answers.append(Share(_("Not known"), total - known, total))
        label = HouseholdSurvey._meta.get_field(name).verbose_name
        questions.append(Question(str(label).capitalize(), answers))
    return questions


def _coverage(organisation_id: int | None, stored_coverage: dict) -> list[SchemeCoverage]:
    schemes = schemes_for([organisation_id] if organisation_id is not None else [])
    result = []
    for scheme in schemes:
        item = stored_coverage.get(scheme.code, {})
        result.append(
            SchemeCoverage(
                name=scheme.name,
                enrolled=item.get("enrolled", 0),
                poor_not_enrolled=item.get("poor_not_enrolled"),
                enrolled_not_poor=item.get("enrolled_not_poor"),
            )
        )
    return result


VULNERABILITY_LABELS = (
    ("female_head", gettext_lazy("Female-headed households")),
    ("elderly_alone", gettext_lazy("Elderly people living alone (60+)")),
    ("child_headed", gettext_lazy("Child-headed households (head under 18)")),
    ("hit_by_disaster", gettext_lazy("Households hit by a disaster")),
    ("member_with_disability", gettext_lazy("Households with a member with a disability")),
)


def _vulnerabilities(counts: dict, total: int, data: dict) -> list[Share]:
    shares = [Share(str(label), counts.get(key, 0), total) for key, label in VULNERABILITY_LABELS]
    shares.append(
        Share(
            _("Persons with a disability (of all persons)"),
            counts.get("persons_with_disability", 0),
            data.get("persons", 0),
        )
    )
    return shares


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


PART_LABELS = {
    "schooling": gettext_lazy("Schooling (15+)"),
    "in_school": gettext_lazy("In school (7–15)"),
    "nourished": gettext_lazy("Well nourished (under 5)"),
    "healthy": gettext_lazy("Without chronic illness"),
    "institutions": gettext_lazy("Active institutions"),
    "farm_land": gettext_lazy("Farm land"),
    "livestock": gettext_lazy("Livestock"),
    "safe_water": gettext_lazy("Safe drinking water"),
    "no_disaster": gettext_lazy("No disaster"),
    "housing": gettext_lazy("Adequate housing"),
    "electricity": gettext_lazy("Electricity"),
    "toilet": gettext_lazy("Toilet"),
    "clean_fuel": gettext_lazy("Clean cooking fuel"),
    "transport": gettext_lazy("Transport"),
    "savings": gettext_lazy("Savings"),
    "no_debts": gettext_lazy("No debts"),
    "income": gettext_lazy("Income over Rp1 million"),
    "assets": gettext_lazy("Assets"),
}


def _mean(values) -> float | None:
    known = [v for v in values if v is not None]
    return sum(known) / len(known) if known else None


def capital_scores(*, user, village: Village, parts: dict) -> list[CapitalScore]:
    """Each capital 0–100: the mean of its registry shares (stored, `registry.figures`; the
    social capital's from the village's active institutions), averaged with the mean of the
    facilitators' items (very weak = 0, weak = 25, moderate = 50, strong = 75, very
    strong = 100) when there are any."""
    active = institutions_of(user=user, village=village).filter(active=True).count()
    shown = {
        capital: [(str(PART_LABELS[key]), value) for key, value in parts.get(capital, [])]
        for capital in Capital.values
    }
    shown[Capital.SOCIAL] = [
        (
            str(PART_LABELS["institutions"]),
            100 * min(1, active / ACTIVE_INSTITUTIONS_FOR_FULL_SCORE),
        )
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
            registry=_mean(v for _label, v in shown[capital]),
            assessed=_mean(items[capital]),
            parts=shown[capital],
            items=len(items[capital]),
        )
        for capital in Capital
    ]


# -- poverty lines -----------------------------------------------------------------------------


def poverty_lines_of(*, user, organisation_id: int) -> QuerySet:
    """An organisation's own poverty lines, for its managers and administrators only
    (organisation data; facilitators and viewers see the line used on the profile)."""
    from .models import PovertyLineOverride
    from .services import line_organisations

    if organisation_id not in line_organisations(user):
        return PovertyLineOverride.objects.none()
    return PovertyLineOverride.objects.filter(organisation_id=organisation_id).select_related(
        "set_by"
    )
