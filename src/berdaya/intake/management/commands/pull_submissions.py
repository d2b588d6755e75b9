"""`berdaya pull-submissions`: pull new submissions from the connected servers, here.

Without `--connection`, every connection whose schedule is due (run it from cron every
hour); with it, that connection now. Each pull runs in this process, the way the worker
would: fetch, then one import of the new submissions, all or nothing.
"""

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from berdaya.core.management.base import BerdayaCommand
from berdaya.intake.models import Pull, ServerConnection
from berdaya.intake.services import pull_request, pull_run, pulls_schedule


class Command(BerdayaCommand):
    help = (
        "Pull new submissions from the KoboToolbox and ODK Central servers connected to "
        "programmes (those due on their schedule, or one connection) and import them."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--connection", type=int, help="Pull this connection (its number) now, due or not."
        )
        parser.add_argument(
            "--user",
            help="Whose pull it is (with --connection): a facilitator or manager of its "
            "village. By default the manager who saved the connection last.",
        )

    def handle(self, *args, connection=None, user=None, **options):
        if connection is None:
            pulls = pulls_schedule(queue=False)
            if not pulls:
                self.stdout.write(_("No connection is due for a pull."))
        else:
            found = ServerConnection.objects.select_related("village").filter(pk=connection)
            target = found.first()
            if target is None:
                raise CommandError(
                    _("There is no connection %(id)s.") % {"id": connection}, returncode=2
                )
            person = target.updated_by
            if user:
                person = get_user_model().objects.filter(username=user, is_active=True).first()
                if person is None:
                    raise CommandError(
                        _("There is no active user “%(user)s”.") % {"user": user}, returncode=2
                    )
            pulls = [
                pull_request(
                    user=person, connection=target, trigger=Pull.Trigger.COMMAND, queue=False
                )
            ]
        failed = False
        for pull in pulls:
            pull = pull_run(pull.pk)
            failed |= self._report(pull)
        if failed:
            raise CommandError(_("At least one pull imported nothing."), returncode=2)

    def _report(self, pull: Pull) -> bool:
        name = pull.connection.name
        if pull.status == Pull.Status.FAILED:
            self.stderr.write(f"{name}: {pull.error}")
            return True
        self.stdout.write(
            _(
                "%(name)s: %(fetched)d on the server, %(new)d new, %(already)d imported before, "
                "%(edited)d edited after their import."
            )
            % {
                "name": name,
                "fetched": pull.fetched,
                "new": pull.new,
                "already": pull.already,
                "edited": pull.edited,
            }
        )
        job = pull.import_job
        if job is None:
            return False
        self.stdout.write(
            _("Import %(job)s: %(status)s, %(households)d households, %(persons)d persons.")
            % {
                "job": job.pk,
                "status": job.get_status_display(),
                "households": job.households_created,
                "persons": job.persons_created,
            }
        )
        if job.status == "mapping":
            self.stdout.write(
                _("The form is not Berdaya's own: match its columns once on the import's page.")
            )
        for problem in job.errors[:50]:
            self.stderr.write(
                f"{problem.get('sheet', '')} {problem.get('row', '')} "
                f"{problem.get('column', '')}: {problem.get('reason', '')}"
            )
        return job.status == "failed"
