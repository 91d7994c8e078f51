"""Audit trail of the advice area (imported from the groupings app's ``ready()``)."""

from auditlog.registry import auditlog

from .models import AssessmentResponse, AssessmentRound, ModelDecision, PlaybookDocument, PlaybookItem

auditlog.register(AssessmentRound)
auditlog.register(AssessmentResponse)
auditlog.register(ModelDecision)
auditlog.register(PlaybookItem)
auditlog.register(PlaybookDocument)
