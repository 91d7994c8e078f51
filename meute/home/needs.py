"""What needs each person now: the counters and short lists of each role's home.

Every function reads through ``visible_to(user)`` and runs a fixed number of queries, whatever the size of
the partner's history: counts are aggregates, lists are sliced. Each counter carries the address of the
list it summarises, filtered the same way.
"""

import datetime
from dataclasses import dataclass
from urllib.parse import urlencode

from django.db.models import Count, F, Min, Q, Sum, Window
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from meute.agreements import signing
from meute.collaboration.choices import PlaybookItemStatus
from meute.collaboration.models import PlaybookItem
from meute.deals.choices import OPEN_STAGES, DealStage, MatchLevel
from meute.deals.models import DealRegistration
from meute.groupings.choices import PillarStatus, ProposalStatus
from meute.groupings.models import MatchProposal
from meute.leads.choices import LeadStatus, OfferStatus
from meute.leads.models import Lead, LeadOffer
from meute.partnerships.choices import PartnershipKind
from meute.partnerships.models import Partnership
from meute.programs.choices import ChangeStatus
from meute.programs.models import TierChange
from meute.remuneration.choices import PayoutStatus
from meute.remuneration.models import Payout

PROTECTION_WARNING_DAYS = 30  # a protection ending within this many days is "ending soon"
LIST_SIZE = 6


@dataclass
class Counter:
    key: str
    label: str
    count: int
    url: str
    note: str = ""
    urgent: bool = False


def _url(name, query=None, **kwargs) -> str:
    url = reverse(name, kwargs=kwargs or None)
    return f"{url}?{urlencode(query)}" if query else url


def _age_days(moment) -> int | None:
    if moment is None:
        return None
    return max((timezone.now() - moment).days, 0)


def _soon() -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=PROTECTION_WARNING_DAYS)


# Partner -------------------------------------------------------------------------------------------------


def partner_deals(user) -> dict:
    """The partner's open registrations: counts by stage, protections ending soon, the next ones to act on."""
    deals = DealRegistration.objects.visible_to(user).filter(stage__in=OPEN_STAGES)
    soon = _soon()
    # One query: the windowed counts cover every open deal, since a window is computed before the slice.
    rows = list(
        deals.select_related("customer", "partnership")
        .annotate(
            n_submitted=Window(Count("pk", filter=Q(stage=DealStage.SUBMITTED))),
            n_approved=Window(Count("pk", filter=Q(stage=DealStage.APPROVED))),
            n_ending=Window(Count("pk", filter=Q(stage=DealStage.APPROVED, protection_end__lte=soon))),
        )
        .order_by(F("protection_end").asc(nulls_last=True), "-submitted_at", "pk")[:LIST_SIZE]
    )
    first = rows[0] if rows else None
    counts = {key: getattr(first, f"n_{key}") if first else 0 for key in ("submitted", "approved", "ending")}
    counters = [
        Counter(
            "submitted", _("Awaiting review"), counts["submitted"], _url("deal-list", {"stage": "submitted"})
        ),
        Counter(
            "approved", _("Protected deals"), counts["approved"], _url("deal-list", {"stage": "approved"})
        ),
        Counter(
            "ending",
            _("Protections ending within 30 days"),
            counts["ending"],
            _url("deal-list", {"stage": "approved", "protection_ends_before": soon.isoformat()}),
            urgent=bool(counts["ending"]),
        ),
    ]
    return {"counters": counters, "rows": rows, "today": timezone.localdate(), "soon": soon}


def partner_offers(user) -> dict:
    """Leads offered to the partner that wait for its answer, the nearest deadline first."""
    offers = LeadOffer.objects.visible_to(user).filter(status=OfferStatus.PENDING)
    rows = list(
        offers.select_related("lead", "lead__territory")
        .annotate(total=Window(Count("pk")))
        .order_by("deadline", "pk")[:LIST_SIZE]
    )
    count = rows[0].total if rows else 0
    return {
        "counter": Counter(
            "offers", _("Leads waiting for your answer"), count, _url("lead-portal"), urgent=bool(count)
        ),
        "rows": rows,
    }


