from meute.lib.admin import register_read_only

from .models import DealStepAssignment, Payout, RemunerationRule, RemunerationVersion

register_read_only(DealStepAssignment, Payout, RemunerationRule, RemunerationVersion)
