"""Tier evaluation: which tier a partner's figures earn, why, and what is missing for the next one.

Three layers, each usable on its own:

- ``evaluate(metrics, tiers)`` is a pure function: one partner's figures against the tier rules give the
  eligible tier and, for every tier, every requirement with a human explanation
  ("Gold needs 3 certified sales people: you have 2"). ``validate_tiers`` refuses contradictory rules.
- ``collect_metrics`` gathers the figures of every member of a programme with a few aggregate queries
  (GROUP BY partnership), never one query per partner. Revenue in another currency than the programme's
  counts converted with the exchange rate in force on its period (``meute.money.exchange``); records
  without a rate are left out, and the run says how many, in which currencies.
- ``run_evaluation`` turns the results into promotion and demotion proposals (with a grace period before
  any demotion), applies them when the programme says so, and keeps the evidence used.
"""

import datetime
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Avg, Count, Sum
from django.utils import timezone
from django.utils.formats import get_format
from django.utils.translation import get_language, gettext, ngettext

from meute.money.currencies import symbol
from meute.money.exchange import ConversionReport, converted_totals

from .choices import SATISFACTION, WON_DEALS, CertifiedRole, ChangeKind, ChangeStatus

_TRANSLATED: dict = {}


def _(text: str, language: str | None = None) -> str:
    """``gettext`` remembered per language: batch evaluation renders the same sentences many times.

    ``language`` is the active language when the caller already has it (looking it up costs more than the
    rest when 100,000 explanations are rendered); it must be the active one."""
    key = (language or get_language(), text)
    found = _TRANSLATED.get(key)
    if found is None:
        found = _TRANSLATED[key] = gettext(text)
    return found


ZERO = Decimal("0")
CENT = Decimal("0.01")


# --------------------------------------------------------------------------------------------------
# The pure engine
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TierRules:
    """The requirements of one tier, as data."""

    name: str
    rank: int
    id: int | None = None
    min_revenue: Decimal | None = None
    min_certified: Mapping[str, int] = field(default_factory=dict)
    min_won_deals: int | None = None
    min_satisfaction: Decimal | None = None
    custom_thresholds: Mapping[str, Decimal] = field(default_factory=dict)
    margin_percent: Decimal = ZERO
    mdf_percent: Decimal = ZERO

    @classmethod
    def from_requirements(cls, *, name, rank, id=None, requirements, benefits=None):
        """Build from the JSON form kept in ``TierRuleVersion`` (and ``Tier.requirements()``)."""
        benefits = benefits or {}

        def dec(value):
            return None if value in (None, "") else Decimal(str(value))

        return cls(
            name=name,
            rank=rank,
            id=id,
            min_revenue=dec(requirements.get("min_revenue")),
            min_certified={k: int(v) for k, v in (requirements.get("min_certified") or {}).items() if int(v)},
            min_won_deals=requirements.get("min_won_deals"),
            min_satisfaction=dec(requirements.get("min_satisfaction")),
            custom_thresholds={
                k: Decimal(str(v)) for k, v in (requirements.get("custom_thresholds") or {}).items()
            },
            margin_percent=dec(benefits.get("margin_percent")) or ZERO,
            mdf_percent=dec(benefits.get("mdf_percent")) or ZERO,
        )

    @classmethod
    def from_tier(cls, tier):
        return cls.from_requirements(
            name=tier.name,
            rank=tier.rank,
            id=tier.pk,
            requirements=tier.requirements(),
            benefits=tier.benefits(),
        )


@dataclass(frozen=True)
class PartnerMetrics:
    """One partner's figures over the evaluation period."""

    revenue: Decimal = ZERO
    certified: Mapping[str, int] = field(default_factory=dict)
    won_deals: int = 0
    satisfaction: Decimal | None = None
    custom: Mapping[str, Decimal] = field(default_factory=dict)
    converted: int = 0  # revenue records in another currency, counted converted into the programme's
    unconverted: int = 0  # revenue records left out: their currency had no exchange rate in force

    def as_json(self) -> dict:
        data = {
            "revenue": str(self.revenue),
            "certified": dict(sorted(self.certified.items())),
            "won_deals": self.won_deals,
            "satisfaction": None if self.satisfaction is None else str(self.satisfaction),
            "custom": {k: str(v) for k, v in sorted(self.custom.items())},
        }
        if self.converted:
            data["converted_records"] = self.converted
        if self.unconverted:
            data["unconverted_records"] = self.unconverted
        return data


@dataclass(frozen=True)
class RequirementResult:
    code: str  # revenue, certified:<role>, won_deals, satisfaction, metric:<code>
    required: object
    actual: object
    met: bool
    # (tier name, currency, evaluation months[, revenue converted from other currencies])
    context: tuple = ("", "EUR", 12)

    @property
    def message(self) -> str:
        return explain(self)

    def as_json(self) -> dict:
        return {
            "code": self.code,
            "required": _json_value(self.required),
            "actual": _json_value(self.actual),
            "met": self.met,
        }


