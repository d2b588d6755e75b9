from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from .channel import current_channel


class User(AbstractUser):
    """A person who signs in: facilitator, manager, admin or viewer.

    What a user may see is not stored here but derived from their memberships
    in organisations (see `berdaya.core.access`).
    """

    full_name = models.CharField(_("full name"), max_length=150, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.full_name or self.username


class PersonalDataAccess(models.Model):
    """A reveal of a full NIK/KK, an export, or a data-subject request: who, what, why.

    UU PDP asks controllers to account for processing; these rows are that account.
    They hold no identifier themselves, only what was touched.
    """

    class Action(models.TextChoices):
        REVEAL = "reveal", _("Revealed an identifier")
        EXPORT = "export", _("Exported a list")
        EXPORT_IDENTIFIED = "export_identified", _("Exported a list with names and NIK")
        SUBJECT_EXPORT = "subject_export", _("Exported one person's data (data-subject request)")
        SUBJECT_ERASE = "subject_erase", _("Erased one person's data (data-subject request)")
        SUBJECT_CORRECT = "subject_correct", _("Corrected one person's data")
        API_READ = "api_read", _("Read personal data through the API")

    user = models.ForeignKey(User, models.PROTECT, related_name="+")
    organisation = models.ForeignKey("organisations.Organisation", models.PROTECT, related_name="+")
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    object_type = models.CharField(_("object type"), max_length=40)
    object_id = models.CharField(_("object"), max_length=40, blank=True)
    # The keys of every object a list read returned (API reads), for the breach drill.
    object_ids = models.JSONField(_("objects"), default=list, blank=True)
    field = models.CharField(_("field"), max_length=20, blank=True)
    row_count = models.PositiveIntegerField(_("rows"), default=1)
    purpose = models.CharField(_("purpose"), max_length=200, blank=True)
    # "web", "api" (the browser's session) or "api:<token prefix>" (see core.channel).
    channel = models.CharField(_("channel"), max_length=40, default=current_channel)
    at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["user", "at"], name="pda_user_at")]
        verbose_name = _("personal data access")
        verbose_name_plural = _("personal data accesses")

    def __str__(self) -> str:
        return f"{self.user} {self.action} {self.object_type} {self.object_id}"


class WorkerHeartbeat(models.Model):
    """A background worker says it is alive (`berdaya worker`), every few seconds.

    The imports page warns when no worker has been heard from recently (imports would
    wait), and a job whose worker fell silent is returned to the queue (`core.jobs`).
    """

    worker_id = models.CharField(max_length=64, unique=True)
    host = models.CharField(max_length=255)
    pid = models.PositiveIntegerField()
    started_at = models.DateTimeField()
    beat_at = models.DateTimeField(db_index=True)
    # The import it is running, if any (for the lease check).
    job = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = _("background worker")
        verbose_name_plural = _("background workers")

    def __str__(self) -> str:
        return f"{self.host}:{self.pid}"
