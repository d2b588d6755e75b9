from django.contrib.auth.decorators import login_not_required
from django.urls import include, path

from .floor import floor

urlpatterns = [
    path("bench/floor/", login_not_required(floor)),
    path("", include("berdaya.config.urls")),
]
