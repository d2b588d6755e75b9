"""The learning pages, as each role sees them."""

from __future__ import annotations

import io

from django.urls import reverse

from berdaya.learning import services
from berdaya.learning.models import Indicator, Story

from .conftest import GIRISEKAR


def test_a_facilitator_records_a_story_and_without_consent_nothing_is_written(demo, login, periods):
    client = login("pendamping.girisekar")
    url = reverse("learning:story-create", args=[demo.programme.pk])
    assert client.get(url).status_code == 200
    domain = services.domains_current(programme=demo.programme).domains.first()
    data = {
        "village": GIRISEKAR,
        "period": periods[2].pk,
        "domain": domain.pk,
        "title": "Posyandu sore",
        "what_happened": "Jadwal posyandu dipindah ke sore.",
        "why_significant": "Ibu yang ke ladang bisa datang.",
        "source": "interview",
        "collected_on": "2026-09-01",
        "storyteller_name": "Bu Painem",
    }
    response = client.post(url, data)
    assert response.status_code == 422
    assert "boleh dibagikan" in response.content.decode()
    assert not Story.objects.filter(title="Posyandu sore").exists()
    response = client.post(url, {**data, "consent": "named"})
    story = Story.objects.get(title="Posyandu sore")
    assert response.status_code == 302
    page = client.get(reverse("learning:story-detail", args=[story.pk])).content.decode()
    assert "Bu Painem" in page


def test_a_refused_photo_leaves_no_story_behind(demo, login, periods):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = login("pendamping.girisekar")
    domain = services.domains_current(programme=demo.programme).domains.first()
    response = client.post(
        reverse("learning:story-create", args=[demo.programme.pk]),
        {
            "village": GIRISEKAR,
            "period": periods[2].pk,
            "domain": domain.pk,
            "title": "Dengan lampiran palsu",
            "what_happened": "x",
            "why_significant": "y",
            "source": "interview",
            "collected_on": "2026-09-01",
            "consent": "anonymous",
            "file": SimpleUploadedFile("virus.exe", b"MZ\x90\x00" + b"\x00" * 32),
        },
    )
    assert response.status_code == 422
    assert "rekaman suara" in response.content.decode()
    assert not Story.objects.filter(title="Dengan lampiran palsu").exists()


def test_viewers_see_shared_stories_without_names_and_never_withheld_ones(demo, login):
    page = login("pemantau").get(reverse("learning:stories", args=[demo.programme.pk]))
    text = page.content.decode()
    assert page.status_code == 200
    shared = Story.objects.filter(programme=demo.programme, consent="named")
    withheld = Story.objects.filter(programme=demo.programme, consent="withheld")
    assert shared.first().what_happened in text
    assert not any(s.storyteller and s.storyteller.name in text for s in shared[:5])
    assert withheld.exists() and f"/cerita/{withheld.first().pk}/" not in text
    assert (
        login("pemantau")
        .get(reverse("learning:story-detail", args=[shared.first().pk]))
        .status_code
        == 404
    )


def test_the_story_export_has_only_shareable_stories_and_names_only_where_agreed(demo, login):
    response = login("manajer").get(reverse("learning:stories-export", args=[demo.programme.pk]))
    text = response.content.decode("utf-8-sig")
    assert response["Cache-Control"] == "no-store"
    lines = text.strip().splitlines()
    shareable = Story.objects.filter(
        programme=demo.programme, consent__in=["named", "anonymous"]
    ).count()
    assert len(lines) == 1 + shareable
    import csv

    rows = list(csv.reader(io.StringIO(text)))[1:]
    tellers = sorted(row[-1] for row in rows if row[-1])
    named = Story.objects.filter(programme=demo.programme, consent="named")
    assert tellers == sorted(s.teller_label for s in named)  # no anonymous teller is named


def test_the_results_page_and_the_progress_chart(demo, login):
    client = login("manajer")
    page = client.get(reverse("learning:results", args=[demo.programme.pk]))
    assert page.status_code == 200
    assert "Persentase warga miskin multidimensi" in page.content.decode()
    indicator = Indicator.objects.get(programme=demo.programme, name__contains="PAH")
    detail = client.get(reverse("learning:indicator", args=[indicator.pk])).content.decode()
    assert "<svg" in detail and "Target dan capaian" in detail


def test_the_indicator_table_export_writes_typed_text_as_text(demo, login, manager):
    from openpyxl import load_workbook

    node = demo.programme.results.get(code="1")
    services.indicator_create(
        node=node,
        name='=HYPERLINK("http://contoh","klik")',
        kind="count",
        direction="increase",
        user=manager,
    )
    response = login("pemantau").get(reverse("learning:results-export", args=[demo.programme.pk]))
    sheet = load_workbook(io.BytesIO(response.content)).active
    names = [row[2].value for row in sheet.iter_rows(min_row=2)]
    cell = next(row[2] for row in sheet.iter_rows(min_row=2) if row[2].value.startswith("="))
    assert cell.data_type == "s"  # text, not a formula
    assert any(n.startswith("Persentase warga miskin") for n in names)


