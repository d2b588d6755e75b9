from auditlog.registry import auditlog

from .models import GeneratedReport

# Who asked for which report, and every download (services.report_download logs an access);
# the stored files and the job's progress are not copied into the trail.
auditlog.register(
    GeneratedReport, exclude_fields=["progress", "pdf", "xlsx"], m2m_fields={"covers"}
)