def agreements_to_sign(user) -> list:
    return signing.pending_for(user, gated_only=False)


# Member of a grouping ------------------------------------------------------------------------------------


def _groupings_of(organization_id):
    return Partnership.objects.filter(
        kind=PartnershipKind.GROUPING, parties__organization_id=organization_id
    ).distinct()


def member_needs(user) -> dict | None:
    """Proposals to answer, each grouping's checklist items still open, the playbook items the member owns,
    and its payouts of the year; None when the user's organisation is in no grouping.

    Four queries whatever the member's history: the groupings (which also tell whether it is a member),
    the proposals and the playbook items with their totals as window counts, the payouts' sums."""
    organization_id = user.organization_id
    if not organization_id:
        return None
    groupings = list(
        _groupings_of(organization_id)
        .annotate(
            open_items=Count("pillar_items", filter=~Q(pillar_items__status=PillarStatus.MET), distinct=True)
        )
        .order_by("name")[:LIST_SIZE]
    )
    if not groupings:
        return None
    proposals = MatchProposal.objects.visible_to(user).filter(
        recipient_id=organization_id, status=ProposalStatus.PENDING
    )
    # The windowed total covers every pending proposal, since a window is computed before the slice.
    proposal_rows = list(
        proposals.select_related("proposer")
        .annotate(total=Window(Count("pk")))
        .order_by("created_at", "pk")[:LIST_SIZE]
    )
    playbook = PlaybookItem.objects.visible_to(user).filter(
        owner_organization_id=organization_id,
        status__in=(PlaybookItemStatus.TODO, PlaybookItemStatus.IN_PROGRESS),
    )
    playbook_rows = list(
        playbook.select_related("partnership")
        .annotate(total=Window(Count("pk")))
        .order_by("status", "position", "pk")[:LIST_SIZE]
    )
    year = str(timezone.localdate().year)
    payouts = (
        Payout.objects.visible_to(user)
        .filter(organization_id=organization_id, deal_date__year=int(year))
        .order_by()
        .values("status", "currency")
        .annotate(total=Sum("amount"), count=Count("pk"))
        .order_by("currency", "status")
    )
    labels = dict(PayoutStatus.choices)
    payout_rows = [
        {
            "status": row["status"],
            "label": labels.get(row["status"], row["status"]),
            "currency": row["currency"],
            "total": row["total"],
            "count": row["count"],
            "url": _url("groupings:payout-list", {"period": year, "status": row["status"]}),
        }
        for row in payouts
    ]
    proposal_counter = Counter(
        "proposals",
        _("Proposals to answer"),
        proposal_rows[0].total if proposal_rows else 0,
        _url("groupings:proposal-list"),
        urgent=bool(proposal_rows),
    )
    playbook_counter = Counter(
        "playbook",
        _("Playbook items you own"),
        playbook_rows[0].total if playbook_rows else 0,
        _url("groupings:playbook", uuid=playbook_rows[0].partnership.uuid)
        if playbook_rows
        else _url("groupings:grouping-list"),
    )
    todo = sum(grouping.open_items for grouping in groupings)
    todo_counter = Counter(
        "grouping_todo",
        _("Grouping checklist items to settle"),
        todo,
        _url("groupings:grouping-detail", uuid=groupings[0].uuid) + "#pillars"
        if len(groupings) == 1
        else _url("groupings:grouping-list"),
    )
    return {
        "counters": [proposal_counter, todo_counter, playbook_counter],
        "proposals": proposal_counter,
        "proposal_rows": proposal_rows,
        "groupings": groupings,
        "playbook": playbook_counter,
        "playbook_rows": playbook_rows,
        "payouts": payout_rows,
        "payout_year": year,
        "payout_url": _url("groupings:payout-list", {"period": year}),
    }


# Channel manager -----------------------------------------------------------------------------------------


