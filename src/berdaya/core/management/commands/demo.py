from django.conf import settings
from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from berdaya.core.management.base import BerdayaCommand
from berdaya.demo import DEMO_PASSWORD, demo_create
from berdaya.demo.community import demo_exists
from berdaya.organisations.models import Organisation


class Command(BerdayaCommand):
    help = "Create the deterministic demo community (organisation, programme, villages, people)."

    def add_arguments(self, parser):
        parser.add_argument("--households-per-village", type=int, default=120)
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing if any organisation exists: never mix demo and real data.",
        )

    def handle(self, *args, households_per_village, if_empty, **options):
        if not settings.DEBUG and "sqlite" not in settings.DATABASES["default"]["ENGINE"]:
            raise CommandError(_("The demo community is for local installs, not production."))
        if if_empty and (demo_exists() or Organisation.objects.exists()):
            self.stdout.write(_("The database already has data; the demo was not added."))
            return
        community = demo_create(households_per_village=households_per_village)
        self.stdout.write(
            self.style.SUCCESS(
                _("Demo community created: %(organisation)s, %(programme)s.")
                % {"organisation": community.organisation, "programme": community.programme}
            )
        )
        self.stdout.write(
            _(
                "Sign in as “manajer” (or admin, pendamping.girisekar, pemantau) "
                "with password “%(password)s”."
            )
            % {"password": DEMO_PASSWORD}
        )
