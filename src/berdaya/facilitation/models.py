"""Accompaniment: what happened in the village, who came, who spoke, who decided.

The point is not a diary: over the years these rows show whether the community
takes the lead (who initiates, whose voices decide).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from berdaya.core.access import Scope
from berdaya.programmes.vocabulary import Level, Stage


class Activity(models.Model):
    class Kind(models.TextChoices):
        VISIT = "visit", _("Home visit")
        DIALOGUE = "dialogue", _("Dialogue")
        FGD = "fgd", _("Focus group discussion")
        TRAINING = "training", _("Training")
        MUSYAWARAH = "musyawarah", _("Village deliberation (musyawarah)")
        HEARING = "hearing", _("Hearing with officials")
        GROUP_MEETING = "group_meeting", _("Group meeting")
        CAMPAIGN = "campaign", _("Campaign")

    class Initiator(models.TextChoices):
        COMMUNITY = "community", _("A community member")
        GROUP = "group", _("A community group")
        FACILITATOR = "facilitator", _("The facilitator")
        EXTERNAL = "external", _("An outside party")

    organisation = models.ForeignKey(
        "organisations.Organisation", models.PROTECT, related_name="activities"
    )
    programme = models.ForeignKey("programmes.Programme", models.PROTECT, related_name="activities")
    village = models.ForeignKey("areas.Village", models.PROTECT, related_name="activities")
    kind = models.CharField(_("kind"), max_length=14, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    held_on = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    facilitators = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="activities_facilitated"
    )
    initiated_by = models.CharField(_("initiated by"), max_length=12, choices=Initiator.choices)
    initiator_person = models.ForeignKey(
        "registry.Person", models.SET_NULL, null=True, blank=True, related_name="+"
    )
    initiator_group = models.ForeignKey(
        "groups.Group", models.SET_NULL, null=True, blank=True, related_name="+"
    )
    stage = models.CharField(_("5P stage"), max_length=14, choices=Stage.choices)
    strategies = models.JSONField(_("strategies served"), default=list, blank=True)
    level = models.CharField(_("level"), max_length=6, choices=Level.choices)
    group = models.ForeignKey(
        "groups.Group", models.SET_NULL, null=True, blank=True, related_name="meetings"
    )
    notes = models.TextField(_("notes"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    access_scope = Scope(organisation="organisation_id", village="village_id")

    class Meta:
        ordering = ["-held_on", "-pk"]
        indexes = [models.Index(fields=["organisation", "village", "held_on"])]
        verbose_name = _("activity")
        verbose_name_plural = _("activities")

    def __str__(self) -> str:
        return self.title

    def get_additional_data(self) -> dict:
        return {"organisation": self.organisation_id}


class Attendance(models.Model):
    """A registered person at an activity, and what they did there."""

    activity = models.ForeignKey(Activity, models.CASCADE, related_name="attendance")
    person = models.ForeignKey("registry.Person", models.PROTECT, related_name="attendance")
    spoke = models.BooleanField(_("spoke"), default=False)
    proposed = models.BooleanField(_("made a proposal"), default=False)
    decided = models.BooleanField(_("took part in the decision"), default=False)
    facilitated = models.BooleanField(_("facilitated"), default=False)

    access_scope = Scope(organisation="activity__organisation_id", village="activity__village_id")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["activity", "person"], name="attendance_once"),
        ]
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")

    def __str__(self) -> str:
        return f"{self.activity_id} · {self.person_id}"

    def get_additional_data(self) -> dict:
        return {"organisation": self.activity.organisation_id}


class AgeBand(models.TextChoices):
    CHILD = "child", _("Under 18")
    YOUTH = "youth", _("18–29")
    ADULT = "adult", _("30–59")
    ELDERLY = "elderly", _("60 or older")


class GuestCount(models.Model):
    """People who came but are not in the registry, counted by sex and age band."""

    activity = models.ForeignKey(Activity, models.CASCADE, related_name="guests")
    sex = models.CharField(_("sex"), max_length=1, choices=[("L", _("Male")), ("P", _("Female"))])
    age_band = models.CharField(_("age band"), max_length=7, choices=AgeBand.choices)
    count = models.PositiveSmallIntegerField(_("number"))

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["activity", "sex", "age_band"], name="guests_once"),
            models.CheckConstraint(condition=models.Q(count__gte=1), name="guests_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.activity_id} · {self.sex} {self.age_band} × {self.count}"


class Attachment(models.Model):
    """A photo or document of an activity; type and size are checked before saving."""

    activity = models.ForeignKey(Activity, models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to="activities/%Y/%m/")
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    access_scope = Scope(organisation="activity__organisation_id", village="activity__village_id")

    def __str__(self) -> str:
        return self.original_name

    def get_additional_data(self) -> dict:
        return {"organisation": self.activity.organisation_id}
