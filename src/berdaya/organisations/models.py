"""Who runs programmes and who may do what in them."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Organisation(models.Model):
    class Kind(models.TextChoices):
        NGO = "ngo", _("NGO / foundation")
        COMPANY = "company", _("Company CSR / community development")
        GOVERNMENT = "government", _("Government office")
        VILLAGE_GOVERNMENT = "village_government", _("Village government")
        COMMUNITY = "community", _("Community organisation")

    name = models.CharField(_("name"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.name

    def get_additional_data(self) -> dict:
        # Lets the audit trail be read per organisation (berdaya.core.audit).
        return {"organisation": self.pk}


class Role(models.TextChoices):
    ADMIN = "admin", _("Administrator")
    MANAGER = "manager", _("Programme manager")
    FACILITATOR = "facilitator", _("Facilitator (pendamping)")
    VIEWER = "viewer", _("Viewer")


class Membership(models.Model):
    """A user's role in one organisation. Facilitators also need village assignments."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(Organisation, models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation"], name="membership_unique"),
            models.CheckConstraint(
                condition=models.Q(role__in=Role.values), name="membership_role_valid"
            ),
        ]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")

    def __str__(self) -> str:
        return f"{self.user} · {self.organisation} · {self.get_role_display()}"

    def get_additional_data(self) -> dict:
        # Lets the audit trail be read per organisation (berdaya.core.audit).
        return {"organisation": self.organisation_id}


class VillageAssignment(models.Model):
    """A facilitator accompanies a village for an organisation."""

    membership = models.ForeignKey(Membership, models.CASCADE, related_name="assignments")
    village = models.ForeignKey("areas.Village", models.PROTECT, related_name="+")
    since = models.DateField(_("since"), null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["membership", "village"], name="assignment_unique"),
        ]
        verbose_name = _("village assignment")
        verbose_name_plural = _("village assignments")

    def __str__(self) -> str:
        return f"{self.membership.user} → {self.village}"

    def get_additional_data(self) -> dict:
        # Lets the audit trail be read per organisation (berdaya.core.audit).
        return {"organisation": self.membership.organisation_id}
