"""Reports generated in the background, kept, and downloadable again."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from berdaya.core.access import Scope


class GeneratedReport(models.Model):
    """One requested report (a PDF with its XLSX tables beside it), made by a django-tasks job.

    Only aggregate reports are kept: a household card holds a family's names, and a stored
    copy would outlive a correction or an erasure request (UU PDP), so cards are printed on
    request and never stored (see `services.household_card_print`).
    """

    class Kind(models.TextChoices):
        PROGRESS = "progress", _("Programme progress report")
        SOCIAL_MAP = "social_map", _("Village social map")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        RUNNING = "running", _("Being made")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")

    organisation = models.ForeignKey("organisations.Organisation", models.PROTECT, related_name="+")
    programme = models.ForeignKey("programmes.Programme", models.CASCADE, related_name="reports")
    # The village of a village report; None for a report over the programme's villages.
    village = models.ForeignKey(
        "areas.Village", models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Every village whose figures the report holds: only those who may see all of them
    # may download it (selectors.reports_visible_to).
    covers = models.ManyToManyField("areas.Village", related_name="+")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.PENDING
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    pdf = models.FileField(_("PDF"), upload_to="reports/%Y/%m/", blank=True)
    xlsx = models.FileField(_("tables (XLSX)"), upload_to="reports/%Y/%m/", blank=True)
    error = models.CharField(_("error"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    access_scope = Scope(
        organisation="organisation_id", village="covers", personal=False, many=True
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("generated report")
        verbose_name_plural = _("generated reports")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(progress__lte=100), name="report_progress_at_most_100"
            ),
            models.CheckConstraint(
                condition=~models.Q(kind="social_map") | models.Q(village__isnull=False),
                name="report_social_map_has_village",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.pk}"

    def get_additional_data(self) -> dict:
        return {"organisation": self.organisation_id}
