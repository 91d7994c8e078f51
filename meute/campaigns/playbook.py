"""The playbook items of the joint-campaign and marketing-cooperation models that a record settles: the
budget split is done once a campaign of the grouping splits its budget by numbers that work (shares summing
to exactly 100 %, headcounts above zero), the "at least 12 months" item once the grouping holds a marketing
cooperation (which cannot be shorter). Registered with ``meute.collaboration.playbooks`` from the app's
``ready()``."""

import datetime

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from . import planning
from .models import Campaign, MarketingCooperation

ONE_DAY = datetime.timedelta(days=1)


def settle_budget_split(item) -> str | None:
    campaigns = Campaign.objects.filter(partnership_id=item.partnership_id)
    if not campaigns.exists():
        return _(
            "Settled by a joint campaign of this grouping with its budget split among the participants: "
            "create the campaign first."
        )
    for campaign in campaigns:
        try:
            planning.campaign_split(campaign)
        except ValidationError as exc:
            return " ".join(exc.messages)
    return None


def settle_cooperation_duration(item) -> str | None:
    cooperations = MarketingCooperation.objects.filter(partnership_id=item.partnership_id)
    if not any(
        c.end_date >= planning.add_months(c.start_date, planning.MINIMUM_COOPERATION_MONTHS) - ONE_DAY
        for c in cooperations
    ):
        return _(
            "Settled by a marketing cooperation of this grouping lasting 12 months at least: its members aim "
            "at a common project of 12 months minimum."
        )
    return None
