"""CSV and XLSX exports of the households and persons a user may see.

De-identified by default: no names, no NIK or KK, no exact birth date (the age in
years instead), no address or GPS point, and pseudonymous ids (`H-…`, `P-…`: a keyed
hash of the row, stable across exports so the two files join, meaningless without
the server's key). Dusun and RW stay, because planning needs them; RT (often fewer
than fifty households) is too fine to publish beside sex, age and disability, so it
goes only into identified exports.

Text typed in the field can look like a spreadsheet formula ("=HYPERLINK(...)"). It is
written as text: XLSX cells are text cells, and CSV cells that start like a formula get
a leading apostrophe (the usual guard against CSV injection in Excel).

With names and full NIK/KK ("identified") only for managers and administrators, for
a stated purpose. Every export, identified or not, is recorded in
`PersonalDataAccess` with its row count (UU PDP asks controllers to account for it).
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd
from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from berdaya.core.access import grants_for
from berdaya.core.db import read_snapshot
from berdaya.core.errors import PermissionDenied, ValidationFailed
from berdaya.core.models import PersonalDataAccess
from berdaya.organisations.models import Role

from . import indicators
from .models import Consent, CustomQuestion, Enrolment, Household, HouseholdSurvey, Person
from .records import SURVEY_FIELDS

HOUSEHOLDS, PERSONS = "households", "persons"
CSV, XLSX = "csv", "xlsx"

# Free-text notes stay out of exports: they may name people.
SURVEY_COLUMNS = ("surveyed_on", *(name for name in SURVEY_FIELDS if name != "notes"))
HOUSEHOLD_COLUMNS = (
    "household",
    "village_code",
    "village",
    "dusun",
    "rw",
    "status",
    "members",
    "female_head",
    "head_age",
    "poverty_status",
    "deprivation_score",
    *SURVEY_COLUMNS,
    "schemes",
    "consent_mapping",
)
PROGRAMME_PREFIX = "programme_"  # then a programme question's name, after the fixed columns
HOUSEHOLD_IDENTIFIED = ("rt", "head_name", "kk", "address")
PERSON_COLUMNS = (
    "person",
    "household",
    "village_code",
    "dusun",
    "rw",
    "sex",
    "age",
    "relation",
    "marital_status",
    "education",
    "attending_school",
    "occupation",
    "disabilities",
    "chronic_illness",
    "pregnant",
    "undernourished",
    "status",
    "household_poverty_status",
)
PERSON_IDENTIFIED = ("rt", "name", "nik", "birth_date", "kk")


def pseudonym(kind: str, pk: int) -> str:
    """A stable id that reveals nothing without the server's key: H-3f9a0c21d4e7."""
    key = settings.BERDAYA_HASH_KEY.encode()
    digest = hmac.new(key, f"export:{kind}:{pk}".encode(), hashlib.sha256).hexdigest()
    return f"{kind[0].upper()}-{digest[:12]}"


@dataclass
class ExportFile:
    filename: str
    content_type: str
    content: bytes
    rows: int


def _plain(value):
    """A pandas/numpy scalar as a Python value; missing (NA, NaN) as None."""
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return None
    return value.item() if hasattr(value, "item") else value


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return 1 if value else 0
    if isinstance(value, list | tuple | set):
        return " ".join(str(v) for v in sorted(value))
    return value


def _managed(user) -> Q:
    """Households where `user` is a manager or administrator (identified exports)."""
    condition = Q(pk__in=[])
    for grant in grants_for(user):
        if grant.role in {Role.ADMIN, Role.MANAGER}:
            condition |= Q(
                organisation_id=grant.organisation_id, village_id__in=grant.village_codes
            )
    return condition


def _programme_questions(households: QuerySet[Household], *, identified: bool) -> list[str]:
    """The names of the exported organisations' own questions, in order. Free-text answers
    go only into identified exports: they may name people."""
    questions = CustomQuestion.objects.filter(
        programme__organisation_id__in=households.order_by().values("organisation_id")
    ).order_by("programme_id", "position", "pk")
    if not identified:
        questions = questions.exclude(kind=CustomQuestion.Kind.TEXT)
    return list(dict.fromkeys(questions.values_list("name", flat=True)))