@dataclass(frozen=True)
class TierCheck:
    tier: TierRules
    results: tuple

    @property
    def met(self) -> bool:
        return all(r.met for r in self.results)

    @property
    def missing(self) -> list:
        return [r for r in self.results if not r.met]


@dataclass(frozen=True)
class Evaluation:
    tier: TierRules | None  # the highest tier whose requirements (and those of every lower tier) are met
    checks: tuple  # one TierCheck per tier, lowest rank first

    @property
    def next_check(self) -> TierCheck | None:
        rank = self.tier.rank if self.tier else None
        for check in self.checks:
            if rank is None or check.tier.rank > rank:
                return check
        return None

    @property
    def next_tier(self) -> TierRules | None:
        check = self.next_check
        return check.tier if check else None

    @property
    def missing(self) -> list:
        check = self.next_check
        return check.missing if check else []

    def explanation(self, language: str | None = None) -> str:
        """Every requirement of every tier, explained (``language``: the active one, if known)."""
        language = language or get_language()
        return "\n".join(explain(r, language) for check in self.checks for r in check.results)

    def summary(self, language: str | None = None) -> str:
        """What decides the change: the eligible tier's requirements, then what the next tier lacks."""
        language = language or get_language()
        lines = []
        next_check = self.next_check
        for check in self.checks:
            if (self.tier is not None and check.tier.rank == self.tier.rank) or check is next_check:
                lines.extend(explain(r, language) for r in check.results)
        return "\n".join(lines)

    def as_json(self) -> dict:
        return {
            "eligible": self.tier.name if self.tier else None,
            "tiers": [
                {
                    "tier": c.tier.name,
                    "rank": c.tier.rank,
                    "met": c.met,
                    "requirements": [r.as_json() for r in c.results],
                }
                for c in self.checks
            ],
        }


def _json_value(value):
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {k: _json_value(v) for k, v in value.items()}
    return value


_SEPARATORS: dict = {}


def _format_number(value, places: int, language: str | None = None) -> str:
    """Grouped number in the active language's format (what ``number_format`` gives, computed faster)."""
    language = language or get_language()
    separators = _SEPARATORS.get(language)
    if separators is None:
        separators = _SEPARATORS[language] = (
            str(get_format("DECIMAL_SEPARATOR", language, use_l10n=True)),
            str(get_format("THOUSAND_SEPARATOR", language, use_l10n=True)),
            get_format("NUMBER_GROUPING", language, use_l10n=True),
        )
    decimal_sep, thousand_sep, grouping = separators
    if grouping == 0:
        return f"{value:.{places}f}".replace(".", decimal_sep)
    return f"{value:,.{places}f}".replace(",", "\0").replace(".", decimal_sep).replace("\0", thousand_sep)


def format_money(amount: Decimal, currency: str = "EUR", language: str | None = None) -> str:
    places = 0 if amount == amount.to_integral_value() else 2
    return f"{_format_number(amount, places, language)} {symbol(currency)}"


def _number(value, language: str | None = None) -> str:
    if isinstance(value, Decimal):
        places = 0 if value == value.to_integral_value() else max(0, -value.normalize().as_tuple().exponent)
        return _format_number(value, places, language)
    return _format_number(value, 0, language)


_ROLE_LABELS = dict(CertifiedRole.choices)  # lazy labels: translated when rendered
_ROLE_TEXTS: dict = {}


def _role_label(role: str, language: str | None = None) -> str:
    key = (language or get_language(), role)
    found = _ROLE_TEXTS.get(key)
    if found is None:
        found = _ROLE_TEXTS[key] = str(_ROLE_LABELS.get(role, role)).lower()
    return found


def _revenue_label(months: int, language: str | None = None) -> str:
    if months == 12:
        return _("annual revenue", language)
    return _("revenue over the last %(months)s months", language) % {"months": months}


def check_tier(
    tier: TierRules, metrics: PartnerMetrics, *, currency: str = "EUR", months: int = 12
) -> TierCheck:
    """Every requirement of one tier against one partner's figures (explanations rendered when read)."""
    results = []
    context = (tier.name, currency, months, metrics.converted > 0)
    if tier.min_revenue is not None:
        met = metrics.revenue >= tier.min_revenue
        results.append(RequirementResult("revenue", tier.min_revenue, metrics.revenue, met, context))
    for role, required in sorted(tier.min_certified.items()):
        actual = int(metrics.certified.get(role, 0))
        results.append(RequirementResult(f"certified:{role}", required, actual, actual >= required, context))
    if tier.min_won_deals is not None:
        met = metrics.won_deals >= tier.min_won_deals
        results.append(RequirementResult("won_deals", tier.min_won_deals, metrics.won_deals, met, context))
    if tier.min_satisfaction is not None:
        actual = metrics.satisfaction
        met = actual is not None and actual >= tier.min_satisfaction
        results.append(RequirementResult("satisfaction", tier.min_satisfaction, actual, met, context))
    for code, required in sorted(tier.custom_thresholds.items()):
        actual = metrics.custom.get(code, ZERO)
        results.append(RequirementResult(f"metric:{code}", required, actual, actual >= required, context))
    return TierCheck(tier, tuple(results))


