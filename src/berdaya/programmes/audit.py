from auditlog.registry import auditlog

from .models import Cadre, Phase, Programme, ProgrammeVillage, SurveyRound

auditlog.register(Programme)
auditlog.register(ProgrammeVillage)
auditlog.register(Cadre)
auditlog.register(Phase)
auditlog.register(SurveyRound)
