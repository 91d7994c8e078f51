"""Which channel partner receives a lead: the rules as data, pure functions, and a set-based loader.

A partnership is eligible when it is an active channel partnership of the operator and

- its boundaries cover the lead: territory (a partnership's territory also covers the regions inside it),
  every product line of the lead, its sector — an empty boundary means no restriction;
- its partner organisation plays the partner type the lead asks for, if any;
- it has the certified people the lead asks for (valid certifications of people of the partner);
- it has capacity left: its open leads (offered or accepted, not closed) are below its maximum;
- it has not already declined this lead, let an offer time out, or had it withdrawn.

Eligible partnerships are ranked by ``weight / (1 + load)``: the lead-distribution weight of the partner's
current tier (1 without a tier) divided by one plus its current load. Ties go round-robin: the partnership
offered a lead least recently first, then the oldest partnership.

``evaluate`` works on plain data (``LeadFacts``, ``Candidate``) and is tested without a database;
``load_candidates`` reads every candidate in a fixed number of queries, whatever their number.
"""

import datetime
from dataclasses import dataclass, field
from fractions import Fraction

from django.conf import settings
from django.db.models import Count, Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from meute.lib.env import env_int

# Codes of the reasons a partnership is skipped.
OUTSIDE_TERRITORY = "territory"
OUTSIDE_PRODUCTS = "products"
OUTSIDE_SECTOR = "sector"
WRONG_TYPE = "partner_type"
NOT_CERTIFIED = "certifications"
AT_CAPACITY = "capacity"
ALREADY_TRIED = "already_tried"

# How much of a ranking a decision keeps (an operator may have thousands of channel partnerships).
RANKED_KEPT = 10
SKIPPED_KEPT = 50
# Up to this many candidates, queries name them by id; beyond, they repeat the candidates' subquery.
ID_LIST_LIMIT = 2000


def default_max_open_leads() -> int:
    """Open leads a partnership may hold when it has no capacity of its own (setting, env, else 5)."""
    value = getattr(settings, "MEUTE_LEADS_MAX_OPEN", None)
    return int(value) if value is not None else env_int("MEUTE_LEADS_MAX_OPEN", 5)


def response_hours() -> int:
    """Hours a partner has to answer an offer (setting, env, else 48)."""
    value = getattr(settings, "MEUTE_LEADS_RESPONSE_HOURS", None)
    return int(value) if value is not None else env_int("MEUTE_LEADS_RESPONSE_HOURS", 48)


@dataclass(frozen=True)
class LeadFacts:
    territory_ids: frozenset = frozenset()  # the lead's territory and every territory containing it
    product_line_ids: frozenset = frozenset()
    sector_id: int | None = None
    partner_type: str = ""
    min_certified: int = 0


@dataclass(frozen=True)
class Candidate:
    partnership_id: int
    name: str
    territory_ids: frozenset = frozenset()
    product_line_ids: frozenset = frozenset()
    sector_ids: frozenset = frozenset()
    partner_types: frozenset = frozenset()
    certified: int = 0
    capacity: int = 5
    load: int = 0
    weight: int = 1
    last_offered_at: datetime.datetime | None = None
    excluded: str = ""  # why this lead may not go to it again (declined, expired, withdrawn)


@dataclass(frozen=True)
class Ranked:
    candidate: Candidate
    score: Fraction


@dataclass(frozen=True)
class Skipped:
    candidate: Candidate
    code: str
    params: dict


