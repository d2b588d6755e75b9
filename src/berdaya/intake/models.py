"""Connections to KoboToolbox / ODK Central, their pulls, and what each server sent before."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from berdaya.core.access import Scope
from berdaya.core.fields import EncryptedIdentifierField


class ServerConnection(models.Model):
    """A village of a programme connected to a KoboToolbox project or an ODK Central form.

    The API token (KoboToolbox) or password (ODK Central) is a secret: stored encrypted
    with the keys of NIK/KK, never shown again after saving, never logged."""

    class Kind(models.TextChoices):
        KOBO = "kobo", _("KoboToolbox project")
        ODK = "odk", _("ODK Central form")

    class Every(models.IntegerChoices):
        ON_DEMAND = 0, _("Only when someone presses “Pull now”")
        HOURS_6 = 6, _("Every 6 hours")
        HOURS_12 = 12, _("Every 12 hours")
        DAILY = 24, _("Every day")
        WEEKLY = 168, _("Every week")

    organisation = models.ForeignKey("organisations.Organisation", models.CASCADE, related_name="+")
    programme = models.ForeignKey(
        "programmes.Programme", models.CASCADE, related_name="server_connections"
    )
    # A pull fills one village, like an uploaded export (registry imports).
    village = models.ForeignKey("areas.Village", models.PROTECT, related_name="+")
    kind = models.CharField(_("server"), max_length=4, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=100)
    server_url = models.URLField(_("server address"), max_length=300)
    # KoboToolbox: the asset uid (project). ODK Central: the project id and the form id.
    asset_uid = models.CharField(_("KoboToolbox asset uid"), max_length=64, blank=True)
    project_id = models.PositiveIntegerField(_("ODK Central project id"), null=True, blank=True)
    form_id = models.CharField(_("ODK Central form id"), max_length=100, blank=True)
    # ODK Central's web user (an email address); KoboToolbox needs only the token.
    username = models.CharField(_("ODK Central user (email)"), max_length=254, blank=True)
    secret = EncryptedIdentifierField(_("API token or password"), blank=True)
    include_rejected = models.BooleanField(
        _("Also import submissions a reviewer refused"), default=False
    )
    every_hours = models.PositiveSmallIntegerField(
        _("pull"), choices=Every.choices, default=Every.ON_DEMAND
    )
    # The user whose name scheduled pulls import under (the manager who saved it last).
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    access_scope = Scope(organisation="organisation_id", village="village_id")

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("server connection")
        verbose_name_plural = _("server connections")
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "name"], name="server_connection_name_unique"
            ),
            models.CheckConstraint(
                condition=~models.Q(kind="kobo") | ~models.Q(asset_uid=""),
                name="server_connection_kobo_has_asset",
            ),
            models.CheckConstraint(
                condition=~models.Q(kind="odk")
                | (models.Q(project_id__isnull=False) & ~models.Q(form_id="")),
                name="server_connection_odk_has_form",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_additional_data(self) -> dict:
        return {"organisation": self.organisation_id}

    @property
    def has_secret(self) -> bool:
        return bool(self.secret)


class Pull(models.Model):
    """One fetch of a connection's submissions; the new ones go to one registry import."""

    class Status(models.TextChoices):
        WAITING = "waiting", _("Waiting to start")
        RUNNING = "running", _("Fetching the submissions")
        # The new submissions were handed to the registry's import (see `import_job`).
        HANDED_OVER = "handed", _("Handed to the import")
        NOTHING_NEW = "nothing", _("No new submissions")
        FAILED = "failed", _("Failed")

    class Trigger(models.TextChoices):
        BUTTON = "button", _("Pull now")
        SCHEDULE = "schedule", _("Schedule")
        COMMAND = "command", _("Command line")

    connection = models.ForeignKey(ServerConnection, models.CASCADE, related_name="pulls")
    # Copied from the connection, so the access rule reads the pull directly.
    organisation = models.ForeignKey("organisations.Organisation", models.CASCADE, related_name="+")
    village = models.ForeignKey("areas.Village", models.PROTECT, related_name="+")
    trigger = models.CharField(max_length=8, choices=Trigger.choices, default=Trigger.BUTTON)
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.WAITING
    )
    progress = models.PositiveSmallIntegerField(default=0)
    fetched = models.PositiveIntegerField(_("submissions on the server"), default=0)
    new = models.PositiveIntegerField(_("new submissions"), default=0)
    already = models.PositiveIntegerField(_("imported before"), default=0)
    edited = models.PositiveIntegerField(_("edited after their import"), default=0)
    # Left out because a reviewer refused them (KoboToolbox "Not Approved", Central
    # "rejected"), unless the connection includes them; {"status as written": count}.
    refused = models.JSONField(default=dict, blank=True)
    attachments = models.PositiveIntegerField(_("attachments not downloaded"), default=0)
    # [{"id": "<submission id>", "version": "..."}]: edits on the server, reported not applied.
    edits = models.JSONField(default=list, blank=True)
    # {"<sheet>": {"<row>": "<submission id>"}}: which submission a row of the report is.
    rows = models.JSONField(default=dict, blank=True)
    error = models.CharField(_("error"), max_length=500, blank=True)
    import_job = models.OneToOneField(
        "registry.ImportJob", models.SET_NULL, null=True, blank=True, related_name="pull"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    finished_at = models.DateTimeField(null=True, blank=True)

    access_scope = Scope(organisation="organisation_id", village="village_id")

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("pull")
        verbose_name_plural = _("pulls")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(progress__lte=100), name="pull_progress_percent"
            ),
            # One pull of a connection at a time: a second would import the same batch.
            models.UniqueConstraint(
                fields=["connection"],
                condition=models.Q(status__in=["waiting", "running"]),
                name="pull_one_at_a_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.connection} · {self.pk}"

    def get_additional_data(self) -> dict:
        return {"organisation": self.organisation_id}


class RemoteSubmission(models.Model):
    """A submission a connection's server sent, by the server's own id, with the version
    last seen: an edit on the server after the import is noticed and reported.

    `uuid` is the id the registry keeps for it (`registry.Submission.uuid`)."""

    connection = models.ForeignKey(ServerConnection, models.CASCADE, related_name="remote")
    remote_id = models.CharField(max_length=100)  # KoboToolbox `_id`, ODK Central `__id`
    uuid = models.CharField(max_length=100)
    version = models.CharField(max_length=100, blank=True)
    seen_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["connection", "remote_id"], name="remote_submission_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.remote_id
