"""Programmes: multi-year commitments of an organisation to some villages."""

import calendar

from django.db import models
from django.utils.translation import gettext_lazy as _

from berdaya.core.access import Scope

from .vocabulary import Stage

# The method asks for at least three years of accompaniment (DOMAIN.md, seed 000).
RECOMMENDED_MIN_MONTHS = 36


class Programme(models.Model):
    organisation = models.ForeignKey(
        "organisations.Organisation", models.PROTECT, related_name="programmes"
    )
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    start_date = models.DateField(_("start date"))
    planned_duration_months = models.PositiveSmallIntegerField(_("planned duration (months)"))
    villages = models.ManyToManyField(
        "areas.Village", through="ProgrammeVillage", related_name="programmes"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    access_scope = Scope(
        organisation="organisation_id", village="villages", personal=False, many=True
    )

    class Meta:
        ordering = ["-start_date", "name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="programme_name_unique"),
            models.CheckConstraint(
                condition=models.Q(planned_duration_months__gte=1),
                name="programme_duration_positive",
            ),
        ]
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")

    def __str__(self) -> str:
        return self.name

    def get_additional_data(self) -> dict:
        # Lets the audit trail be read per organisation (berdaya.core.audit).
        return {"organisation": self.organisation_id}

    @property
    def is_shorter_than_recommended(self) -> bool:
        return self.planned_duration_months < RECOMMENDED_MIN_MONTHS

    @property
    def planned_end_date(self):
        months = self.start_date.month - 1 + self.planned_duration_months
        year = self.start_date.year + months // 12
        month = months % 12 + 1
        # Clamp the day: a programme starting on 31 January ends on the last day of the month.
        day = min(self.start_date.day, calendar.monthrange(year, month)[1])
        return self.start_date.replace(year=year, month=month, day=day)


class ProgrammeVillage(models.Model):
    programme = models.ForeignKey(Programme, models.CASCADE, related_name="coverage")
    village = models.ForeignKey("areas.Village", models.PROTECT, related_name="+")
    joined_on = models.DateField(_("joined on"), null=True, blank=True)
    # Critical mass: the share of adults the programme aims to see empowered here.
    empowered_target_percent = models.PositiveSmallIntegerField(
        _("target share of empowered adults (%)"), null=True, blank=True
    )

    access_scope = Scope(
        organisation="programme__organisation_id", village="village_id", personal=False
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "village"], name="programme_village_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(empowered_target_percent__isnull=True)
                | models.Q(empowered_target_percent__lte=100),
                name="programme_village_target_percent",
            ),
        ]
        verbose_name = _("programme village")
        verbose_name_plural = _("programme villages")

    def __str__(self) -> str:
        return f"{self.programme} · {self.village}"

    def get_additional_data(self) -> dict:
        # Lets the audit trail be read per organisation (berdaya.core.audit).
        return {"organisation": self.programme.organisation_id}


class Cadre(models.Model):
    """A local champion or cadre: an "organic" change agent from the community."""

    organisation = models.ForeignKey("organisations.Organisation", models.PROTECT, related_name="+")
    person = models.ForeignKey("registry.Person", models.PROTECT, related_name="cadre_roles")
    since = models.DateField(_("since"))
    until = models.DateField(_("until"), null=True, blank=True)
    why = models.TextField(_("why (what they do, who listens to them)"))

    access_scope = Scope(organisation="organisation_id", village="person__household__village_id")

    class Meta:
        ordering = ["-since", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "person"],
                condition=models.Q(until__isnull=True),
                name="cadre_once_while_active",
            ),
        ]
        verbose_name = _("cadre")
        verbose_name_plural = _("cadres")

    def __str__(self) -> str:
        return str(self.person)

    def get_additional_data(self) -> dict:
        return {"organisation": self.organisation_id}


class Phase(models.Model):
    """A stretch of the programme given to one 5P stage (stages overlap and repeat)."""

    programme = models.ForeignKey(Programme, models.CASCADE, related_name="phases")
    stage = models.CharField(_("stage"), max_length=14, choices=Stage.choices)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    notes = models.CharField(_("notes"), max_length=300, blank=True)

    class Meta:
        ordering = ["programme_id", "starts_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")), name="phase_ends_after"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_stage_display()} {self.starts_on}–{self.ends_on}"


class PlanRevision(models.Model):
    """A change of the programme plan: the old plan is kept and the reason recorded."""

    programme = models.ForeignKey(Programme, models.CASCADE, related_name="revisions")
    revised_at = models.DateTimeField(_("revised at"), auto_now_add=True)
    revised_by = models.ForeignKey(
        "core.User", models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reason = models.TextField(_("reason"))
    # The phases as they were before this revision.
    previous_phases = models.JSONField(default=list)
    # The learning review that led to this change, when there was one.
    review = models.ForeignKey(
        "learning.LearningReview",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="plan_revisions",
    )

    class Meta:
        ordering = ["programme_id", "-revised_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.programme} @ {self.revised_at:%Y-%m-%d}"


class SurveyRound(models.Model):
    """One of a programme's repeated surveys (annually, say): a name and its dates.

    A household survey belongs to a round explicitly (`registry.HouseholdSurvey.round`,
    set when it is recorded or imported), never by its date alone; poverty over time is
    computed per round (`registry.rounds`)."""

    programme = models.ForeignKey(Programme, models.CASCADE, related_name="survey_rounds")
    name = models.CharField(_("name"), max_length=100)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    created_at = models.DateTimeField(auto_now_add=True)

    access_scope = Scope(
        organisation="programme__organisation_id",
        village="programme__villages",
        personal=False,
        many=True,
    )

    class Meta:
        ordering = ["programme_id", "starts_on", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "name"], name="survey_round_name_unique"),
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="survey_round_ends_after",
            ),
        ]
        indexes = [models.Index(fields=["programme", "starts_on"])]
        verbose_name = _("survey round")
        verbose_name_plural = _("survey rounds")

    def __str__(self) -> str:
        return self.name

    def get_additional_data(self) -> dict:
        return {"organisation": self.programme.organisation_id}