def _household_rows(
    households: QuerySet[Household], *, identified: bool, today, asked: list[str]
) -> Iterable[list]:
    table = indicators.household_table(households, today=today)
    statuses = indicators.poverty(table)
    facts = {row.household_id: row for row in table.itertuples(index=False)}
    surveys = {
        s.pk: s
        for s in HouseholdSurvey.objects.filter(
            pk__in=households.order_by().values("latest_survey_id")
        )
    }
    schemes: dict[int, list[str]] = defaultdict(list)
    for household_id, code in Enrolment.objects.filter(
        household__in=households.order_by().values("pk"), until__isnull=True
    ).values_list("household_id", "scheme__code"):
        schemes[household_id].append(code)
    consented = set(
        Consent.objects.filter(
            household__in=households.order_by().values("pk"),
            purpose=Consent.Purpose.MAPPING,
            withdrawn_on__isnull=True,
        ).values_list("household_id", flat=True)
    )
    present = Person.objects.filter(status=Person.Status.PRESENT, relation=Person.Relation.HEAD)
    heads = dict(
        present.filter(household__in=households.order_by().values("pk")).values_list(
            "household_id", "name"
        )
    )
    for household in households.select_related("village").order_by("village_id", "pk"):
        fact = facts.get(household.pk)
        survey = surveys.get(household.latest_survey_id)
        poverty = statuses.get(household.pk, indicators.UNKNOWN)
        row = [
            pseudonym(HOUSEHOLDS, household.pk),
            household.village_id,
            household.village.name,
            household.dusun,
            household.rw,
            household.status,
            _plain(fact.household_size) if fact else 0,
            _plain(fact.female_head) if fact else None,
            _plain(fact.head_age) if fact else None,
            poverty.status,
            None if poverty.score is None else round(poverty.score, 4),
            *[getattr(survey, name) if survey else None for name in SURVEY_COLUMNS],
            sorted(schemes.get(household.pk, [])),
            household.pk in consented,
            *[survey.extra.get(name) if survey else None for name in asked],
        ]
        if identified:
            row += [household.rt, heads.get(household.pk, ""), household.kk, household.address]
        yield [_cell(value) for value in row]


def _person_rows(households: QuerySet[Household], *, identified: bool, today) -> Iterable[list]:
    table = indicators.household_table(households, today=today)
    statuses = indicators.poverty(table)
    persons = (
        Person.objects.filter(household__in=households.order_by().values("pk"))
        .select_related("household")
        .order_by("household__village_id", "household_id", "pk")
    )
    for person in persons:
        household = person.household
        row = [
            pseudonym(PERSONS, person.pk),
            pseudonym(HOUSEHOLDS, household.pk),
            household.village_id,
            household.dusun,
            household.rw,
            person.sex,
            indicators.age_on(person.birth_date, today),
            person.relation,
            person.marital_status,
            person.education,
            person.attending_school,
            person.occupation,
            person.disabilities,
            person.chronic_illness,
            person.pregnant,
            person.undernourished,
            person.status,
            statuses.get(household.pk, indicators.UNKNOWN).status,
        ]
        if identified:
            row += [household.rt, person.name, person.nik, person.birth_date, household.kk]
        yield [_cell(value) for value in row]


# What makes a spreadsheet read a cell as a formula (OWASP's list for CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _csv_text(value):
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _xlsx_text(sheet, value: str):
    """A text cell: openpyxl would otherwise store "=..." as a live formula."""
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(sheet, value=value)
    cell.data_type = "s"
    if value.startswith(FORMULA_STARTS):
        cell.quotePrefix = True  # stays text when someone edits the cell
    return cell


def _csv(header, rows) -> tuple[bytes, int]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    count = 0
    for row in rows:
        writer.writerow([_csv_text(value) for value in row])
        count += 1
    # A byte-order mark, so that Excel reads the names' accents right.
    return ("\ufeff" + buffer.getvalue()).encode("utf-8"), count


