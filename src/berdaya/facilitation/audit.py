from auditlog.registry import auditlog

from .models import Activity, Attachment, Attendance

auditlog.register(Activity, m2m_fields={"facilitators"})
auditlog.register(Attendance)
# Who added or removed a photo; the file itself is not copied into the trail.
auditlog.register(Attachment, exclude_fields=["file"])
