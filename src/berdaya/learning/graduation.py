"""Graduation readiness: weighted criteria, required ones, and what Berdaya can compute.

readiness = Σ scoreᵢ × weightᵢ ÷ Σ weightᵢ (scores 0–100: 100 met, 50 partly, 0 not met);
a required criterion below 100 blocks a recommendation to graduate, whatever the readiness.

The default household pathway follows BRAC's graduation criteria for the ultra-poor
(BRAC CFPR/TUP, Bangladesh; Hashemi & de Montesquiou 2011, CGAP Focus Note 69): no food
deficit, several sources of income, productive assets such as livestock, cash savings, a
sanitary latrine and safe drinking water, a solid roof, school-age children in school, no
child marriage, and family planning. Those the registry can answer are computed from the
household's latest survey and members; the others are asked, verified or observed.
"""

from __future__ import annotations

import datetime
from fractions import Fraction

from django.utils.translation import gettext_lazy as _

MET, PARTLY, NOT_MET = 100, 50, 0

# key, label, method, weight, required, calculator
BRAC_HOUSEHOLD = (
    ("food", _("No food deficit: two meals a day all year"), "self_reported", 3, True, ""),
    ("income", _("Two or more sources of income"), "verified", 2, False, ""),
    ("livestock", _("Productive assets: livestock"), "computed", 1, False, "livestock"),
    ("savings", _("Cash savings"), "verified", 2, False, ""),
    ("sanitation", _("A sanitary latrine"), "computed", 1, False, "sanitation"),
    ("water", _("Safe drinking water"), "computed", 1, False, "water"),
    ("roof", _("A solid roof (not thatch)"), "computed", 1, False, "roof"),
    ("school", _("School-age children (7–15) in school"), "computed", 2, True, "school"),
    (
        "child_marriage",
        _("No child marriage (no one under 18 married)"),
        "computed",
        2,
        True,
        "child_marriage",
    ),
    ("family_planning", _("Eligible couples use family planning"), "self_reported", 1, False, ""),
)
BRAC_SOURCE = (
    "BRAC Challenging the Frontiers of Poverty Reduction / Targeting the Ultra Poor "
    "(CFPR/TUP); Hashemi & de Montesquiou (2011), CGAP Focus Note 69."
)

SAFE_WATER = {"piped", "bottled", "protected_well", "protected_spring", "rain"}


def readiness(scores: list[tuple[int, int]]) -> Fraction | None:
    """[(score 0–100, weight)] → Σ score × weight ÷ Σ weight."""
    total = sum(weight for _score, weight in scores)
    if not total:
        return None
    return Fraction(sum(score * weight for score, weight in scores), total)


def _age(birth, on):
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def computed_score(calculator: str, household, *, on: datetime.date) -> int | None:
    """100 or 0 from the registry, or None when the data are not there."""
    survey = household.latest_survey
    members = [m for m in household.members.all() if m.status == "present"]
    if calculator == "livestock":
        if survey is None:
            return None
        counts = [survey.cattle, survey.goats, survey.poultry]
        if all(c is None for c in counts):
            return None
        return MET if any(c for c in counts) else NOT_MET
    if calculator == "sanitation":
        if survey is None or not survey.sanitation:
            return None
        return MET if survey.sanitation in ("private", "shared") else NOT_MET
    if calculator == "water":
        if survey is None or not survey.water:
            return None
        return MET if survey.water in SAFE_WATER else NOT_MET
    if calculator == "roof":
        if survey is None or not survey.roof:
            return None
        return NOT_MET if survey.roof == "thatch" else MET
    if calculator == "school":
        children = [m for m in members if m.birth_date and 7 <= _age(m.birth_date, on) <= 15]
        if not children:
            return MET  # nobody of school age: nothing stands in the way
        if any(m.attending_school is None for m in children):
            return None
        return MET if all(m.attending_school for m in children) else NOT_MET
    if calculator == "child_marriage":
        minors = [m for m in members if m.birth_date and _age(m.birth_date, on) < 18]
        return (
            NOT_MET
            if any(m.marital_status in ("married", "divorced", "widowed") for m in minors)
            else MET
        )
    raise KeyError(calculator)
