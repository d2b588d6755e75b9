from django.urls import path

from . import views

app_name = "advocacy"

urlpatterns = [
    path("program/<int:programme_id>/", views.programme_cases, name="programme"),
    path(
        "program/<int:programme_id>/kasus/baru/celah-cakupan/",
        views.case_new_from_gap,
        name="case-new-gap",
    ),
    path("program/<int:programme_id>/kasus/baru/", views.case_new, name="case-new"),
    path("kasus/<int:case_id>/", views.case_detail, name="case"),
    path("kasus/<int:case_id>/aksi/baru/", views.action_new, name="action-new"),
    path("kasus/<int:case_id>/tutup/", views.case_close, name="case-close"),
    path("kasus/<int:case_id>/rumah-tangga/", views.case_households, name="case-households"),
]
