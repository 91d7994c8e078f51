"""What the health checks read, for many partnerships at once: a fixed number of GROUP BY queries whatever
the number of partnerships (no query per partnership), so a snapshot of the whole network stays fast.

``facts_for(partnerships, as_of)`` takes a partnership queryset (used as a subquery, never as a list of
ids) and returns ``{partnership_id: HealthFacts}``.
"""

import datetime
from collections import defaultdict

from django.db.models import Count, Max, Min, OuterRef, Subquery

from meute.agreements.models import AgreementAcceptance
from meute.groupings.choices import PillarStatus
from meute.groupings.models import PillarItem
from meute.partnerships.choices import InvolvementLevel, PartnershipKind, PartyRole
from meute.partnerships.models import Partnership, PartnershipParty
from meute.programs.choices import PlanStatus
from meute.programs.models import BusinessPlan, BusinessPlanVersion, Objective

from .health import PILLARS, HealthFacts
from .models import GovernanceMeeting, Interaction

_CONTRACT_STATUSES = (PlanStatus.SIGNED, PlanStatus.CLOSED)
_PROJECT_STATUSES = (PlanStatus.VALIDATED, PlanStatus.SIGNED, PlanStatus.CLOSED)


def _max_date(*dates):
    dates = [d for d in dates if d is not None]
    return max(dates) if dates else None


def _day(value):
    return value.date() if isinstance(value, datetime.datetime) else value


def current_objectives():
    """Objectives of each plan's current (latest) version only: older versions stay for the record."""
    latest = (
        BusinessPlanVersion.objects.filter(plan=OuterRef("version__plan"))
        .order_by("-number")
        .values("pk")[:1]
    )
    return Objective.objects.filter(version_id=Subquery(latest))


def facts_for(partnerships, as_of: datetime.date) -> dict[int, HealthFacts]:
    """``partnerships``: a queryset, or partnerships already read (a page's short list: no query again)."""
    if isinstance(partnerships, list | tuple):
        kinds = {p.pk: p.kind for p in partnerships}
        ids = list(kinds)
    else:
        ids = partnerships.values("pk")
        kinds = dict(Partnership.objects.filter(pk__in=ids).values_list("pk", "kind"))
    if not kinds:
        return {}

    without_manager = defaultdict(list)
    balanced = defaultdict(lambda: True)
    partner_orgs = defaultdict(set)
    for pid, org, name, role, involvement, manager in PartnershipParty.objects.filter(
        partnership_id__in=ids
    ).values_list(
        "partnership_id",
        "organization_id",
        "organization__name",
        "role",
        "involvement",
        "alliance_manager_id",
    ):
        if manager is None:
            without_manager[pid].append(name)
        if involvement == InvolvementLevel.OCCASIONAL:
            balanced[pid] = False
        if role != PartyRole.OPERATOR:
            partner_orgs[pid].add(org)

    plans = {
        row[0]: row[1:]
        for row in BusinessPlan.objects.filter(partnership_id__in=ids).values_list(
            "partnership_id", "letter_of_intent_date", "target_contract_date", "status"
        )
    }
    objectives = dict(
        current_objectives()
        .filter(version__plan__partnership_id__in=ids, year__gte=as_of.year, target__gt=0)
        .values_list("version__plan__partnership_id")
        .annotate(n=Count("pk"))
        .values_list("version__plan__partnership_id", "n")
    )
    boundaries = {}
    for name, through, column in (
        ("territories", Partnership.territories.through, "territory"),
        ("product_lines", Partnership.product_lines.through, "productline"),
        ("sectors", Partnership.sectors.through, "sector"),
    ):
        boundaries[name] = dict(
            through.objects.filter(partnership_id__in=ids)
            .values_list("partnership_id")
            .annotate(n=Count(column))
            .values_list("partnership_id", "n")
        )
    # The programme agreement a partner organisation signed counts as its contract when no plan is signed.
    signed = dict(
        AgreementAcceptance.objects.filter(
            organization__party_seats__partnership_id__in=ids, accepted_at__date__lte=as_of
        )
        .values_list("organization_id")
        .annotate(first=Min("accepted_at"))
        .values_list("organization_id", "first")
    )
    meetings = defaultdict(dict)
    for pid, level, last in (
        GovernanceMeeting.objects.filter(partnership_id__in=ids, held_on__lte=as_of)
        .values_list("partnership_id", "level")
        .annotate(last=Max("held_on"))
        .values_list("partnership_id", "level", "last")
    ):
        meetings[pid][level] = last
    exchanges = dict(
        Interaction.objects.filter(partnership_id__in=ids, occurred_on__lte=as_of)
        .values_list("partnership_id")
        .annotate(last=Max("occurred_on"))
        .values_list("partnership_id", "last")
    )
    assessed = defaultdict(dict)
    for pid, key, status in PillarItem.objects.filter(partnership_id__in=ids, key__in=PILLARS).values_list(
        "partnership_id", "key", "status"
    ):
        assessed[pid][key] = {PillarStatus.MET: True, PillarStatus.NOT_MET: False}.get(status)

    result = {}
    for pid, kind in kinds.items():
        intent, target_contract, plan_status = plans.get(pid, (None, None, None))
        contract_on = target_contract if plan_status in _CONTRACT_STATUSES else None
        if contract_on is None:
            contract_on = _day(min((signed[o] for o in partner_orgs[pid] if o in signed), default=None))
        if kind == PartnershipKind.GROUPING:
            pillars = {key: assessed[pid].get(key) for key in PILLARS}
        else:
            pillars = {
                "shared_desire": intent is not None or None,
                "common_project": plan_status in _PROJECT_STATUSES or None,
                "balance": balanced[pid],
                "contract": contract_on is not None or None,
            }
        last_meetings = meetings.get(pid, {})
        result[pid] = HealthFacts(
            as_of=as_of,
            pillars=pillars,
            parties_without_manager=tuple(sorted(without_manager.get(pid, ()))),
            last_meetings=last_meetings,
            quantified_objectives=objectives.get(pid, 0),
            territories=boundaries["territories"].get(pid, 0),
            product_lines=boundaries["product_lines"].get(pid, 0),
            sectors=boundaries["sectors"].get(pid, 0),
            letter_of_intent_on=intent,
            contract_on=contract_on,
            last_contact_on=_max_date(exchanges.get(pid), *last_meetings.values()),
        )
    return result
