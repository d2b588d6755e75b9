from django.urls import path

from . import views

app_name = "partnerships"

urlpatterns = [
    path("program/<int:programme_id>/", views.partnership_map, name="map"),
    path(
        "program/<int:programme_id>/pemangku-kepentingan/baru/",
        views.stakeholder_new,
        name="stakeholder-new",
    ),
    path(
        "program/<int:programme_id>/pemangku-kepentingan/tautkan/",
        views.stakeholder_link_new,
        name="stakeholder-link",
    ),
    path("program/<int:programme_id>/perjanjian/baru/", views.agreement_new, name="agreement-new"),
    path(
        "program/<int:programme_id>/kontribusi/baru/",
        views.contribution_new,
        name="contribution-new",
    ),
    path("perjanjian/<int:agreement_id>/", views.agreement_detail, name="agreement"),
    path(
        "perjanjian/<int:agreement_id>/dokumen/unggah/",
        views.agreement_document,
        name="agreement-document-upload",
    ),
    path("perjanjian/<int:agreement_id>/status/", views.agreement_status, name="agreement-status"),
    path(
        "perjanjian/<int:agreement_id>/dokumen/",
        views.agreement_document_download,
        name="agreement-document",
    ),
    path(
        "perjanjian/<int:agreement_id>/komitmen/baru/",
        views.commitment_new,
        name="commitment-new",
    ),
    path("komitmen/<int:commitment_id>/terpenuhi/", views.commitment_met, name="commitment-met"),
]
