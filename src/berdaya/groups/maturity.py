"""Stage labels from maturity scores (exact, so a boundary score is never misread)."""

from __future__ import annotations

from fractions import Fraction

from django.utils.translation import gettext_lazy as _

# Mean score (1-4) from which a group is in a stage.
STAGES = (
    (Fraction(13, 4), "independent", _("Independent")),
    (Fraction(5, 2), "maturing", _("Maturing")),
    (Fraction(7, 4), "developing", _("Developing")),
    (Fraction(1), "forming", _("Forming")),
)


def mean_score(scores: list[int]) -> Fraction | None:
    return Fraction(sum(scores), len(scores)) if scores else None


def stage_of(scores: list[int]) -> tuple[str, str] | None:
    """(code, label) of the stage for these criterion scores."""
    mean = mean_score(scores)
    if mean is None:
        return None
    for threshold, code, label in STAGES:
        if mean >= threshold:
            return code, str(label)
    raise AssertionError("scores are 1-4")  # pragma: no cover