def explain(result, language: str | None = None) -> str:
    """The human explanation of one requirement result, in the active language (``language``: the active
    one, when the caller already has it)."""
    language = language or get_language()
    tier, currency, months, *converted = result.context
    required, actual, met = result.required, result.actual, result.met
    kind, _sep, detail = result.code.partition(":")
    if kind == "revenue":
        actual_text = format_money(actual, currency, language)
        if converted and converted[0]:
            actual_text = _("%(amount)s (converted)", language) % {"amount": actual_text}
        values = {
            "tier": tier,
            "label": _revenue_label(months, language),
            "actual": actual_text,
            "required": format_money(required, currency, language),
            "missing": format_money(required - actual, currency, language),
        }
        if met:
            return _("%(tier)s: %(label)s %(actual)s ≥ %(required)s ✓", language) % values
        return (
            _("%(tier)s needs %(label)s of %(required)s: you have %(actual)s (%(missing)s to go)", language)
            % values
        )
    if kind == "certified":
        values = {"tier": tier, "role": _role_label(detail, language), "actual": actual, "required": required}
        if met:
            return _("%(tier)s: %(actual)s certified %(role)s people ≥ %(required)s ✓", language) % values
        return (
            _("%(tier)s needs %(required)s certified %(role)s people: you have %(actual)s", language) % values
        )
    if kind == "won_deals":
        values = {"tier": tier, "actual": actual, "required": required}
        if met:
            return _("%(tier)s: %(actual)s won deals ≥ %(required)s ✓", language) % values
        return _("%(tier)s needs %(required)s won deals: you have %(actual)s", language) % values
    if kind == "satisfaction":
        values = {
            "tier": tier,
            "actual": _number(actual, language) if actual is not None else "",
            "required": _number(required, language),
        }
        if met:
            return _("%(tier)s: customer satisfaction %(actual)s/10 ≥ %(required)s/10 ✓", language) % values
        if actual is None:
            return (
                _(
                    "%(tier)s needs a customer satisfaction of %(required)s/10: no score recorded yet",
                    language,
                )
                % values
            )
        return (
            _("%(tier)s needs a customer satisfaction of %(required)s/10: yours is %(actual)s/10", language)
            % values
        )
    values = {
        "tier": tier,
        "metric": detail,
        "actual": _number(actual, language),
        "required": _number(required, language),
    }
    if met:
        return _("%(tier)s: %(metric)s %(actual)s ≥ %(required)s ✓", language) % values
    return _("%(tier)s needs %(metric)s of %(required)s: you have %(actual)s", language) % values


def evaluate(
    metrics: PartnerMetrics, tiers: Iterable[TierRules], *, currency: str = "EUR", months: int = 12
) -> Evaluation:
    """The tier one partner earns: the highest tier reached without skipping an unmet lower tier."""
    ordered = sorted(tiers, key=lambda t: t.rank)
    checks = tuple(check_tier(t, metrics, currency=currency, months=months) for t in ordered)
    eligible = None
    for check in checks:
        if not check.met:
            break
        eligible = check.tier
    return Evaluation(eligible, checks)


def _requirement_pairs(tier: TierRules) -> dict:
    pairs = {}
    if tier.min_revenue is not None:
        pairs["revenue"] = tier.min_revenue
    for role, count in tier.min_certified.items():
        pairs[f"certified:{role}"] = count
    if tier.min_won_deals is not None:
        pairs["won_deals"] = tier.min_won_deals
    if tier.min_satisfaction is not None:
        pairs["satisfaction"] = tier.min_satisfaction
    for code, value in tier.custom_thresholds.items():
        pairs[f"metric:{code}"] = value
    return pairs


def _requirement_label(code: str) -> str:
    if code == "revenue":
        return _("minimum revenue")
    if code == "won_deals":
        return _("minimum won deals")
    if code == "satisfaction":
        return _("minimum satisfaction")
    if code.startswith("certified:"):
        return _("certified %(role)s people") % {"role": _role_label(code.split(":", 1)[1])}
    return _("metric %(code)s") % {"code": code.split(":", 1)[1]}


