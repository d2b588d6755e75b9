from django.urls import path

from . import views

app_name = "community"

urlpatterns = [
    path(
        "desa/<str:village_code>/lembaga/baru/",
        views.institution_create,
        name="institution-create",
    ),
    path("lembaga/<int:institution_id>/ubah/", views.institution_edit, name="institution-edit"),
    path(
        "lembaga/<int:institution_id>/hapus/", views.institution_delete, name="institution-delete"
    ),
    path(
        "desa/<str:village_code>/program-lalu/baru/",
        views.past_programme_create,
        name="past-programme-create",
    ),
    path(
        "program-lalu/<int:past_programme_id>/ubah/",
        views.past_programme_edit,
        name="past-programme-edit",
    ),
    path(
        "program-lalu/<int:past_programme_id>/hapus/",
        views.past_programme_delete,
        name="past-programme-delete",
    ),
    path(
        "desa/<str:village_code>/modal/baru/",
        views.capital_item_create,
        name="capital-item-create",
    ),
    path("modal/<int:capital_item_id>/ubah/", views.capital_item_edit, name="capital-item-edit"),
    path(
        "modal/<int:capital_item_id>/hapus/",
        views.capital_item_delete,
        name="capital-item-delete",
    ),
]
