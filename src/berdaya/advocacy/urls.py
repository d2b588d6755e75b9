from django.urls import path

from . import views

app_name = "advocacy"

urlpatterns = [
    path("program/<int:programme_id>/", views.programme_cases, name="programme"),
]
