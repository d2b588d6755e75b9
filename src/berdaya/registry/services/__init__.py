"""Writes to the registry. Every write goes through here: web, CLI, imports, demo."""

from .households import (
    InvalidRecords,
    MemberInput,
    consent_record,
    consent_withdraw,
    household_enrol,
    household_merge,
    household_move,
    household_register,
    household_split,
    household_survey_record,
    household_unenrol,
    person_add,
    person_leave,
)
from .import_matching import (
    import_job_choose_members,
    import_job_fields,
    import_job_map_columns,
    import_job_sheets,
)
from .imports import (
    custom_question_add,
    custom_question_remove,
    import_job_create,
    import_job_run,
    import_jobs_expire,
    import_targets,
    may_import,
)
from .privacy import identifier_reveal, person_correct, person_erase, person_export

__all__ = [
    "InvalidRecords",
    "MemberInput",
    "consent_record",
    "consent_withdraw",
    "custom_question_add",
    "custom_question_remove",
    "household_enrol",
    "household_merge",
    "household_move",
    "household_register",
    "household_split",
    "household_survey_record",
    "household_unenrol",
    "identifier_reveal",
    "import_job_choose_members",
    "import_job_create",
    "import_job_fields",
    "import_job_map_columns",
    "import_job_run",
    "import_job_sheets",
    "import_jobs_expire",
    "import_targets",
    "may_import",
    "person_add",
    "person_correct",
    "person_erase",
    "person_export",
    "person_leave",
]
