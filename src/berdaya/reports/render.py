"""HTML to PDF with WeasyPrint (fonts from Debian's DejaVu, charts as inline SVG)."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import translation


def pdf(template: str, context: dict, *, language: str = "id") -> bytes:
    """The report `template` as A4 PDF bytes, in `language` (Indonesian for village meetings)."""
    from weasyprint import HTML  # imported late: WeasyPrint loads pango on import

    with translation.override(language):
        html = render_to_string(template, context)
    return HTML(string=html).write_pdf()
