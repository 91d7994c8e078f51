"""Channel-conflict detection: is this end customer already claimed, and within the partner's boundaries?

The pieces, each usable alone:

- ``meute.deals.records``: ``Record``, what is known about a company, and ``normalize_name``;
- ``meute.deals.blocking``: the candidates sharing an index key with a record, ranked by the rarity of what
  they share, so a check reads a few index entries whatever the size of the customer base;
- ``meute.deals.evidence``: the Fellegi–Sunter weighing of each field, with the weights in force
  (``meute.deals.training``);
- here, ``check`` combines them with the open registrations and direct-sales accounts of the candidates and
  the boundaries of the partnership, and ``partner_hint`` is the only part of a result a partner user may
  see: it says *that* the customer is claimed, never by whom or for what, and what registration will do.
"""

from dataclasses import dataclass, field
from decimal import Decimal

import numpy as np
from django.utils.translation import gettext_lazy as _

from . import blocking, training
from .blocking import blocking_keys, find_candidates
from .choices import OPEN_STAGES, MatchLevel
from .evidence import POSSIBLE_THRESHOLD, SAME_THRESHOLD, Evidence, Weights, explain, level_for, score_pairs
from .models import Customer, DealRegistration
from .records import Record, domain_of, email_domain_of, normalize_name, siren_from

__all__ = [
    "POSSIBLE_THRESHOLD",
    "SAME_THRESHOLD",
    "BoundaryIssue",
    "Candidate",
    "CheckResult",
    "Claim",
    "Evidence",
    "Record",
    "blocking_keys",
    "boundary_issues",
    "check",
    "compare",
    "domain_of",
    "email_domain_of",
    "find_candidates",
    "level_for",
    "match_customers",
    "normalize_name",
    "partner_hint",
    "score_as_decimal",
    "siren_from",
]

# A name shared by more customers than this is counted only up to it: already a very common name.
NAME_COUNT_CAP = 5000


def compare(a: Record, b: Record, weights: Weights | None = None, name_frequency=None) -> tuple[float, list]:
    """The probability that ``a`` and ``b`` are the same company, and the evidence per field."""
    weights = weights or Weights.default()
    frequency = None if name_frequency is None else [name_frequency]
    scored = score_pairs([a.prepared()], [b.prepared()], weights, frequency)
    return float(scored.scores[0]), explain(scored, 0)


def _name_count(name_key: str) -> int:
    ids = Customer.objects.filter(name_key=name_key).order_by().values_list("id", flat=True)
    return len(ids[:NAME_COUNT_CAP])


@dataclass
class Match:
    values: dict
    score: float
    level: str
    evidence: list


def match_customers(record: Record, weights: Weights | None = None) -> list[Match]:
    """Every candidate customer of ``record`` with its score, level and evidence, best first."""
    weights = weights or training.weights_in_force()
    rows = blocking.find_candidates(record, stop_keys=weights.stop_keys)
    if not rows:
        return []
    p = record.prepared()
    prepared = [Record.from_customer_values(values).prepared() for values in rows]
    frequency = None
    if weights.base_size and any(other["name_key"] == p["name_key"] for other in prepared):
        share = max(_name_count(p["name_key"]), 1) / weights.base_size
        frequency = np.array([share if other["name_key"] == p["name_key"] else np.nan for other in prepared])
    scored = score_pairs([p] * len(prepared), prepared, weights, frequency)
    matches = [
        Match(values, float(scored.scores[i]), level_for(float(scored.scores[i])), explain(scored, i))
        for i, values in enumerate(rows)
    ]
    matches.sort(key=lambda m: (-m.score, m.values["id"]))
    return matches


@dataclass
class Claim:
    kind: str  # "registration" or "direct_account"
    own: bool = False  # a registration of the same partnership
    deal_uuid: str = ""
    partnership: str = ""
    stage: str = ""
    protection_end: str = ""


@dataclass
class Candidate:
    customer_id: int
    customer_uuid: str
    customer_name: str
    score: float
    level: str
    evidence: list[Evidence]
    claims: list[Claim] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "customer": self.customer_uuid,
            "customer_name": self.customer_name,
            "score": round(self.score, 3),
            "level": self.level,
            "evidence": [e.as_dict() for e in self.evidence],
            "claims": [claim.__dict__ for claim in self.claims],
        }


@dataclass
class CheckResult:
    level: str
    score: float
    candidates: list[Candidate]
    boundary_issues: list["BoundaryIssue"]
    weights_version: int = 0

    @property
    def best(self) -> Candidate | None:
        return self.candidates[0] if self.candidates else None

    @property
    def conflicting(self) -> list[Candidate]:
        return [c for c in self.candidates if c.claims and c.level != MatchLevel.DISTINCT]

    def as_dict(self) -> dict:
        return {
            "level": self.level,
            "score": round(self.score, 3),
            "candidates": [c.as_dict() for c in self.candidates],
            "boundary_issues": [issue.as_dict() for issue in self.boundary_issues],
            "weights_version": self.weights_version,
        }


