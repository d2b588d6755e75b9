from django.urls import path

from . import views

app_name = "community"


def _record_paths(prefix: str, id_name: str, kind: views.RecordKind, name: str) -> list:
    return [
        path(
            f"desa/<str:village_code>/{prefix}/baru/",
            views.record_create,
            {"kind": kind},
            name=f"{name}-create",
        ),
        path(
            f"{prefix}/<int:{id_name}>/ubah/",
            views.record_edit,
            {"kind": kind},
            name=f"{name}-edit",
        ),
        path(
            f"{prefix}/<int:{id_name}>/hapus/",
            views.record_delete,
            {"kind": kind},
            name=f"{name}-delete",
        ),
    ]


urlpatterns = [
    path("garis-kemiskinan/", views.poverty_lines, name="poverty-lines"),
    *_record_paths("lembaga", "institution_id", views.INSTITUTIONS, "institution"),
    *_record_paths("program-lalu", "past_programme_id", views.PAST_PROGRAMMES, "past-programme"),
    *_record_paths("modal", "capital_item_id", views.CAPITAL_ITEMS, "capital-item"),
]
