from django.utils.translation import gettext as _

from berdaya.core.management.base import BerdayaCommand
from berdaya.registry.figures import figures_rebuild


class Command(BerdayaCommand):
    help = (
        "Recompute every stored figure (households, villages) and the name index from the registry."
    )

    def handle(self, *args, **options):
        counts = figures_rebuild(log=self.stdout.write)
        self.stdout.write(
            self.style.SUCCESS(
                _("Figures of %(households)d households in %(villages)d villages recomputed.")
                % counts
            )
        )
