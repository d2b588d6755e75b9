from django.urls import path

from berdaya.community.views import village_profile

from . import views

app_name = "areas"

urlpatterns = [
    path("cari/", views.search, name="search"),
    # The village page is the community profile (berdaya.community): figures, charts,
    # institutions and earlier programmes. Other villages answer 404 there too.
    path("desa/<str:village_code>/", village_profile, name="village-detail"),
]
