from auditlog.registry import auditlog

from .models import (
    AttributeDefinition,
    AttributeValue,
    Candidate,
    CriteriaGroup,
    Criterion,
    QualificationAnswer,
    QualificationQuestion,
    RecruiterCapacity,
    ScoringProfile,
)

for model in (
    AttributeDefinition,
    AttributeValue,
    Candidate,
    CriteriaGroup,
    Criterion,
    QualificationAnswer,
    QualificationQuestion,
    RecruiterCapacity,
    ScoringProfile,
):
    auditlog.register(model)
