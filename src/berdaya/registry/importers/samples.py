"""Sample exports of Berdaya's form: synthetic households written as KoboToolbox,
ODK Central and template files, for tests, benchmarks and trying imports out.

Columns come from the questionnaire (`xlsform.form_build`) exactly as the tools
name them, so a sample is what a real export of Berdaya's form looks like.
Everything is deterministic for a given seed. NIKs are structurally valid:
district code, birth date (day + 40 for women), serial.
"""

from __future__ import annotations

import csv
import datetime
import io
import random
import uuid
import zipfile
from collections.abc import Callable, Iterable, Sequence
from xml.sax.saxutils import escape

from ..records import MemberRecord, Where
from ..xlsform import HOUSEHOLD, HOUSEHOLD_SIZE, MEMBER, MEMBERS_REPEAT, NO, YES, Form, Question
from .base import ImportedHousehold
from .template import template_columns

SERIAL_START = 5001  # the demo community's serials are small; samples never collide with them
REFERENCE_DATE = datetime.date(2025, 6, 2)

_FIRST_MEN = ["Sutrisno", "Paijo", "Wagiman", "Suparno", "Tukiman", "Slamet", "Sukardi", "Wiyono"]
_FIRST_WOMEN = ["Sumini", "Painem", "Wartini", "Suyatmi", "Tumirah", "Sri", "Ngatini", "Rubiyem"]
_CHILDREN = ["Adi", "Bayu", "Dimas", "Eko", "Fitri", "Dewi", "Rina", "Sari", "Nur", "Ayu"]
_LAST = ["Wibowo", "Santoso", "Rahayu", "Lestari", "Wijaya", "Prasetyo", "Utami", "Handayani"]


def _nik(district: str, sex: str, birth: datetime.date, serial: int) -> str:
    day = birth.day + (40 if sex == "P" else 0)
    return f"{district}{day:02d}{birth:%m%y}{serial:04d}"


class _Serials:
    def __init__(self):
        self.used: dict[tuple, int] = {}

    def next(self, *key) -> int:
        self.used[key] = self.used.get(key, SERIAL_START - 1) + 1
        return self.used[key]


def _member(rng, district, serials, *, relation, sex, age, name) -> MemberRecord:
    birth = REFERENCE_DATE - datetime.timedelta(days=age * 365 + rng.randrange(365))
    nik = (
        _nik(district, sex, birth, serials.next(sex, birth))
        if age >= 1 or rng.random() < 0.5
        else ""
    )
    member = MemberRecord(name=name, sex=sex, relation=relation, birth_date=birth, nik=nik)
    if age >= 7:
        member.education = rng.choice(["sd", "sd", "smp", "sma", "sd_incomplete", "none"])
    if 7 <= age <= 18:
        member.attending_school = rng.random() < 0.85
    if age >= 15:
        member.marital_status = "married" if relation in {"head", "spouse"} else "single"
        member.occupation = rng.choice(["farmer", "farm_labourer", "trader", "craft", "housework"])
    if age >= 60 and rng.random() < 0.2:
        member.disabilities = [rng.choice(["seeing", "walking"])]
    member.chronic_illness = rng.random() < (0.2 if age >= 50 else 0.03)
    if sex == "P" and 18 <= age <= 40:
        member.pregnant = rng.random() < 0.05
    if age < 5:
        member.undernourished = rng.random() < 0.2
    return member


