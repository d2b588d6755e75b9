from django.urls import path

from . import views

app_name = "intake"

urlpatterns = [
    path("program/<int:programme_id>/", views.programme_connections, name="programme"),
    path("<int:connection_id>/", views.connection_detail, name="connection"),
    path("<int:connection_id>/tarik/", views.connection_pull, name="connection-pull"),
    path("<int:connection_id>/hapus/", views.connection_delete, name="connection-delete"),
    path("tarikan/<int:pull_id>/", views.pull_detail, name="pull"),
    path("tarikan/<int:pull_id>/status/", views.pull_status, name="pull-status"),
]
