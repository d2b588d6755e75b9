from auditlog.registry import auditlog

from .models import Activity, Attendance

auditlog.register(Activity, m2m_fields={"facilitators"})
auditlog.register(Attendance)
