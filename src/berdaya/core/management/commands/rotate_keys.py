from django.utils.translation import gettext as _

from berdaya.core.keys import identifiers_rotate
from berdaya.core.management.base import BerdayaCommand


class Command(BerdayaCommand):
    help = "Re-encrypt every stored NIK/KK under the first key of BERDAYA_FIELD_KEYS."

    def handle(self, *args, **options):
        counts = identifiers_rotate()
        total = sum(counts.values())
        for label, count in sorted(counts.items()):
            self.stdout.write(f"{label}: {count}")
        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "%(total)d values now use the first key. Older keys can be removed "
                    "from BERDAYA_FIELD_KEYS."
                )
                % {"total": total}
            )
        )