def _xlsx(header, rows, *, title: str) -> tuple[bytes, int]:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title)
    sheet.append(list(header))
    count = 0
    for row in rows:
        sheet.append([_xlsx_text(sheet, v) if isinstance(v, str) else v for v in row])
        count += 1
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue(), count


def registry_export(
    *,
    user,
    households: QuerySet[Household],
    level: str = HOUSEHOLDS,
    file_format: str = CSV,
    identified: bool = False,
    purpose: str = "",
    survey_round=None,
) -> ExportFile:
    """A file of `households` (already scoped to the user, with their filters) or of their
    members; logged per organisation in PersonalDataAccess.

    Read in one read-only snapshot (core.db.read_snapshot): a long export holds no write
    lock, so people keep saving while it runs; the log is written after, on its own."""
    if level not in {HOUSEHOLDS, PERSONS} or file_format not in {CSV, XLSX}:
        raise ValidationFailed(_("Choose households or persons, and CSV or XLSX."))
    if identified:
        if not any(g.role in {Role.ADMIN, Role.MANAGER} for g in grants_for(user)):
            raise PermissionDenied(
                _("Only managers and administrators can export names and NIK/KK.")
            )
        if len(purpose.strip()) < 5:
            raise ValidationFailed(_("Say why you need names and NIK/KK."), field="purpose")
        households = households.filter(_managed(user))
    today = timezone.localdate()
    with read_snapshot():
        content, content_type, count = _export_file(
            households, level=level, file_format=file_format, identified=identified, today=today
        )
        counts = _counts(households, level=level)
    with transaction.atomic():
        _log(user, counts, level=level, identified=identified, purpose=purpose)
    kind = "identitas" if identified else "anonim"
    filename = f"berdaya-{level}-{kind}-{today:%Y%m%d}.{file_format}"
    return ExportFile(filename, content_type, content, count)


def _export_file(households, *, level, file_format, identified, today) -> tuple[bytes, str, int]:
    if level == HOUSEHOLDS:
        asked = _programme_questions(households, identified=identified)
        header = [
            *HOUSEHOLD_COLUMNS,
            *[f"{PROGRAMME_PREFIX}{name}" for name in asked],
            *(HOUSEHOLD_IDENTIFIED if identified else ()),
        ]
        rows = _household_rows(households, identified=identified, today=today, asked=asked)
    else:
        header = list(PERSON_COLUMNS) + (list(PERSON_IDENTIFIED) if identified else [])
        rows = _person_rows(households, identified=identified, today=today)
    if file_format == CSV:
        content, count = _csv(header, rows)
        return content, "text/csv; charset=utf-8", count
    content, count = _xlsx(header, rows, title=level)
    return content, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", count


def _counts(households: QuerySet[Household], *, level) -> dict[int, int]:
    """Exported rows per organisation."""
    counts: dict[int, int] = defaultdict(int)
    source = (
        households.order_by().values_list("organisation_id", flat=True)
        if level == HOUSEHOLDS
        else Person.objects.filter(household__in=households.order_by().values("pk")).values_list(
            "organisation_id", flat=True
        )
    )
    for organisation_id in source:
        counts[organisation_id] += 1
    return counts


def _log(user, counts: dict[int, int], *, level, identified, purpose) -> None:
    """One PersonalDataAccess row per organisation, with that organisation's row count."""
    action = (
        PersonalDataAccess.Action.EXPORT_IDENTIFIED
        if identified
        else PersonalDataAccess.Action.EXPORT
    )
    # An empty export is recorded too, under the user's first organisation.
    organisations = counts or {g.organisation_id: 0 for g in grants_for(user)[:1]}
    for organisation_id, rows in sorted(organisations.items()):
        PersonalDataAccess.objects.create(
            user=user,
            organisation_id=organisation_id,
            action=action,
            object_type="person" if level == PERSONS else "household",
            object_id="",
            row_count=rows,
            purpose=purpose.strip()[:200],
        )


