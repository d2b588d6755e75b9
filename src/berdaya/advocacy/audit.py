from auditlog.registry import auditlog

from .models import AdvocacyAction, AdvocacyCase

auditlog.register(AdvocacyCase)
auditlog.register(AdvocacyAction)
