"""The remuneration engine: who earns what on a won deal, under one version of a partnership's rules.

Pure functions over plain data (no database): the deal's amount and margin, its members with their roles,
involvement, shares and sales-cycle steps, and the rule version in force on the deal's date. Money is
``Decimal``; every total is rounded once, half up to the cent, and divided with a largest-remainder
allocation, so the members' shares always add up exactly to the fee, share or pool they come from.

Rule kinds (seed "Réussir Ensemble"):

- ``referral_fee``: a percentage of the deal amount or margin, within the partnership's allowed range
  (5–20 % by default), paid to the member(s) with the referrer role;
- ``revenue_share``: a percentage of the amount or margin, paid to the members having a given role
  (shared equally when several have it);
- ``fixed_amount``: a fixed sum paid to the members having a given role (shared equally);
- ``role_split``: a percentage of the amount or margin split by sales-cycle step (e.g. prospection 20 %,
  proposal 30 %, closing 50 %), each step's part going to the members assigned to it (equally), or to
  every member when nobody is assigned to that step;
- ``commission_pool``: for deals involving more than two members, a percentage of the amount or margin
  shared by weighted involvement. When a pool applies it replaces the role split of the same version
  (team selling is paid as a team).
"""

import functools
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils import formats
from django.utils.translation import gettext as _

from meute.remuneration.choices import Basis, RuleKind, SalesStep, WeightSource

CENT = Decimal("0.01")
HUNDRED = Decimal(100)
ZERO = Decimal(0)
DEFAULT_REFERRAL_MIN = Decimal("5.00")
DEFAULT_REFERRAL_MAX = Decimal("20.00")
POOL_MIN_MEMBERS = 3  # "more than two members"
REFERRER_ROLE = "referrer"


# Involvement levels of a partnership seat, as pool weights.
INVOLVEMENT_WEIGHTS = {"occasional": 1, "regular": 2, "committed": 3, "integrated": 4}

# Kinds that name the deal role they pay; the others pay fixed roles (referrer) or every member.
ROLE_KINDS = (RuleKind.REVENUE_SHARE, RuleKind.FIXED_AMOUNT)


class RemunerationError(ValueError):
    """Rules that cannot be applied as given; ``messages`` lists every problem found."""

    def __init__(self, messages):
        self.messages = list(messages)
        super().__init__(" ".join(self.messages))


@dataclass(frozen=True)
class Member:
    """One organisation on a deal. ``key`` identifies it (an organisation id for the caller)."""

    key: object
    role: str = ""
    involvement: str = "regular"
    share: Decimal | None = None
    steps: tuple = ()


@dataclass(frozen=True)
class Rule:
    kind: str
    basis: str = Basis.AMOUNT
    rate: Decimal | None = None  # percent
    fixed_amount: Decimal | None = None
    party_role: str = ""
    steps: tuple = ()  # ((step, percent), ...)
    weight_source: str = WeightSource.INVOLVEMENT
    weights: tuple = ()  # ((member key, weight), ...)
    key: object = None


@dataclass(frozen=True)
class RuleVersion:
    valid_from: date
    rules: tuple = ()
    referral_min: Decimal = DEFAULT_REFERRAL_MIN
    referral_max: Decimal = DEFAULT_REFERRAL_MAX
    key: object = None


@dataclass(frozen=True)
class Deal:
    amount: Decimal
    members: tuple
    margin: Decimal | None = None
    deal_date: date | None = None


@dataclass
class MemberPayout:
    """A member's payout on one deal: the amount and its components (dicts, see ``describe``)."""

    member: object
    amount: Decimal = ZERO
    components: list = field(default_factory=list)


@dataclass
class DealResult:
    payouts: list  # MemberPayout, in the deal's member order
    warnings: list = field(default_factory=list)

    @property
    def total(self) -> Decimal:
        return sum((p.amount for p in self.payouts), ZERO)


def to_decimal(value, *, label="") -> Decimal:
    try:
        result = value if isinstance(value, Decimal) else Decimal(str(value).strip().replace(",", "."))
    except (InvalidOperation, ValueError) as exc:
        raise RemunerationError([_("“%(value)s” is not a number.") % {"value": value}]) from exc
    if not result.is_finite():
        raise RemunerationError([_("“%(value)s” is not a number.") % {"value": value}])
    return result


