"""The stakeholder registry: who gives, provides, regulates or partners (seed 002).

Welfare comes from the state, the market, the voluntary sector and families and
communities; each external rupiah recorded in `savings` names its giver here. Issue 14 adds
where each works (programme, village), agreements with their commitments, and
contributions (cash through the savings ledger, goods, staff time).
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


class StakeholderLink(models.Model):
    """A stakeholder working in a programme, or in one village of it (issue 14)."""

    stakeholder = models.ForeignKey(Stakeholder, models.CASCADE, related_name="links")
    programme = models.ForeignKey(
        "programmes.Programme", models.CASCADE, related_name="stakeholder_links"
    )
    village = models.ForeignKey(
        "areas.Village", models.CASCADE, null=True, blank=True, related_name="+"
    )
    # Contacts are the organisation's office and desk, never a community member's data.
    contact_office = models.CharField(_("contact office"), max_length=200, blank=True)
    contact_phone = models.CharField(_("office phone"), max_length=40, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["stakeholder", "programme", "village"],
                name="stakeholder_link_unique",
                nulls_distinct=False,
            ),
        ]

    def __str__(self) -> str:
        return f"{self.stakeholder} – {self.programme}"


class Agreement(models.Model):
    """An MoU or PKS between the organisation and one or more stakeholders."""

    class Kind(models.TextChoices):
        MOU = "mou", _("Memorandum of understanding (MoU)")
        PKS = "pks", _("Cooperation agreement (PKS)")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        ACTIVE = "active", _("Active")
        ENDED = "ended", _("Ended")

    programme = models.ForeignKey("programmes.Programme", models.CASCADE, related_name="agreements")
    kind = models.CharField(_("kind"), max_length=4, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    scope = models.TextField(_("scope"))
    parties = models.ManyToManyField(Stakeholder, related_name="agreements")
    starts_on = models.DateField(_("start"))
    ends_on = models.DateField(_("end"))
    status = models.CharField(_("status"), max_length=6, choices=Status.choices, default="draft")
    document = models.FileField(_("document"), upload_to="agreements/", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-starts_on", "title"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="agreement_period_ordered",
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=["mou", "pks"]), name="agreement_kind_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=["draft", "active", "ended"]),
                name="agreement_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Commitment(models.Model):
    """What one party promised under an agreement, by when, and whether it was kept."""

    agreement = models.ForeignKey(Agreement, models.CASCADE, related_name="commitments")
    party = models.ForeignKey(Stakeholder, models.CASCADE, related_name="commitments")
    description = models.CharField(_("commitment"), max_length=300)
    due_on = models.DateField(_("due"))
    met_on = models.DateField(_("met on"), null=True, blank=True)
    decided_jointly = models.BooleanField(_("decided jointly"), default=False)
    # Whether the parties agreed together that it was kept (not one side declaring it).
    met_jointly = models.BooleanField(_("met as decided jointly"), default=False)

    class Meta:
        ordering = ["due_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(met_on__isnull=False) | models.Q(met_jointly=False),
                name="commitment_met_jointly_needs_date",
            ),
        ]

    def __str__(self) -> str:
        return self.description


class Contribution(models.Model):
    """A party's contribution: cash (posted to the savings ledger), goods or staff time."""

    class Kind(models.TextChoices):
        CASH = "cash", _("Cash")
        IN_KIND = "in_kind", _("In kind")
        STAFF_TIME = "staff", _("Staff time")

    programme = models.ForeignKey(
        "programmes.Programme", models.PROTECT, related_name="contributions"
    )
    stakeholder = models.ForeignKey(Stakeholder, models.PROTECT, related_name="contributions")
    agreement = models.ForeignKey(
        Agreement, models.SET_NULL, null=True, blank=True, related_name="contributions"
    )
    kind = models.CharField(_("kind"), max_length=7, choices=Kind.choices)
    value = models.BigIntegerField(_("value (rupiah)"))
    hours = models.PositiveIntegerField(_("hours"), null=True, blank=True)
    purpose = models.CharField(_("what it was for"), max_length=300)
    given_on = models.DateField(_("given on"))
    transaction = models.OneToOneField(
        "savings.Transaction", models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-given_on"]
        constraints = [
            models.CheckConstraint(condition=models.Q(value__gt=0), name="contribution_positive"),
            models.CheckConstraint(
                condition=models.Q(kind__in=["cash", "in_kind", "staff"]),
                name="contribution_kind_valid",
            ),
            # Cash always goes through the ledger, so the dependency ratio sees it.
            models.CheckConstraint(
                condition=~models.Q(kind="cash") | models.Q(transaction__isnull=False),
                name="contribution_cash_in_ledger",
            ),
            models.CheckConstraint(
                condition=~models.Q(kind="staff") | models.Q(hours__gt=0),
                name="contribution_staff_hours",
            ),
        ]

    def __str__(self) -> str:
        return self.purpose
