"""The programme progress report: made by a job, stored, downloadable again, audited."""

from __future__ import annotations

import datetime
import io

import pytest
from auditlog.models import LogEntry

from berdaya.core.errors import ValidationFailed
from berdaya.demo.community import GIRISEKAR, SIDOHARJO
from berdaya.facilitation.models import Activity
from berdaya.learning.models import Consent, Selection, Story
from berdaya.programmes.vocabulary import Stage
from berdaya.registry.models import Person
from berdaya.reports import documents, services
from berdaya.reports.models import GeneratedReport
from berdaya.savings.selectors import money_sources

from .helpers import pages_of, text_of, words_outside_the_text_area

YEAR = (datetime.date(2025, 1, 1), datetime.date(2025, 12, 31))


@pytest.fixture
def made(demo, django_capture_on_commit_callbacks):
    """Ask for a report as `username` and let the job run (as the worker would)."""

    def make(username="manajer", *, start=YEAR[0], end=YEAR[1], **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            report = services.report_request(
                user=demo.users[username],
                programme=demo.programme,
                kind=kwargs.pop("kind", GeneratedReport.Kind.PROGRESS),
                start=start,
                end=end,
                **kwargs,
            )
        report.refresh_from_db()
        return report

    return make


def _pdf_text(report, tmp_path) -> str:
    with report.pdf.open("rb") as handle:
        return text_of(handle.read(), tmp_path)


def test_a_report_waits_for_its_job_then_is_ready_with_pdf_and_xlsx(
    demo, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        report = services.report_request(
            user=demo.users["manajer"],
            programme=demo.programme,
            kind=GeneratedReport.Kind.PROGRESS,
            start=YEAR[0],
            end=YEAR[1],
        )
    report.refresh_from_db()
    assert (report.status, report.progress, report.finished_at) == ("pending", 0, None)
    assert set(report.covers.values_list("code", flat=True)) == {GIRISEKAR, SIDOHARJO}
    for callback in callbacks:  # the worker picks the job up
        callback()
    report.refresh_from_db()
    assert (report.status, report.progress, report.error) == ("done", 100, "")
    assert report.finished_at is not None
    assert report.pdf.name.endswith(".pdf") and report.xlsx.name.endswith(".xlsx")


def test_the_demo_report_is_indonesian_a4_and_nothing_runs_off_its_boxes(made, tmp_path):
    """The visual regression check: page count (pdfinfo), key text (pdftotext), and every
    word inside the printable area of its A4 page (pdftotext -bbox)."""
    report = made()
    with report.pdf.open("rb") as handle:
        pdf = handle.read()
    text = text_of(pdf, tmp_path)
    assert report.programme.name in text
    for heading in (
        "Laporan kemajuan program",
        "Kegiatan menurut tahap 5P",
        "Partisipasi",
        "Kelompok dan kematangannya",
        "Uang dan ketergantungan",
        "Indikator terhadap target",
        "Cerita perubahan paling signifikan",
        "Pembelajaran",
    ):
        assert heading in text, heading
    assert 2 <= pages_of(pdf, tmp_path) <= 8
    assert words_outside_the_text_area(pdf, tmp_path) == []


def test_the_figures_are_the_apps_own(made, demo):
    """Worked example: the demo's 2025 activities per 5P stage as the facilitation rows
    count them, and the dependency ratio as `savings.money_sources` gives it."""
    from openpyxl import load_workbook

    report = made()
    with report.xlsx.open("rb") as handle:
        book = load_workbook(io.BytesIO(handle.read()))
    stages = [row[1] for row in book["stages"].iter_rows(min_row=3, values_only=True)]
    held = Activity.objects.filter(programme=demo.programme, held_on__range=YEAR)
    assert held.count() > 0
    assert stages == [held.filter(stage=code).count() for code, _label in Stage.choices]
    money = {row[0]: row[1] for row in book["money"].iter_rows(min_row=3, values_only=True)}
    sources = money_sources(programme=demo.programme.pk, since=YEAR[0], until=YEAR[1])
    whole_year = money_sources(programme=demo.programme.pk, year=2025)  # the same period
    assert (sources.internal_money, sources.external_money) == (
        whole_year.internal_money,
        whole_year.external_money,
    )
    assert sources.internal_money + sources.external_money > 0
    assert money["Dana dari dalam masyarakat"] == sources.internal_money
    assert money["Uang dari luar"] == sources.external_money


def test_a_period_with_no_data_says_so_instead_of_empty_tables(made, tmp_path):
    report = made(start=datetime.date(2010, 1, 1), end=datetime.date(2010, 12, 31))
    assert report.status == "done"
    text = _pdf_text(report, tmp_path)
    assert "Tidak ada data untuk periode ini" in text
    assert "Kegiatan menurut tahap 5P" not in text
    assert pages_of(report.pdf.open("rb").read(), tmp_path) == 1


def test_the_period_must_end_after_it_starts(demo):
    with pytest.raises(ValidationFailed) as error:
        services.report_request(
            user=demo.users["manajer"],
            programme=demo.programme,
            kind=GeneratedReport.Kind.PROGRESS,
            start=YEAR[1],
            end=YEAR[0],
        )
    assert error.value.field == "end"


def _selected_stories(demo):
    chosen = Selection.objects.values("story_id")
    return Story.objects.filter(
        programme=demo.programme, pk__in=chosen, collected_on__range=YEAR
    ).order_by("pk")


def test_stories_are_printed_only_as_their_tellers_agreed(made, demo, tmp_path):
    withheld, anonymous, named = _selected_stories(demo)[:3]
    Story.objects.filter(pk=withheld.pk).update(
        consent=Consent.WITHHELD, title="Cerita yang tidak boleh dibagikan"
    )
    # An anonymous story's teller is in the registry (the database keeps no name beside it).
    teller = (
        Person.objects.filter(household__village_id=anonymous.village_id)
        .exclude(pk__in=Story.objects.exclude(storyteller=None).values("storyteller_id"))
        .order_by("pk")
        .first()
    )
    Story.objects.filter(pk=anonymous.pk).update(
        consent=Consent.ANONYMOUS, storyteller=teller, storyteller_name=""
    )
    Story.objects.filter(pk=named.pk).update(
        consent=Consent.NAMED, storyteller=None, storyteller_name="Paijo Bernama"
    )
    text = _pdf_text(made(), tmp_path)
    assert "Cerita yang tidak boleh dibagikan" not in text
    assert teller.name not in text
    assert "Paijo Bernama" in text
    assert "tanpa nama" in text


def test_a_failed_job_says_why_on_the_report(made, monkeypatch):
    def broken(report):
        raise RuntimeError("pango is missing")

    monkeypatch.setattr(documents, "progress_document", broken)
    report = made()
    assert report.status == "failed"
    assert "RuntimeError" in report.error
    assert report.finished_at is not None and not report.pdf


def test_a_requester_who_can_no_longer_sign_in_fails_the_job_readably(demo):
    from berdaya.core.models import User

    report = services.report_request(  # queued; the job runs after the commit
        user=demo.users["manajer"],
        programme=demo.programme,
        kind=GeneratedReport.Kind.PROGRESS,
        start=YEAR[0],
        end=YEAR[1],
    )
    User.objects.filter(username="manajer").update(is_active=False)
    services.report_generate(report_id=report.pk)
    report.refresh_from_db()
    assert report.status == "failed"
    assert "tidak dapat masuk" in report.error


def test_downloads_follow_the_villages_the_report_covers_and_are_audited(made, login):
    everyone = made("manajer")  # both villages
    own = made("pendamping.girisekar")  # Girisekar only
    assert set(own.covers.values_list("code", flat=True)) == {GIRISEKAR}
    facilitator = login("pendamping.girisekar")
    assert facilitator.get(f"/laporan/unduh/{everyone.pk}/laporan.pdf").status_code == 404
    response = facilitator.get(f"/laporan/unduh/{own.pk}/laporan.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    # A viewer (funder) sees every village's figures, so every report of the programme.
    assert login("pemantau").get(f"/laporan/unduh/{everyone.pk}/laporan.pdf").status_code == 200
    manager = login("manajer")
    response = manager.get(f"/laporan/unduh/{everyone.pk}/tabel.xlsx")
    assert response.status_code == 200
    assert b"".join(response.streaming_content)[:2] == b"PK"
    accesses = LogEntry.objects.filter(
        action=LogEntry.Action.ACCESS, object_pk__in=[str(everyone.pk), str(own.pk)]
    )
    assert sorted(accesses.values_list("actor__username", flat=True)) == [
        "manajer",
        "pemantau",
        "pendamping.girisekar",
    ]


def test_the_reports_page_lists_requests_and_offers_downloads(
    login, demo, django_capture_on_commit_callbacks
):
    client = login("manajer")
    url = f"/laporan/program/{demo.programme.pk}/"
    assert client.get(url).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url,
            {"kind": "progress", "progress-start": "2025-01-01", "progress-end": "2025-06-30"},
        )
    assert response.status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"kind": "social_map", "map-village": GIRISEKAR})
    page = client.get(url).content.decode()
    assert page.count("/laporan.pdf") == 2 and page.count("/tabel.xlsx") == 2
    assert "Siap" in page
    rows = client.get(f"{url}?part=list", HTTP_HX_REQUEST="true").content.decode()
    assert rows.startswith('<div id="report-rows"') and "<h1>" not in rows
    wrong = client.post(
        url, {"kind": "progress", "progress-start": "2025-06-30", "progress-end": "2025-01-01"}
    )
    assert "sebelum dimulai" in wrong.content.decode()