def review_queue(user) -> dict:
    """Registrations waiting for a decision: how many, how old, how many in conflict; the oldest first."""
    queue = DealRegistration.objects.visible_to(user).filter(stage=DealStage.SUBMITTED)
    figures = queue.aggregate(
        total=Count("pk"),
        oldest=Min("submitted_at"),
        same=Count("pk", filter=Q(conflict_level=MatchLevel.SAME)),
        possible=Count("pk", filter=Q(conflict_level=MatchLevel.POSSIBLE)),
        extensions=Count("pk", filter=Q(extension_requested_at__isnull=False)),
    )
    waiting = _age_days(figures["oldest"])
    counters = [
        Counter(
            "queue",
            _("Registrations to review"),
            figures["total"],
            _url("deal-list", {"stage": "submitted", "ordering": "submitted"}),
            note=_("oldest waiting %(days)s days") % {"days": waiting} if waiting is not None else "",
            urgent=bool(figures["total"]),
        ),
        Counter(
            "conflicts",
            _("In conflict"),
            figures["same"],
            _url("deal-list", {"stage": "submitted", "conflict_level": "same"}),
            urgent=bool(figures["same"]),
        ),
        Counter(
            "possible",
            _("Possible conflicts"),
            figures["possible"],
            _url("deal-list", {"stage": "submitted", "conflict_level": "possible"}),
        ),
    ]
    rows = list(queue.select_related("customer", "partnership").order_by("submitted_at", "pk")[:LIST_SIZE])
    for row in rows:
        row.waiting_days = _age_days(row.submitted_at)
    return {"counters": counters, "rows": rows}


def manager_follow_ups(user) -> dict:
    """Tier changes to approve (per programme), leads back in the queue, protections ending soon."""
    changes = list(
        TierChange.objects.visible_to(user)
        .filter(status=ChangeStatus.PROPOSED)
        .order_by()
        .values("program__uuid", "program__name")
        .annotate(count=Count("pk"))
        .order_by("program__name")
    )
    for change in changes:
        change["url"] = _url("program-evaluation", uuid=change["program__uuid"])
    leads = Lead.objects.visible_to(user).filter(status=LeadStatus.UNASSIGNED)
    lead_figures = leads.aggregate(total=Count("pk"), oldest=Min("updated_at"))
    soon = _soon()
    expiring = DealRegistration.objects.visible_to(user).filter(
        stage=DealStage.APPROVED, protection_end__lte=soon
    )
    expiring_rows = list(
        expiring.select_related("customer", "partnership").order_by("protection_end", "pk")[:LIST_SIZE]
    )
    # Both counters of protected deals in one pass.
    protected = (
        DealRegistration.objects.visible_to(user)
        .filter(stage=DealStage.APPROVED)
        .aggregate(
            expiring=Count("pk", filter=Q(protection_end__lte=soon)),
            extensions=Count("pk", filter=Q(extension_requested_at__isnull=False)),
        )
    )
    waiting = _age_days(lead_figures["oldest"])
    counters = [
        Counter(
            "tier_changes",
            _("Tier changes to approve"),
            sum(change["count"] for change in changes),
            changes[0]["url"] if len(changes) == 1 else _url("program-list"),
            urgent=bool(changes),
        ),
        Counter(
            "unassigned",
            _("Leads back in the queue"),
            lead_figures["total"],
            _url("lead-list", {"status": "unassigned"}),
            note=_("oldest waiting %(days)s days") % {"days": waiting} if waiting is not None else "",
            urgent=bool(lead_figures["total"]),
        ),
        Counter(
            "expiring",
            _("Protections ending within 30 days"),
            protected["expiring"],
            _url("deal-list", {"stage": "approved", "protection_ends_before": soon.isoformat()}),
        ),
        Counter(
            "extensions",
            _("Extension requests"),
            protected["extensions"],
            _url("deal-list", {"stage": "approved", "extension_requested": "true"}),
        ),
    ]
    return {
        "counters": counters,
        "tier_changes": changes,
        "expiring_rows": expiring_rows,
        "today": timezone.localdate(),
    }
