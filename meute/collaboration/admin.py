from meute.lib.admin import register_read_only

from .models import AssessmentResponse, AssessmentRound, ModelDecision, PlaybookDocument, PlaybookItem

register_read_only(AssessmentResponse, AssessmentRound, ModelDecision, PlaybookDocument, PlaybookItem)
