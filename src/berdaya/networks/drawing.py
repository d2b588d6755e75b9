"""The network drawing's marks as SVG, written in Python from the stored positions.

Two reasons not to loop in the template: Django localises numbers, so Indonesian pages
drew `cx="58,97"` (a decimal comma, which SVG does not read, so every mark fell to the
corner); and 1,000 people with 4,000 ties are 5,000 elements, which the template engine
took most of the page's time to write. Only numbers and fixed colours go into the string.
"""

from __future__ import annotations

from django.utils.safestring import SafeString, mark_safe

CHAMPION, ISOLATED, OTHER = "#b35900", "#888", "#2a6f97"


def drawing_marks(drawing: dict | None) -> SafeString:
    if not drawing:
        return mark_safe("")
    parts = [
        f'<line x1="{float(x1):.2f}" y1="{float(y1):.2f}" x2="{float(x2):.2f}" '
        f'y2="{float(y2):.2f}" stroke="#999" stroke-width="0.15"/>'
        for x1, y1, x2, y2 in drawing.get("edges", ())
    ]
    for node in drawing.get("nodes", ()):
        champion, isolated = bool(node.get("champion")), bool(node.get("isolated"))
        fill = CHAMPION if champion else ISOLATED if isolated else OTHER
        parts.append(
            f'<circle cx="{float(node["x"]):.2f}" cy="{float(node["y"]):.2f}" '
            f'r="{"1.6" if champion else "0.8"}" fill="{fill}"/>'
        )
    # Every value above went through float() or is a constant: nothing typed by anyone.
    return mark_safe("".join(parts))  # noqa: S308
