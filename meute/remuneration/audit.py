"""Rule versions and rules are audited as they are edited; payouts for their status changes (who approved,
paid or held them). Computed payouts are derived data written in bulk and are not audited row by row.
"""

from auditlog.registry import auditlog

from meute.remuneration.models import DealStepAssignment, Payout, RemunerationRule, RemunerationVersion

auditlog.register(RemunerationVersion)
auditlog.register(RemunerationRule)
auditlog.register(DealStepAssignment)
auditlog.register(Payout, include_fields=["status", "status_changed_by", "status_note", "amount"])
