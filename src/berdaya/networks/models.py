"""Ties between people of a village, and the network figures and simulations computed from them."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from berdaya.core.access import Scope


class Tie(models.Model):
    """One person listens to, meets or is kin of another, from one source on one day.

    `kind` is the analysis library's kind of tie (berdaya.analysis.network.DEFAULT_KINDS
    plus "opinion"); advice and opinion are directed, from the person who asks to the
    person asked. A survey answer may name someone not (yet) matched to the registry:
    then `target` is empty and `target_name` keeps the name to match later.
    """

    class Kind(models.TextChoices):
        ADVICE = "advice", _("Goes to for advice")
        OPINION = "opinion", _("Whose opinion matters in meetings")
        MEETING = "meeting", _("Attend the same activities")
        GROUP = "group", _("Members of the same group")
        KINSHIP = "kinship", _("Kin or same household")
        OTHER = "other", _("Other tie")

    class Source(models.TextChoices):
        SURVEY = "survey", _("Mapping survey")
        ATTENDANCE = "attendance", _("Co-attendance")
        MEMBERSHIP = "membership", _("Co-membership")
        HOUSEHOLD = "household", _("Registry household")
        HAND = "hand", _("Recorded by hand")

    organisation = models.ForeignKey("organisations.Organisation", models.PROTECT, related_name="+")
    village = models.ForeignKey("areas.Village", models.PROTECT, related_name="+")
    source_person = models.ForeignKey("registry.Person", models.CASCADE, related_name="ties_out")
    target = models.ForeignKey(
        "registry.Person", models.CASCADE, null=True, blank=True, related_name="ties_in"
    )
    target_name = models.CharField(max_length=150, blank=True)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    source = models.CharField(max_length=10, choices=Source.choices)
    weight = models.FloatField(default=1.0)
    on = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)

    access_scope = Scope(organisation="organisation_id", village="village_id")

    class Meta:
        indexes = [models.Index(fields=["organisation", "village", "source"])]
        constraints = [
            models.CheckConstraint(condition=models.Q(weight__gt=0), name="tie_weight_positive"),
            models.CheckConstraint(
                condition=~models.Q(target__isnull=True, target_name=""),
                name="tie_has_target",
            ),
            models.CheckConstraint(
                condition=~models.Q(source_person=models.F("target")), name="tie_not_to_self"
            ),
        ]

    def __str__(self) -> str:
        return f"tie {self.pk} ({self.kind})"

    def audit_context(self) -> dict:
        return {"organisation": self.organisation_id}


class NetworkFigures(models.Model):
    """The stored measures of one village's network (berdaya.analysis), for its page.

    Derived data, rebuilt by `networks.tasks.network_figures_task` after ties change.
    Holds names, so it is read only through the access rule.
    """

    organisation = models.ForeignKey("organisations.Organisation", models.CASCADE, related_name="+")
    village = models.ForeignKey("areas.Village", models.CASCADE, related_name="+")
    figures = models.JSONField(default=dict)
    computed_at = models.DateTimeField(null=True, blank=True)
    stale = models.BooleanField(default=True)

    access_scope = Scope(organisation="organisation_id", village="village_id")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "village"], name="network_figures_one_per_village"
            )
        ]

    def __str__(self) -> str:
        return f"network {self.village_id}"


class CriticalMassRun(models.Model):
    """One simulation of critical mass for a programme village, with its parameters."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    programme = models.ForeignKey("programmes.Programme", models.CASCADE, related_name="+")
    village = models.ForeignKey("areas.Village", models.CASCADE, related_name="+")
    parameters = models.JSONField(default=dict)
    result = models.JSONField(default=dict)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.QUEUED)
    progress = models.CharField(max_length=200, blank=True)
    message = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    access_scope = Scope(
        organisation="programme__organisation_id", village="village_id", personal=False
    )

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"critical mass {self.pk}"
