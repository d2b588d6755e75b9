"""A results framework (goal → outcomes → outputs) whose numbers add up.

Values are integers: a count is a numerator alone; a percentage or a ratio keeps its
numerator and denominator, so a share is exact and its parts can be summed. An actual's
disaggregations (`ActualPart`) are written by one service that derives the "unknown"
category as total minus the known parts, so every dimension sums to the total by
construction; the total itself is typed once.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from berdaya.core.access import Scope


class ResultNode(models.Model):
    class Level(models.TextChoices):
        GOAL = "goal", _("Goal")
        OUTCOME = "outcome", _("Outcome")
        OUTPUT = "output", _("Output")

    programme = models.ForeignKey("programmes.Programme", models.CASCADE, related_name="results")
    level = models.CharField(_("level"), max_length=8, choices=Level.choices)
    parent = models.ForeignKey(
        "self", models.CASCADE, null=True, blank=True, related_name="children"
    )
    code = models.CharField(_("code"), max_length=20)
    statement = models.TextField(_("statement"))

    access_scope = Scope(
        organisation="programme__organisation_id",
        village="programme__villages",
        personal=False,
        many=True,
    )

    class Meta:
        ordering = ["programme_id", "code", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "code"], name="result_code_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.statement[:60]}"

    def get_additional_data(self) -> dict:
        return {"organisation": self.programme.organisation_id}


class Indicator(models.Model):
    class Kind(models.TextChoices):
        COUNT = "count", _("Count (a whole number)")
        PERCENT = "percent", _("Percentage (numerator ÷ denominator)")
        RATIO = "ratio", _("Average or ratio (an exact fraction)")

    class Direction(models.TextChoices):
        INCREASE = "increase", _("Higher is better")
        DECREASE = "decrease", _("Lower is better")

    class Source(models.TextChoices):
        MANUAL = "manual", _("Entered by hand")
        COMPUTED = "computed", _("Computed from Berdaya's data")

    programme = models.ForeignKey("programmes.Programme", models.CASCADE, related_name="indicators")
    node = models.ForeignKey(ResultNode, models.CASCADE, related_name="indicators")
    name = models.CharField(_("indicator"), max_length=250)
    unit = models.CharField(_("unit"), max_length=60)
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    direction = models.CharField(_("direction"), max_length=8, choices=Direction.choices)
    source = models.CharField(_("source"), max_length=8, choices=Source.choices)
    calculator = models.CharField(_("computed as"), max_length=40, blank=True)
    # A computed indicator of one village (MPI headcount of Girisekar); none = all villages.
    village = models.ForeignKey(
        "areas.Village", models.PROTECT, null=True, blank=True, related_name="+"
    )
    villages = models.ManyToManyField("areas.Village", related_name="+")  # what it covers
    baseline_numerator = models.BigIntegerField(_("baseline"), null=True, blank=True)
    baseline_denominator = models.BigIntegerField(_("baseline denominator"), null=True, blank=True)
    baseline_on = models.DateField(_("baseline date"), null=True, blank=True)
    means_of_verification = models.TextField(_("means of verification"), blank=True)
    disaggregations = models.JSONField(_("disaggregated by"), default=list, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    access_scope = Scope(
        organisation="programme__organisation_id", village="villages", personal=False, many=True
    )

    class Meta:
        ordering = ["programme_id", "node__code", "order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(baseline_denominator__isnull=True)
                | models.Q(baseline_denominator__gt=0),
                name="indicator_baseline_denominator_positive",
            ),
            models.CheckConstraint(
                condition=models.Q(source="manual", calculator="")
                | (models.Q(source="computed") & ~models.Q(calculator="")),
                name="indicator_calculator_iff_computed",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_additional_data(self) -> dict:
        return {"organisation": self.programme.organisation_id}


class _Value(models.Model):
    numerator = models.BigIntegerField(_("value"))
    denominator = models.BigIntegerField(_("out of"), null=True, blank=True)

    class Meta:
        abstract = True


class Target(_Value):
    indicator = models.ForeignKey(Indicator, models.CASCADE, related_name="targets")
    period = models.ForeignKey("learning.ReportingPeriod", models.PROTECT, related_name="+")

    class Meta:
        ordering = ["indicator_id", "period__starts_on"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "period"], name="target_once"),
            models.CheckConstraint(
                condition=models.Q(denominator__isnull=True) | models.Q(denominator__gt=0),
                name="target_denominator_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id} {self.period_id}"


class Actual(_Value):
    indicator = models.ForeignKey(Indicator, models.CASCADE, related_name="actuals")
    period = models.ForeignKey("learning.ReportingPeriod", models.PROTECT, related_name="+")
    evidence = models.TextField(_("evidence"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now=True)
    # For a computed indicator: when Berdaya's data were read.
    as_of = models.DateTimeField(_("as of"), null=True, blank=True)

    access_scope = Scope(
        organisation="indicator__programme__organisation_id",
        village="indicator__villages",
        personal=False,
        many=True,
    )

    class Meta:
        ordering = ["indicator_id", "period__starts_on"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "period"], name="actual_once"),
            models.CheckConstraint(
                condition=models.Q(denominator__isnull=True) | models.Q(denominator__gt=0),
                name="actual_denominator_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id} {self.period_id}"

    def get_additional_data(self) -> dict:
        return {"organisation": self.indicator.programme.organisation_id}


class ActualPart(_Value):
    """One category of one disaggregation of an actual (the "unknown" row included)."""

    actual = models.ForeignKey(Actual, models.CASCADE, related_name="parts")
    dimension = models.CharField(max_length=12)
    category = models.CharField(max_length=40)

    class Meta:
        ordering = ["actual_id", "dimension", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["actual", "dimension", "category"], name="actual_part_once"
            ),
            models.CheckConstraint(condition=models.Q(numerator__gte=0), name="part_nonnegative"),
        ]

    def __str__(self) -> str:
        return f"{self.dimension}={self.category}"
