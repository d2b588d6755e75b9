"""Reads of programmes, always through the access rule."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from django.db.models import Q, QuerySet

from berdaya.areas.models import Village
from berdaya.core.access import (
    get_visible_or_404,
    organisation_ids_for,
    village_codes_for,
    visible_to,
)
from berdaya.core.dates import years_before

from .models import Cadre, Programme, ProgrammeVillage


def programmes_visible_to(user) -> QuerySet[Programme]:
    return visible_to(user, Programme.objects.select_related("organisation"))


def programme_get(*, user, pk: int) -> Programme:
    return get_visible_or_404(user, Programme.objects.select_related("organisation"), pk=pk)


def programme_villages(*, user, programme: Programme) -> QuerySet[Village]:
    """The villages of `programme` that `user` may see."""
    return (
        programme.villages.filter(
            code__in=village_codes_for(user, organisation_id=programme.organisation_id)
        )
        .select_related("district__regency__province")
        .order_by("name")
    )


@dataclass(frozen=True)
class CriticalMass:
    """Progress toward the programme's target share of empowered adults in a village."""

    adults: int
    empowered: int  # active cadres, plus adults who proposed or decided in the last year
    target_percent: int | None

    @property
    def share(self) -> Fraction | None:
        return Fraction(self.empowered, self.adults) if self.adults else None

    @property
    def reached(self) -> bool | None:
        if self.target_percent is None or self.share is None:
            return None
        return self.share * 100 >= self.target_percent


def critical_mass(*, user, programme: Programme, village_code: str, on) -> CriticalMass:
    """Who counts as empowered is documented in docs/ARCHITECTURE.md ("critical mass").

    The adults are counted from the village's stored figures (`registry.figures`) when they
    were computed on `on`, else from the registry; the empowered are looked up by their
    (few) ids among the cadres and the people who proposed or decided."""
    from berdaya.facilitation.models import Attendance
    from berdaya.registry.figures import village_row
    from berdaya.registry.models import Person

    coverage = get_visible_or_404(
        user,
        ProgrammeVillage.objects.filter(programme=programme),
        village_id=village_code,
    )
    adult_birth = years_before(on, 18)
    adults = Person.objects.filter(
        organisation_id=programme.organisation_id,
        household__village_id=village_code,
        household__status="active",
        status=Person.Status.PRESENT,
        birth_date__lte=adult_birth,
    )
    cadres = Cadre.objects.filter(
        organisation_id=programme.organisation_id, until__isnull=True, since__lte=on
    ).values_list("person_id", flat=True)
    active_voices = (
        Attendance.objects.filter(
            activity__programme=programme,
            activity__held_on__gt=years_before(on, 1),
            activity__held_on__lte=on,
        )
        .filter(Q(proposed=True) | Q(decided=True))
        .values_list("person_id", flat=True)
    )
    candidates = sorted(set(cadres) | set(active_voices))
    empowered = adults.filter(pk__in=candidates).count() if candidates else 0
    row = village_row(organisation_id=programme.organisation_id, village_code=village_code)
    if row is not None and row.computed_on == on and not row.stale:
        count = row.adults
    else:
        count = adults.count()
    return CriticalMass(count, empowered, coverage.empowered_target_percent)


def cadres_of(*, user, programme: Programme) -> QuerySet[Cadre]:
    """Cadres of the programme's organisation living in its villages the user works in."""
    villages = programme.villages.values("code")
    return (
        visible_to(user, Cadre.objects.filter(organisation_id=programme.organisation_id))
        .filter(person__household__village_id__in=villages)
        .select_related("person__household__village")
        .order_by("until", "person__name", "pk")
    )


def cadre_get(*, user, programme: Programme, pk: int) -> Cadre:
    return get_visible_or_404(user, cadres_of(user=user, programme=programme), pk=pk)


def may_manage(user, programme: Programme) -> bool:
    """Whether `user` may change the programme's plan and targets (its managers, admins)."""
    from berdaya.organisations.models import Role

    return programme.organisation_id in organisation_ids_for(user, roles={Role.ADMIN, Role.MANAGER})


def survey_rounds_for(*, organisation_id: int, village_code: str) -> QuerySet:
    """The survey rounds a survey of a household of this organisation and village may
    belong to: those of the organisation's programmes covering the village."""
    from .models import SurveyRound

    return (
        SurveyRound.objects.filter(
            programme__organisation_id=organisation_id,
            programme__coverage__village_id=village_code,
        )
        .select_related("programme")
        .order_by("-starts_on", "pk")
    )


@dataclass(frozen=True)
class PovertyOverTime:
    """A programme's (or one of its villages') figures per survey round: aggregates only."""

    rounds: list  # SurveyRound, in order
    rows: list  # registry.RoundFigures of those rounds that have figures, in order
    villages: list  # for the programme: [(village, [H of each round or None])]
    updating: bool  # some figures are being computed again


def poverty_over_time(*, user, programme: Programme, village_code: str | None = None):
    """The stored round figures (`registry.rounds`) of `programme`, for one village the
    user works in or (None) for the whole programme. Rounds without figures are computed
    now when small (the same limit as the village figures), else left to their job."""
    from berdaya.registry import rounds as round_figures
    from berdaya.registry.figures import inline_limit
    from berdaya.registry.models import RoundFigures

    if village_code is not None:
        get_visible_or_404(
            user, ProgrammeVillage.objects.filter(programme=programme), village_id=village_code
        )
    survey_rounds = list(programme.survey_rounds.order_by("starts_on", "pk"))
    rows = round_figures.round_rows(programme=programme, village_code=village_code)
    have = {row.round_id for row in rows if _current(row)}
    missing = [r for r in survey_rounds if r.pk not in have]
    for survey_round in missing:
        if survey_round.surveys.count() <= inline_limit():
            round_figures.round_refresh(survey_round)
        else:
            round_figures.rounds_changed([survey_round.pk])
    if missing:
        rows = round_figures.round_rows(programme=programme, village_code=village_code)
    rows = [row for row in rows if _current(row)]
    villages = []
    if village_code is None:
        codes = set(village_codes_for(user, organisation_id=programme.organisation_id))
        by_village: dict[str, dict[int, float | None]] = {}
        # Only each row's H, read inside the JSON by the database (not 300 whole rows).
        for village_id, round_id, headcount in (
            RoundFigures.objects.filter(round__programme=programme, village_id__in=codes)
            .order_by("village_id")
            .values_list("village_id", "round_id", "figures__mpi__H")
        ):
            by_village.setdefault(village_id, {})[round_id] = headcount
        for village in programme_villages(user=user, programme=programme):
            found = by_village.get(village.code, {})
            villages.append((village, [found.get(r.pk) for r in survey_rounds]))
    return PovertyOverTime(
        rounds=survey_rounds,
        rows=rows,
        villages=villages,
        updating=any(row.stale for row in rows),
    )


def _current(row) -> bool:
    from berdaya.registry.rounds import ROUND_FIGURES_VERSION

    return row.figures.get("version") == ROUND_FIGURES_VERSION
