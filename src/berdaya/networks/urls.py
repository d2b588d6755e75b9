from django.urls import path

from . import views

app_name = "networks"

urlpatterns = [
    path("<int:programme_id>/<str:village_code>/", views.village_network, name="village"),
    path("<int:programme_id>/<str:village_code>/ikatan/", views.tie_new, name="tie-new"),
    path("<int:programme_id>/<str:village_code>/turunkan/", views.ties_derive_view, name="derive"),
    path("<int:programme_id>/<str:village_code>/kader/", views.cadre_mark_view, name="cadre"),
    path("<int:programme_id>/<str:village_code>/simulasi/", views.simulate, name="simulate"),
]
