"""Settings for the worker and export processes the reliability tests start: the test
settings (fixed keys), with jobs queued in the database as in production."""

from berdaya.config.settings.test import *  # noqa: F403

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
