"""Participatory planning in Aziz's six stages, as one guided flow per village or group.

1 problems found (who raised each) · 2 analysis (a problem tree of causes and
effects) · 3 prioritising by the method the community chooses, reproducible from
the recorded votes (`methods.py`) · 4 solutions, socio-cultural first, with
internal and external resources · 5 an action plan with owners from the
community · 6 evaluation against the indicators set at stage 5.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from berdaya.core.access import Scope


class PlanningCycle(models.Model):
    class Step(models.IntegerChoices):
        PROBLEMS = 1, _("Find the problems")
        ANALYSIS = 2, _("Analyse causes and effects")
        PRIORITIES = 3, _("Choose priorities")
        SOLUTIONS = 4, _("Find solutions")
        ACTION = 5, _("Act together")
        EVALUATION = 6, _("Evaluate")

    class Method(models.TextChoices):
        PAIRWISE = "pairwise", _("Pairwise ranking")
        MATRIX = "matrix", _("Matrix scoring with weighted criteria")
        DOTS = "dots", _("Dot voting")
        BORDA = "borda", _("Ranking (Borda count)")

    organisation = models.ForeignKey(
        "organisations.Organisation", models.PROTECT, related_name="planning_cycles"
    )
    programme = models.ForeignKey(
        "programmes.Programme", models.PROTECT, related_name="planning_cycles"
    )
    village = models.ForeignKey("areas.Village", models.PROTECT, related_name="planning_cycles")
    group = models.ForeignKey(
        "groups.Group", models.SET_NULL, null=True, blank=True, related_name="planning_cycles"
    )
    title = models.CharField(_("title"), max_length=200)
    started_on = models.DateField(_("started on"))
    step = models.PositiveSmallIntegerField(_("step"), choices=Step.choices, default=Step.PROBLEMS)
    method = models.CharField(
        _("prioritising method"), max_length=10, choices=Method.choices, blank=True
    )
    dots_per_voter = models.PositiveSmallIntegerField(_("dots per person"), default=3)
    voting_opened_at = models.DateTimeField(null=True, blank=True)
    voting_closed_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+"
    )

    access_scope = Scope(organisation="organisation_id", village="village_id")

    class Meta:
        ordering = ["-started_on", "-pk"]
        verbose_name = _("planning cycle")
        verbose_name_plural = _("planning cycles")

    def __str__(self) -> str:
        return self.title

    def get_additional_data(self) -> dict:
        return {"organisation": self.organisation_id}


class Problem(models.Model):
    cycle = models.ForeignKey(PlanningCycle, models.CASCADE, related_name="problems")
    title = models.CharField(_("problem"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    raised_by = models.ForeignKey(
        "registry.Person", models.SET_NULL, null=True, blank=True, related_name="+"
    )
    raised_at = models.ForeignKey(
        "facilitation.Activity", models.SET_NULL, null=True, blank=True, related_name="+"
    )

    access_scope = Scope(organisation="cycle__organisation_id", village="cycle__village_id")

    class Meta:
        ordering = ["cycle_id", "pk"]

    def __str__(self) -> str:
        return self.title

    def get_additional_data(self) -> dict:
        return {"organisation": self.cycle.organisation_id}


class TreeNode(models.Model):
    """A cause or effect in a problem tree; causes can have deeper causes."""

    class Kind(models.TextChoices):
        CAUSE = "cause", _("Cause")
        EFFECT = "effect", _("Effect")

    problem = models.ForeignKey(Problem, models.CASCADE, related_name="tree")
    parent = models.ForeignKey(
        "self", models.CASCADE, null=True, blank=True, related_name="children"
    )
    kind = models.CharField(_("kind"), max_length=6, choices=Kind.choices)
    text = models.CharField(_("text"), max_length=300)

    class Meta:
        ordering = ["problem_id", "kind", "pk"]

    def __str__(self) -> str:
        return self.text


class Criterion(models.Model):
    """A criterion of matrix scoring, with its weight (a whole number)."""

    cycle = models.ForeignKey(PlanningCycle, models.CASCADE, related_name="criteria")
    name = models.CharField(_("criterion"), max_length=100)
    weight = models.PositiveSmallIntegerField(_("weight"), default=1)

    class Meta:
        ordering = ["cycle_id", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["cycle", "name"], name="criterion_name_unique"),
            models.CheckConstraint(condition=models.Q(weight__gte=1), name="criterion_weight_pos"),
        ]

    def __str__(self) -> str:
        return self.name


class Vote(models.Model):
    """One person's ballot in the cycle's method; a corrected ballot replaces it (audited)."""

    cycle = models.ForeignKey(PlanningCycle, models.CASCADE, related_name="votes")
    voter = models.ForeignKey("registry.Person", models.PROTECT, related_name="+")
    # pairwise: [[problem_a, problem_b, winner|null], ...]; matrix: [[problem, criterion,
    # score|null], ...]; dots: {problem: n}; borda: {problem: place}
    ballot = models.JSONField(_("ballot"))
    cast_at = models.DateTimeField(_("cast at"))

    access_scope = Scope(organisation="cycle__organisation_id", village="cycle__village_id")

    class Meta:
        ordering = ["cycle_id", "cast_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["cycle", "voter"], name="one_ballot_per_person"),
        ]

    def __str__(self) -> str:
        return f"{self.cycle_id} · {self.voter_id}"

    def get_additional_data(self) -> dict:
        return {"organisation": self.cycle.organisation_id}


class Solution(models.Model):
    problem = models.ForeignKey(Problem, models.CASCADE, related_name="solutions")
    title = models.CharField(_("solution"), max_length=200)
    socio_cultural = models.BooleanField(
        _("socio-cultural (uses the community's own ways and institutions)"), default=False
    )
    internal_resources = models.TextField(_("resources from inside the community"), blank=True)
    external_resources = models.TextField(_("resources from outside"), blank=True)

    access_scope = Scope(
        organisation="problem__cycle__organisation_id", village="problem__cycle__village_id"
    )

    class Meta:
        ordering = ["problem_id", "-socio_cultural", "pk"]

    def __str__(self) -> str:
        return self.title

    def get_additional_data(self) -> dict:
        return {"organisation": self.problem.cycle.organisation_id}


class ActionTask(models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        DOING = "doing", _("In progress")
        DONE = "done", _("Done")
        DROPPED = "dropped", _("Dropped")

    solution = models.ForeignKey(Solution, models.CASCADE, related_name="tasks")
    title = models.CharField(_("task"), max_length=200)
    owner = models.ForeignKey(
        "registry.Person", models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # When no community member owns it (an office, the facilitator): said plainly.
    owner_outside = models.CharField(_("owner outside the community"), max_length=120, blank=True)
    due_on = models.DateField(_("due on"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.PLANNED
    )
    success_indicator = models.CharField(_("indicator of success"), max_length=300, blank=True)

    access_scope = Scope(
        organisation="solution__problem__cycle__organisation_id",
        village="solution__problem__cycle__village_id",
    )

    class Meta:
        ordering = ["due_on", "pk"]

    def __str__(self) -> str:
        return self.title


class Evaluation(models.Model):
    class Outcome(models.TextChoices):
        ACHIEVED = "achieved", _("Achieved")
        PARTLY = "partly", _("Partly achieved")
        NOT_ACHIEVED = "not_achieved", _("Not achieved")

    task = models.ForeignKey(ActionTask, models.CASCADE, related_name="evaluations")
    evaluated_on = models.DateField(_("evaluated on"))
    outcome = models.CharField(_("outcome"), max_length=12, choices=Outcome.choices)
    lessons = models.TextField(_("what we learned"), blank=True)

    class Meta:
        ordering = ["task_id", "-evaluated_on"]

    def __str__(self) -> str:
        return f"{self.task} · {self.get_outcome_display()}"
