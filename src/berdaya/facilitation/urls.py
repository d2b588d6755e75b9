from django.urls import path

from . import views

app_name = "facilitation"

urlpatterns = [
    path("", views.activity_list, name="activity-list"),
    path("baru/", views.activity_create, name="activity-create"),
    path("kerja-saya/", views.my_work, name="my-work"),
    path("partisipasi/", views.participation_page, name="participation"),
    path("cari-warga/", views.person_search, name="person-search"),
    path("<int:activity_id>/", views.activity_detail, name="activity-detail"),
    path("<int:activity_id>/ubah/", views.activity_edit, name="activity-edit"),
    path("<int:activity_id>/hadir/", views.attendance_add, name="attendance-add"),
    path("<int:activity_id>/hadir/centang/", views.attendance_roll, name="attendance-roll"),
    path("<int:activity_id>/hadir/hapus/", views.attendance_remove, name="attendance-remove"),
    path("<int:activity_id>/tamu/", views.guests_set, name="guests"),
    path("<int:activity_id>/angka/", views.figures, name="figures"),
    path("<int:activity_id>/lampiran/", views.attachment_upload, name="attachment-upload"),
    path("lampiran/<int:attachment_id>/", views.attachment_download, name="attachment"),
]
