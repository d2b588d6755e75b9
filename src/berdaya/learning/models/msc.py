"""Most Significant Change (Davies & Dart 2005): domains, periods, stories, the panels that
select them level by level with their reasons, feedback to storytellers and verification.

Domains are never edited in place: a change makes a new `DomainSet` (the newest is the
programme's current one), so every story keeps the domain it was told under.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from berdaya.core.access import Scope
from berdaya.programmes.vocabulary import Stage


class DomainSet(models.Model):
    """One version of a programme's domains of change, with why it changed."""

    programme = models.ForeignKey(
        "programmes.Programme", models.CASCADE, related_name="msc_domain_sets"
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reason = models.TextField(_("why it changed"), blank=True)

    access_scope = Scope(
        organisation="programme__organisation_id",
        village="programme__villages",
        personal=False,
        many=True,
    )

    class Meta:
        ordering = ["programme_id", "-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.programme} @ {self.created_at:%Y-%m-%d}"

    def get_additional_data(self) -> dict:
        return {"organisation": self.programme.organisation_id}


class ChangeDomain(models.Model):
    domain_set = models.ForeignKey(DomainSet, models.CASCADE, related_name="domains")
    key = models.SlugField(max_length=40)
    label = models.CharField(_("domain of change"), max_length=200)
    description = models.TextField(_("what belongs here"), blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["domain_set_id", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["domain_set", "key"], name="msc_domain_key_unique"),
        ]

    def __str__(self) -> str:
        return self.label


class ReportingPeriod(models.Model):
    """A stretch of the programme whose stories (and indicator values) are reported together."""

    programme = models.ForeignKey(
        "programmes.Programme", models.CASCADE, related_name="reporting_periods"
    )
    label = models.CharField(_("name"), max_length=100)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))

    access_scope = Scope(
        organisation="programme__organisation_id",
        village="programme__villages",
        personal=False,
        many=True,
    )

    class Meta:
        ordering = ["programme_id", "starts_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="reporting_period_ends_after",
            ),
            models.UniqueConstraint(
                fields=["programme", "label"], name="reporting_period_label_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.label

    def get_additional_data(self) -> dict:
        return {"organisation": self.programme.organisation_id}


class Consent(models.TextChoices):
    """What the storyteller agreed to. There is no default: a story needs an answer."""

    NAMED = "named", _("May be shared with my name")
    ANONYMOUS = "anonymous", _("May be shared without my name")
    WITHHELD = "withheld", _("Not to be shared beyond the village")


class Story(models.Model):
    class Source(models.TextChoices):
        INTERVIEW = "interview", _("Told to a facilitator")
        FORM = "form", _("Written by the community on a form")
        GROUP = "group", _("Told in a group discussion")

    class Sex(models.TextChoices):
        MALE = "L", _("Male")
        FEMALE = "P", _("Female")

    organisation = models.ForeignKey("organisations.Organisation", models.PROTECT, related_name="+")
    programme = models.ForeignKey("programmes.Programme", models.PROTECT, related_name="stories")
    village = models.ForeignKey("areas.Village", models.PROTECT, related_name="+")
    period = models.ForeignKey(ReportingPeriod, models.PROTECT, related_name="stories")
    domain = models.ForeignKey(ChangeDomain, models.PROTECT, related_name="stories")
    title = models.CharField(_("title"), max_length=200)
    what_happened = models.TextField(_("what happened"))
    why_significant = models.TextField(_("why it matters to the storyteller"))
    source = models.CharField(_("how it was collected"), max_length=10, choices=Source.choices)
    collected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+"
    )
    collected_on = models.DateField(_("collected on"))
    storyteller = models.ForeignKey(
        "registry.Person", models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Someone not in the registry (a visitor, a village official): a name and, if known,
    # sex and age, so the secondary analysis can still count them.
    storyteller_name = models.CharField(_("storyteller's name"), max_length=150, blank=True)
    storyteller_sex = models.CharField(
        _("storyteller's sex"), max_length=1, choices=Sex.choices, blank=True
    )
    storyteller_age = models.PositiveSmallIntegerField(
        _("storyteller's age"), null=True, blank=True
    )
    consent = models.CharField(_("consent"), max_length=10, choices=Consent.choices)
    stage = models.CharField(_("5P stage"), max_length=14, choices=Stage.choices, blank=True)
    strategies = models.JSONField(_("strategies"), default=list, blank=True)
    themes = models.JSONField(_("themes"), default=list, blank=True)
    # Quantification (step 8): how many people and households the story speaks of.
    people_affected = models.PositiveIntegerField(_("people it speaks of"), null=True, blank=True)
    households_affected = models.PositiveIntegerField(
        _("households it speaks of"), null=True, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    access_scope = Scope(organisation="organisation_id", village="village_id")

    class Meta:
        ordering = ["-collected_on", "-pk"]
        indexes = [models.Index(fields=["programme", "period", "village"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(consent__in=["named", "anonymous", "withheld"]),
                name="story_consent_given",
            ),
            # Anonymous means no name is kept at all (a registry link stays for the counts).
            models.CheckConstraint(
                condition=~models.Q(consent="anonymous") | models.Q(storyteller_name=""),
                name="story_anonymous_has_no_name",
            ),
            models.CheckConstraint(
                condition=models.Q(storyteller_sex__in=["", "L", "P"]),
                name="story_storyteller_sex_valid",
            ),
        ]
        verbose_name = _("story")
        verbose_name_plural = _("stories")

    def __str__(self) -> str:
        return self.title

    def get_additional_data(self) -> dict:
        return {"organisation": self.organisation_id}

    @property
    def shareable(self) -> bool:
        return self.consent in (Consent.NAMED, Consent.ANONYMOUS)

    @property
    def teller_label(self) -> str:
        """What a page may say about who told it."""
        if self.consent == Consent.ANONYMOUS:
            return str(_("Anonymous"))
        if self.storyteller_id:
            return self.storyteller.name
        return self.storyteller_name or str(_("Not named"))


class StoryAttachment(models.Model):
    """A photo or a voice recording of a story; type and size are checked before saving."""

    story = models.ForeignKey(Story, models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to="stories/%Y/%m/")
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    access_scope = Scope(organisation="story__organisation_id", village="story__village_id")

    def __str__(self) -> str:
        return self.original_name

    def get_additional_data(self) -> dict:
        return {"organisation": self.story.organisation_id}


class Panel(models.Model):
    """People who read the stories of one period at one level and chose one per domain."""

    class Level(models.TextChoices):
        VILLAGE = "village", _("Village")
        PROGRAMME = "programme", _("Programme")
        FUNDER = "funder", _("Funder")

    class Method(models.TextChoices):
        VOTES = "votes", _("Rounds of votes")
        SCORING = "scoring", _("Scoring")
        CONSENSUS = "consensus", _("Consensus")

    programme = models.ForeignKey("programmes.Programme", models.PROTECT, related_name="panels")
    period = models.ForeignKey(ReportingPeriod, models.PROTECT, related_name="panels")
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    village = models.ForeignKey(
        "areas.Village", models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The villages whose stories the panel read (one for a village panel, all above).
    covers = models.ManyToManyField("areas.Village", related_name="+")
    met_on = models.DateField(_("met on"))
    method = models.CharField(_("method"), max_length=10, choices=Method.choices)
    notes = models.TextField(_("notes"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+"
    )

    access_scope = Scope(
        organisation="programme__organisation_id", village="covers", personal=False, many=True
    )

    class Meta:
        ordering = ["period__starts_on", "level", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(level="village") & models.Q(village__isnull=False))
                | (~models.Q(level="village") & models.Q(village__isnull=True)),
                name="panel_village_only_at_village_level",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_level_display()} · {self.period}"

    def get_additional_data(self) -> dict:
        return {"organisation": self.programme.organisation_id}


class PanelMember(models.Model):
    panel = models.ForeignKey(Panel, models.CASCADE, related_name="members")
    name = models.CharField(_("name"), max_length=150)
    represents = models.CharField(_("role or who they represent"), max_length=150, blank=True)

    class Meta:
        ordering = ["panel_id", "pk"]

    def __str__(self) -> str:
        return self.name


class Selection(models.Model):
    """The story a panel chose in one domain, and why (the reasons are the point)."""

    panel = models.ForeignKey(Panel, models.CASCADE, related_name="selections")
    domain = models.ForeignKey(ChangeDomain, models.PROTECT, related_name="+")
    story = models.ForeignKey(Story, models.PROTECT, related_name="selections")
    reasons = models.TextField(_("why this story was chosen"))
    dissent = models.TextField(_("dissent (who disagreed and why)"), blank=True)
    # Votes per round ([{story_id: votes}, ...]) or scores ({story_id: score}); empty by consensus.
    tally = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    access_scope = Scope(
        organisation="panel__programme__organisation_id",
        village="panel__covers",
        personal=False,
        many=True,
    )

    class Meta:
        ordering = ["panel_id", "domain__order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["panel", "domain"], name="selection_once_per_domain"),
            models.CheckConstraint(condition=~models.Q(reasons=""), name="selection_has_reasons"),
        ]

    def __str__(self) -> str:
        return f"{self.panel} · {self.domain}"

    def get_additional_data(self) -> dict:
        return {"organisation": self.panel.programme.organisation_id}


class StoryFeedback(models.Model):
    """Step 6: who was told what about the selection, and when."""

    class Audience(models.TextChoices):
        STORYTELLER = "storyteller", _("The storyteller")
        COMMUNITY = "community", _("The community (a meeting)")
        GROUP = "group", _("The storyteller's group")

    story = models.ForeignKey(Story, models.CASCADE, related_name="feedback")
    told_on = models.DateField(_("told on"))
    told_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+"
    )
    audience = models.CharField(_("told to"), max_length=12, choices=Audience.choices)
    what = models.TextField(_("what they were told"))
    created_at = models.DateTimeField(auto_now_add=True)

    access_scope = Scope(organisation="story__organisation_id", village="story__village_id")

    class Meta:
        ordering = ["story_id", "told_on", "pk"]

    def __str__(self) -> str:
        return f"{self.story_id} @ {self.told_on}"

    def get_additional_data(self) -> dict:
        return {"organisation": self.story.organisation_id}


class StoryVerification(models.Model):
    """Step 7: someone went back and checked what the story says happened."""

    class Outcome(models.TextChoices):
        CONFIRMED = "confirmed", _("Confirmed")
        PARTLY = "partly", _("Partly confirmed")
        NOT_CONFIRMED = "not_confirmed", _("Not confirmed")

    story = models.ForeignKey(Story, models.CASCADE, related_name="verifications")
    verified_on = models.DateField(_("verified on"))
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+"
    )
    outcome = models.CharField(_("outcome"), max_length=14, choices=Outcome.choices)
    note = models.TextField(_("what was checked, with whom"))

    access_scope = Scope(organisation="story__organisation_id", village="story__village_id")

    class Meta:
        ordering = ["story_id", "verified_on", "pk"]

    def __str__(self) -> str:
        return f"{self.story_id}: {self.outcome}"

    def get_additional_data(self) -> dict:
        return {"organisation": self.story.organisation_id}
