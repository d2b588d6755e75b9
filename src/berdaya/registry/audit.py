from auditlog.registry import auditlog

from .models import (
    Consent,
    CustomQuestion,
    DuplicateNikSignal,
    Enrolment,
    Household,
    HouseholdSurvey,
    ImportJob,
    Person,
)

# NIK/KK and their hashes never enter the audit trail: excluded, not masked.
auditlog.register(Household, exclude_fields=["kk", "kk_hash", "latest_survey"])
auditlog.register(Person, exclude_fields=["nik", "nik_hash"])
auditlog.register(HouseholdSurvey)
auditlog.register(Enrolment)
auditlog.register(Consent)
auditlog.register(ImportJob, include_fields=["status", "filename", "households_created"])
auditlog.register(CustomQuestion)
auditlog.register(DuplicateNikSignal)
