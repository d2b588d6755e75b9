from auditlog.registry import auditlog

from .models import VillageLocation

auditlog.register(VillageLocation)