def round_cents(value: Decimal) -> Decimal:
    """Half up to the cent: 0.005 → 0.01."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def percent_of(base: Decimal, rate: Decimal) -> Decimal:
    return from_cents(percent_cents(to_cents(base), rate))


def int_weights(weights: Sequence) -> list[int]:
    """Non-negative decimal weights as integers in the same proportions (scaled by a power of ten)."""
    decimals = [w if isinstance(w, Decimal) else Decimal(str(w)) for w in weights]
    if any(w < 0 for w in decimals):
        raise RemunerationError([_("A weight cannot be negative.")])
    places = max((-w.as_tuple().exponent for w in decimals if w.as_tuple().exponent < 0), default=0)
    scale = 10 ** min(places, 12)
    return [int((w * scale).to_integral_value(rounding=ROUND_DOWN)) for w in decimals]


def allocate_cents(total: int, weights: Sequence[int]) -> list[int]:
    """Divide ``total`` cents in proportion to integer ``weights``: the parts add up to ``total`` exactly.

    Largest remainder: each part is first rounded down, then the cents left over go one by one to the
    parts with the largest remainders (ties: the earlier part first, so results are deterministic).
    All-zero weights share equally.
    """
    count = len(weights)
    if count == 0:
        return []
    weight_sum = sum(weights)
    if weight_sum == 0:
        weights, weight_sum = [1] * count, count
    if count == 1:
        return [total]
    parts = [total * w // weight_sum for w in weights]
    left = total - sum(parts)
    if left:
        remainders = [total * w % weight_sum for w in weights]
        for i in sorted(range(count), key=lambda i: (-remainders[i], i))[:left]:
            parts[i] += 1
    return parts


def to_cents(value: Decimal) -> int:
    return int(round_cents(value) * 100)


def from_cents(cents: int) -> Decimal:
    return Decimal(cents).scaleb(-2)


def cents_text(cents: int) -> str:
    if cents < 0:
        return "-" + cents_text(-cents)
    return f"{cents // 100}.{cents % 100:02d}"


def allocate(total: Decimal, weights: Sequence) -> list[Decimal]:
    """``allocate_cents`` for a ``Decimal`` total (rounded half up to the cent) and decimal weights."""
    cents = to_cents(Decimal(total))
    sign = -1 if cents < 0 else 1
    return [from_cents(sign * part) for part in allocate_cents(abs(cents), int_weights(weights))]


def percent_cents(base_cents: int, rate: Decimal) -> int:
    """``rate`` % of ``base_cents``, rounded half up to the cent, in integer arithmetic."""
    numerator, denominator = rate.as_integer_ratio()
    divisor = 100 * denominator
    return (2 * base_cents * numerator + divisor) // (2 * divisor)


def version_in_force(versions: Sequence[RuleVersion], on: date) -> RuleVersion | None:
    """The version whose period contains ``on``: the latest one starting on or before it."""
    found = None
    for version in versions:
        if version.valid_from <= on and (found is None or version.valid_from > found.valid_from):
            found = version
    return found


def check_versions(versions: Sequence[RuleVersion]) -> None:
    """Refuse two versions of the same rules starting on the same day (which one would be in force?)."""
    seen = set()
    for version in versions:
        if version.valid_from in seen:
            raise RemunerationError(
                [
                    _("Two rule versions start on %(date)s: the rules in force would be ambiguous.")
                    % {"date": version.valid_from.isoformat()}
                ]
            )
        seen.add(version.valid_from)


def rule_errors(
    rule: Rule, referral_min=DEFAULT_REFERRAL_MIN, referral_max=DEFAULT_REFERRAL_MAX
) -> list[str]:
    """What is wrong with one rule (an empty list when it is valid)."""
    errors = []
    label = RuleKind(rule.kind).label if rule.kind in RuleKind.values else rule.kind
    if rule.kind not in RuleKind.values:
        return [_("Unknown rule kind “%(kind)s”.") % {"kind": rule.kind}]
    if rule.basis not in Basis.values:
        errors.append(_("Unknown basis “%(basis)s”.") % {"basis": rule.basis})
    if rule.kind == RuleKind.FIXED_AMOUNT:
        if rule.fixed_amount is None:
            errors.append(_("%(rule)s: the amount is required.") % {"rule": label})
        elif rule.fixed_amount <= 0:
            errors.append(_("%(rule)s: the amount must be greater than zero.") % {"rule": label})
        elif rule.fixed_amount != round_cents(rule.fixed_amount):
            errors.append(_("%(rule)s: the amount has at most two decimals.") % {"rule": label})
    else:
        if rule.rate is None:
            errors.append(_("%(rule)s: the percentage is required.") % {"rule": label})
        elif rule.rate <= 0 or rule.rate > HUNDRED:
            errors.append(_("%(rule)s: the percentage must be above 0 and at most 100.") % {"rule": label})
        elif rule.kind == RuleKind.REFERRAL_FEE and not (referral_min <= rule.rate <= referral_max):
            errors.append(
                _("Referral fee of %(rate)s %% is outside the allowed range %(min)s–%(max)s %%.")
                % {"rate": number(rule.rate), "min": number(referral_min), "max": number(referral_max)}
            )
    if rule.kind in ROLE_KINDS and not rule.party_role:
        errors.append(_("%(rule)s: say which deal role it pays.") % {"rule": label})
    if rule.kind == RuleKind.ROLE_SPLIT:
        if not rule.steps:
            errors.append(_("%(rule)s: give the share of each sales-cycle step.") % {"rule": label})
        else:
            names = [step for step, _percent in rule.steps]
            unknown = [s for s in names if s not in SalesStep.values]
            if unknown:
                errors.append(_("Unknown sales-cycle step “%(step)s”.") % {"step": unknown[0]})
            if len(set(names)) != len(names):
                errors.append(_("%(rule)s: a step is listed twice.") % {"rule": label})
            if any(percent < 0 for _step, percent in rule.steps):
                errors.append(_("%(rule)s: a step's share cannot be negative.") % {"rule": label})
            total = sum((percent for _step, percent in rule.steps), ZERO)
            if total != HUNDRED:
                errors.append(
                    _("%(rule)s: the steps' shares add up to %(total)s %%, not 100 %%.")
                    % {"rule": label, "total": total}
                )
    if rule.kind == RuleKind.COMMISSION_POOL:
        if rule.weight_source not in WeightSource.values:
            errors.append(_("Unknown weight source “%(source)s”.") % {"source": rule.weight_source})
        if rule.weight_source == WeightSource.EXPLICIT:
            if not rule.weights:
                errors.append(_("%(rule)s: give the members' weights.") % {"rule": label})
            elif any(weight < 0 for _key, weight in rule.weights):
                errors.append(_("A weight cannot be negative."))
            elif sum((weight for _key, weight in rule.weights), ZERO) <= 0:
                errors.append(_("%(rule)s: the weights add up to zero.") % {"rule": label})
    return errors


def rule_slot(rule: Rule) -> tuple:
    """Two rules in the same slot would pay the same thing twice: a version has one rule per slot."""
    return (rule.kind, rule.party_role if rule.kind in ROLE_KINDS else "")


def version_errors(version: RuleVersion) -> list[str]:
    errors = []
    rmin, rmax = version.referral_min, version.referral_max
    if rmin is None or rmax is None or rmin < 0 or rmax > HUNDRED or rmin > rmax:
        errors.append(
            _("The allowed referral range must go from a lower to a higher percentage within 0–100.")
        )
        rmin, rmax = DEFAULT_REFERRAL_MIN, DEFAULT_REFERRAL_MAX
    slots = {}
    for rule in version.rules:
        errors.extend(rule_errors(rule, rmin, rmax))
        slot = rule_slot(rule)
        if slot in slots:
            label = RuleKind(rule.kind).label if rule.kind in RuleKind.values else rule.kind
            if rule.kind in ROLE_KINDS:
                errors.append(
                    _("Two “%(rule)s” rules pay the same role “%(role)s”: keep one.")
                    % {"rule": label, "role": rule.party_role}
                )
            else:
                errors.append(_("Two “%(rule)s” rules in the same version: keep one.") % {"rule": label})
        slots[slot] = rule
    return errors


def validate_version(version: RuleVersion) -> None:
    errors = version_errors(version)
    if errors:
        raise RemunerationError(errors)


def _json_text(value) -> str:
    return json.dumps(str(value), ensure_ascii=False)


def _prefix(kind, **static) -> str:
    """The constant part of a component's JSON text; the amounts are appended when a deal is applied."""
    return _cached_prefix(kind, tuple(static.items()))