def test_a_manual_actual_that_does_not_add_up_shows_the_reason(demo, login, periods):
    indicator = Indicator.objects.get(programme=demo.programme, name__startswith="Anggota")
    response = login("manajer").post(
        reverse("learning:indicator-actual", args=[indicator.pk]),
        {"period": periods[2].pk, "numerator": 10, "sex__P__n": 9, "sex__L__n": 3},
    )
    assert response.status_code == 422
    assert "lebih dari total 10" in response.content.decode()


def test_a_viewer_sees_a_panel_without_the_title_of_a_story_kept_in_the_village(demo, login):
    from berdaya.learning.models import Selection

    selection = Selection.objects.filter(
        panel__programme=demo.programme, panel__level="village", story__consent="withheld"
    ).first()
    assert selection is not None  # the demo's village panels chose one
    url = reverse("learning:panel-detail", args=[selection.panel_id])
    viewer = login("pemantau").get(url).content.decode()
    assert selection.story.title not in viewer
    assert "Cerita yang tidak dibagikan ke luar desanya" in viewer
    facilitator = login(
        "pendamping.girisekar"
        if selection.story.village_id == GIRISEKAR
        else "pendamping.sidoharjo"
    ).get(url)
    assert selection.story.title in facilitator.content.decode()


def test_the_story_export_is_accounted_for(demo, login, manager):
    from berdaya.core.models import PersonalDataAccess

    login("manajer").get(reverse("learning:stories-export", args=[demo.programme.pk]))
    row = PersonalDataAccess.objects.filter(user=manager, object_type="story").get()
    assert row.action == "export_identified" and row.row_count > 0


def test_a_manager_adds_a_group_pathway_on_its_page(demo, login):
    from berdaya.learning.models import GraduationPathway

    response = login("manajer").post(
        reverse("learning:pathway-create", args=[demo.programme.pk]),
        {
            "level": "group",
            "name": "Kelompok mandiri",
            "monitor_months": 12,
            "criterion-TOTAL_FORMS": 2,
            "criterion-INITIAL_FORMS": 0,
            "criterion-0-label": "Buku kas rapi",
            "criterion-0-method": "verified",
            "criterion-0-weight": 2,
            "criterion-0-required": "on",
            "criterion-1-label": "",
            "criterion-1-method": "observed",
            "criterion-1-weight": 1,
        },
    )
    assert response.status_code == 302
    pathway = GraduationPathway.objects.get(name="Kelompok mandiri")
    assert [(c.label, c.weight, c.required) for c in pathway.criteria.all()] == [
        ("Buku kas rapi", 2, True)
    ]
    facilitator = login("pendamping.girisekar")
    url = reverse("learning:pathway-create", args=[demo.programme.pk])
    assert "Hanya manajer" in facilitator.get(url).content.decode()
    assert facilitator.post(url, {"level": "group"}).status_code == 403


def test_stories_told_before_the_domains_changed_can_still_be_chosen(
    demo, login, periods, facilitator, manager
):
    import datetime

    domain = services.domains_current(programme=demo.programme).domains.get(key="voice")
    story = services.story_record(
        user=facilitator,
        programme=demo.programme,
        village_code=GIRISEKAR,
        period=periods[2],
        domain=domain,
        title="Cerita sebelum domain diubah",
        what_happened="x",
        why_significant="y",
        source="interview",
        collected_on=datetime.date(2026, 8, 1),
        consent="named",
        storyteller_name="Bu Tini",
    )
    rows = [services.DomainInput(d.label) for d in domain.domain_set.domains.all()][:3]
    services.domains_revise(
        programme=demo.programme, domains=rows, reason="Lebih ringkas", user=manager
    )
    panel = services.panel_hold(
        user=facilitator,
        programme=demo.programme,
        period=periods[2],
        level="village",
        village_code=GIRISEKAR,
        met_on=datetime.date(2026, 10, 1),
        method="consensus",
        members=[("Bu Sumarni", "")],
    )
    client = login("pendamping.girisekar")
    page = client.get(reverse("learning:panel-detail", args=[panel.pk])).content.decode()
    assert story.title in page
    response = client.post(
        reverse("learning:panel-select", args=[panel.pk]),
        {
            "domain": domain.pk,
            f"d{domain.pk}-story": story.pk,
            f"d{domain.pk}-reasons": "Ibu-ibu mulai ikut memutuskan di dusun.",
        },
    )
    assert response.status_code == 302
    assert story.selections.get().panel == panel
