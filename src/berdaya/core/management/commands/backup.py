from pathlib import Path

from django.utils.translation import gettext as _

from berdaya.core.backup import database_backup
from berdaya.core.management.base import BerdayaCommand


class Command(BerdayaCommand):
    help = (
        "Write a consistent copy of the database to FILE (pg_dump on PostgreSQL, the SQLite "
        "backup API on SQLite). The encryption keys are not in it."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="A new file for the backup.")

    def handle(self, *args, file, **options):
        target = database_backup(target=Path(file))
        self.stdout.write(
            _("Backup written to %(file)s. Keep the keys elsewhere.") % {"file": target}
        )
