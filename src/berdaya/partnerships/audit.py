from auditlog.registry import auditlog

from .models import Agreement, Commitment, Contribution, Stakeholder, StakeholderLink

for model in (Stakeholder, StakeholderLink, Agreement, Commitment, Contribution):
    auditlog.register(model)
