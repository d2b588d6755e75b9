"""Plain records of households and members, independent of where they came from.

Importers (KoboToolbox, ODK Central, Berdaya's template) turn files into these;
`validation` checks them and reports problems by row and column; services write
them. Keeping the shape in one place lets the web form, the CLI, the demo and
every importer share one set of rules.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from berdaya.core.masking import mask_identifiers


@dataclass(frozen=True)
class Where:
    """Where a value came from, for error reports ("sheet anggota, row 1500, column nik")."""

    row: int
    sheet: str = ""


@dataclass
class MemberRecord:
    name: str
    sex: str  # "L" or "P"
    relation: str  # Person.Relation value
    birth_date: datetime.date | None = None
    nik: str = ""
    marital_status: str = ""
    education: str = ""
    attending_school: bool | None = None
    occupation: str = ""
    disabilities: list[str] = field(default_factory=list)
    chronic_illness: bool | None = None
    pregnant: bool | None = None
    undernourished: bool | None = None
    # The network questions' answers (networks.survey): "advice_from" -> registry ids
    # picked from the form's list, "advice_from_names" -> names written in.
    network: dict[str, object] = field(default_factory=dict)
    where: Where = Where(0)


# Household-level survey answers, by HouseholdSurvey field name.
SURVEY_FIELDS = (
    "floor",
    "wall",
    "roof",
    "water",
    "water_minutes",
    "sanitation",
    "electricity",
    "cooking_fuel",
    "assets",
    "land_m2",
    "cattle",
    "goats",
    "poultry",
    "income_band",
    "expenditure_band",
    "monthly_expenditure",
    "has_savings",
    "has_debt",
    "child_deaths_5y",
    "disasters",
    "notes",
)


@dataclass
class HouseholdRecord:
    village_code: str
    members: list[MemberRecord]
    uuid: str = ""  # the submission's id (Kobo `_uuid`, ODK `KEY`), for de-duplication
    submitted_at: datetime.datetime | None = None
    # The enumerator the collecting server names (Kobo `_submitted_by`, ODK `SubmitterName`).
    submitted_by: str = ""
    kk: str = ""
    dusun: str = ""
    rw: str = ""
    rt: str = ""
    address: str = ""
    latitude: float | None = None
    longitude: float | None = None
    surveyed_on: datetime.date | None = None
    survey: dict[str, object] = field(default_factory=dict)  # keys from SURVEY_FIELDS
    schemes: list[str] = field(default_factory=list)  # SocialProtectionScheme codes
    consent: bool | None = None  # the respondent agreed to the mapping purpose
    where: Where = Where(0)


@dataclass(frozen=True)
class Problem:
    """One reason a record cannot be written (or, as a warning, might be wrong)."""

    row: int
    sheet: str
    column: str
    value: str  # masked when it is an identifier
    reason: str

    def __post_init__(self):
        # A NIK/KK can land in any column (headers swapped, a number typed in a note,
        # a file name): whatever a report keeps or shows is masked (core.masking).
        for name in ("sheet", "column", "value", "reason"):
            text = getattr(self, name)
            masked = mask_identifiers(text)
            if masked is not text:
                object.__setattr__(self, name, masked)

    def as_dict(self) -> dict:
        return {
            "row": self.row,
            "sheet": self.sheet,
            "column": self.column,
            "value": self.value,
            "reason": self.reason,
        }