@functools.lru_cache(maxsize=100_000)
def _cached_prefix(kind, items) -> str:
    parts = [f'"kind": {_json_text(kind)}']
    parts += [f"{json.dumps(k)}: {_json_text(v)}" for k, v in items if v not in ("", None)]
    return "{" + ", ".join(parts)


def _pool_weights(rule: Rule, members) -> list[Decimal]:
    if rule.weight_source == WeightSource.DEAL_SHARE:
        return [member.share or ZERO for member in members]
    if rule.weight_source == WeightSource.EXPLICIT:
        explicit = dict(rule.weights)
        return [Decimal(explicit.get(member.key, ZERO)) for member in members]
    return [Decimal(INVOLVEMENT_WEIGHTS.get(member.involvement, 1)) for member in members]


def _equal_group(indexes, prefix_for):
    label = f"1/{len(indexes)}" if len(indexes) > 1 else ""
    return (1, tuple(indexes), tuple([1] * len(indexes)), tuple(prefix_for(label) for _i in indexes))


def _rate(rate: Decimal) -> tuple:
    """A percentage as (numerator, divisor) of a fraction: x % of b cents is b * numerator / divisor."""
    numerator, denominator = rate.as_integer_ratio()
    return numerator, 100 * denominator


def compile_plan(version: RuleVersion, members: Sequence[Member]) -> tuple:
    """What ``version`` pays to these ``members`` on any deal, ready to apply to amounts.

    A plan is a tuple of items ``(kind, basis, rate, fixed cents, groups)``; the item's total is divided
    among its groups by group weight (the steps of a role split; one group otherwise), then each group's
    part among its recipients by weight. Deals with the same members and rules share one plan.
    """
    members = list(members)
    pool_applies = len(members) >= POOL_MIN_MEMBERS and any(
        rule.kind == RuleKind.COMMISSION_POOL for rule in version.rules
    )
    items = []
    for rule in version.rules:
        kind = rule.kind
        if kind == RuleKind.ROLE_SPLIT and pool_applies:
            continue  # the pool pays the team
        if kind == RuleKind.COMMISSION_POOL and not pool_applies:
            continue
        if kind == RuleKind.FIXED_AMOUNT:
            paid = [i for i, m in enumerate(members) if m.role == rule.party_role]
            if paid:
                group = _equal_group(paid, lambda label, k=kind: _prefix(k, weight=label))
                items.append((kind, None, None, to_cents(rule.fixed_amount), (group,)))
            continue
        static = {"basis": rule.basis, "rate": rule.rate}
        if kind in (RuleKind.REFERRAL_FEE, RuleKind.REVENUE_SHARE):
            role = REFERRER_ROLE if kind == RuleKind.REFERRAL_FEE else rule.party_role
            paid = [i for i, m in enumerate(members) if m.role == role]
            if paid:
                group = _equal_group(paid, lambda label, k=kind, st=static: _prefix(k, weight=label, **st))
                items.append((kind, rule.basis, _rate(rule.rate), None, (group,)))
        elif kind == RuleKind.COMMISSION_POOL:
            weights = int_weights(_pool_weights(rule, members))
            weight_sum = sum(weights)
            prefixes = tuple(
                _prefix(
                    kind,
                    weight=f"{w}/{weight_sum}" if weight_sum else "",
                    note="" if weight_sum else "equal",
                    **static,
                )
                for w in weights
            )
            group = (1, tuple(range(len(members))), tuple(weights), prefixes)
            items.append((kind, rule.basis, _rate(rule.rate), None, (group,)))
        elif kind == RuleKind.ROLE_SPLIT:
            step_weights = int_weights([percent for _step, percent in rule.steps])
            groups = []
            for (step, percent), step_weight in zip(rule.steps, step_weights, strict=True):
                assigned = [i for i, m in enumerate(members) if step in m.steps]
                note = ""
                if not assigned:
                    assigned, note = list(range(len(members))), "unassigned"
                _w, indexes, weights, prefixes = _equal_group(
                    assigned,
                    lambda label, st=step, pc=percent, nt=note, sv=static: _prefix(
                        RuleKind.ROLE_SPLIT, step=st, part=pc, weight=label, note=nt, **sv
                    ),
                )
                groups.append((step_weight, indexes, weights, prefixes))
            items.append((kind, rule.basis, _rate(rule.rate), None, tuple(groups)))
    return tuple(items)