@dataclass
class BoundaryIssue:
    """A way the registration falls outside the partnership, and what registration does about it."""

    field: str
    message: str
    refused: bool  # True: registration refuses it; False: registered, but a channel manager reviews it

    def __str__(self):
        return str(self.message)

    def as_dict(self) -> dict:
        return {"field": self.field, "message": str(self.message), "refused": self.refused}

    @property
    def consequence(self) -> str:
        if self.refused:
            return str(_("Registration will refuse this."))
        return str(_("The registration will wait for a channel manager's review."))


def boundary_issues(partnership, record: Record, product_lines=(), sector=None) -> list[BoundaryIssue]:
    """Where the customer or the products fall outside the partnership's territories, products, sectors.

    The one rule for the check and for registration: products outside the partnership are refused, a
    customer outside the territories or sectors is registered but never approved automatically.
    """
    issues = []
    country = record.prepared()["country"]
    countries = {str(t.country) for t in partnership.territories.all() if t.country}
    if countries and country and country not in countries:
        issues.append(
            BoundaryIssue(
                "country", _("The customer's country is outside the partnership's territories."), False
            )
        )
    allowed = {p.pk for p in partnership.product_lines.all()}
    if allowed and any(p.pk not in allowed for p in product_lines):
        issues.append(
            BoundaryIssue(
                "product_lines", _("Some products are outside the partnership's product lines."), True
            )
        )
    sectors = {s.pk for s in partnership.sectors.all()}
    if sectors and sector is not None and sector.pk not in sectors:
        issues.append(
            BoundaryIssue("sector", _("The customer's sector is outside the partnership's sectors."), False)
        )
    return issues


def check(
    partnership, record: Record, *, product_lines=(), sector=None, exclude_deal=None, weights=None
) -> CheckResult:
    """Is the customer described by ``record`` already claimed, and is it within the boundaries?

    A matched customer is a conflict only when something claims it: an open registration (submitted or
    approved) or a direct-sales account. ``exclude_deal`` leaves out the registration being checked, and
    its own customer too unless something else claims it (the record matching itself is no evidence).
    """
    weights = weights or training.weights_in_force()
    candidates = []
    for match in match_customers(record, weights):
        if match.level == MatchLevel.DISTINCT:
            continue
        values = match.values
        candidate = Candidate(
            values["id"], str(values["uuid"]), values["name"], match.score, match.level, match.evidence
        )
        if values["is_direct_account"]:
            candidate.claims.append(Claim("direct_account"))
        candidates.append(candidate)
    by_id = {c.customer_id: c for c in candidates}
    if by_id:
        deals = DealRegistration.objects.filter(customer_id__in=by_id, stage__in=OPEN_STAGES)
        if exclude_deal is not None and exclude_deal.pk:
            deals = deals.exclude(pk=exclude_deal.pk)
        for deal in deals.values(
            "customer_id", "uuid", "partnership_id", "partnership__name", "stage", "protection_end"
        ):
            by_id[deal["customer_id"]].claims.append(
                Claim(
                    "registration",
                    own=deal["partnership_id"] == partnership.pk,
                    deal_uuid=str(deal["uuid"]),
                    partnership=deal["partnership__name"],
                    stage=deal["stage"],
                    protection_end=deal["protection_end"].isoformat() if deal["protection_end"] else "",
                )
            )
    own = exclude_deal.customer_id if exclude_deal is not None and exclude_deal.pk else None
    candidates = [c for c in candidates if c.claims or c.customer_id != own]
    candidates.sort(key=lambda c: (-bool(c.claims), -c.score))
    claimed = [c for c in candidates if c.claims]
    score = claimed[0].score if claimed else 0.0
    return CheckResult(
        level=level_for(score) if claimed else MatchLevel.DISTINCT,
        score=score,
        candidates=candidates,
        boundary_issues=boundary_issues(partnership, record, product_lines, sector),
        weights_version=weights.version,
    )


def own_registrations(result: CheckResult) -> list[str]:
    """The partner's own open registrations of the same customer (a "same" match): registering again is
    refused, the partner is sent to the one they have."""
    return [
        claim.deal_uuid
        for candidate in result.candidates
        if candidate.level == MatchLevel.SAME
        for claim in candidate.claims
        if claim.kind == "registration" and claim.own
    ]


def partner_hint(result: CheckResult) -> dict:
    """What a partner user may learn from a check: that a claim exists and of which kind (no names), and
    what registration will do."""
    messages = []
    kinds = {(claim.kind, claim.own) for c in result.conflicting for claim in c.claims}
    if ("registration", False) in kinds:
        messages.append(str(_("This customer may already be registered by another partner.")))
    if ("direct_account", False) in kinds:
        messages.append(str(_("This customer is handled directly by the vendor's sales team.")))
    own = own_registrations(result)
    if own:
        messages.append(
            str(_("You already registered this customer: registration will send you to that registration."))
        )
    elif ("registration", True) in kinds:
        messages.append(str(_("You may already have an open registration for this customer.")))
    for issue in result.boundary_issues:
        messages.append(f"{issue.message} {issue.consequence}")
    status = result.level if kinds else MatchLevel.DISTINCT
    return {
        "status": status,
        "messages": messages,
        "outside_boundaries": bool(result.boundary_issues),
        "refused": any(issue.refused for issue in result.boundary_issues),
        "own_registration": own[0] if own else None,
    }


def score_as_decimal(score: float) -> Decimal:
    return Decimal(str(round(score, 3)))