def test_a_viewer_sees_the_programme_reports_but_cannot_make_one_of_no_village(login, demo):
    client = login("pemantau")
    assert client.get(f"/laporan/program/{demo.programme.pk}/").status_code == 200


def test_the_paper_is_indonesian_whatever_the_requesters_screen_is_in(made, tmp_path):
    from django.utils import translation

    with translation.override("en"):
        report = made()
    text = _pdf_text(report, tmp_path)
    assert "Laporan kemajuan program" in text
    assert "Programme progress report" not in text


def test_the_social_map_job_keeps_the_map_and_its_tables(made, demo, tmp_path):
    """The village social map made as a job: the same paper as the direct URL, A4, its
    words inside the printable area, and its tables in the workbook."""
    from openpyxl import load_workbook

    report = made(kind=GeneratedReport.Kind.SOCIAL_MAP, village_code=GIRISEKAR)
    assert report.status == "done", report.error
    assert list(report.covers.values_list("code", flat=True)) == [GIRISEKAR]
    with report.pdf.open("rb") as handle:
        pdf = handle.read()
    text = text_of(pdf, tmp_path)
    assert "Profil sosial desa: Girisekar" in text
    assert 1 <= pages_of(pdf, tmp_path) <= 4
    assert words_outside_the_text_area(pdf, tmp_path) == []
    with report.xlsx.open("rb") as handle:
        book = load_workbook(io.BytesIO(handle.read()))
    assert {"population", "poverty", "coverage", "stakeholders"} <= set(book.sheetnames)
    households = {r[0]: r[1] for r in book["population"].iter_rows(min_row=3, values_only=True)}
    from berdaya.registry.models import Household

    active = Household.objects.filter(village_id=GIRISEKAR, status="active").count()
    assert households["Rumah tangga"] == active