@dataclass
class Ranking:
    ranked: list
    skipped: list
    # Skipped partnerships counted in the database but not loaded one by one (code → how many).
    unlisted: dict = field(default_factory=dict)

    @property
    def best(self) -> Candidate | None:
        return self.ranked[0].candidate if self.ranked else None

    def as_dict(self) -> dict:
        """The explanation stored with the decision: the best ``RANKED_KEPT`` partnerships, the first
        ``SKIPPED_KEPT`` skipped ones by name (already-tried first), and how many were skipped per reason."""
        skipped = sorted(self.skipped, key=lambda s: (s.code != ALREADY_TRIED, s.candidate.partnership_id))
        counts = dict(self.unlisted)
        for item in self.skipped:
            counts[item.code] = counts.get(item.code, 0) + 1
        return {
            "considered": len(self.ranked) + len(self.skipped) + sum(self.unlisted.values()),
            "eligible": len(self.ranked),
            "ranked": [
                {
                    "partnership": r.candidate.partnership_id,
                    "name": r.candidate.name,
                    "weight": r.candidate.weight,
                    "load": r.candidate.load,
                    "capacity": r.candidate.capacity,
                    "score": f"{float(r.score):.3f}",
                }
                for r in self.ranked[:RANKED_KEPT]
            ],
            "skipped": [
                {
                    "partnership": s.candidate.partnership_id,
                    "name": s.candidate.name,
                    "code": s.code,
                    "params": s.params,
                }
                for s in skipped[:SKIPPED_KEPT]
            ],
            "skipped_counts": counts,
        }


def skip_reason(lead: LeadFacts, candidate: Candidate) -> tuple[str, dict] | None:
    """The first rule ``candidate`` fails for ``lead`` as ``(code, params)``, or None when eligible."""
    if candidate.excluded:
        return ALREADY_TRIED, {"outcome": candidate.excluded}
    if lead.territory_ids and candidate.territory_ids and not (lead.territory_ids & candidate.territory_ids):
        return OUTSIDE_TERRITORY, {}
    if (
        lead.product_line_ids
        and candidate.product_line_ids
        and not lead.product_line_ids <= candidate.product_line_ids
    ):
        return OUTSIDE_PRODUCTS, {}
    if lead.sector_id and candidate.sector_ids and lead.sector_id not in candidate.sector_ids:
        return OUTSIDE_SECTOR, {}
    if lead.partner_type and lead.partner_type not in candidate.partner_types:
        return WRONG_TYPE, {"type": lead.partner_type}
    if lead.min_certified and candidate.certified < lead.min_certified:
        return NOT_CERTIFIED, {"count": candidate.certified, "required": lead.min_certified}
    if candidate.load >= candidate.capacity:
        return AT_CAPACITY, {"load": candidate.load, "capacity": candidate.capacity}
    return None


def score(candidate: Candidate) -> Fraction:
    return Fraction(max(candidate.weight, 0), 1 + candidate.load)


_EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)


def evaluate(lead: LeadFacts, candidates) -> Ranking:
    """Every candidate ranked (best first) or skipped with the reason; pure, deterministic."""
    ranked, skipped = [], []
    for candidate in candidates:
        reason = skip_reason(lead, candidate)
        if reason is None:
            ranked.append(Ranked(candidate, score(candidate)))
        else:
            skipped.append(Skipped(candidate, *reason))
    # Highest score first; ties: least recently offered (never offered first), then the oldest partnership.
    ranked.sort(key=lambda r: (-r.score, r.candidate.last_offered_at or _EPOCH, r.candidate.partnership_id))
    skipped.sort(key=lambda s: s.candidate.partnership_id)
    return Ranking(ranked, skipped)


# --------------------------------------------------------------------------------------------------
# Explanations, translated when read
# --------------------------------------------------------------------------------------------------


def describe_skip(code: str, params: dict) -> str:
    from meute.core.choices import PartnerType

    from .choices import OfferStatus

    if code == OUTSIDE_TERRITORY:
        return _("outside territory")
    if code == OUTSIDE_PRODUCTS:
        return _("product lines outside its boundaries")
    if code == OUTSIDE_SECTOR:
        return _("outside sector")
    if code == WRONG_TYPE:
        label = dict(PartnerType.choices).get(params.get("type"), params.get("type"))
        return _("not a %(type)s") % {"type": str(label).lower()}
    if code == NOT_CERTIFIED:
        return _("%(count)s certified people, %(required)s required") % params
    if code == AT_CAPACITY:
        return _("at capacity %(load)s/%(capacity)s") % params
    if code == ALREADY_TRIED:
        label = dict(OfferStatus.choices).get(params.get("outcome"), params.get("outcome"))
        return _("already offered this lead (%(outcome)s)") % {"outcome": str(label).lower()}
    return code


