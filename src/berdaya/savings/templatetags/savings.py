"""Small includes for pages other apps own: the group page, the village profile, a programme.

Each tag reads through the savings selectors with the request's user, so the page
that includes it needs no change beyond one line.
"""

from __future__ import annotations

from django import template
from django.utils.translation import gettext as _

from .. import charts, selectors
from ..models import Book

register = template.Library()


@register.inclusion_tag("savings/_group_money.html", takes_context=True)
def group_money_summary(context, group):
    user = context["request"].user
    books = {b.kind: b for b in selectors.books_visible_to(user).filter(group=group)}
    savings = books.get(Book.Kind.SAVINGS)
    return {
        "group": group,
        "savings": savings,
        "kube": books.get(Book.Kind.KUBE),
        "ratios": selectors.group_measures(savings) if savings else None,
        "is_business": group.kind == "kube",
    }


@register.inclusion_tag("savings/_sources_lazy.html")
def village_money_sources(village):
    """A placeholder the page fills after it has loaded (htmx), so the profile stays quick."""
    return {"village": village}


@register.inclusion_tag("savings/_sources.html", takes_context=True)
def programme_money_sources(context, programme):
    user = context["request"].user
    sources = selectors.money_sources(user=user, programme=programme.pk)
    chart = (
        charts.dependency_trend(
            sources,
            title=_("Where the money of the programme's groups and funds came from, by year"),
        )
        if sources.by_year
        else None
    )
    return {"sources": sources, "chart": chart, "village": None, "programme": programme}


@register.filter
def rupiah(value):
    if value is None or value == "":
        return "—"
    try:
        amount = int(value)
    except (TypeError, ValueError):
        return value
    sign = "-" if amount < 0 else ""
    return f"{sign}Rp{abs(amount):,}".replace(",", ".")


@register.filter
def pct(value):
    from ..measures import percent

    return percent(value)


@register.filter
def rate(basis_points):
    """120 → "1,20 %" (hundredths of a percent)."""
    return f"{int(basis_points) / 100:.2f} %".replace(".", ",")


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None
