from auditlog.registry import auditlog

from .models import CriticalMassRun, NetworkFigures, Tie

# A tie is personal data of both people: who changed it is kept in the trail.
auditlog.register(Tie)
# Results computed by jobs from the ties: the trail records that they were recomputed or run,
# and with which parameters, not a second copy of the names and results inside them.
auditlog.register(NetworkFigures, exclude_fields=["figures"])
auditlog.register(CriticalMassRun, exclude_fields=["result", "progress"])
