"""The project's URLs: one include per app, in the order of the 5P cycle."""

from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

from berdaya.api.main import api

urlpatterns = [
    path("", include("berdaya.core.urls")),
    path("wilayah/", include("berdaya.areas.urls")),
    path("program/", include("berdaya.programmes.urls")),
    path("registri/", include("berdaya.registry.urls")),
    path("tarik-data/", include("berdaya.intake.urls")),
    path("pendampingan/", include("berdaya.facilitation.urls")),
    path("jaringan/", include("berdaya.networks.urls")),
    path("perencanaan/", include("berdaya.planning.urls")),
    path("kelompok/", include("berdaya.groups.urls")),
    path("komunitas/", include("berdaya.community.urls")),
    path("uang/", include("berdaya.savings.urls")),
    path("kemitraan/", include("berdaya.partnerships.urls")),
    path("advokasi/", include("berdaya.advocacy.urls")),
    path("pembelajaran/", include("berdaya.learning.urls")),
    path("laporan/", include("berdaya.reports.urls")),
    path("publik/", include("berdaya.transparency.urls")),
    path("peta/", include("berdaya.maps.urls")),
    path("profil/", include("berdaya.accounts.urls")),
    path("api/v1/", api.urls),
    # The language switch must work on the sign-in page too.
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("admin/", admin.site.urls),
]

handler400 = "berdaya.core.errors_views.bad_request"
handler403 = "berdaya.core.errors_views.permission_denied"
handler404 = "berdaya.core.errors_views.page_not_found"
handler500 = "berdaya.core.errors_views.server_error"
