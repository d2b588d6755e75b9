"""The village social map PDF: A4, Indonesian, de-identified, text inside its boxes."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from berdaya.demo.community import GIRISEKAR
from berdaya.registry.models import Household, Person


def _url(code: str = GIRISEKAR) -> str:
    return f"/laporan/desa/{code}/profil-sosial.pdf"


def _poppler(*args: str, **kwargs) -> subprocess.CompletedProcess:
    """Run a poppler-utils tool (absolute path, our own temporary files as arguments)."""
    tool = shutil.which(args[0])
    assert tool, f"{args[0]} missing: apt-get install poppler-utils"
    return subprocess.run([tool, *args[1:]], check=True, **kwargs)  # noqa: S603 (fixed tool)


def _text(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    return _poppler("pdftotext", "-layout", str(path), "-", capture_output=True, text=True).stdout


def _pages(pdf: bytes, tmp_path) -> int:
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    info = _poppler("pdfinfo", str(path), capture_output=True, text=True).stdout
    return int(next(line for line in info.splitlines() if line.startswith("Pages:")).split()[1])


def test_the_social_map_is_an_indonesian_pdf_with_the_villages_figures(login, demo, tmp_path):
    response = login("pendamping.girisekar").get(_url())
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = _text(response.content, tmp_path)
    households = Household.objects.filter(village_id=GIRISEKAR, status="active").count()
    assert "Profil sosial desa: Girisekar" in text
    assert str(households) in text
    assert "Rumah tangga" in text
    assert 1 <= _pages(response.content, tmp_path) <= 4


def test_the_social_map_names_nobody(login, demo, tmp_path):
    text = _text(login("manajer").get(_url()).content, tmp_path)
    persons = Person.objects.filter(household__village_id=GIRISEKAR)
    assert persons.exists()
    for person in persons[:50]:
        assert person.name not in text
        if person.nik:
            assert person.nik not in text


@pytest.mark.parametrize("code", [GIRISEKAR])
def test_anonymous_visitors_sign_in_first(client, code):
    assert client.get(_url(code)).status_code == 302


def test_no_text_runs_past_the_page_margins(login, demo, tmp_path):
    """Rasterise each page (pdftoppm) and check the 18 mm / 16 mm margins stay blank:
    text overflowing its box would print there, or off the paper."""
    from PIL import Image

    path = tmp_path / "report.pdf"
    path.write_bytes(login("manajer").get(_url()).content)
    _poppler("pdftoppm", "-r", "40", "-gray", str(path), str(tmp_path / "p"))
    pages = sorted(tmp_path.glob("p-*.pgm"))
    assert pages
    for page in pages:
        image = Image.open(page)
        width, height = image.size
        side = int(width * 14 / 210)  # a little inside the 16 mm side margins
        for box in ((0, 0, side, height), (width - side, 0, width, height)):
            assert image.crop(box).getextrema()[0] > 200, f"ink in the margin of {page.name}"
