from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path(
        "desa/<str:village_code>/profil-sosial.pdf",
        views.village_social_map,
        name="village-social-map",
    ),
]
