from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path(
        "desa/<str:village_code>/profil-sosial.pdf",
        views.village_social_map,
        name="village-social-map",
    ),
    path("program/<int:programme_id>/", views.programme_reports, name="programme"),
    path("unduh/<int:report_id>/laporan.pdf", views.report_pdf, name="download-pdf"),
    path("unduh/<int:report_id>/tabel.xlsx", views.report_xlsx, name="download-xlsx"),
    path(
        "rumah-tangga/<int:household_id>/kartu.pdf",
        views.household_card,
        name="household-card",
    ),
]
