from django.urls import path

from .views import books, groups

app_name = "savings"

urlpatterns = [
    path("kelompok/<int:group_id>/", groups.group_money, name="group"),
    path("kelompok/<int:group_id>/siklus-baru/", groups.cycle_start, name="cycle-start"),
    path("kelompok/<int:group_id>/pertemuan-baru/", groups.meeting_new, name="meeting-new"),
    path("kelompok/<int:group_id>/usaha/", books.kube_open, name="kube-open"),
    path("kelompok/<int:group_id>/ekspor/", books.group_export, name="export"),
    path("pertemuan/<int:meeting_id>/", groups.meeting_page, name="meeting"),
    path("pertemuan/<int:meeting_id>/tutup/", groups.meeting_close, name="meeting-close"),
    path("pertemuan/<int:meeting_id>/kuitansi/", groups.meeting_receipts, name="receipts"),
    path("anggota/<int:membership_id>/buku/", groups.passbook, name="passbook"),
    path("pinjaman/<int:loan_id>/", groups.loan_detail, name="loan"),
    path("siklus/<int:savings_cycle_id>/bagi-hasil/", groups.share_out, name="share-out"),
    path("transaksi/<int:transaction_id>/balik/", groups.reverse, name="reverse"),
    path("buku/<int:book_id>/", books.book_detail, name="book"),
    path("desa/<str:village_code>/dana/", books.village_funds, name="village-funds"),
    path("desa/<str:village_code>/sumber/", books.village_sources, name="village-sources"),
    path("program/<int:programme_id>/", books.programme_money, name="programme"),
    path("pemangku-kepentingan/", books.stakeholders, name="stakeholders"),
]
