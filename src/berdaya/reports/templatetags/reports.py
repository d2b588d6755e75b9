from django import template

from berdaya.core.masking import mask_identifiers

register = template.Library()


@register.filter
def masked(text):
    """Free text printed on a report with any NIK/KK-looking number masked (core.masking)."""
    return mask_identifiers(text)
