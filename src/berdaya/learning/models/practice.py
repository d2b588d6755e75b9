"""Empowerment assessments, graduation and exit, the Rothman diagnostic, learning reviews."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from berdaya.core.access import Scope

PROGRAMME_SCOPE = Scope(
    organisation="programme__organisation_id",
    village="programme__villages",
    personal=False,
    many=True,
)


# -- empowerment -------------------------------------------------------------------------------


class EmpowermentRubric(models.Model):
    """A versioned list of empowerment domains: never edited, a change is a new version."""

    class Framework(models.TextChoices):
        LAVERACK = "laverack", _("Laverack's nine domains")
        IFE = "ife", _("Ife's dimensions of power")
        OWN = "own", _("The programme's own")

    programme = models.ForeignKey(
        "programmes.Programme", models.CASCADE, related_name="empowerment_rubrics"
    )
    framework = models.CharField(_("framework"), max_length=10, choices=Framework.choices)
    name = models.CharField(_("name"), max_length=200)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reason = models.TextField(_("why it changed"), blank=True)

    access_scope = PROGRAMME_SCOPE

    class Meta:
        ordering = ["programme_id", "-created_at", "-pk"]

    def __str__(self) -> str:
        return self.name

    def get_additional_data(self) -> dict:
        return {"organisation": self.programme.organisation_id}


class EmpowermentDomain(models.Model):
    rubric = models.ForeignKey(EmpowermentRubric, models.CASCADE, related_name="domains")
    key = models.SlugField(max_length=40)
    label = models.CharField(_("domain"), max_length=200)
    guidance = models.TextField(_("what the scores mean"), blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["rubric_id", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["rubric", "key"], name="empowerment_domain_key_unique"),
        ]

    def __str__(self) -> str:
        return self.label


class EmpowermentAssessment(models.Model):
    """Scored together with the community (participatory), for a village or one group."""

    organisation = models.ForeignKey("organisations.Organisation", models.PROTECT, related_name="+")
    programme = models.ForeignKey("programmes.Programme", models.PROTECT, related_name="+")
    village = models.ForeignKey("areas.Village", models.PROTECT, related_name="+")
    group = models.ForeignKey(
        "groups.Group", models.PROTECT, null=True, blank=True, related_name="+"
    )
    rubric = models.ForeignKey(EmpowermentRubric, models.PROTECT, related_name="assessments")
    assessed_on = models.DateField(_("assessed on"))
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+"
    )
    participants = models.TextField(_("who scored it together"))
    notes = models.TextField(_("notes"), blank=True)

    access_scope = Scope(organisation="organisation_id", village="village_id")

    class Meta:
        ordering = ["village_id", "-assessed_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.group or self.village} @ {self.assessed_on}"

    def get_additional_data(self) -> dict:
        return {"organisation": self.organisation_id}


class EmpowermentScore(models.Model):
    assessment = models.ForeignKey(EmpowermentAssessment, models.CASCADE, related_name="scores")
    domain = models.ForeignKey(EmpowermentDomain, models.PROTECT, related_name="+")
    score = models.PositiveSmallIntegerField(_("score (1-5)"))
    evidence = models.TextField(_("evidence"))

    class Meta:
        ordering = ["assessment_id", "domain__order"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "domain"], name="empowerment_score_once"),
            models.CheckConstraint(
                condition=models.Q(score__gte=1, score__lte=5), name="empowerment_score_1_5"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.domain}: {self.score}"


# -- graduation --------------------------------------------------------------------------------


class GraduationPathway(models.Model):
    class Level(models.TextChoices):
        HOUSEHOLD = "household", _("Household")
        GROUP = "group", _("Group")
        VILLAGE = "village", _("Village")

    programme = models.ForeignKey(
        "programmes.Programme", models.CASCADE, related_name="graduation_pathways"
    )
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    name = models.CharField(_("name"), max_length=200)
    based_on = models.TextField(_("source of the criteria"), blank=True)
    monitor_months = models.PositiveSmallIntegerField(_("months of monitoring after exit"))
    created_at = models.DateTimeField(default=timezone.now)

    access_scope = PROGRAMME_SCOPE

    class Meta:
        ordering = ["programme_id", "level", "pk"]

    def __str__(self) -> str:
        return self.name

    def get_additional_data(self) -> dict:
        return {"organisation": self.programme.organisation_id}


class GraduationCriterion(models.Model):
    class Method(models.TextChoices):
        COMPUTED = "computed", _("Computed from Berdaya's data")
        SELF_REPORTED = "self_reported", _("Self-reported")
        VERIFIED = "verified", _("Verified (documents, records)")
        OBSERVED = "observed", _("Observed by the facilitator")

    pathway = models.ForeignKey(GraduationPathway, models.CASCADE, related_name="criteria")
    key = models.SlugField(max_length=40)
    label = models.CharField(_("criterion"), max_length=250)
    method = models.CharField(_("how it is known"), max_length=14, choices=Method.choices)
    calculator = models.CharField(max_length=40, blank=True)
    weight = models.PositiveSmallIntegerField(_("weight"))
    required = models.BooleanField(_("required to graduate"), default=False)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["pathway_id", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["pathway", "key"], name="graduation_criterion_key"),
            models.CheckConstraint(condition=models.Q(weight__gte=1), name="criterion_weight"),
        ]

    def __str__(self) -> str:
        return self.label


class GraduationAssessment(models.Model):
    class Decision(models.TextChoices):
        GRADUATE = "graduate", _("Graduate")
        EXTEND = "extend", _("Extend support")
        EXIT = "exit", _("Exit without graduating")
        DEFER = "defer", _("Defer the decision")

    pathway = models.ForeignKey(GraduationPathway, models.PROTECT, related_name="assessments")
    organisation = models.ForeignKey("organisations.Organisation", models.PROTECT, related_name="+")
    village = models.ForeignKey("areas.Village", models.PROTECT, related_name="+")
    household = models.ForeignKey(
        "registry.Household", models.PROTECT, null=True, blank=True, related_name="+"
    )
    group = models.ForeignKey(
        "groups.Group", models.PROTECT, null=True, blank=True, related_name="+"
    )
    assessed_on = models.DateField(_("assessed on"))
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+"
    )
    notes = models.TextField(_("notes"), blank=True)
    decision = models.CharField(
        _("recommendation"), max_length=10, choices=Decision.choices, blank=True
    )
    decision_reason = models.TextField(_("why"), blank=True)
    recommended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    approved_on = models.DateField(_("approved on"), null=True, blank=True)

    access_scope = Scope(organisation="organisation_id", village="village_id")

    class Meta:
        ordering = ["-assessed_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~(models.Q(household__isnull=False) & models.Q(group__isnull=False)),
                name="graduation_one_subject",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.pathway} @ {self.assessed_on}"

    def get_additional_data(self) -> dict:
        return {"organisation": self.organisation_id}


class GraduationScore(models.Model):
    assessment = models.ForeignKey(GraduationAssessment, models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(GraduationCriterion, models.PROTECT, related_name="+")
    score = models.PositiveSmallIntegerField(_("score (0-100)"))
    evidence = models.TextField(_("evidence"), blank=True)

    class Meta:
        ordering = ["assessment_id", "criterion__order"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "criterion"], name="graduation_score"),
            models.CheckConstraint(
                condition=models.Q(score__lte=100), name="graduation_score_0_100"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.criterion}: {self.score}"


class PostExitVisit(models.Model):
    class Status(models.TextChoices):
        HOLDING = "holding", _("Holding on")
        SLIPPING = "slipping", _("Slipping")
        FALLEN_BACK = "fallen_back", _("Fallen back")

    assessment = models.ForeignKey(GraduationAssessment, models.CASCADE, related_name="visits")
    visited_on = models.DateField(_("visited on"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices)
    note = models.TextField(_("what was seen"))
    visited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["assessment_id", "visited_on"]

    def __str__(self) -> str:
        return f"{self.assessment_id} @ {self.visited_on}"


# -- Rothman -----------------------------------------------------------------------------------


class RothmanDiagnostic(models.Model):
    programme = models.ForeignKey(
        "programmes.Programme", models.CASCADE, related_name="rothman_diagnostics"
    )
    answered_on = models.DateField(_("answered on"))
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+"
    )
    notes = models.TextField(_("notes"), blank=True)

    access_scope = PROGRAMME_SCOPE

    class Meta:
        ordering = ["programme_id", "-answered_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.programme} @ {self.answered_on}"

    def get_additional_data(self) -> dict:
        return {"organisation": self.programme.organisation_id}


class RothmanAnswer(models.Model):
    diagnostic = models.ForeignKey(RothmanDiagnostic, models.CASCADE, related_name="answers")
    variable = models.PositiveSmallIntegerField()
    models_chosen = models.JSONField(default=list)  # one or more of "A", "B", "C"

    class Meta:
        ordering = ["diagnostic_id", "variable"]
        constraints = [
            models.UniqueConstraint(fields=["diagnostic", "variable"], name="rothman_answer_once"),
            models.CheckConstraint(
                condition=models.Q(variable__gte=1, variable__lte=12), name="rothman_variable"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.variable}: {self.models_chosen}"


# -- learning reviews --------------------------------------------------------------------------


class LearningReview(models.Model):
    organisation = models.ForeignKey("organisations.Organisation", models.PROTECT, related_name="+")
    programme = models.ForeignKey(
        "programmes.Programme", models.PROTECT, related_name="learning_reviews"
    )
    village = models.ForeignKey(
        "areas.Village", models.PROTECT, null=True, blank=True, related_name="+"
    )
    covers = models.ManyToManyField("areas.Village", related_name="+")
    held_on = models.DateField(_("held on"))
    what_worked = models.TextField(_("what worked"))
    what_failed = models.TextField(_("what failed"))
    why = models.TextField(_("why"))
    what_changes = models.TextField(_("what changes"))
    stories = models.ManyToManyField("learning.Story", blank=True, related_name="reviews")
    indicators = models.ManyToManyField("learning.Indicator", blank=True, related_name="reviews")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+"
    )

    access_scope = Scope(
        organisation="organisation_id", village="covers", personal=False, many=True
    )

    class Meta:
        ordering = ["-held_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.village or self.programme} @ {self.held_on}"

    def get_additional_data(self) -> dict:
        return {"organisation": self.organisation_id}