def validate_tiers(tiers: Iterable[TierRules]) -> list[str]:
    """Explanations of every contradiction: a higher tier must ask at least as much as each lower one."""
    errors = []
    ordered = sorted(tiers, key=lambda t: t.rank)
    seen_ranks = {}
    for tier in ordered:
        if tier.rank in seen_ranks:
            errors.append(
                _("%(a)s and %(b)s have the same rank %(rank)s.")
                % {"a": seen_ranks[tier.rank], "b": tier.name, "rank": tier.rank}
            )
        seen_ranks[tier.rank] = tier.name
    for lower, higher in zip(ordered, ordered[1:], strict=False):
        if lower.rank == higher.rank:
            continue
        low, high = _requirement_pairs(lower), _requirement_pairs(higher)
        for code, low_value in sorted(low.items()):
            high_value = high.get(code)
            values = {
                "higher": higher.name,
                "lower": lower.name,
                "requirement": _requirement_label(code),
                "low": _number(low_value),
                "high": _number(high_value) if high_value is not None else "",
            }
            if high_value is None:
                errors.append(
                    _(
                        "%(higher)s is easier than %(lower)s: %(lower)s requires %(requirement)s "
                        "(%(low)s) and %(higher)s does not. A higher tier must ask at least as much."
                    )
                    % values
                )
            elif high_value < low_value:
                errors.append(
                    _(
                        "%(higher)s is easier than %(lower)s: %(requirement)s %(high)s is below %(low)s. "
                        "A higher tier must ask at least as much."
                    )
                    % values
                )
        if low and low == high:
            errors.append(
                _(
                    "%(higher)s and %(lower)s have the same requirements: nobody could stay in %(lower)s. "
                    "Make %(higher)s ask more."
                )
                % {"higher": higher.name, "lower": lower.name}
            )
    return errors


def check_tiers(tiers: Iterable[TierRules]) -> None:
    errors = validate_tiers(tiers)
    if errors:
        raise ValidationError(errors, code="contradictory_tiers")


# --------------------------------------------------------------------------------------------------
# Rules in force and figures of every member, set-based
# --------------------------------------------------------------------------------------------------


class NoTiersError(ValidationError):
    pass


def rules_at(program, as_of: datetime.date) -> list[TierRules]:
    """The tier rules in force on ``as_of`` (before a tier's first version, its first rules apply)."""
    from .models import TierRuleVersion

    versions = {}
    for version in (
        TierRuleVersion.objects.filter(tier__program=program)
        .select_related("tier")
        .order_by("tier_id", "effective_from")
    ):
        current = versions.get(version.tier_id)
        if current is None or version.effective_from <= as_of:
            versions[version.tier_id] = version
    rules = [
        TierRules.from_requirements(
            name=v.tier.name, rank=v.tier.rank, id=v.tier_id, requirements=v.requirements, benefits=v.benefits
        )
        for v in versions.values()
    ]
    return sorted(rules, key=lambda t: t.rank)


def evaluation_window(program, as_of: datetime.date) -> tuple[datetime.date, datetime.date]:
    from .models import add_months

    return add_months(as_of, -program.evaluation_months) + datetime.timedelta(days=1), as_of


def collect_metrics(program, as_of: datetime.date, partnership_ids=None) -> dict[int, PartnerMetrics]:
    """Figures of every member of ``program`` (or of ``partnership_ids``), in five aggregate queries."""
    return collect_figures(program, as_of, partnership_ids)[0]


def collect_revenue(program, start, end, member_ids) -> tuple[dict, ConversionReport]:
    """Revenue of every member over the window in the programme's currency, set-based
    (``meute.money.exchange.converted_totals``): records in another currency converted in SQL with the
    rate in force on their period, those without a rate left out and counted.
    Per partnership: (total to the cent, records converted, records left out)."""
    from .models import RevenueRecord

    window = RevenueRecord.objects.filter(partnership_id__in=member_ids, period__gte=start, period__lte=end)
    totals, report = converted_totals(window, "partnership_id", program.currency)
    revenue = {pk: (t.rounded, t.converted, t.unconverted) for pk, t in totals.items()}
    return revenue, report


def collect_figures(
    program, as_of: datetime.date, partnership_ids=None
) -> tuple[dict[int, PartnerMetrics], ConversionReport]:
    """``collect_metrics`` with the report of the currency conversion of the revenue."""
    from meute.partnerships.choices import PartyRole
    from meute.partnerships.models import PartnershipParty

    from .models import CertifiedPerson, PartnerMetric, PartnerTier

    start, end = evaluation_window(program, as_of)
    members = PartnerTier.objects.filter(program=program)
    if partnership_ids is not None:
        members = members.filter(partnership_id__in=list(partnership_ids))
    member_ids = members.values("partnership_id")

    revenue, conversion = collect_revenue(program, start, end, member_ids)

    # Certified people of the partner side of each partnership, counted per role, valid on the date.
    seats = PartnershipParty.objects.filter(partnership_id__in=member_ids).exclude(role=PartyRole.OPERATOR)
    partnerships_of_org = {}
    for partnership_id, organization_id in seats.values_list("partnership_id", "organization_id"):
        partnerships_of_org.setdefault(organization_id, []).append(partnership_id)
    certified = {}
    counts = (
        CertifiedPerson.objects.valid_on(as_of)
        .filter(person__organization_id__in=seats.values("organization_id"), person__is_active=True)
        .order_by()
        .values("person__organization_id", "role")
        .annotate(n=Count("person_id", distinct=True))
        .values_list("person__organization_id", "role", "n")
    )
    for organization_id, role, n in counts:
        for partnership_id in partnerships_of_org.get(organization_id, ()):
            bucket = certified.setdefault(partnership_id, {})
            bucket[role] = bucket.get(role, 0) + n

    measured = {}
    rows = (
        PartnerMetric.objects.filter(partnership_id__in=member_ids, period__gte=start, period__lte=end)
        .order_by()
        .values("partnership_id", "metric")
        .annotate(total=Sum("value"), average=Avg("value"))
        .values_list("partnership_id", "metric", "total", "average")
    )
    for partnership_id, metric, total, average in rows:
        measured.setdefault(partnership_id, {})[metric] = (total, average)

    result = {}
    no_revenue = (ZERO.quantize(CENT), 0, 0)
    for partnership_id in members.values_list("partnership_id", flat=True):
        figures = measured.get(partnership_id, {})
        satisfaction = figures.get(SATISFACTION, (None, None))[1]
        total, converted, unconverted = revenue.get(partnership_id, no_revenue)
        result[partnership_id] = PartnerMetrics(
            revenue=total,
            converted=converted,
            unconverted=unconverted,
            certified=certified.get(partnership_id, {}),
            won_deals=int(figures.get(WON_DEALS, (ZERO, None))[0] or 0),
            satisfaction=None if satisfaction is None else Decimal(satisfaction).quantize(Decimal("0.1")),
            custom={
                code: total
                for code, (total, _avg) in figures.items()
                if code not in (WON_DEALS, SATISFACTION)
            },
        )
    return result, conversion