def apply_plan(plan: tuple, amount_cents: int, margin_cents: int | None, count: int):
    """Apply a plan to one deal: per member index ``[cents, [component JSON texts]]`` and warnings.

    Amounts are not negative here (``compute_deal`` and the database refuse negative amounts).
    """
    result = [None] * count
    warnings = []
    for kind, basis, rate, fixed, groups in plan:
        if fixed is not None:
            total, base_text = fixed, ""
        else:
            base = margin_cents if basis == "margin" else amount_cents
            if base is None:
                warnings.append(kind)
                continue
            numerator, divisor = rate
            total = (2 * base * numerator + divisor) // (2 * divisor)
            base_text = f', "base": "{base // 100}.{base % 100:02d}"'
        group_totals = (total,) if len(groups) == 1 else allocate_cents(total, [g[0] for g in groups])
        for (_w, indexes, weights, prefixes), group_total in zip(groups, group_totals):  # noqa: B905
            parts = (group_total,) if len(indexes) == 1 else allocate_cents(group_total, weights)
            tail = f'{base_text}, "total": "{group_total // 100}.{group_total % 100:02d}", "amount": "'
            for index, prefix, part in zip(indexes, prefixes, parts):  # noqa: B905
                entry = result[index]
                if entry is None:
                    entry = result[index] = [0, []]
                entry[0] += part
                entry[1].append(f'{prefix}{tail}{part // 100}.{part % 100:02d}"}}')
    return result, warnings


