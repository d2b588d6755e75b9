"""The stakeholder registry: who gives, provides, regulates or partners (seed 002).

Welfare comes from the state, the market, the voluntary sector and families and
communities; each external rupiah recorded in `savings` names its giver here. A
later partnerships issue extends this registry (agreements, joint actions); this
app holds only the registry itself.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Stakeholder(models.Model):
    class Sector(models.TextChoices):
        STATE = "state", _("State (government)")
        MARKET = "market", _("Market (company, bank)")
        VOLUNTARY = "voluntary", _("Voluntary (NGO, foundation, religious body)")
        FAMILY_COMMUNITY = "family_community", _("Family and community")

    class Role(models.TextChoices):
        FUNDER = "funder", _("Funder")
        PROVIDER = "provider", _("Service provider")
        REGULATOR = "regulator", _("Regulator")
        PARTNER = "partner", _("Partner")

    organisation = models.ForeignKey(
        "organisations.Organisation", models.CASCADE, related_name="stakeholders"
    )
    name = models.CharField(_("name"), max_length=200)
    sector = models.CharField(_("sector"), max_length=16, choices=Sector.choices)
    role = models.CharField(_("role"), max_length=10, choices=Role.choices)
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["organisation_id", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "name"], name="stakeholder_name_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(sector__in=["state", "market", "voluntary", "family_community"]),
                name="stakeholder_sector_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(role__in=["funder", "provider", "regulator", "partner"]),
                name="stakeholder_role_valid",
            ),
        ]
        verbose_name = _("stakeholder")
        verbose_name_plural = _("stakeholders")

    def __str__(self) -> str:
        return self.name

    def get_additional_data(self) -> dict:
        return {"organisation": self.organisation_id}
