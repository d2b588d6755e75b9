from django.urls import path

from .views import msc, results

app_name = "learning"

urlpatterns = [
    # Most Significant Change
    path("program/<int:programme_id>/cerita/", msc.story_list, name="stories"),
    path("program/<int:programme_id>/cerita/baru/", msc.story_create, name="story-create"),
    path("program/<int:programme_id>/cerita/analisis/", msc.msc_analysis, name="msc-analysis"),
    path("program/<int:programme_id>/cerita/ekspor/", msc.stories_export, name="stories-export"),
    path("program/<int:programme_id>/domain/", msc.domains_page, name="domains"),
    path("program/<int:programme_id>/periode/", msc.period_add, name="period-add"),
    path("program/<int:programme_id>/panel/", msc.panel_list, name="panels"),
    path("cerita/<int:story_id>/", msc.story_detail, name="story-detail"),
    path("cerita/<int:story_id>/umpan-balik/", msc.story_feedback, name="story-feedback"),
    path("cerita/<int:story_id>/verifikasi/", msc.story_verify, name="story-verify"),
    path("cerita/<int:story_id>/analisis/", msc.story_analyse, name="story-analyse"),
    path("cerita/<int:story_id>/lampiran/", msc.story_attach, name="story-attach"),
    path(
        "cerita/lampiran/<int:story_attachment_id>/",
        msc.story_attachment,
        name="story-attachment",
    ),
    path("panel/<int:panel_id>/", msc.panel_detail, name="panel-detail"),
    path("panel/<int:panel_id>/pilih/", msc.panel_select, name="panel-select"),
    # results framework
    path("program/<int:programme_id>/hasil/", results.results_page, name="results"),
    path("program/<int:programme_id>/hasil/ekspor/", results.results_export, name="results-export"),
    path("indikator/<int:indicator_id>/", results.indicator_page, name="indicator"),
    path("indikator/<int:indicator_id>/target/", results.indicator_target, name="indicator-target"),
    path(
        "indikator/<int:indicator_id>/capaian/", results.indicator_actual, name="indicator-actual"
    ),
]
