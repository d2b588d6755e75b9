"""`berdaya import-households`: the web page's import, from a terminal.

For a data manager with a large export, or a script: the same checks, the same
all-or-nothing rule and the same report, run here instead of by the worker.
"""

import json
from contextlib import ExitStack
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.files import File
from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from berdaya.core.management.base import BerdayaCommand
from berdaya.registry.importers.linked import MEMBERS_SHEET
from berdaya.registry.importers.recode import RECODE
from berdaya.registry.models import ImportJob
from berdaya.registry.services import import_job_create, import_job_run
from berdaya.registry.services.import_matching import import_job_fields, import_job_sheets
from berdaya.registry.services.imports import import_programmes, import_targets


class Command(BerdayaCommand):
    help = (
        "Import households and members from a KoboToolbox XLSX, an ODK Central CSV zip or "
        "Berdaya's template, all or nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The export or filled template.")
        parser.add_argument(
            "--source",
            required=True,
            choices=ImportJob.Source.values,
            help="kobo (XLSX), odk (CSV zip) or template (CSV or XLSX).",
        )
        where = parser.add_mutually_exclusive_group(required=True)
        where.add_argument("--village", help="The village's Kemendagri code.")
        where.add_argument(
            "--programme",
            help=(
                "A programme's id or name: each household goes into its own village of the "
                "programme, read from the file's village column."
            ),
        )
        parser.add_argument(
            "--user",
            required=True,
            help="Whose import it is: a facilitator or manager of the village (audit trail).",
        )
        parser.add_argument(
            "--organisation",
            help="The organisation's name, when the user works for more than one there.",
        )
        parser.add_argument(
            "--include-rejected",
            action="store_true",
            help="Also import submissions a reviewer refused (Kobo Not Approved, ODK rejected).",
        )
        parser.add_argument(
            "--columns",
            help=(
                'A JSON file {field: column, "members_sheet": sheet, "recode": {field: '
                "{answer: code}}} for a form other than Berdaya's own."
            ),
        )
        parser.add_argument(
            "--form",
            help="The XLSForm (.xlsx) the data was collected with: its labels and choice "
            "lists improve the proposed matching and recoding.",
        )

    def handle(
        self,
        *args,
        file,
        source,
        village,
        programme,
        user,
        organisation,
        columns,
        include_rejected,
        form=None,
        **options,
    ):
        path = Path(file)
        if not path.is_file():
            raise CommandError(_("There is no file %(file)s.") % {"file": path}, returncode=2)
        person = get_user_model().objects.filter(username=user, is_active=True).first()
        if person is None:
            raise CommandError(
                _("There is no active user “%(user)s”.") % {"user": user}, returncode=2
            )
        if programme:
            chosen = self._programme(person, programme, organisation)
            target = (chosen.organisation, None)
        else:
            chosen, target = None, self._target(person, village, organisation)
        form_path = Path(form) if form else None
        if form_path is not None and not form_path.is_file():
            raise CommandError(_("There is no file %(file)s.") % {"file": form_path}, returncode=2)
        with path.open("rb") as handle, ExitStack() as stack:
            form_file = (
                File(stack.enter_context(form_path.open("rb")), name=form_path.name)
                if form_path
                else None
            )
            job = import_job_create(
                user=person,
                organisation=target[0],
                village=target[1],
                programme=chosen,
                source=source,
                uploaded_file=File(handle, name=path.name),
                column_map=self._columns(columns),
                include_rejected=include_rejected,
                queue=False,
                form_file=form_file,
            )
        job = import_job_run(job.pk)
        self._report(job)

    def _target(self, user, village: str, organisation: str | None):
        pairs = [pair for pair in import_targets(user) if pair[1].code == village]
        if organisation:
            pairs = [pair for pair in pairs if pair[0].name == organisation]
        if not pairs:
            raise CommandError(
                _("%(user)s cannot import into village %(village)s.")
                % {"user": user.username, "village": village},
                returncode=2,
            )
        if len(pairs) > 1:
            names = ", ".join(pair[0].name for pair in pairs)
            raise CommandError(
                _("Say which organisation with --organisation: %(names)s.") % {"names": names},
                returncode=2,
            )
        return pairs[0]

    def _programme(self, user, programme: str, organisation: str | None):
        """A programme of several villages `user` may import into, by its id or its name."""
        found = [
            chosen
            for chosen, _mine in import_programmes(user)
            if str(chosen.pk) == programme or chosen.name == programme
        ]
        if organisation:
            found = [chosen for chosen in found if chosen.organisation.name == organisation]
        if not found:
            raise CommandError(
                _(
                    "%(user)s cannot import for programme %(programme)s: it is not a "
                    "programme of several villages with one of theirs."
                )
                % {"user": user.username, "programme": programme},
                returncode=2,
            )
        if len(found) > 1:
            names = ", ".join(f"{chosen.pk} ({chosen.organisation.name})" for chosen in found)
            raise CommandError(
                _("Several programmes have this name; give its id: %(names)s.") % {"names": names},
                returncode=2,
            )
        return found[0]

    def _columns(self, columns: str | None) -> dict[str, str]:
        if not columns:
            return {}
        try:
            chosen = json.loads(Path(columns).read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise CommandError(
                _("%(file)s is not a readable JSON file: %(error)s")
                % {"file": columns, "error": error},
                returncode=2,
            ) from None
        if not isinstance(chosen, dict) or not all(
            isinstance(k, str) and (isinstance(v, str) or k == RECODE) for k, v in chosen.items()
        ):
            raise CommandError(
                _("%(file)s must hold one object of field names and column names.")
                % {"file": columns},
                returncode=2,
            )
        return chosen

    def _report(self, job: ImportJob) -> None:
        for warning in job.warnings:
            self.stdout.write(_("Warning: %(problem)s") % {"problem": _line(warning)})
        if job.status == ImportJob.Status.DONE:
            self.stdout.write(
                self.style.SUCCESS(
                    _(
                        "Imported: %(households)d households and %(persons)d persons; "
                        "%(skipped)d submissions were already imported."
                    )
                    % {
                        "households": job.households_created,
                        "persons": job.persons_created,
                        "skipped": job.duplicates_skipped,
                    }
                )
            )
            if not job.village_id:
                names = dict(job.programme.villages.values_list("code", "name"))
                for code, counts in sorted(job.village_counts.items()):
                    self.stdout.write(
                        _("%(village)s: %(households)d households, %(persons)d persons")
                        % {
                            "village": f"{names.get(code, code)} ({code})",
                            "households": counts["households"],
                            "persons": counts["persons"],
                        }
                    )
            return
        if job.status == ImportJob.Status.NEEDS_MAPPING:
            # The matching the web page would propose, as a file to correct and pass back.
            fields = import_job_fields(job)
            tables = job.file_columns or {}
            sheets = import_job_sheets(job)
            # What the file holds, so the matching can be corrected without opening it.
            for role in ("household", "member"):
                if role in tables:
                    table = tables[role]
                    self.stderr.write(
                        _("Sheet “%(sheet)s”: %(columns)s")
                        % {"sheet": table.get("sheet", ""), "columns": ", ".join(table["columns"])}
                    )
            for sheet in sheets:
                if tables.get("member", {}).get("sheet") != sheet.name:
                    self.stderr.write(
                        _("Repeat sheet “%(sheet)s” (%(path)s): %(columns)s")
                        % {
                            "sheet": sheet.name,
                            "path": sheet.path,
                            "columns": ", ".join(sheet.columns),
                        }
                    )
            proposal = {field.key: field.suggested for field in fields}
            if "member" in tables and tables["member"]["sheet"] != tables["household"]["sheet"]:
                proposal[MEMBERS_SHEET] = tables["member"]["sheet"]
            elif "member" not in tables and sheets:
                proposal[MEMBERS_SHEET] = ""
            recoding = {
                field.key: {row.answer: row.suggested for row in field.recode}
                for field in fields
                if field.recode
            }
            if recoding:
                proposal[RECODE] = recoding
            self.stdout.write(json.dumps(proposal, ensure_ascii=False, indent=2))
            if "member" not in tables and sheets:
                raise CommandError(
                    _(
                        "Say which repeat sheet holds the household members: save the "
                        "matching printed above as a JSON file, write the sheet's name as "
                        "“%(key)s” (%(sheets)s), and pass it with --columns."
                    )
                    % {"key": MEMBERS_SHEET, "sheets": ", ".join(s.name for s in sheets)},
                    returncode=2,
                )
            missing = sorted(f.key for f in fields if f.required and not f.suggested)
            if not missing:
                raise CommandError(
                    _(
                        "This is not Berdaya's own form: check the matching printed above "
                        "(proposed from the columns' names and labels), save it as a JSON "
                        "file, and pass it with --columns."
                    ),
                    returncode=2,
                )
            raise CommandError(
                _(
                    "Not every field was found among the file's columns. Save the matching "
                    "printed above as a JSON file, fill in or correct it (%(fields)s), and "
                    "pass it with --columns."
                )
                % {"fields": ", ".join(missing)},
                returncode=2,
            )
        for problem in job.errors:
            self.stderr.write(_line(problem))
        raise CommandError(_("Nothing was imported: correct the rows above."), returncode=2)


def _line(problem: dict) -> str:
    """One problem as the report page shows it: where, what was there, why."""
    where = []
    if problem.get("sheet"):
        where.append(problem["sheet"])
    if problem.get("row"):
        where.append(_("row %(row)s") % {"row": problem["row"]})
    if problem.get("column"):
        where.append(_("column %(column)s") % {"column": problem["column"]})
    value = f" “{problem['value']}”" if problem.get("value") else ""
    return f"{', '.join(where)}{value}: {problem['reason']}" if where else problem["reason"]
