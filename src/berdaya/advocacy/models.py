"""Advocacy cases: rights to basic services claimed together (seed 003, social advocacy).

A case starts from a gap: a coverage gap read from the registry's figures (poor but not
enrolled in a social protection scheme), a service failure or a rights violation. The
coverage of a gap case is stored as read when the case opened and again when its
outcome is recorded, from the same `registry.figures` row, so before and after are one
measure. Counts only: no person's name is stored in a case.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from berdaya.core.access import Scope


class AdvocacyCase(models.Model):
    class Kind(models.TextChoices):
        COVERAGE_GAP = "coverage_gap", _("Coverage gap")
        SERVICE_FAILURE = "service_failure", _("Service failure")
        RIGHTS_VIOLATION = "rights_violation", _("Rights violation")

    class Outcome(models.TextChoices):
        OPEN = "open", _("Open")
        ENROLLED = "enrolled", _("Households enrolled")
        POLICY_CHANGED = "policy_changed", _("Policy changed")
        REFUSED = "refused", _("Refused")

    organisation = models.ForeignKey(
        "organisations.Organisation", models.CASCADE, related_name="advocacy_cases"
    )
    programme = models.ForeignKey(
        "programmes.Programme", models.CASCADE, related_name="advocacy_cases"
    )
    village = models.ForeignKey("areas.Village", models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    scheme = models.CharField(_("scheme"), max_length=40, blank=True)
    title = models.CharField(_("title"), max_length=200)
    target = models.ForeignKey(
        "partnerships.Stakeholder",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="advocacy_cases",
        verbose_name=_("target institution"),
    )
    target_name = models.CharField(_("target institution"), max_length=200)
    demand = models.TextField(_("demand"))
    people_affected = models.PositiveIntegerField(_("households affected"))
    opened_on = models.DateField(_("opened on"))
    # {"enrolled": n, "poor_not_enrolled": n, "computed_on": "YYYY-MM-DD"} from the figures.
    coverage_before = models.JSONField(null=True, blank=True)
    coverage_after = models.JSONField(null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices, default="open")
    outcome_on = models.DateField(_("outcome on"), null=True, blank=True)
    outcome_note = models.TextField(_("outcome note"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )

    access_scope = Scope(organisation="organisation_id", village="village_id", personal=False)

    class Meta:
        ordering = ["-opened_on", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["coverage_gap", "service_failure", "rights_violation"]),
                name="advocacy_kind_valid",
            ),
            models.CheckConstraint(
                condition=Q(outcome__in=["open", "enrolled", "policy_changed", "refused"]),
                name="advocacy_outcome_valid",
            ),
            # A coverage gap is a gap in one scheme, measured when it opened.
            models.CheckConstraint(
                condition=~Q(kind="coverage_gap")
                | (~Q(scheme="") & Q(coverage_before__isnull=False)),
                name="advocacy_gap_has_scheme",
            ),
            models.CheckConstraint(
                condition=Q(outcome="open", outcome_on__isnull=True)
                | (~Q(outcome="open") & Q(outcome_on__gte=models.F("opened_on"))),
                name="advocacy_outcome_dated",
            ),
        ]
        verbose_name = _("advocacy case")
        verbose_name_plural = _("advocacy cases")

    def __str__(self) -> str:
        return self.title

    def get_additional_data(self) -> dict:
        return {"organisation": self.organisation_id}


class AdvocacyAction(models.Model):
    class Kind(models.TextChoices):
        AUDIENSI = "audiensi", _("Hearing (audiensi)")
        DIALOGUE = "dialogue", _("Public dialogue")
        CAMPAIGN = "campaign", _("Campaign")
        LETTER = "letter", _("Letter")
        OMBUDSMAN = "ombudsman", _("Complaint to the Ombudsman")
        LAPOR = "lapor", _("Complaint through LAPOR!")

    case = models.ForeignKey(AdvocacyCase, models.CASCADE, related_name="actions")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    held_on = models.DateField(_("date"))
    # Poor households themselves first (seed 003): counted apart from supporters.
    poor_participants = models.PositiveIntegerField(_("poor households taking part"))
    other_participants = models.PositiveIntegerField(_("others taking part"), default=0)
    note = models.TextField(_("note"), blank=True)

    access_scope = Scope(
        organisation="case__organisation_id", village="case__village_id", personal=False
    )

    class Meta:
        ordering = ["held_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    kind__in=["audiensi", "dialogue", "campaign", "letter", "ombudsman", "lapor"]
                ),
                name="advocacy_action_kind_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.held_on}"
