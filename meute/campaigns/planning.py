"""The rules of joint campaigns and marketing cooperations, each change in one function:

- the budget split among participants (equal, by share, by headcount), exact to the cent: the shares of a
  split by share sum to exactly 100 %, and the cents left by rounding go to the largest remainders so the
  parts always add up to the budget;
- a campaign has a coordinator who takes part in it and at least two participants (seed 002, rule 13:
  actions with 3 or 4 partners);
- budget lines in another currency are converted into the campaign's at the rate in force on its start;
- a marketing cooperation lasts 12 months at least (seed 000) and holds its five sub-plans.

Who may write: staff editors everything; a participant's users the results of their own organisation and
the tasks it owns; the coordinator's users the actions and tasks of the campaign.
"""

import datetime
from decimal import ROUND_DOWN, Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from meute.lib.refusals import Refusal, declare
from meute.money.exchange import convert

from .choices import SplitRule, SubPlanKind
from .models import (
    BudgetLine,
    Campaign,
    CampaignAction,
    CampaignParticipant,
    CampaignTask,
    MarketingCooperation,
    MarketingSubPlan,
    PlanAction,
)

NO_EXCHANGE_RATE = declare(
    "no_exchange_rate", "No exchange rate on record for the budget line (`details.from`, `to`, `day`)."
)

CENT = Decimal("0.01")
HUNDRED = Decimal("100")
MINIMUM_COOPERATION_MONTHS = 12


def _editor(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active and user.can_edit_all)


def _member_of(user, organization_id) -> bool:
    return bool(
        user and user.is_authenticated and user.is_partner_user and user.organization_id == organization_id
    )


# --- the split ------------------------------------------------------------------------------------------


def split_budget(
    total: Decimal, rule: str, shares=None, headcounts=None, count: int | None = None
) -> list[Decimal]:
    """``total`` divided among participants by ``rule``; the parts sum to ``total`` exactly.

    ``shares`` (percent, for SHARE) must sum to exactly 100; ``headcounts`` (for HEADCOUNT) be positive."""
    if rule == SplitRule.SHARE:
        if any(s is None for s in shares):
            raise ValidationError({"share_percent": _("Give every participant its share.")})
        if sum(shares, Decimal(0)) != HUNDRED:
            raise ValidationError(
                {
                    "share_percent": _("The shares sum to %(sum)s %%: they must sum to exactly 100 %%.")
                    % {"sum": format(sum(shares, Decimal(0)).normalize(), "f")}
                }
            )
        weights = [Decimal(s) for s in shares]
    elif rule == SplitRule.HEADCOUNT:
        if any(not h for h in headcounts):
            raise ValidationError({"headcount": _("Give every participant a headcount above zero.")})
        weights = [Decimal(h) for h in headcounts]
    else:
        weights = [Decimal(1)] * (count if count is not None else len(shares or headcounts or []))
    if not weights:
        return []
    total_cents = int((Decimal(total) / CENT).to_integral_value())
    whole = sum(weights)
    exact = [Decimal(total_cents) * w / whole for w in weights]
    parts = [int(x.to_integral_value(rounding=ROUND_DOWN)) for x in exact]
    left = total_cents - sum(parts)
    # The cents lost by rounding down go to the largest remainders (first participant on a tie).
    order = sorted(range(len(parts)), key=lambda i: (-(exact[i] - parts[i]), i))
    for i in order[:left]:
        parts[i] += 1
    return [Decimal(p) * CENT for p in parts]


def budget_total(campaign: Campaign) -> Decimal:
    return sum((line.amount_in_campaign_currency for line in campaign.budget_lines.all()), Decimal("0.00"))


def campaign_split(campaign: Campaign) -> list[tuple[CampaignParticipant, Decimal]]:
    participants = list(campaign.participants.select_related("organization").order_by("pk"))
    amounts = split_budget(
        budget_total(campaign),
        campaign.split_rule,
        shares=[p.share_percent for p in participants],
        headcounts=[p.headcount for p in participants],
        count=len(participants),
    )
    return list(zip(participants, amounts, strict=True))


# --- campaigns ------------------------------------------------------------------------------------------


@transaction.atomic
def save_campaign(campaign: Campaign, user, participants: list[dict]) -> Campaign:
    """Create or change a campaign with its participants (``{"organization", "share_percent",
    "headcount"}``); the whole set is checked before anything is written."""
    if not _editor(user):
        raise PermissionDenied
    campaign.full_clean()
    organizations = [p["organization"].pk for p in participants]
    if len(set(organizations)) != len(organizations):
        raise ValidationError({"participants": _("An organisation takes part only once.")})
    if len(organizations) < 2:
        raise ValidationError({"participants": _("A joint campaign has at least two participants.")})
    if campaign.coordinator_id not in organizations:
        raise ValidationError({"coordinator": _("The coordinator must take part in the campaign.")})
    split_budget(
        Decimal("0"),
        campaign.split_rule,
        shares=[p.get("share_percent") for p in participants],
        headcounts=[p.get("headcount") for p in participants],
        count=len(participants),
    )
    campaign.save()
    kept = []
    for values in participants:
        seat, _created = CampaignParticipant.objects.update_or_create(
            campaign=campaign,
            organization=values["organization"],
            defaults={"share_percent": values.get("share_percent"), "headcount": values.get("headcount")},
        )
        kept.append(seat.pk)
    campaign.participants.exclude(pk__in=kept).delete()
    return campaign