def test_a_social_map_of_a_village_outside_the_programme_is_refused(demo):
    with pytest.raises(ValidationFailed):
        services.report_request(
            user=demo.users["pendamping.girisekar"],
            programme=demo.programme,
            kind=GeneratedReport.Kind.SOCIAL_MAP,
            village_code=SIDOHARJO,  # not the facilitator's village
        )


def test_a_report_whose_worker_died_runs_once_more_then_fails_with_a_reason(demo):
    """core.jobs.jobs_recover calls the app's hook when a job loses its worker."""
    from types import SimpleNamespace

    from berdaya.core.jobs import RECOVERY_HOOKS

    report = services.report_request(
        user=demo.users["manajer"],
        programme=demo.programme,
        kind=GeneratedReport.Kind.PROGRESS,
        start=YEAR[0],
        end=YEAR[1],
    )
    hook = RECOVERY_HOOKS["berdaya.reports.tasks.report_task"]
    lost = SimpleNamespace(args_kwargs={"args": [report.pk]})
    GeneratedReport.objects.filter(pk=report.pk).update(status="running", progress=5)
    assert hook(lost, requeue=True) is True
    report.refresh_from_db()
    assert (report.status, report.progress) == ("pending", 0)
    GeneratedReport.objects.filter(pk=report.pk).update(status="running")
    assert hook(lost, requeue=False) is False
    report.refresh_from_db()
    assert report.status == "failed" and "berhenti dua kali" in report.error
