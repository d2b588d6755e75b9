from django.urls import path

from . import views, views_rounds

app_name = "programmes"

urlpatterns = [
    path("", views.programme_list, name="list"),
    path("<int:programme_id>/", views.programme_detail, name="detail"),
    path("<int:programme_id>/linimasa/", views.programme_timeline, name="timeline"),
    path("<int:programme_id>/kader/", views.cadre_list, name="cadres"),
    path("<int:programme_id>/kader/<int:cadre_id>/selesai/", views.cadre_end, name="cadre-end"),
    path("<int:programme_id>/massa-kritis/", views.critical_mass_page, name="critical-mass"),
    path("<int:programme_id>/putaran-survei/", views_rounds.survey_rounds, name="survey-rounds"),
    path(
        "<int:programme_id>/kemiskinan/",
        views_rounds.programme_poverty_over_time,
        name="poverty-over-time",
    ),
    path(
        "<int:programme_id>/desa/<str:village_code>/kemiskinan/",
        views_rounds.village_poverty_over_time,
        name="village-poverty-over-time",
    ),
]
