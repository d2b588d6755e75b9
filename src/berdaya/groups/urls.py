from django.urls import path

from . import views

app_name = "groups"

urlpatterns = [
    path("", views.group_list, name="list"),
    path("baru/", views.group_create, name="create"),
    path("<int:group_id>/", views.group_detail, name="detail"),
    path("<int:group_id>/anggota/", views.member_add, name="member-add"),
    path("<int:group_id>/anggota/keluar/", views.member_leave, name="member-leave"),
    path("<int:group_id>/penilaian/", views.group_assess, name="assess"),
    path("rubrik/program/<int:programme_id>/", views.programme_rubric, name="rubric"),
]