# -- analysis exports --------------------------------------------------------------------------
#
# For analysts who rerun the figures themselves (`berdaya analyze mpi`, see docs/analysis.md):
# the household table exactly as `indicators.household_table` gives it — the table the stored
# figures are computed from — and the results the village profile shows, computed from that
# same table by the same functions (`indicators.poverty`, `mpi_summary`, `figures._coverage`),
# plus the censored and uncensored headcounts. CSV and Parquet come as a ZIP of two files;
# XLSX as one workbook with the households on its first sheet (the CLI reads the first sheet).

PARQUET = "parquet"
ANALYSIS_FORMATS = (CSV, XLSX, PARQUET)
ANALYSIS_FIELD = "analysis"  # PersonalDataAccess.field: which kind of export it was
# Columns that name or locate a household. `household_table` has none of them today; should
# it ever gain one, a de-identified export still leaves it out.
DIRECT_IDENTIFIERS = frozenset(
    {"name", "head_name", "nik", "kk", "address", "rt", "latitude", "longitude", "gps"}
)
# Added to an identified export, after the table's own columns.
ANALYSIS_IDENTIFIED = ("household", "rt", "head_name", "kk", "address", "latitude", "longitude")
RESULT_COLUMNS = ("village_code", "figure", "indicator", "value")
# `berdaya analyze mpi` with the options the stored figures use (indicators._measure).
RERUN_OPTIONS = "--weight household_size --missing reweight --by village_code"


@dataclass(frozen=True)
class AnalysisTables:
    households: pd.DataFrame
    results: pd.DataFrame


def analysis_tables(
    households: QuerySet[Household], *, identified: bool = False, today=None, survey_round=None
) -> AnalysisTables:
    """The household table of `households` (already scoped: one organisation's active
    households) and its results, per village; with more than one village (a programme)
    also for all of them together (`village_code` empty). With `survey_round`, the table
    of that round (`rounds.round_table`: each household's survey of the round, ages on its
    last day), the one the round's stored figures are computed from."""
    today = today or timezone.localdate()
    if survey_round is not None:
        from .rounds import round_surveys

        keys = set(households.values_list("pk", flat=True))
        surveys = {k: v for k, v in round_surveys(survey_round).items() if k in keys}
        households = Household.objects.filter(pk__in=list(surveys))
        table = indicators.household_table(households, today=survey_round.ends_on, surveys=surveys)
    else:
        table = indicators.household_table(households, today=today)
    results = _analysis_results(table, organisation_ids=sorted(set(table["organisation_id"])))
    return AnalysisTables(_analysis_households(table, identified=identified), results)


def _analysis_households(table: pd.DataFrame, *, identified: bool) -> pd.DataFrame:
    frame = table.drop(columns=[c for c in table.columns if c in DIRECT_IDENTIFIERS])
    if not identified:
        # The same pseudonym as the CSV/XLSX export's `household` column, so files join.
        frame["household_id"] = [pseudonym(HOUSEHOLDS, int(pk)) for pk in frame["household_id"]]
        return frame.reset_index(drop=True)
    keys = [int(pk) for pk in frame["household_id"]]
    rows = {
        h.pk: h
        for h in Household.objects.filter(pk__in=keys).only(
            "pk", "rt", "kk", "kk_hash", "address", "latitude", "longitude"
        )
    }
    heads = dict(
        Person.objects.filter(
            household_id__in=keys, status=Person.Status.PRESENT, relation=Person.Relation.HEAD
        )
        .order_by("-pk")
        .values_list("household_id", "name")
    )
    frame["household"] = [pseudonym(HOUSEHOLDS, pk) for pk in keys]
    frame["rt"] = [rows[pk].rt for pk in keys]
    frame["head_name"] = [heads.get(pk, "") for pk in keys]
    frame["kk"] = [rows[pk].kk for pk in keys]
    frame["address"] = [rows[pk].address for pk in keys]
    frame["latitude"] = pd.array([rows[pk].latitude for pk in keys], dtype="Float64")
    frame["longitude"] = pd.array([rows[pk].longitude for pk in keys], dtype="Float64")
    return frame.reset_index(drop=True)


