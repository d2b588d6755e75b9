from django.utils.translation import gettext as _

from berdaya.core.management.base import BerdayaCommand
from berdaya.registry.figures import figures_rebuild


class Command(BerdayaCommand):
    help = (
        "Recompute every stored figure (households, villages) and the name index from the registry."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--villages-only",
            action="store_true",
            help="Recompute the village figures only (keep the households' rows).",
        )

    def handle(self, *args, **options):
        counts = figures_rebuild(log=self.stdout.write, villages_only=options["villages_only"])
        self.stdout.write(
            self.style.SUCCESS(
                _("Figures of %(households)d households in %(villages)d villages recomputed.")
                % counts
            )
        )