def may_plan(user, campaign) -> bool:
    return _editor(user) or _member_of(user, campaign.coordinator_id)


@transaction.atomic
def add_budget_line(campaign: Campaign, user, label: str, amount, currency: str) -> BudgetLine:
    if not _editor(user):
        raise PermissionDenied
    amount = Decimal(amount)
    if amount <= 0:
        raise ValidationError({"amount": _("The amount must be greater than zero.")})
    converted = convert(amount, currency, campaign.currency, campaign.start_date)
    if converted is None:
        # Valid input the rates on record cannot convert yet: once the rate exists, the same line is added.
        raise Refusal(
            {
                "currency": _("No exchange rate from %(from)s to %(to)s on %(day)s.")
                % {"from": currency, "to": campaign.currency, "day": campaign.start_date.isoformat()}
            },
            code=NO_EXCHANGE_RATE,
            details={"from": currency, "to": campaign.currency, "day": campaign.start_date.isoformat()},
        )
    line = BudgetLine(
        campaign=campaign,
        label=label,
        amount=amount,
        currency=currency,
        amount_in_campaign_currency=converted,
    )
    line.full_clean()
    line.save()
    return line


@transaction.atomic
def add_action(campaign: Campaign, user, **values) -> CampaignAction:
    if not may_plan(user, campaign):
        raise PermissionDenied
    action = CampaignAction(campaign=campaign, **values)
    action.full_clean()
    action.save()
    return action


@transaction.atomic
def add_task(campaign: Campaign, user, *, title: str, owner, due_date=None) -> CampaignTask:
    if not may_plan(user, campaign):
        raise PermissionDenied
    if not campaign.participants.filter(organization=owner).exists():
        raise ValidationError({"owner": _("The owner must take part in the campaign.")})
    task = CampaignTask(campaign=campaign, title=title, owner=owner, due_date=due_date)
    task.full_clean()
    task.save()
    return task


@transaction.atomic
def set_task_done(task: CampaignTask, user, done: bool = True) -> CampaignTask:
    if not (may_plan(user, task.campaign) or _member_of(user, task.owner_id)):
        raise PermissionDenied
    task.done = done
    task.save(update_fields=["done", "updated_at"])
    return task


@transaction.atomic
def report_results(
    participant: CampaignParticipant, user, *, leads: int, opportunities: int, revenue
) -> CampaignParticipant:
    """A participant reports its own results (staff may report any)."""
    if not (_editor(user) or _member_of(user, participant.organization_id)):
        raise PermissionDenied
    revenue = Decimal(revenue)
    if leads < 0 or opportunities < 0 or revenue < 0:
        raise ValidationError(_("Results cannot be negative."))
    participant.leads, participant.opportunities, participant.revenue = leads, opportunities, revenue
    participant.save(update_fields=["leads", "opportunities", "revenue", "updated_at"])
    return participant


# --- marketing cooperations -----------------------------------------------------------------------------


def add_months(day: datetime.date, months: int) -> datetime.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return datetime.date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)


def check_duration(start: datetime.date, end: datetime.date) -> None:
    if end < start:
        raise ValidationError({"end_date": _("The end date cannot be before the start date.")})
    if end < add_months(start, MINIMUM_COOPERATION_MONTHS) - datetime.timedelta(days=1):
        raise ValidationError(
            {
                "end_date": _(
                    "A marketing cooperation lasts 12 months at least: its members aim at a common "
                    "project of 12 months minimum to carry out a real market approach together and share "
                    "their marketing means."
                )
            }
        )


@transaction.atomic
def save_cooperation(cooperation: MarketingCooperation, user, members) -> MarketingCooperation:
    """Create or change a cooperation (12 months at least, the coordinator among at least two members); a new
    one receives its five sub-plans."""
    if not _editor(user):
        raise PermissionDenied
    check_duration(cooperation.start_date, cooperation.end_date)
    member_ids = {m.pk for m in members}
    if len(member_ids) < 2:
        raise ValidationError({"members": _("A marketing cooperation has at least two members.")})
    if cooperation.coordinator_id not in member_ids:
        raise ValidationError({"coordinator": _("The coordinator must be a member.")})
    cooperation.full_clean()
    created = cooperation.pk is None
    cooperation.save()
    cooperation.members.set(members)
    if created:
        MarketingSubPlan.objects.bulk_create(
            MarketingSubPlan(cooperation=cooperation, kind=k) for k in SubPlanKind.values
        )
    return cooperation


def may_plan_cooperation(user, cooperation) -> bool:
    return _editor(user) or _member_of(user, cooperation.coordinator_id)


@transaction.atomic
def update_sub_plan(sub_plan: MarketingSubPlan, user, *, objectives: str, targets: str) -> MarketingSubPlan:
    if not may_plan_cooperation(user, sub_plan.cooperation):
        raise PermissionDenied
    sub_plan.objectives, sub_plan.targets = objectives, targets
    sub_plan.save(update_fields=["objectives", "targets", "updated_at"])
    return sub_plan


@transaction.atomic
def add_plan_action(sub_plan: MarketingSubPlan, user, **values) -> PlanAction:
    if not may_plan_cooperation(user, sub_plan.cooperation):
        raise PermissionDenied
    action = PlanAction(sub_plan=sub_plan, **values)
    action.full_clean()
    action.save()
    return action