# --------------------------------------------------------------------------------------------------
# Proposals, grace period, approval
# --------------------------------------------------------------------------------------------------


@dataclass
class Outcome:
    member: object  # PartnerTier
    metrics: PartnerMetrics
    evaluation: Evaluation
    action: str  # promote, demote, grace_started, grace_running, grace_cleared, keep, pending
    change: object | None = None  # TierChange written (or that would be written)


@dataclass
class RunSummary:
    program: object
    as_of: datetime.date
    outcomes: list
    applied: bool
    conversion: ConversionReport | None = None

    def count(self, action: str) -> int:
        return sum(1 for o in self.outcomes if o.action == action)

    @property
    def proposals(self) -> list:
        return [o.change for o in self.outcomes if o.change is not None]


def _rules_json(rules) -> list:
    return [
        {
            "tier": r.name,
            "rank": r.rank,
            "min_revenue": None if r.min_revenue is None else str(r.min_revenue),
            "min_certified": dict(r.min_certified),
            "min_won_deals": r.min_won_deals,
            "min_satisfaction": None if r.min_satisfaction is None else str(r.min_satisfaction),
            "custom_thresholds": {k: str(v) for k, v in r.custom_thresholds.items()},
        }
        for r in rules
    ]


class EvidenceBuilder:
    """The evidence snapshot of each proposal of one run: what every snapshot shares (date, period,
    currency, rules in force) is built once."""

    def __init__(self, program, as_of, rules):
        start, end = evaluation_window(program, as_of)
        self.as_of = as_of.isoformat()
        self.period = [start.isoformat(), end.isoformat()]
        self.currency = program.currency
        self.rules = _rules_json(rules)

    def __call__(self, metrics: PartnerMetrics, evaluation: Evaluation) -> dict:
        return {
            "as_of": self.as_of,
            "period": list(self.period),
            "currency": self.currency,
            "metrics": metrics.as_json(),
            "rules": self.rules,
            **evaluation.as_json(),
        }


def evidence_for(program, as_of, metrics: PartnerMetrics, evaluation: Evaluation, rules) -> dict:
    return EvidenceBuilder(program, as_of, rules)(metrics, evaluation)


# What the evaluation reads and writes of each member (its partnership's name for summaries and audit).
_MEMBER_FIELDS = (
    "id",
    "partnership_id",
    "program_id",
    "tier_id",
    "valid_from",
    "valid_until",
    "grace_until",
    "last_evaluated",
    "partnership__id",
    "partnership__name",
)


def run_evaluation(program, as_of=None, *, write=True, actor=None, progress=None) -> RunSummary:
    """Evaluate every member of ``program``; with ``write``, record proposals and apply them when allowed.

    Promotions are proposed at once. A partner below its tier first gets a grace period
    (``program.demotion_grace_days``); a demotion is proposed only if the shortfall lasts past it.
    With ``program.auto_apply`` proposals are applied immediately, else they wait for approval.

    Set-based throughout: the figures come from a few aggregate queries, the new proposals (with their
    evidence snapshots) are written in one COPY stream on PostgreSQL with one audit entry each, member
    states in one UPDATE per distinct new state.
    """
    from meute.lib.bulk import cyclic_gc_paused

    with cyclic_gc_paused():
        return _run_evaluation(program, as_of, write=write, actor=actor, progress=progress)