def _analysis_results(table: pd.DataFrame, *, organisation_ids: list[int]) -> pd.DataFrame:
    from . import figures  # the coverage the village profile stores

    codes = sorted(set(table["village_code"]))
    scopes = [(code, table[table["village_code"] == code]) for code in codes]
    if len(codes) > 1:
        scopes.append((None, table))
    rows: list[tuple] = []
    for code, part in scopes:
        part = part.reset_index(drop=True)
        statuses = indicators.poverty(part)
        summary = indicators.mpi_summary(part, statuses)
        rows += [(code, "households", None, summary.households)]
        rows += [(code, "households_unknown", None, summary.unknown)]
        rows += [(code, f"households_{k}", None, n) for k, n in summary.by_status.items()]
        rows += [(code, name, None, value) for name, value in _hamo(summary)]
        rows += [(code, kind, name, value) for kind, name, value in _headcounts(part)]
        rows += [(code, "contribution", k, v) for k, v in summary.contributions.items()]
        for organisation_id in organisation_ids:
            coverage = figures._coverage(organisation_id, part, statuses)
            for scheme, counts in coverage.items():
                rows += [(code, f"coverage_{key}", scheme, n) for key, n in counts.items()]
    frame = pd.DataFrame.from_records(rows, columns=list(RESULT_COLUMNS))
    frame["village_code"] = frame["village_code"].astype("string")
    frame["indicator"] = frame["indicator"].astype("string")
    frame["value"] = pd.array([_plain(v) for v in frame["value"]], dtype="Float64")
    return frame


def _hamo(summary: indicators.MPISummary) -> list[tuple[str, float | None]]:
    return [("H", summary.headcount), ("A", summary.intensity), ("M0", summary.mpi)]


def _headcounts(table: pd.DataFrame) -> list[tuple[str, str, float]]:
    """Each indicator's censored and uncensored headcount (shares of people), from the
    measure the stored figures use."""
    frame = indicators._mpi_input(table)
    if frame.empty:
        return []
    measure = indicators._measure()
    long = indicators.cached(
        "headcounts",
        frame,
        lambda: indicators.to_pandas(measure.compute(frame).overall_indicators),
    )
    rows = []
    for row in long.itertuples(index=False):
        rows.append(("censored_headcount", row.indicator, _plain(row.censored_headcount)))
        rows.append(("uncensored_headcount", row.indicator, _plain(row.uncensored_headcount)))
    return rows


def analysis_files(tables: AnalysisTables, *, file_format: str, readme: str) -> tuple[bytes, str]:
    """The two tables as one download: an XLSX workbook, or a ZIP of CSV or Parquet files."""
    import tempfile
    import zipfile
    from pathlib import Path

    from berdaya.analysis.poverty import write_table

    with tempfile.TemporaryDirectory(prefix="berdaya-analysis-") as folder:
        if file_format == XLSX:
            path = Path(folder) / "analysis.xlsx"
            write_table({"households": tables.households, "results": tables.results}, path)
            return path.read_bytes(), XLSX_TYPE
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, frame in (("households", tables.households), ("results", tables.results)):
                path = Path(folder) / f"{name}.{file_format}"
                write_table(frame, path)
                archive.write(path, path.name)
            archive.writestr("README.txt", readme)
        return buffer.getvalue(), "application/zip"


XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def rerun_command(file_format: str) -> str:
    """The documented command that reruns the MPI on the export (docs/analysis.md)."""
    source = "analysis.xlsx" if file_format == XLSX else f"households.{file_format}"
    return f"berdaya analyze mpi {source} {RERUN_OPTIONS} --units units.parquet --out mpi.csv"


