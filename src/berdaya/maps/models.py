"""Where a village is, when its households have no GPS yet (or the programme prefers the
village office): the programme map places the village there instead of at the centroid
of its households."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from berdaya.core.access import Scope

from .geo import location_constraints


class VillageLocation(models.Model):
    organisation = models.ForeignKey("organisations.Organisation", models.CASCADE, related_name="+")
    village = models.ForeignKey("areas.Village", models.PROTECT, related_name="+")
    latitude = models.FloatField(_("latitude"))
    longitude = models.FloatField(_("longitude"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    # A village's place is not personal data: viewers see it on the programme map.
    access_scope = Scope(organisation="organisation_id", village="village_id", personal=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "village"], name="village_location_unique"
            ),
            *location_constraints("village"),
        ]
        verbose_name = _("village location")
        verbose_name_plural = _("village locations")

    def __str__(self) -> str:
        return f"{self.village_id}: {self.latitude}, {self.longitude}"

    def get_additional_data(self) -> dict:
        return {"organisation": self.organisation_id}
