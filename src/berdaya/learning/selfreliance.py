"""The self-reliance index: is the community doing it itself?

Four parts, each a share between 0 and 1 for a village (or all the programme's villages)
in a calendar year, and a composite that weights them (`WEIGHTS`, documented in
docs/learning.md):

* **initiative** — of the programme's activities held that year, the share a community
  member or group initiated (facilitation's `initiated_by`);
* **money** — of the money that moved through the community's own funds that year, the
  share that came from inside (members' savings, repayments, fees) rather than from
  outside (grants, programme capital), read from the savings ledger (`money_from_inside`);
  a year in which no money moved through those books has this part *missing*, said so on
  the page, and left out;
* **institutions** — of the programme's groups in the village that existed by the end of
  the year, the share still working: at least one meeting recorded that year *and* a
  maturity assessment that year; when the programme has exited the village (an approved
  village graduation or exit), only meetings after the exit count;
* **cadres** — of the cadres named by the end of the year, the share still active then.

composite = Σ weightᵢ × partᵢ ÷ Σ weightᵢ over the parts that are present (the weights of
missing parts are left out, i.e. the others are renormalised).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from fractions import Fraction

from django.utils.translation import gettext_lazy as _

WEIGHTS = {
    "initiative": Fraction(3, 10),
    "money": Fraction(3, 10),
    "institutions": Fraction(2, 10),
    "cadres": Fraction(2, 10),
}
LABELS = {
    "initiative": _("Activities the community initiated"),
    "money": _("Money from inside the community"),
    "institutions": _("Groups still meeting and assessed"),
    "cadres": _("Cadres still active"),
}


@dataclass(frozen=True)
class Part:
    key: str
    numerator: int | None
    denominator: int | None

    @property
    def share(self) -> Fraction | None:
        if self.numerator is None or not self.denominator:
            return None
        return Fraction(self.numerator, self.denominator)

    @property
    def label(self) -> str:
        return str(LABELS[self.key])

    @property
    def weight(self) -> Fraction:
        return WEIGHTS[self.key]


@dataclass(frozen=True)
class SelfReliance:
    year: int
    parts: list[Part]

    @property
    def missing(self) -> list[Part]:
        return [p for p in self.parts if p.share is None]

    @property
    def composite(self) -> Fraction | None:
        return composite({p.key: p.share for p in self.parts})


def composite(shares: dict[str, Fraction | None]) -> Fraction | None:
    """Σ wᵢ sᵢ ÷ Σ wᵢ over the parts that are present."""
    present = {k: s for k, s in shares.items() if s is not None}
    if not present:
        return None
    weight = sum(WEIGHTS[k] for k in present)
    return sum(WEIGHTS[k] * s for k, s in present.items()) / weight


@dataclass(frozen=True)
class MoneyShare:
    inside: int  # whole Rupiah from members (savings, repayments, fees)
    total: int  # whole Rupiah in all


def money_from_inside(*, programme, village_codes: list[str], year: int) -> MoneyShare | None:
    """The money part, from the savings ledger: of the money (not goods in kind) that came
    into the programme's books in `village_codes` during `year`, how much came from inside
    the community (members' savings, repayments, fees) — `savings.selectors.money_sources`,
    the same totals as the dependency ratio. None (the part is *missing*) when no money
    moved through those books that year: no ledger, rather than a share of nothing."""
    from berdaya.savings.selectors import money_sources

    inside = total = 0
    for code in village_codes:
        sources = money_sources(village=code, programme=programme.pk, year=year)
        inside += sources.internal_money
        total += sources.internal_money + sources.external_money
    if not total:
        return None
    return MoneyShare(inside=inside, total=total)


def _year(year: int) -> tuple[datetime.date, datetime.date]:
    return datetime.date(year, 1, 1), datetime.date(year, 12, 31)


def initiative(*, programme, village_codes, year) -> Part:
    from berdaya.facilitation.models import Activity

    start, end = _year(year)
    activities = Activity.objects.filter(
        programme=programme, village_id__in=village_codes, held_on__range=(start, end)
    )
    own = activities.filter(
        initiated_by__in=[Activity.Initiator.COMMUNITY, Activity.Initiator.GROUP]
    ).count()
    return Part("initiative", own, activities.count())


def _exit_date(programme, village_codes) -> datetime.date | None:
    from .models import GraduationAssessment

    exits = GraduationAssessment.objects.filter(
        pathway__programme=programme,
        pathway__level="village",
        village_id__in=village_codes,
        decision__in=[GraduationAssessment.Decision.GRADUATE, GraduationAssessment.Decision.EXIT],
        approved_on__isnull=False,
    ).order_by("-approved_on")
    first = exits.first()
    return first.approved_on if first and len(village_codes) == 1 else None


def institutions(*, programme, village_codes, year) -> Part:
    from berdaya.facilitation.models import Activity
    from berdaya.groups.models import Group, MaturityAssessment

    start, end = _year(year)
    exited = _exit_date(programme, village_codes)
    meetings_from = max(start, exited + datetime.timedelta(days=1)) if exited else start
    groups = Group.objects.filter(programme=programme, village_id__in=village_codes).exclude(
        founded_on__gt=end
    )
    met = set(
        Activity.objects.filter(
            group__in=groups,
            kind=Activity.Kind.GROUP_MEETING,
            held_on__range=(meetings_from, end),
        ).values_list("group_id", flat=True)
    )
    assessed = set(
        MaturityAssessment.objects.filter(
            group__in=groups, assessed_on__range=(start, end)
        ).values_list("group_id", flat=True)
    )
    return Part("institutions", len(met & assessed), groups.count())


def cadres(*, programme, village_codes, year) -> Part:
    from django.db.models import Q

    from berdaya.programmes.models import Cadre

    _start, end = _year(year)
    named = Cadre.objects.filter(
        organisation_id=programme.organisation_id,
        person__household__village_id__in=village_codes,
        since__lte=end,
    )
    active = named.filter(Q(until__isnull=True) | Q(until__gt=end)).count()
    return Part("cadres", active, named.count())


def self_reliance(*, programme, village_codes: list[str], year: int) -> SelfReliance:
    money = money_from_inside(programme=programme, village_codes=village_codes, year=year)
    return SelfReliance(
        year,
        [
            initiative(programme=programme, village_codes=village_codes, year=year),
            Part("money", money.inside, money.total) if money else Part("money", None, None),
            institutions(programme=programme, village_codes=village_codes, year=year),
            cadres(programme=programme, village_codes=village_codes, year=year),
        ],
    )


def programme_years(programme, *, today: datetime.date | None = None) -> list[int]:
    today = today or datetime.date.today()
    last = min(programme.planned_end_date.year, today.year)
    return list(range(programme.start_date.year, last + 1))
