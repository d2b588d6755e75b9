"""The programme page's income poverty and inequality (the include beside its villages)."""

from __future__ import annotations

from django import template

from berdaya.core.access import village_codes_for
from berdaya.registry import figures

from ..selectors import income_figures

register = template.Library()


@register.inclusion_tag("community/_programme_income.html", takes_context=True)
def programme_income(context, programme):
    """FGT and Gini over all the programme's villages the user sees, from the stored
    figures (`registry.figures.programme_income`: the analysis on all their households)."""
    user = context["request"].user
    visible = village_codes_for(user, organisation_id=programme.organisation_id)
    codes = [c for c in programme.villages.values_list("code", flat=True) if c in visible]
    stored = (
        figures.programme_income(organisation_id=programme.organisation_id, codes=codes)
        if codes
        else None
    )
    income = None
    if stored:
        lines = stored.get("lines") or []
        income = income_figures({**stored, "line": lines[0] if len(lines) == 1 else {}})
    return {
        "income": income,
        "lines": (stored or {}).get("lines", []),
        "minimum": figures.INCOME_MIN_ANSWERS,
    }