def describe_reason(code: str) -> str:
    """A reason without its figures, for counts ("12 outside territory")."""
    labels = {
        OUTSIDE_TERRITORY: _("outside territory"),
        OUTSIDE_PRODUCTS: _("product lines outside its boundaries"),
        OUTSIDE_SECTOR: _("outside sector"),
        WRONG_TYPE: _("not of the required partner type"),
        NOT_CERTIFIED: _("not enough certified people"),
        AT_CAPACITY: _("at capacity"),
        ALREADY_TRIED: _("already offered this lead"),
    }
    return labels.get(code, code)


def describe_ranked(entry: dict) -> str:
    return _("weight %(weight)s × 1/(1 + load %(load)s) = %(score)s, capacity %(load)s/%(capacity)s") % entry


# --------------------------------------------------------------------------------------------------
# Loading candidates from the database (set-based: a fixed number of queries)
# --------------------------------------------------------------------------------------------------


def territory_ancestry(territory) -> frozenset:
    """The territory and every territory containing it (a partner of France covers Lyon's region)."""
    from meute.core.models import Territory

    ids, current, seen = [], territory, set()
    while current is not None and current.pk not in seen:
        seen.add(current.pk)
        ids.append(current.pk)
        current = Territory.objects.filter(pk=current.parent_id).first() if current.parent_id else None
    return frozenset(ids)


def lead_facts(lead) -> LeadFacts:
    min_certified = lead.min_certified_people
    if lead.required_certification and not min_certified:
        min_certified = 1
    return LeadFacts(
        territory_ids=territory_ancestry(lead.territory) if lead.territory_id else frozenset(),
        product_line_ids=frozenset(lead.product_lines.values_list("pk", flat=True))
        if lead.pk
        else frozenset(),
        sector_id=lead.sector_id,
        partner_type=lead.required_partner_type,
        min_certified=min_certified,
    )


def channel_partnerships():
    """Active channel partnerships between the operator and a partner organisation."""
    from meute.partnerships.choices import PartnershipKind, PartnershipStatus
    from meute.partnerships.models import Partnership, PartnershipParty

    operator_seats = PartnershipParty.objects.filter(organization__is_operator=True).values("partnership_id")
    return Partnership.objects.filter(
        kind=PartnershipKind.CHANNEL, status=PartnershipStatus.ACTIVE, pk__in=operator_seats
    )


def _group(pairs) -> dict:
    result = {}
    for key, value in pairs:
        result.setdefault(key, set()).add(value)
    return {key: frozenset(values) for key, values in result.items()}


def current_loads(partnership_ids) -> dict:
    """Open leads per partnership: offers awaiting an answer plus accepted leads not closed."""
    from .choices import LeadStatus, OfferStatus
    from .models import Lead, LeadOffer

    loads = {}
    for rows in (
        LeadOffer.objects.filter(partnership_id__in=partnership_ids, status=OfferStatus.PENDING),
        Lead.objects.filter(partnership_id__in=partnership_ids, status=LeadStatus.ACCEPTED),
    ):
        for pid, count in rows.order_by().values_list("partnership_id").annotate(n=Count("pk")):
            loads[pid] = loads.get(pid, 0) + count
    return loads


@dataclass
class Loaded:
    """The candidates of a lead, and the channel partnerships outside its territory, counted in SQL."""

    candidates: list
    outside_territory: int = 0
    outside_sample: list = field(default_factory=list)  # (partnership id, name), at most SKIPPED_KEPT


