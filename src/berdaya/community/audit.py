from auditlog.registry import auditlog

from .models import CapitalItem, Institution, PastProgramme

auditlog.register(Institution)
auditlog.register(PastProgramme)
auditlog.register(CapitalItem)
