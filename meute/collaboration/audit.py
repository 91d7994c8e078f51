from auditlog.registry import auditlog

from meute.collaboration.models import (
    AssessmentResponse,
    AssessmentRound,
    ModelDecision,
    PlaybookDocument,
    PlaybookItem,
)

auditlog.register(AssessmentRound)
auditlog.register(AssessmentResponse)
auditlog.register(ModelDecision)
auditlog.register(PlaybookItem)
auditlog.register(PlaybookDocument)
