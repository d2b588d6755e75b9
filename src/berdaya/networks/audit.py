from auditlog.registry import auditlog

from .models import Tie

# A tie is personal data of both people: who changed it is kept in the trail.
auditlog.register(Tie)
