from auditlog.registry import auditlog

from .models import Membership, Organisation, VillageAssignment

auditlog.register(Organisation)
auditlog.register(Membership)
auditlog.register(VillageAssignment)
