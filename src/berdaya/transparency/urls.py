from django.urls import path

from . import views

app_name = "transparency"

urlpatterns = [
    path("program/<int:programme_id>/", views.programme_public_page, name="manage"),
    path("<slug:public_slug>/", views.public_page, name="public"),
]
