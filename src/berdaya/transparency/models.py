"""A programme's public transparency page (opt-in by its managers) and its dated figures.

The page shows aggregates only, read from stored figures. Each time the figures read for
it differ from the last ones kept, they are kept again with the day, so the page can show
a trend (poverty headcount) from measurements it actually published.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class PublicPage(models.Model):
    programme = models.OneToOneField(
        "programmes.Programme", models.CASCADE, related_name="public_page"
    )
    enabled = models.BooleanField(_("published"), default=False)
    # Stays the same when a page is switched off and on again, so links keep working.
    slug = models.SlugField(_("address"), max_length=80, unique=True)
    enabled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    enabled_at = models.DateTimeField(_("published at"), null=True, blank=True)

    class Meta:
        verbose_name = _("public page")
        verbose_name_plural = _("public pages")
        constraints = [
            # A published page says who published it and when.
            models.CheckConstraint(
                condition=models.Q(enabled=False) | models.Q(enabled_at__isnull=False),
                name="public_page_enabled_has_time",
            ),
        ]

    def __str__(self) -> str:
        return self.slug


class PublicFigures(models.Model):
    """The aggregates a public page showed, as read on `taken_on` (one row per change)."""

    programme = models.ForeignKey(
        "programmes.Programme", models.CASCADE, related_name="public_figures"
    )
    taken_on = models.DateField(_("taken on"))
    # Every figure with the number of households it was computed from (see suppression.py).
    figures = models.JSONField(default=dict)
    taken_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["programme", "taken_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "taken_on"], name="public_figures_one_per_day"
            ),
        ]
        verbose_name = _("public figures")
        verbose_name_plural = _("public figures")

    def __str__(self) -> str:
        return f"{self.programme_id} · {self.taken_on}"
