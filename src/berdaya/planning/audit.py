from auditlog.registry import auditlog

from .models import ActionTask, PlanningCycle, Problem, Solution, Vote

auditlog.register(PlanningCycle)
auditlog.register(Problem)
auditlog.register(Vote)
auditlog.register(Solution)
auditlog.register(ActionTask)
