from auditlog.registry import auditlog

from .models import (
    Actual,
    DomainSet,
    EmpowermentAssessment,
    EmpowermentRubric,
    GraduationAssessment,
    GraduationPathway,
    Indicator,
    LearningReview,
    Panel,
    ReportingPeriod,
    ResultNode,
    RothmanDiagnostic,
    Selection,
    Story,
    StoryAttachment,
    StoryFeedback,
    StoryVerification,
)

for model in (
    Actual,
    DomainSet,
    EmpowermentAssessment,
    EmpowermentRubric,
    GraduationAssessment,
    GraduationPathway,
    Indicator,
    LearningReview,
    Panel,
    ReportingPeriod,
    ResultNode,
    RothmanDiagnostic,
    Selection,
    Story,
    StoryAttachment,
    StoryFeedback,
    StoryVerification,
):
    auditlog.register(model)