def plan_amounts(plan: tuple, amount_cents: int, margin_cents: int | None, count: int):
    """``apply_plan`` without the explanations: per member index its cents (or None), and the warnings.

    The payout run calls this for every deal; the explanation of a payout is worked out again by
    ``apply_plan`` when it is shown or settled. Both divide in exactly the same way.
    """
    result = [None] * count
    warnings = []
    for kind, basis, rate, fixed, groups in plan:
        if fixed is not None:
            total = fixed
        else:
            base = margin_cents if basis == "margin" else amount_cents
            if base is None:
                warnings.append(kind)
                continue
            numerator, divisor = rate
            total = (2 * base * numerator + divisor) // (2 * divisor)
        group_totals = (total,) if len(groups) == 1 else allocate_cents(total, [g[0] for g in groups])
        for (_w, indexes, weights, _prefixes), group_total in zip(groups, group_totals):  # noqa: B905
            if len(indexes) == 1:
                index = indexes[0]
                result[index] = group_total if result[index] is None else result[index] + group_total
                continue
            for index, part in zip(indexes, allocate_cents(group_total, weights)):  # noqa: B905
                result[index] = part if result[index] is None else result[index] + part
    return result, warnings


def margin_warning(kind) -> str:
    return _("No margin recorded on the deal: the “%(rule)s” rule on margin was not applied.") % {
        "rule": RuleKind(kind).label
    }


def compute_deal(deal: Deal, version: RuleVersion) -> DealResult:
    """Each member's payout on ``deal`` under ``version`` (which the caller chose with ``version_in_force``).

    Rules whose basis is missing (no margin on the deal) are skipped with a warning. Negative amounts are
    refused.
    """
    if deal.amount is None or deal.amount < 0:
        raise RemunerationError([_("The deal amount cannot be negative.")])
    if deal.margin is not None and deal.margin < 0:
        raise RemunerationError([_("The deal margin cannot be negative.")])
    members = list(deal.members)
    plan = compile_plan(version, members)
    margin = None if deal.margin is None else to_cents(deal.margin)
    shares, warnings = apply_plan(plan, to_cents(deal.amount), margin, len(members))
    payouts = [
        MemberPayout(member=m.key, amount=from_cents(share[0]), components=[json.loads(t) for t in share[1]])
        for m, share in zip(members, shares, strict=True)
        if share is not None
    ]
    return DealResult(payouts=payouts, warnings=[margin_warning(kind) for kind in warnings])


def number(value, places=None) -> str:
    """A rate or an amount as the reader writes numbers (12 441,00 in French), trailing zeros of a rate
    dropped (8.00 → 8); text that is not a number is given back as it is."""
    try:
        value = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    if places is None:
        value = value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize()
    return formats.number_format(value, places, use_l10n=True, force_grouping=True)


def describe(component: dict) -> str:
    """One component of a payout, in words (the current language), from its stored form (``as_dict``)."""
    kind = component.get("kind", "")
    label = str(RuleKind(kind).label) if kind in RuleKind.values else kind
    values = {
        "rule": label,
        "amount": number(component.get("amount", ""), 2),
        "rate": number(component.get("rate", "")),
        "base": number(component.get("base", ""), 2),
        "basis": str(Basis(component["basis"]).label).lower()
        if component.get("basis") in Basis.values
        else "",
        "total": number(component.get("total", ""), 2),
        "weight": component.get("weight", ""),
        "part": number(component.get("part", "")),
        "step": str(SalesStep(component["step"]).label) if component.get("step") in SalesStep.values else "",
    }
    if kind == RuleKind.FIXED_AMOUNT:
        text = _("%(rule)s: %(total)s") % values
    elif kind == RuleKind.ROLE_SPLIT:
        text = (
            _("%(rule)s, step %(step)s: %(part)s %% of %(rate)s %% of the %(basis)s %(base)s = %(total)s")
            % values
        )
    else:
        text = _("%(rule)s: %(rate)s %% of the %(basis)s %(base)s = %(total)s") % values
    if component.get("weight"):
        text += " " + _("× share %(weight)s") % values
    if component.get("note") == "unassigned":
        text += " " + _("(nobody assigned to this step: shared by all members)")
    elif component.get("note") == "equal":
        text += " " + _("(no weights: shared equally)")
    return f"{text} → {values['amount']}"