def synthetic_households(
    count: int, *, village_code: str, seed: int = 34, members_per_household: float = 4.0
) -> list[ImportedHousehold]:
    """`count` households of one village with about `members_per_household` members each."""
    rng = random.Random(seed)  # noqa: S311  (sample data, not secrets)
    district = village_code.replace(".", "")[:6]
    serials = _Serials()
    records = []
    extra_children = max(0.0, members_per_household - 2)
    for number in range(count):
        last = rng.choice(_LAST)
        head_age = rng.randint(28, 70)
        members = [
            _member(
                rng,
                district,
                serials,
                relation="head",
                sex="L",
                age=head_age,
                name=f"{rng.choice(_FIRST_MEN)} {last}",
            ),
            _member(
                rng,
                district,
                serials,
                relation="spouse",
                sex="P",
                age=max(18, head_age - rng.randint(0, 6)),
                name=f"{rng.choice(_FIRST_WOMEN)} {last}",
            ),
        ]
        children = int(extra_children) + (rng.random() < extra_children % 1)
        for _child in range(children):
            sex = rng.choice("LP")
            members.append(
                _member(
                    rng,
                    district,
                    serials,
                    relation="child",
                    sex=sex,
                    age=rng.randint(0, max(0, min(25, head_age - 20))),
                    name=f"{rng.choice(_CHILDREN)} {last}",
                )
            )
        surveyed = REFERENCE_DATE - datetime.timedelta(days=rng.randrange(60))
        issued = REFERENCE_DATE - datetime.timedelta(days=rng.randrange(3650))
        records.append(
            ImportedHousehold(
                village_code=village_code,
                members=members,
                uuid=str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                submitted_at=datetime.datetime.combine(
                    surveyed, datetime.time(9 + number % 8, number % 60), tzinfo=datetime.UTC
                ),
                kk=f"{district}{issued:%d%m%y}{serials.next('kk', issued):04d}",
                dusun=f"Dusun {1 + number % 6}",
                rw=f"{1 + number % 6:02d}",
                rt=f"{1 + (number // 6) % 8:03d}",
                latitude=round(-8.0 - rng.random() * 0.1, 6),
                longitude=round(110.4 + rng.random() * 0.2, 6),
                surveyed_on=surveyed,
                survey={
                    "floor": rng.choice(["earth", "cement", "cement", "ceramic"]),
                    "wall": rng.choice(["bamboo", "wood", "unplastered", "masonry"]),
                    "roof": rng.choice(["zinc", "tile", "tile", "concrete"]),
                    "water": rng.choice(["rain", "vendor", "piped", "protected_well"]),
                    "water_minutes": rng.choice([0, 5, 10, 30]),
                    "sanitation": rng.choice(["none", "pit", "shared", "private"]),
                    "electricity": rng.choice(["pln_shared", "pln_metered"]),
                    "cooking_fuel": rng.choice(["wood", "lpg"]),
                    "assets": sorted(rng.sample(["phone", "tv", "motorcycle", "radio"], 2)),
                    "land_m2": rng.choice([0, 500, 1000, 2500]),
                    "cattle": rng.choice([0, 0, 1, 2]),
                    "goats": rng.choice([0, 2, 4]),
                    "poultry": rng.choice([0, 5, 10]),
                    "income_band": rng.choice(["lt_1m", "1m_2m", "2m_3m"]),
                    "expenditure_band": rng.choice(["lt_1m", "1m_2m", "2m_3m"]),
                    "monthly_expenditure": rng.randrange(800, 4000) * 1000,
                    "has_savings": rng.random() < 0.4,
                    "has_debt": rng.random() < 0.45,
                    "child_deaths_5y": 0,
                    "disasters": ["drought"] if rng.random() < 0.7 else [],
                    "notes": "",
                },
                schemes=sorted(rng.sample(["pkh", "kis_pbi", "bpnt", "pip"], rng.randint(0, 2))),
                consent=True,
                where=Where(number + 2),
            )
        )
    return records


# --- answers as the tools write them ------------------------------------------------


def _household_answer(record: ImportedHousehold, question: Question):
    key = question.key
    if question.name == HOUSEHOLD_SIZE:
        return len(record.members)
    if not key:  # a check of the form's own (the head check): left empty
        return None
    if key.startswith("extra."):
        return record.extra.get(key.removeprefix("extra."))
    if key == "gps":
        if record.latitude is None:
            return None
        return f"{record.latitude} {record.longitude} 0.0 5.0"
    if key in {"village_code", "kk", "dusun", "rw", "rt", "address", "surveyed_on"}:
        return getattr(record, key)
    if key == "consent":
        return record.consent
    if key == "schemes":
        return record.schemes
    return record.survey.get(key)


def member_answer(member: MemberRecord, question: Question):
    if not question.key:
        return None
    if question.key.startswith("network."):  # picked ids (a list) or names as written
        return member.network.get(question.key.removeprefix("network."))
    return getattr(member, question.key)


def _cell(value):
    """An answer as an export cell: codes, yes/no, ISO dates; blanks stay empty."""
    if value is None:
        return None
    if isinstance(value, bool):
        return YES if value else NO
    if isinstance(value, list | tuple):
        return " ".join(value) if value else None
    if isinstance(value, datetime.date):
        return value.isoformat()
    if value == "":
        return None
    return value