def _run_evaluation(program, as_of, *, write, actor, progress) -> RunSummary:
    from meute.core.audit import log_bulk_create

    from .models import PartnerTier, TierChange

    as_of = as_of or timezone.localdate()
    rules = rules_at(program, as_of)
    if not rules:
        raise NoTiersError(
            _("The programme “%(program)s” has no tiers: there is nothing to evaluate against.")
            % {"program": program.name},
            code="no_tiers",
        )
    language = get_language()
    ranks = {r.id: r.rank for r in rules}
    metrics, conversion = collect_figures(program, as_of)
    members = list(
        PartnerTier.objects.filter(program=program)
        .select_related("partnership")
        .only(*_MEMBER_FIELDS)
        .order_by("pk")
    )
    open_changes = {
        c.partnership_id: c
        for c in TierChange.objects.filter(program=program, status=ChangeStatus.PROPOSED).defer(
            "evidence", "explanation"
        )
    }
    tiers_by_id = program.tiers.in_bulk()
    grace = datetime.timedelta(days=program.demotion_grace_days)
    # A report-only run (``write=False``) skips rendering the evidence and explanations nobody will store.
    evidence = EvidenceBuilder(program, as_of, rules) if write else None
    no_figures = PartnerMetrics()
    currency, months = program.currency, program.evaluation_months
    outcomes, new_changes, superseded, touched = [], [], [], []
    iterator = progress(members) if progress else members
    for member in iterator:
        before = _state(member)
        figures = metrics.get(member.partnership_id, no_figures)
        evaluation = evaluate(figures, rules, currency=currency, months=months)
        current_rank = ranks.get(member.tier_id, 0) if member.tier_id else 0
        target = evaluation.tier
        target_rank = target.rank if target else 0
        outcome = Outcome(member, figures, evaluation, "keep")
        kind = None
        if target_rank > current_rank:
            kind = ChangeKind.PROMOTION
            if member.grace_until:
                member.grace_until = None
        elif target_rank < current_rank:
            if member.grace_until is None and grace.days > 0:
                member.grace_until = as_of + grace
                outcome.action = "grace_started"
            elif member.grace_until is not None and as_of < member.grace_until:
                outcome.action = "grace_running"
            else:
                kind = ChangeKind.DEMOTION
        elif member.grace_until is not None:
            member.grace_until = None
            outcome.action = "grace_cleared"
        existing = open_changes.get(member.partnership_id)
        target_id = target.id if target else None
        if kind is None:
            if existing is not None:
                existing.status = ChangeStatus.SUPERSEDED
                superseded.append(existing)
            outcomes.append(outcome)
            if _state(member) != before:
                touched.append(member)
            continue
        if existing is not None and existing.to_tier_id == target_id:
            outcome.action, outcome.change = "pending", existing
            outcomes.append(outcome)
            if _state(member) != before:
                touched.append(member)
            continue
        if existing is not None:
            existing.status = ChangeStatus.SUPERSEDED
            superseded.append(existing)
        change = TierChange(
            partnership=member.partnership,
            program=program,
            from_tier=tiers_by_id.get(member.tier_id),
            to_tier=tiers_by_id.get(target_id),
            kind=kind,
            as_of=as_of,
            evidence=evidence(figures, evaluation) if write else {},
            explanation=evaluation.summary(language) if write else "",
        )
        outcome.action = "promote" if kind == ChangeKind.PROMOTION else "demote"
        outcome.change = change
        new_changes.append(change)
        outcomes.append(outcome)
        if program.auto_apply:
            _apply(change, member, program, as_of, status=ChangeStatus.AUTO_APPLIED, actor=None)
        if _state(member) != before:
            touched.append(member)
    summary = RunSummary(program, as_of, outcomes, applied=write, conversion=conversion)
    if not write:
        return summary
    now = timezone.now()
    with transaction.atomic():
        # Set-based writes: one UPDATE per distinct new state, not one per partner.
        for ids in _chunks([c.pk for c in superseded]):
            TierChange.objects.filter(pk__in=ids).update(status=ChangeStatus.SUPERSEDED, updated_at=now)
        if new_changes:
            _insert_changes(new_changes, now)
            # The audit entry records who created which change; the evidence and explanation stay on the
            # change itself (never edited afterwards), not copied into the trail.
            log_bulk_create(new_changes, actor=actor, exclude=("evidence", "explanation"))
        groups = {}
        for member in touched:
            groups.setdefault(_state(member), []).append(member.pk)
        for (tier_id, valid_from, valid_until, grace_until), pks in groups.items():
            for ids in _chunks(pks):
                PartnerTier.objects.filter(pk__in=ids).update(
                    tier_id=tier_id,
                    valid_from=valid_from,
                    valid_until=valid_until,
                    grace_until=grace_until,
                    updated_at=now,
                )
        PartnerTier.objects.filter(program=program).update(last_evaluated=as_of)
        notify_changes(program, new_changes)
    for member in members:
        member.last_evaluated = as_of
    return summary


# The columns of a new tier change, in the order ``_insert_changes`` writes them.
_CHANGE_COLUMNS = (
    "id",
    "uuid",
    "created_at",
    "updated_at",
    "partnership_id",
    "program_id",
    "from_tier_id",
    "to_tier_id",
    "kind",
    "status",
    "as_of",
    "evidence",
    "explanation",
    "decided_by_id",
    "decided_at",
    "decision_note",
)


