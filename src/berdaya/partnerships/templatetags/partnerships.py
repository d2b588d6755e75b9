"""The dashboard's reminder of agreements due for renewal (one line in core's dashboard)."""

from __future__ import annotations

from django import template
from django.utils import timezone

from ..selectors import agreements_due_for_renewal, may_manage_partnerships

register = template.Library()


@register.inclusion_tag("partnerships/_renewals.html", takes_context=True)
def agreement_renewals(context):
    """Active agreements ending within the notice period, for the organisations the user
    manages (facilitators and viewers are not the ones who renew them)."""
    user = context["request"].user
    if not may_manage_partnerships(user):
        return {"agreements": []}
    return {
        "agreements": agreements_due_for_renewal(
            user, today=timezone.localdate(), managed_only=True
        )
    }