def _columns(questions: Sequence[Question], form: Form, *, sep: str, paths: bool, kobo: bool):
    """(header, how to read it) for each column the tool writes for these questions."""
    columns = []
    for question in questions:
        if question.type in {"note", "calculate"}:
            continue
        name = (
            f"{question.group}{sep}{question.name}" if paths and question.group else question.name
        )
        if question.kind == "geopoint":
            if kobo:
                columns.append((name, question, "value"))
                for part in ("latitude", "longitude", "altitude", "precision"):
                    columns.append((f"_{name}_{part}", question, part))
            else:
                for part in ("Latitude", "Longitude", "Altitude", "Accuracy"):
                    columns.append((f"{name}-{part}", question, part.lower()))
            continue
        columns.append((name, question, "value"))
        if kobo and question.kind == "select_multiple":
            for choice in form.lists.get(question.list_name, []):
                columns.append((f"{name}{sep}{choice.name}", question, ("option", choice.name)))
    return columns


def _render(columns, answer_of, subject) -> list:
    row = []
    for _name, question, how in columns:
        value = answer_of(subject, question)
        if how == "value":
            row.append(_cell(value))
        elif isinstance(how, tuple):  # a 0/1 column of a select-multiple answer
            row.append(1 if value and how[1] in value else 0)
        else:  # a part of a GPS point
            parts = str(value).split() if value else []
            index = {"latitude": 0, "longitude": 1, "altitude": 2, "precision": 3, "accuracy": 3}
            position = index[how]
            row.append(float(parts[position]) if len(parts) > position else None)
    return row


def _split(form: Form):
    questions = [q for g in form.groups for q in g.questions]
    household = [q for q in questions if q.level == HOUSEHOLD]
    members = [q for q in questions if q.level == MEMBER]
    return household, members


def kobo_xlsx(
    records: Iterable[ImportedHousehold],
    form: Form,
    *,
    group_paths: bool = True,
    separator: str = "/",
    review: Callable[[ImportedHousehold], str | None] = lambda record: None,
    submitter: Callable[[ImportedHousehold], str | None] = lambda record: None,
) -> bytes:
    """A KoboToolbox XLSX export ("XML values and headers", select-multiple both ways).

    `separator` is the export's "group separator" option (formpack's `group_sep`);
    `review` and `submitter` give a submission's `_validation_status` and `_submitted_by`."""
    household, member_questions = _split(form)
    main_columns = _columns(household, form, sep=separator, paths=group_paths, kobo=True)
    member_columns = _columns(member_questions, form, sep=separator, paths=group_paths, kobo=True)
    main_name = form.title[:31]
    main, members = [], []
    main.append(
        ["start", "end"]
        + [c[0] for c in main_columns]
        + ["meta/rootUuid" if group_paths else "rootUuid", "_id", "_uuid", "_submission_time"]
        + ["_validation_status"]
        + ["_notes", "_status"]
        + ["_submitted_by", "__version__", "_tags", "_index"]
    )
    members.append(
        [c[0] for c in member_columns]
        + ["_index", "_parent_table_name", "_parent_index", "_submission__id"]
        + ["_submission__uuid", "_submission__submission_time"]
    )
    member_index = 0
    for index, record in enumerate(records, start=1):
        submitted = record.submitted_at.replace(tzinfo=None).isoformat(timespec="seconds")
        main.append(
            [
                submitted,
                submitted,
                *_render(main_columns, _household_answer, record),
                f"uuid:{record.uuid}",
                *(100000 + index, record.uuid, submitted, review(record), None),
                "submitted_via_web",
                *(submitter(record), "vBerdaya", None, index),
            ]
        )
        for member in record.members:
            member_index += 1
            members.append(
                [
                    *_render(member_columns, member_answer, member),
                    *(member_index, main_name, index, 100000 + index, record.uuid, submitted),
                ]
            )
    return xlsx_bytes([(main_name, main), (MEMBERS_REPEAT, members)])


