from auditlog.registry import auditlog

from .models import Group, GroupMember, MaturityAssessment

auditlog.register(Group)
auditlog.register(GroupMember)
auditlog.register(MaturityAssessment)
