from pathlib import Path

from django.utils.translation import gettext as _

from berdaya.areas.services import areas_load
from berdaya.core.management.base import BerdayaCommand


class Command(BerdayaCommand):
    help = "Load Indonesian provinces, regencies, districts and villages from idn-area-data."

    def add_arguments(self, parser):
        parser.add_argument("--source", type=Path, help="Folder with the CSV files.")
        parser.add_argument(
            "--province",
            action="append",
            dest="provinces",
            metavar="CODE",
            help="Load only this province (repeatable), e.g. --province 34.",
        )

    def handle(self, *args, source=None, provinces=None, verbosity=1, **options):
        result = areas_load(
            source_dir=source,
            provinces=provinces,
            progress=self.stdout.write if verbosity > 1 else None,
        )
        counts = result.counts()
        summary = (
            _(
                "%(province)d provinces, %(regency)d regencies, %(district)d districts, "
                "%(village)d villages."
            )
            % counts
        )
        if result.changed:
            self.stdout.write(self.style.SUCCESS(_("Areas loaded: %s") % summary))
        else:
            self.stdout.write(_("Areas were already up to date (nothing changed): %s") % summary)