def _column_letters(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def _sheet_xml(rows: Sequence[Sequence]) -> bytes:
    width = max((len(r) for r in rows), default=1)
    letters = [_column_letters(i) for i in range(width)]
    parts = [
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="'
        'http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f'<dimension ref="A1:{letters[-1]}{len(rows)}"/><sheetData>'
    ]
    for number, row in enumerate(rows, start=1):
        cells = []
        for letter, value in zip(letters, row, strict=False):
            if value is None or value == "":
                continue
            if isinstance(value, bool):
                cells.append(f'<c r="{letter}{number}" t="b"><v>{int(value)}</v></c>')
            elif isinstance(value, int | float):
                cells.append(f'<c r="{letter}{number}"><v>{value}</v></c>')
            else:
                text = escape(str(value))
                cells.append(f'<c r="{letter}{number}" t="inlineStr"><is><t>{text}</t></is></c>')
        parts.append(f'<row r="{number}">{"".join(cells)}</row>')
    parts.append("</sheetData></worksheet>")
    return "".join(parts).encode("utf-8")


def xlsx_bytes(sheets: Sequence[tuple[str, Sequence[Sequence]]]) -> bytes:
    """A minimal XLSX workbook (inline strings, numbers), written much faster than openpyxl."""
    content_types = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        + "".join(
            f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            for i in range(1, len(sheets) + 1)
        )
        + "</Types>"
    )
    root_rels = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
    )
    workbook = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
        + "".join(
            f'<sheet name="{escape(name)}" sheetId="{i}" r:id="rId{i}"/>'
            for i, (name, _rows) in enumerate(sheets, start=1)
        )
        + "</sheets></workbook>"
    )
    workbook_rels = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        + "".join(
            f'<Relationship Id="rId{i}" Type="http://schemas.openxmlformats.org/officeDocument/'
            f'2006/relationships/worksheet" Target="worksheets/sheet{i}.xml"/>'
            for i in range(1, len(sheets) + 1)
        )
        + "</Relationships>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr("[Content_Types].xml", content_types)
        archive.writestr("_rels/.rels", root_rels)
        archive.writestr("xl/workbook.xml", workbook)
        archive.writestr("xl/_rels/workbook.xml.rels", workbook_rels)
        for i, (_name, rows) in enumerate(sheets, start=1):
            archive.writestr(f"xl/worksheets/sheet{i}.xml", _sheet_xml(rows))
    return buffer.getvalue()


def _csv(rows: Iterable[list]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    for row in rows:
        writer.writerow(["" if v is None else v for v in row])
    return buffer.getvalue().encode("utf-8")


def odk_zip(
    records: Iterable[ImportedHousehold],
    form: Form,
    *,
    group_paths: bool = True,
    review: Callable[[ImportedHousehold], str | None] = lambda record: None,
    submitter: Callable[[ImportedHousehold], str | None] = lambda record: None,
) -> bytes:
    """An ODK Central CSV zip export (`<form>.csv` and `<form>-anggota.csv`); `review` and
    `submitter` give a submission's `ReviewState` and `SubmitterName`."""
    household, member_questions = _split(form)
    main_columns = _columns(household, form, sep="-", paths=group_paths, kobo=False)
    member_columns = _columns(member_questions, form, sep="-", paths=False, kobo=False)
    main_rows = [
        ["SubmissionDate"]
        + [c[0] for c in main_columns]
        + ["meta-instanceID" if group_paths else "instanceID", "KEY"]
        + ["SubmitterID", "SubmitterName", "AttachmentsPresent", "AttachmentsExpected"]
        + ["Status", "ReviewState", "DeviceID", "Edits", "FormVersion"]
    ]
    member_rows = [[c[0] for c in member_columns] + ["PARENT_KEY", "KEY"]]
    for record in records:
        key = f"uuid:{record.uuid}"
        submitted = record.submitted_at.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")
        main_rows.append(
            [
                submitted,
                *_render(main_columns, _household_answer, record),
                *(key, key, 7, submitter(record), 0, 0, None, review(record), None, 0, "2026.1"),
            ]
        )
        for position, member in enumerate(record.members, start=1):
            member_rows.append(
                [
                    *_render(member_columns, member_answer, member),
                    key,
                    f"{key}/{MEMBERS_REPEAT}[{position}]",
                ]
            )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(f"{form.form_id}.csv", _csv(main_rows))
        archive.writestr(f"{form.form_id}-{MEMBERS_REPEAT}.csv", _csv(member_rows))
    return buffer.getvalue()


def template_rows(records: Iterable[ImportedHousehold], form: Form) -> list[list]:
    """Berdaya's template filled in: a header, then one row per person."""
    columns = template_columns(form)
    rows = [[q.name for q in columns]]
    for number, record in enumerate(records, start=1):
        household_id = record.uuid or f"RT{number:06d}"
        for member in record.members:
            row = []
            for question in columns:
                if question.key == "household_id":
                    row.append(household_id)
                elif question.key in {"latitude", "longitude"}:
                    row.append(getattr(record, question.key))
                elif question.level == MEMBER:
                    row.append(_cell(member_answer(member, question)))
                else:
                    row.append(_cell(_household_answer(record, question)))
            rows.append(row)
    return rows


def template_filled_csv(records: Iterable[ImportedHousehold], form: Form) -> bytes:
    return _csv(template_rows(records, form))
