from auditlog.registry import auditlog

from .models import ActionTask, PlanningCycle, Vote

auditlog.register(PlanningCycle)
auditlog.register(Vote)
auditlog.register(ActionTask)
