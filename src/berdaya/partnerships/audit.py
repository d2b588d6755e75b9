from auditlog.registry import auditlog

from .models import Stakeholder

auditlog.register(Stakeholder)
