"""The project's URLs plus one view that forgets the access rule (for test_isolation)."""

from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from django.urls import path

from berdaya.config.urls import urlpatterns as project_urlpatterns
from berdaya.registry.models import Household


def leaky_household(request, household_id: int):
    household = Household.objects.get(pk=household_id)  # no access rule: the bug
    return HttpResponse(str(household))


@login_not_required
def leaky_public(request):
    return HttpResponse("anyone")


urlpatterns = [
    *project_urlpatterns,
    path("bocor/<int:household_id>/", leaky_household, name="leaky-household"),
    path("terbuka/", leaky_public, name="leaky-public"),
]
