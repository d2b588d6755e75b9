"""A base for Berdaya's commands: a BerdayaError becomes a clear message and exit code 2."""

from django.core.management.base import BaseCommand, CommandError

from berdaya.core.errors import BerdayaError


class BerdayaCommand(BaseCommand):
    def execute(self, *args, **options):
        try:
            return super().execute(*args, **options)
        except BerdayaError as error:
            raise CommandError(str(error), returncode=2) from error