def load_candidates(lead, today: datetime.date | None = None) -> Loaded:
    """Every active channel partnership that covers the lead's territory, with the data of every rule.

    Partnerships outside the territory are only counted (plus a few names for the explanation): the
    territory is the most selective rule, so a lead reads the partners of its region, not all of them.
    """
    from meute.core.models import OrganizationPartnerType
    from meute.partnerships.models import Partnership, PartnershipParty
    from meute.programs import certifications
    from meute.programs.models import PartnerTier

    from .choices import OfferStatus
    from .models import LeadCapacity, LeadOffer

    today = today or timezone.localdate()
    # A fixed number of queries for 10 or 100,000 partnerships.
    channel = channel_partnerships()
    loaded = Loaded([])
    if lead.territory_id:
        through = Partnership.territories.through
        inside = through.objects.filter(territory_id__in=territory_ancestry(lead.territory)).values(
            "partnership_id"
        )
        covers = Q(pk__in=inside) | ~Q(pk__in=through.objects.values("partnership_id"))
        outside = channel.exclude(covers)
        loaded.outside_territory = outside.count()
        if loaded.outside_territory:
            loaded.outside_sample = list(outside.order_by("pk").values_list("pk", "name")[:SKIPPED_KEPT])
            channel = channel.filter(covers)
    partnerships = list(channel.order_by("pk").values_list("pk", "name"))
    if not partnerships:
        return loaded
    # A region's partners are few: their ids as a list; a whole country's: a subquery.
    ids = [pk for pk, _name in partnerships] if len(partnerships) <= ID_LIST_LIMIT else channel.values("pk")
    seats = PartnershipParty.objects.filter(partnership_id__in=ids, organization__is_operator=False)
    partner_of = dict(
        seats.order_by("partnership_id", "-pk").values_list("partnership_id", "organization_id")
    )
    org_ids = list(set(partner_of.values())) if isinstance(ids, list) else seats.values("organization_id")
    through = Partnership.territories.through
    territories = _group(
        through.objects.filter(partnership_id__in=ids).values_list("partnership_id", "territory_id")
    )
    through = Partnership.product_lines.through
    products = _group(
        through.objects.filter(partnership_id__in=ids).values_list("partnership_id", "productline_id")
    )
    through = Partnership.sectors.through
    sectors = _group(
        through.objects.filter(partnership_id__in=ids).values_list("partnership_id", "sector_id")
    )
    types = _group(
        OrganizationPartnerType.objects.filter(organization_id__in=org_ids).values_list(
            "organization_id", "partner_type"
        )
    )
    certified = certifications.count_people(org_ids, today, certification=lead.required_certification or "")
    weights = dict(
        PartnerTier.objects.filter(partnership_id__in=ids, tier__isnull=False)
        .filter(Q(valid_from__isnull=True) | Q(valid_from__lte=today))
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=today))
        .values_list("partnership_id")
        .annotate(w=Max("tier__lead_weight"))
    )
    capacities = dict(
        LeadCapacity.objects.filter(partnership_id__in=ids).values_list("partnership_id", "max_open_leads")
    )
    default_capacity = default_max_open_leads()
    loads = current_loads(ids)
    last_offered = dict(
        LeadOffer.objects.filter(partnership_id__in=ids)
        .values_list("partnership_id")
        .annotate(last=Max("offered_at"))
    )
    excluded = {}
    if lead.pk:
        for pid, status in (
            LeadOffer.objects.filter(lead=lead)
            .exclude(status=OfferStatus.PENDING)
            .order_by("offered_at")
            .values_list("partnership_id", "status")
        ):
            excluded[pid] = status
    candidates = []
    for pk, name in partnerships:
        org = partner_of.get(pk)
        if org is None:
            continue
        candidates.append(
            Candidate(
                partnership_id=pk,
                name=name,
                territory_ids=territories.get(pk, frozenset()),
                product_line_ids=products.get(pk, frozenset()),
                sector_ids=sectors.get(pk, frozenset()),
                partner_types=types.get(org, frozenset()),
                certified=certified.get(org, 0),
                capacity=capacities.get(pk, default_capacity),
                load=loads.get(pk, 0),
                weight=weights.get(pk) or 1,
                last_offered_at=last_offered.get(pk),
                excluded=excluded.get(pk, ""),
            )
        )
    loaded.candidates = candidates
    return loaded


def rank_lead(lead, today=None) -> Ranking:
    loaded = load_candidates(lead, today)
    ranking = evaluate(lead_facts(lead), loaded.candidates)
    ranking.skipped += [
        Skipped(Candidate(partnership_id=pk, name=name), OUTSIDE_TERRITORY, {})
        for pk, name in loaded.outside_sample
    ]
    unlisted = loaded.outside_territory - len(loaded.outside_sample)
    if unlisted:
        ranking.unlisted[OUTSIDE_TERRITORY] = unlisted
    return ranking
