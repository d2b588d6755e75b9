from django.urls import path

from . import views, views_analysis, views_imports, views_questions, views_register

app_name = "registry"

urlpatterns = [
    # Imports (KoboToolbox, ODK Central, Berdaya's template) and the forms to collect with.
    path("impor/", views_imports.import_list, name="import-list"),
    path("impor/baru/", views_imports.import_new, name="import-new"),
    path("impor/formulir.xlsx", views_imports.import_xlsform, name="import-xlsform"),
    path("impor/templat.csv", views_imports.import_template_csv, name="import-template-csv"),
    path("impor/templat.xlsx", views_imports.import_template_xlsx, name="import-template-xlsx"),
    path(
        "formulir/program/<int:programme_id>/",
        views_questions.programme_questions,
        name="programme-questions",
    ),
    path(
        "formulir/program/<int:programme_id>/hapus/",
        views_questions.programme_question_remove,
        name="programme-question-remove",
    ),
    path("impor/<int:import_id>/", views_imports.import_detail, name="import-detail"),
    path("impor/<int:import_id>/status/", views_imports.import_status, name="import-status"),
    path("impor/<int:import_id>/kolom/", views_imports.import_columns, name="import-columns"),
    path("rumah-tangga/", views.household_list_view, name="household-list"),
    path("rumah-tangga/baru/", views_register.household_register, name="household-register"),
    path("rumah-tangga/ekspor/", views.household_export, name="household-export"),
    path("rumah-tangga/<int:household_id>/", views.household_detail, name="household-detail"),
    path("rumah-tangga/<int:household_id>/kk/", views.household_kk_reveal, name="household-kk"),
    path("rumah-tangga/<int:household_id>/anggota-baru/", views.member_add, name="member-add"),
    path("rumah-tangga/<int:household_id>/pindah/", views.household_move, name="household-move"),
    path("rumah-tangga/<int:household_id>/survei/", views.survey_add, name="survey-add"),
    path("rumah-tangga/<int:household_id>/pisah/", views.household_split, name="household-split"),
    path("rumah-tangga/<int:household_id>/gabung/", views.household_merge, name="household-merge"),
    path("rumah-tangga/<int:household_id>/persetujuan/", views.consent_add, name="consent-add"),
    path("persetujuan/<int:consent_id>/tarik/", views.consent_withdraw, name="consent-withdraw"),
    # Analysis exports: the household table and its figures, for analysts.
    path(
        "desa/<str:village_code>/ekspor-analisis/",
        views_analysis.village_analysis_export,
        name="village-analysis-export",
    ),
    path(
        "program/<int:programme_id>/ekspor-analisis/",
        views_analysis.programme_analysis_export,
        name="programme-analysis-export",
    ),
    path("warga/<int:person_id>/", views.person_detail, name="person-detail"),
    path("warga/<int:person_id>/nik/", views.person_nik_reveal, name="person-nik"),
    path("warga/<int:person_id>/keluar/", views.person_leave, name="person-leave"),
    path("warga/<int:person_id>/unduh/", views.person_export, name="person-export"),
    path("warga/<int:person_id>/koreksi/", views.person_correct, name="person-correct"),
    path("warga/<int:person_id>/hapus/", views.person_erase, name="person-erase"),
]
