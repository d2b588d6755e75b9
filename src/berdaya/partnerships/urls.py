from django.urls import path

from . import views

app_name = "partnerships"

urlpatterns = [
    path("program/<int:programme_id>/", views.partnership_map, name="map"),
]
