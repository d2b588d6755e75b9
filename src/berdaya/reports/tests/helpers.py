"""Reading the PDFs back with poppler-utils, as a person holding the paper would."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path


def poppler(*args: str, **kwargs) -> subprocess.CompletedProcess:
    """Run a poppler-utils tool (absolute path, our own temporary files as arguments)."""
    tool = shutil.which(args[0])
    assert tool, f"{args[0]} missing: apt-get install poppler-utils"
    return subprocess.run([tool, *args[1:]], check=True, **kwargs)  # noqa: S603 (fixed tool)


def _file(pdf: bytes, tmp_path: Path, name: str = "report.pdf") -> Path:
    path = tmp_path / name
    path.write_bytes(pdf)
    return path


def text_of(pdf: bytes, tmp_path: Path) -> str:
    path = _file(pdf, tmp_path)
    return poppler("pdftotext", "-layout", str(path), "-", capture_output=True, text=True).stdout


def pages_of(pdf: bytes, tmp_path: Path) -> int:
    info = poppler("pdfinfo", str(_file(pdf, tmp_path)), capture_output=True, text=True).stdout
    return int(next(line for line in info.splitlines() if line.startswith("Pages:")).split()[1])


# The reports' @page margins: 18 mm top and bottom, 16 mm at the sides (reports/_styles.html).
MM = 72 / 25.4
A4 = (210 * MM, 297 * MM)
MARGIN_X, MARGIN_Y = 16 * MM, 18 * MM


# The XHTML pdftotext -bbox writes, read with two patterns (it is our own tool's output).
_PAGE = re.compile(
    r'<page width="(?P<width>[0-9.]+)" height="(?P<height>[0-9.]+)">(?P<words>.*?)</page>', re.S
)
_WORD = re.compile(
    r'<word xMin="(?P<x0>[0-9.]+)" yMin="(?P<y0>[0-9.]+)" xMax="(?P<x1>[0-9.]+)" '
    r'yMax="(?P<y1>[0-9.]+)">(?P<text>.*?)</word>'
)


def words_outside_the_text_area(pdf: bytes, tmp_path: Path) -> list[str]:
    """Words whose box (pdftotext -bbox) reaches past the printable area of their page.

    Text that overflows its table cell or the page runs into the side margins, or off the
    paper; the page number sits in the bottom margin by design, so only the sides and the
    top are checked, and the bottom edge of the paper."""
    path = _file(pdf, tmp_path)
    boxes = poppler("pdftotext", "-bbox", str(path), "-", capture_output=True, text=True).stdout
    slack = 0.5 * MM  # rounding of glyph boxes
    outside = []
    for page_number, page in enumerate(_PAGE.finditer(boxes), start=1):
        width, height = float(page["width"]), float(page["height"])
        assert abs(width - A4[0]) < 2 and abs(height - A4[1]) < 2, "not an A4 page"
        for word in _WORD.finditer(page["words"]):
            x0, y0, x1, y1 = (float(word[k]) for k in ("x0", "y0", "x1", "y1"))
            if (
                x0 < MARGIN_X - slack
                or x1 > width - MARGIN_X + slack
                or y0 < MARGIN_Y - slack
                or y1 > height
            ):
                outside.append(f"page {page_number}: {word['text']!r} at ({x0:.0f}, {y0:.0f})")
    return outside