def _insert_changes(changes, now) -> None:
    """Insert new tier changes (unsaved instances) and give them their keys: one COPY stream of text lines
    on PostgreSQL (``meute.lib.bulk.write_row_chunks``), the evidence serialised once, by the C JSON encoder.
    The rows are built chunk by chunk, so the server stores one chunk while the next is being built."""
    from meute.lib.bulk import connection_for, reserve_ids, write_row_chunks

    from .models import TierChange

    connection = connection_for(TierChange)
    decided_field = TierChange._meta.get_field("decided_at")
    now_db = TierChange._meta.get_field("created_at").get_db_prep_save(now, connection)
    dumps = json.dumps
    ids = reserve_ids(TierChange, len(changes))

    def row(change, pk):
        change.pk = pk
        change.created_at = change.updated_at = now
        values = change.__dict__
        decided_at = values["decided_at"]
        return (
            pk,
            change.uuid.hex,
            now_db,
            now_db,
            values["partnership_id"],
            values["program_id"],
            values["from_tier_id"],
            values["to_tier_id"],
            values["kind"],
            values["status"],
            values["as_of"].isoformat(),
            dumps(values["evidence"], ensure_ascii=False),
            values["explanation"],
            values["decided_by_id"],
            None if decided_at is None else decided_field.get_db_prep_save(decided_at, connection),
            values["decision_note"],
        )

    def row_chunks(size=_WRITE_CHUNK):
        pairs = list(zip(changes, ids, strict=True))
        for start in range(0, len(pairs), size):
            yield [row(change, pk) for change, pk in pairs[start : start + size]]

    write_row_chunks(TierChange, _CHANGE_COLUMNS, row_chunks())
    for change in changes:
        change._state.adding = False
        change._state.db = connection.alias


# Tier changes per chunk of the COPY stream: small enough for the server to start early, large enough
# that the queue between the two sides stays short.
_WRITE_CHUNK = 5_000


def _tier_name(tier) -> str:
    return tier.name if tier is not None else str(_("no tier"))


def notify_changes(program, changes) -> None:
    """Partners hear of the tier changes applied to them; reviewers of those waiting for approval."""
    from meute.notifications import notify

    applied = [c for c in changes if c.status in (ChangeStatus.AUTO_APPLIED, ChangeStatus.APPROVED)]
    users = notify.partnership_partner_users({c.partnership_id for c in applied}) if applied else {}
    notify.notify_each(
        (
            (
                users.get(change.partnership_id, []),
                _("Your tier in “%(program)s” is now %(tier)s")
                % {"program": program.name, "tier": _tier_name(change.to_tier)},
                change.explanation,
                change.get_absolute_url(),
            )
            for change in applied
        ),
        kind="tier_change",
    )
    proposed = sum(1 for c in changes if c.status == ChangeStatus.PROPOSED)
    if proposed:
        notify.notify(
            notify.staff_reviewers(),
            ngettext(
                "%(count)s tier change to review in “%(program)s”",
                "%(count)s tier changes to review in “%(program)s”",
                proposed,
            )
            % {"count": proposed, "program": program.name},
            url=program.get_absolute_url(),
            kind="tier_review",
        )


def _state(member) -> tuple:
    return (member.tier_id, member.valid_from, member.valid_until, member.grace_until)


def _chunks(values, size=2000):
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _apply(change, member, program, day, *, status, actor) -> None:
    """Give ``member`` the tier of ``change`` (in memory; callers save)."""
    member.tier_id = change.to_tier_id
    member.valid_from = day
    member.valid_until = (
        day + datetime.timedelta(days=program.tier_validity_days) if change.to_tier_id else None
    )
    member.grace_until = None
    change.status = status
    change.decided_at = timezone.now()
    change.decided_by = actor


def approve_change(change, user, note: str = ""):
    """Apply a proposed tier change after a person's approval."""
    return _decide(change, user, note, approve=True)


def reject_change(change, user, note: str = ""):
    """Refuse a proposed tier change: the partner keeps its tier (a grace period, if any, restarts)."""
    return _decide(change, user, note, approve=False)


def _decide(change, user, note, *, approve):
    from .models import PartnerTier, TierChange

    with transaction.atomic():
        change = TierChange.objects.select_for_update().select_related("program").get(pk=change.pk)
        if change.status != ChangeStatus.PROPOSED:
            raise ValidationError(
                _("This tier change was already decided (%(status)s).")
                % {"status": change.get_status_display()},
                code="already_decided",
            )
        member = PartnerTier.objects.select_for_update().get(
            partnership_id=change.partnership_id, program_id=change.program_id
        )
        change.decision_note = note
        if approve:
            _apply(
                change, member, change.program, timezone.localdate(), status=ChangeStatus.APPROVED, actor=user
            )
        else:
            change.status = ChangeStatus.REJECTED
            change.decided_at = timezone.now()
            change.decided_by = user
            if change.kind == ChangeKind.DEMOTION:
                member.grace_until = None
        member.save()
        change.save()
        if approve:
            notify_changes(change.program, [change])
    return change


