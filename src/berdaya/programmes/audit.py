from auditlog.registry import auditlog

from .models import Cadre, Phase, Programme, ProgrammeVillage

auditlog.register(Programme)
auditlog.register(ProgrammeVillage)
auditlog.register(Cadre)
auditlog.register(Phase)
