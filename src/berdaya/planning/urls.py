from django.urls import path

from . import views

app_name = "planning"

urlpatterns = [
    path("", views.cycle_list, name="list"),
    path("baru/", views.cycle_create, name="create"),
    path("<int:cycle_id>/", views.cycle_detail, name="detail"),
    path("<int:cycle_id>/1-masalah/", views.problems, name="problems"),
    path("<int:cycle_id>/1-masalah/lanjut/", views.cycle_advance, name="advance"),
    path("<int:cycle_id>/2-pohon-masalah/", views.tree, name="tree"),
    path("<int:cycle_id>/3-prioritas/", views.priorities, name="priorities"),
    path("<int:cycle_id>/3-prioritas/metode/", views.voting_open, name="open"),
    path("<int:cycle_id>/3-prioritas/suara/", views.vote, name="vote"),
    path("<int:cycle_id>/3-prioritas/tutup/", views.voting_close, name="close"),
    path("<int:cycle_id>/4-solusi/", views.solutions, name="solutions"),
    path("<int:cycle_id>/5-aksi/", views.action, name="action"),
    path("<int:cycle_id>/5-aksi/status/", views.task_status, name="task-status"),
    path("<int:cycle_id>/6-evaluasi/", views.evaluation, name="evaluation"),
]
