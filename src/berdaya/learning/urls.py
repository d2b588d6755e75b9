from django.urls import path

from .views import msc, practice, results

app_name = "learning"

P = "program/<int:programme_id>/"

urlpatterns = [
    path(P, practice.programme_learning, name="programme"),
    path("desa/<str:village_code>/", practice.village_learning, name="village"),
    # Most Significant Change
    path(P + "cerita/", msc.story_list, name="stories"),
    path(P + "cerita/baru/", msc.story_create, name="story-create"),
    path(P + "cerita/analisis/", msc.msc_analysis, name="msc-analysis"),
    path(P + "cerita/ekspor/", msc.stories_export, name="stories-export"),
    path(P + "domain/", msc.domains_page, name="domains"),
    path(P + "periode/", msc.period_add, name="period-add"),
    path(P + "panel/", msc.panel_list, name="panels"),
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
    path(P + "hasil/", results.results_page, name="results"),
    path(P + "hasil/ekspor/", results.results_export, name="results-export"),
    path("indikator/<int:indicator_id>/", results.indicator_page, name="indicator"),
    path("indikator/<int:indicator_id>/target/", results.indicator_target, name="indicator-target"),
    path(
        "indikator/<int:indicator_id>/capaian/", results.indicator_actual, name="indicator-actual"
    ),
    # empowerment and self-reliance
    path(P + "keberdayaan/", practice.empowerment_page, name="empowerment"),
    path(P + "keberdayaan/nilai/", practice.empowerment_assess, name="empowerment-assess"),
    path(P + "keberdayaan/rubrik/", practice.empowerment_rubric, name="empowerment-rubric"),
    path(
        "keberdayaan/<int:empowerment_id>/", practice.empowerment_detail, name="empowerment-detail"
    ),
    path(P + "kemandirian/", practice.self_reliance_page, name="self-reliance"),
]

from .views import decisions  # noqa: E402

urlpatterns += [
    path(P + "kelulusan/", decisions.graduation_page, name="graduation"),
    path(P + "kelulusan/nilai/", decisions.graduation_assess, name="graduation-assess"),
    path(P + "kelulusan/jalur/", decisions.pathway_create, name="pathway-create"),
    path("kelulusan/<int:graduation_id>/", decisions.graduation_detail, name="graduation-detail"),
    path(
        "kelulusan/<int:graduation_id>/keputusan/",
        decisions.graduation_decide,
        name="graduation-decide",
    ),
    path(P + "rothman/", decisions.rothman_page, name="rothman"),
    path(P + "refleksi/", decisions.review_list, name="reviews"),
    path("refleksi/<int:review_id>/", decisions.review_detail, name="review-detail"),
    path("refleksi/<int:review_id>/revisi/", decisions.review_cite, name="review-cite"),
]