def analysis_export(
    *,
    user,
    households: QuerySet[Household],
    scope: str,
    file_format: str = PARQUET,
    identified: bool = False,
    purpose: str = "",
    survey_round=None,
) -> ExportFile:
    """The analysis export of `households` (one organisation's active households of a village
    or a programme, already scoped to the user); `scope` names it in the file name and the
    log ("34.03.06.2002", "programme-7"). Logged per organisation in PersonalDataAccess."""
    if file_format not in ANALYSIS_FORMATS:
        raise ValidationFailed(_("Choose CSV, Excel (XLSX) or Parquet."), field="file_format")
    if not any(g.personal for g in grants_for(user)):
        raise PermissionDenied(_("Your role shows aggregate figures only."))
    if identified:
        if not any(g.role in {Role.ADMIN, Role.MANAGER} for g in grants_for(user)):
            raise PermissionDenied(
                _("Only managers and administrators can export names and NIK/KK.")
            )
        if len(purpose.strip()) < 5:
            raise ValidationFailed(_("Say why you need names and NIK/KK."), field="purpose")
        households = households.filter(_managed(user))
    today = timezone.localdate()
    with read_snapshot():
        tables = analysis_tables(
            households, identified=identified, today=today, survey_round=survey_round
        )
        counts = _counts(households, level=HOUSEHOLDS)
    readme = _readme(file_format, identified=identified, today=today)
    content, content_type = analysis_files(tables, file_format=file_format, readme=readme)
    with transaction.atomic():
        _log_analysis(user, counts, scope=scope, identified=identified, purpose=purpose)
    kind = "identitas" if identified else "anonim"
    extension = XLSX if file_format == XLSX else f"{file_format}.zip"
    filename = f"berdaya-analisis-{scope.replace('.', '')}-{kind}-{today:%Y%m%d}.{extension}"
    return ExportFile(filename, content_type, content, len(tables.households))


def _readme(file_format: str, *, identified: bool, today) -> str:
    privacy = (
        "IDENTIFIED: names, KK, RT, address and GPS points of households. Keep it safe."
        if identified
        else "De-identified: no names, NIK, KK, address or GPS; household_id is a pseudonym."
    )
    return (
        f"Berdaya analysis export, {today.isoformat()}.\n{privacy}\n\n"
        "households: the household table the village figures are computed from.\n"
        "results: those figures (village_code empty: all villages together).\n\n"
        "Rerun the MPI (see docs/analysis.md, 'Rerunning the figures of an export'):\n\n"
        f"    {rerun_command(file_format)}\n"
    )


def _log_analysis(user, counts: dict[int, int], *, scope, identified, purpose) -> None:
    action = (
        PersonalDataAccess.Action.EXPORT_IDENTIFIED
        if identified
        else PersonalDataAccess.Action.EXPORT
    )
    organisations = counts or {g.organisation_id: 0 for g in grants_for(user)[:1]}
    for organisation_id, rows in sorted(organisations.items()):
        PersonalDataAccess.objects.create(
            user=user,
            organisation_id=organisation_id,
            action=action,
            object_type="household",
            object_id=scope[:40],
            field=ANALYSIS_FIELD,
            row_count=rows,
            purpose=purpose.strip()[:200],
        )


def village_export_organisation(user, village_code: str, preferred: int | None = None):
    """Whose registry a village's analysis export holds: the workspace's organisation if the
    user may see its households there, else the first such organisation (as the village
    profile chooses whose figures to show); None for a viewer."""
    candidates = sorted(
        g.organisation_id
        for g in grants_for(user)
        if g.personal and village_code in g.village_codes
    )
    if preferred in candidates:
        return preferred
    return candidates[0] if candidates else None


def village_analysis_households(
    user, *, village_code: str, organisation_id: int | None
) -> QuerySet[Household]:
    """The active households of one organisation in one village that `user` may see: the
    households the village's stored figures count."""
    from .selectors import households_visible_to

    if organisation_id is None:
        return Household.objects.none()
    return households_visible_to(user).filter(
        organisation_id=organisation_id, village_id=village_code, status=Household.Status.ACTIVE
    )


def programme_analysis_households(user, *, programme, survey_round=None) -> QuerySet[Household]:
    """The active households of the programme's organisation in the programme's villages
    that `user` may see (a facilitator: their own villages of it); with `survey_round`,
    those surveyed in that round, whatever became of them since."""
    from .selectors import households_visible_to

    households = households_visible_to(user).filter(
        organisation_id=programme.organisation_id,
        village_id__in=programme.villages.values("code"),
    )
    if survey_round is not None:
        return households.filter(surveys__round=survey_round).distinct()
    return households.filter(status=Household.Status.ACTIVE)
