import csv
import datetime

from django.core.management.base import CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from berdaya.core.management.base import BerdayaCommand
from berdaya.registry.breach import breach_drill


def _day(text: str) -> datetime.datetime:
    try:
        day = datetime.date.fromisoformat(text)
    except ValueError as error:
        raise CommandError(_("Give dates as YYYY-MM-DD.")) from error
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


class Command(BerdayaCommand):
    help = (
        "Breach drill (UU PDP art. 46): list, from the personal-data account, whose data a "
        "user or a token touched in a period, as CSV."
    )

    def add_arguments(self, parser):
        who = parser.add_mutually_exclusive_group(required=True)
        who.add_argument("--user", help="The username whose password may be compromised.")
        who.add_argument("--token", help="The public prefix of a token, e.g. bdy_1a2b3c4d.")
        parser.add_argument("--since", required=True, help="First day, YYYY-MM-DD.")
        parser.add_argument("--until", help="Last day, YYYY-MM-DD (default: today).")

    def handle(self, *args, user, token, since, until, **options):
        start = _day(since)
        end = (
            _day(until)
            if until
            else timezone.make_aware(
                datetime.datetime.combine(timezone.localdate(), datetime.time.min)
            )
        ) + datetime.timedelta(days=1)
        report = breach_drill(since=start, until=end, username=user, token_prefix=token)
        writer = csv.writer(self.stdout)
        writer.writerow(["person_id", "household_id", "village_code", "actions", "first", "last"])
        for item in report.persons:
            writer.writerow(
                [
                    item.person_id,
                    item.household_id,
                    item.village_code,
                    " ".join(sorted(item.actions)),
                    item.first.isoformat(),
                    item.last.isoformat(),
                ]
            )
        summary = _(
            "%(accesses)d recorded accesses; %(persons)d persons touched by name or record."
        ) % {"accesses": report.accesses, "persons": len(report.persons)}
        self.stderr.write(summary)
        for export in report.exports:
            self.stderr.write(
                _(
                    "Export on %(at)s: %(rows)d rows (%(action)s). Exports record no names: "
                    "treat everyone this account could see then as possibly affected."
                )
                % {"at": export.at.isoformat(), "rows": export.row_count, "action": export.action}
            )