def partner_progress(member, as_of=None, rules_on=None) -> Evaluation | None:
    """One member's evaluation now, for its page: current figures against the rules in force (or, with
    ``rules_on``, against the rules that will be in force on that date)."""
    as_of = as_of or timezone.localdate()
    rules = rules_at(member.program, rules_on or as_of)
    if not rules:
        return None
    figures = collect_metrics(member.program, as_of, partnership_ids=[member.partnership_id])
    metrics = figures.get(member.partnership_id, PartnerMetrics())
    return evaluate(metrics, rules, currency=member.program.currency, months=member.program.evaluation_months)


def program_tier_rules(program, replacing=None, removing=None) -> list[TierRules]:
    """The programme's current tier rules, with ``replacing`` (an unsaved or edited Tier) in place."""
    tiers = [
        t
        for t in program.tiers.all()
        if t.pk not in {getattr(replacing, "pk", None), getattr(removing, "pk", None)}
    ]
    rules = [TierRules.from_tier(t) for t in tiers]
    if replacing is not None:
        rules.append(TierRules.from_tier(replacing))
    return rules


# --------------------------------------------------------------------------------------------------
# What-if simulation
# --------------------------------------------------------------------------------------------------


@dataclass
class Move:
    partnership_id: int
    name: str
    before: str | None
    after: str | None
    direction: str  # up, down


@dataclass
class Simulation:
    evaluated: int
    moves: list
    margin_before: Decimal
    margin_after: Decimal
    mdf_before: Decimal
    mdf_after: Decimal

    @property
    def up(self) -> int:
        return sum(1 for m in self.moves if m.direction == "up")

    @property
    def down(self) -> int:
        return sum(1 for m in self.moves if m.direction == "down")

    @property
    def margin_delta(self) -> Decimal:
        return self.margin_after - self.margin_before

    @property
    def mdf_delta(self) -> Decimal:
        return self.mdf_after - self.mdf_before


def simulate(program, proposed: list[TierRules], as_of=None) -> Simulation:
    """Who would move up or down if ``proposed`` replaced the rules in force, and what it would cost in
    margin and MDF on the partners' revenue over the evaluation period. Nothing is written."""
    from .models import PartnerTier

    check_tiers(proposed)
    as_of = as_of or timezone.localdate()
    current = rules_at(program, as_of)
    metrics = collect_metrics(program, as_of)
    kwargs = {"currency": program.currency, "months": program.evaluation_months}
    moves = []
    totals = {"margin_before": ZERO, "margin_after": ZERO, "mdf_before": ZERO, "mdf_after": ZERO}
    members = PartnerTier.objects.filter(program=program).values_list("partnership_id", "partnership__name")
    count = 0
    for partnership_id, name in members.iterator(chunk_size=5000):
        count += 1
        figures = metrics.get(partnership_id, PartnerMetrics())
        before = evaluate(figures, current, **kwargs).tier if current else None
        after = evaluate(figures, proposed, **kwargs).tier
        for label, tier in (("before", before), ("after", after)):
            if tier is not None:
                totals[f"margin_{label}"] += figures.revenue * tier.margin_percent / 100
                totals[f"mdf_{label}"] += figures.revenue * tier.mdf_percent / 100
        rank_before, rank_after = (before.rank if before else 0), (after.rank if after else 0)
        if rank_before != rank_after:
            direction = "up" if rank_after > rank_before else "down"
            moves.append(
                Move(
                    partnership_id,
                    name,
                    before.name if before else None,
                    after.name if after else None,
                    direction,
                )
            )
    return Simulation(count, moves, **{k: v.quantize(CENT) for k, v in totals.items()})


def explain_evidence(evidence: dict) -> list[dict]:
    """The per-tier results kept in a tier change's evidence, with their explanations in the active
    language (evidence keeps data, not sentences)."""
    currency = evidence.get("currency", "EUR")
    converted = bool((evidence.get("metrics") or {}).get("converted_records"))
    period = evidence.get("period") or []
    months = 12
    if len(period) == 2:
        start, end = (datetime.date.fromisoformat(d) for d in period)
        months = max(1, round((end - start).days / 30.44))
    checks = []
    for tier in evidence.get("tiers", []):
        results = []
        for item in tier.get("requirements", []):
            code = item["code"]
            required, actual = item.get("required"), item.get("actual")
            if code in ("revenue", "satisfaction") or code.startswith("metric:"):
                required = None if required is None else Decimal(str(required))
                actual = None if actual is None else Decimal(str(actual))
            context = (tier["tier"], currency, months, converted)
            result = RequirementResult(code, required, actual, item["met"], context)
            results.append({"met": result.met, "message": result.message})
        checks.append({"tier": tier["tier"], "met": tier.get("met"), "results": results})
    return checks
