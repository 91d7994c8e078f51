"""The tier engine: which tier a partner's figures earn, why, and what is missing for the next one.

``evaluate(metrics, tiers)`` is a pure function: one partner's figures against the tier rules give the
eligible tier and, for every tier, every requirement with a human explanation ("Gold needs 3 certified
sales people: you have 2"). ``validate_tiers`` refuses contradictory rules. Collecting the figures of a
whole programme and recording the outcome is ``meute.programs.evaluation``.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.formats import get_format
from django.utils.translation import get_language, gettext, gettext_lazy, override

from meute.money.currencies import symbol

from .choices import CertifiedRole

_TRANSLATED: dict = {}


def _(text: str, language: str | None = None) -> str:
    """``gettext`` remembered per language: batch evaluation renders the same sentences many times.

    ``language`` (default: the active one) is the language to write in: a caller that already has it saves
    looking it up, which costs more than the rest when 100,000 explanations are rendered, and a message
    for someone else (a partner reading French while staff work in English) is written in theirs."""
    key = (language or get_language(), text)
    found = _TRANSLATED.get(key)
    if found is None:
        with override(key[0]):
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
        """Every requirement of every tier, explained in ``language`` (default: the active one)."""
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
        with override(key[0]):
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
    """The human explanation of one requirement result, in ``language`` (default: the active one)."""
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


# Benefits a higher tier is expected to grant at least as much of. Deal protection 0 means "the default
# protection", so it is compared only between tiers that both set one.
_BENEFIT_LABELS = {
    "margin_percent": gettext_lazy("margin (%)"),
    "mdf_percent": gettext_lazy("MDF share (%)"),
    "protection_days": gettext_lazy("deal protection (days)"),
    "lead_weight": gettext_lazy("lead distribution weight"),
    "locator_listing": gettext_lazy("listing in the partner locator"),
}


@dataclass(frozen=True)
class BenefitWarning:
    lower: str
    higher: str
    benefit: str
    message: str

    def __str__(self):
        return self.message


def falling_benefits(tiers: Iterable) -> list[BenefitWarning]:
    """Warnings for every benefit a higher tier grants less of than the tier just below it.

    ``tiers``: (name, rank, benefits) with ``benefits`` as ``Tier.benefits()`` gives them. Benefits that
    fall as the tier rises are allowed (an operator may trade a smaller margin for more MDF, say) but rarely
    meant: pages and the API show these warnings; requirements that fall are refused (``validate_tiers``).
    """
    ordered = sorted(tiers, key=lambda t: t[1])
    warnings = []
    for (low_name, low_rank, low), (high_name, high_rank, high) in zip(ordered, ordered[1:], strict=False):
        if low_rank == high_rank:
            continue
        for code, label in _BENEFIT_LABELS.items():
            low_value, high_value = low.get(code), high.get(code)
            if code == "locator_listing":
                low_value, high_value = bool(low_value), bool(high_value)
            else:
                low_value, high_value = Decimal(str(low_value or 0)), Decimal(str(high_value or 0))
                if code == "protection_days" and not (low_value and high_value):
                    continue
            if high_value < low_value:
                values = {"higher": high_name, "lower": low_name, "benefit": label}
                if code == "locator_listing":
                    message = (
                        _(
                            "%(higher)s grants less than %(lower)s: %(lower)s is listed in the partner "
                            "locator and %(higher)s is not."
                        )
                        % values
                    )
                else:
                    values.update(high=_number(high_value), low=_number(low_value))
                    message = (
                        _("%(higher)s grants less than %(lower)s: %(benefit)s %(high)s is below %(low)s.")
                        % values
                    )
                warnings.append(BenefitWarning(low_name, high_name, code, message))
    return warnings


def check_tiers(tiers: Iterable[TierRules]) -> None:
    errors = validate_tiers(tiers)
    if errors:
        raise ValidationError(errors, code="contradictory_tiers")


# --------------------------------------------------------------------------------------------------
# Rules in force and figures of every member, set-based
# --------------------------------------------------------------------------------------------------


# --------------------------------------------------------------------------------------------------
# Proposals, grace period, approval
# --------------------------------------------------------------------------------------------------


# --------------------------------------------------------------------------------------------------
# What-if simulation
# --------------------------------------------------------------------------------------------------
