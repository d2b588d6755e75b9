from pathlib import Path

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from berdaya.core.backup import database_restore
from berdaya.core.management.base import BerdayaCommand


class Command(BerdayaCommand):
    help = "Replace the whole database with a backup made by `berdaya backup`."

    def add_arguments(self, parser):
        parser.add_argument("file", help="The backup file.")
        parser.add_argument(
            "--yes", action="store_true", help="Confirm that the current data may be replaced."
        )

    def handle(self, *args, file, yes, **options):
        if not yes:
            raise CommandError(_("A restore replaces every record; add --yes to go ahead."))
        database_restore(source=Path(file))
        self.stdout.write(_("Restored from %(file)s.") % {"file": file})
