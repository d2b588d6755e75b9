from auditlog.registry import auditlog

from .models import CapitalItem, Institution, PastProgramme, PovertyLineOverride

auditlog.register(Institution)
auditlog.register(PastProgramme)
auditlog.register(CapitalItem)
auditlog.register(PovertyLineOverride)
