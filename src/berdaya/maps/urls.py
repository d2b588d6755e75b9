from django.urls import path

from . import views

app_name = "maps"

urlpatterns = [
    path("desa/<str:village_code>/", views.village_map, name="village"),
    path("program/<int:programme_id>/", views.programme_map, name="programme"),
]
