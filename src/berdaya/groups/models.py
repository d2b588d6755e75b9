"""Pelembagaan: the community's groups, their members, and how mature they become.

Strengthening what already exists is the method, so a group records whether it
existed before the programme; maturity is assessed periodically with a rubric
the programme chooses, and every assessment is kept.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from berdaya.core.access import Scope
from berdaya.maps.geo import location_constraints


class Group(models.Model):
    class Kind(models.TextChoices):
        KUBE = "kube", _("KUBE (joint business group)")
        SAVINGS = "savings", _("Savings group")
        ARISAN = "arisan", _("Arisan")
        COOPERATIVE = "cooperative", _("Cooperative")
        FARMERS = "farmers", _("Farmers' group")
        WOMEN = "women", _("Women's group")
        YOUTH = "youth", _("Youth group")
        RELIGIOUS = "religious", _("Religious group")
        LUMBUNG = "lumbung", _("Village granary (lumbung)")
        GOTONG_ROYONG = "gotong_royong", _("Gotong royong")
        OTHER = "other", _("Other")

    organisation = models.ForeignKey(
        "organisations.Organisation", models.PROTECT, related_name="groups"
    )
    village = models.ForeignKey("areas.Village", models.PROTECT, related_name="groups")
    programme = models.ForeignKey(
        "programmes.Programme", models.SET_NULL, null=True, blank=True, related_name="groups"
    )
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=14, choices=Kind.choices)
    founded_on = models.DateField(_("founded on"), null=True, blank=True)
    existed_before_programme = models.BooleanField(_("existed before the programme"))
    bylaws = models.TextField(_("bylaws (AD/ART)"), blank=True)
    meeting_schedule = models.CharField(_("meeting schedule"), max_length=200, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    # Where the group meets (shown on the village map).
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    access_scope = Scope(organisation="organisation_id", village="village_id")

    class Meta:
        ordering = ["village_id", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "village", "name"], name="group_name_unique_in_village"
            ),
            *location_constraints("group"),
        ]
        verbose_name = _("group")
        verbose_name_plural = _("groups")

    def __str__(self) -> str:
        return self.name

    def get_additional_data(self) -> dict:
        return {"organisation": self.organisation_id}


class GroupMember(models.Model):
    class Role(models.TextChoices):
        CHAIR = "chair", _("Chair")
        SECRETARY = "secretary", _("Secretary")
        TREASURER = "treasurer", _("Treasurer")
        MEMBER = "member", _("Member")

    group = models.ForeignKey(Group, models.CASCADE, related_name="members")
    person = models.ForeignKey("registry.Person", models.PROTECT, related_name="group_memberships")
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.MEMBER)
    joined_on = models.DateField(_("joined on"))
    left_on = models.DateField(_("left on"), null=True, blank=True)

    access_scope = Scope(organisation="group__organisation_id", village="group__village_id")

    class Meta:
        ordering = ["group_id", "joined_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["group", "person"],
                condition=models.Q(left_on__isnull=True),
                name="group_member_once_while_active",
            ),
            models.CheckConstraint(
                condition=models.Q(left_on__isnull=True)
                | models.Q(left_on__gte=models.F("joined_on")),
                name="group_member_leaves_after_joining",
            ),
        ]
        verbose_name = _("group member")
        verbose_name_plural = _("group members")

    def __str__(self) -> str:
        return f"{self.group} · {self.person_id}"

    def get_additional_data(self) -> dict:
        return {"organisation": self.group.organisation_id}


class MaturityRubric(models.Model):
    """How a programme judges a group's maturity: criteria scored 1-4 with evidence.

    A rubric is never edited in place: changing it makes a new version (the
    newest is the programme's current rubric), so every past assessment keeps
    the criteria it was scored against.
    """

    programme = models.ForeignKey(
        "programmes.Programme", models.CASCADE, null=True, blank=True, related_name="rubrics"
    )
    name = models.CharField(_("name"), max_length=200)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reason = models.TextField(_("why it changed"), blank=True)

    class Meta:
        ordering = ["programme_id", "-created_at", "-pk"]
        verbose_name = _("maturity rubric")
        verbose_name_plural = _("maturity rubrics")

    def __str__(self) -> str:
        return self.name


class RubricCriterion(models.Model):
    rubric = models.ForeignKey(MaturityRubric, models.CASCADE, related_name="criteria")
    key = models.SlugField(max_length=40)
    label = models.CharField(_("criterion"), max_length=200)
    guidance = models.TextField(_("what each score means"), blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["rubric_id", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["rubric", "key"], name="criterion_key_unique"),
        ]

    def __str__(self) -> str:
        return self.label


class MaturityAssessment(models.Model):
    group = models.ForeignKey(Group, models.CASCADE, related_name="assessments")
    rubric = models.ForeignKey(MaturityRubric, models.PROTECT, related_name="assessments")
    assessed_on = models.DateField(_("assessed on"))
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+"
    )
    notes = models.TextField(_("notes"), blank=True)

    access_scope = Scope(organisation="group__organisation_id", village="group__village_id")

    class Meta:
        ordering = ["group_id", "-assessed_on", "-pk"]
        verbose_name = _("maturity assessment")
        verbose_name_plural = _("maturity assessments")

    def __str__(self) -> str:
        return f"{self.group} @ {self.assessed_on}"

    def get_additional_data(self) -> dict:
        return {"organisation": self.group.organisation_id}


class MaturityScore(models.Model):
    assessment = models.ForeignKey(MaturityAssessment, models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(RubricCriterion, models.PROTECT, related_name="+")
    score = models.PositiveSmallIntegerField(_("score (1-4)"))
    evidence = models.TextField(_("evidence"), blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["assessment", "criterion"], name="score_once"),
            models.CheckConstraint(
                condition=models.Q(score__gte=1, score__lte=4), name="score_one_to_four"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.criterion}: {self.score}"
