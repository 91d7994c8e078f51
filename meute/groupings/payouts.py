"""Payouts: rule versions, computing payouts of won deals, statuses, statements and the accounting export.

Computing is set-based so that a year of a large network runs in one pass: won deals are read in chunks of
plain values (keyset pagination on the primary key), with their parties, step assignments and existing
payouts in one query each per chunk (by key range); the engine (``meute.groupings.remuneration``) computes
one plan per distinct rule set and team and applies it to each deal in integer cents; new rows go in as one
COPY stream per chunk on PostgreSQL, fed while the chunk is computed (``PayoutWriter``), through
``meute.lib.bulk.insert_rows`` elsewhere. The CLI, the UI, the API and the benchmark all call
``compute_payouts``.

A computed payout is provisional, so only its amount is stored: its explanation (which rule gave what, on
which base, with which share) is worked out again from its deal and rule version when it is shown
(``attach_explanations``), and stored with it when it is approved or put on hold, so that a settled payout
keeps the explanation of the amount it was settled at.

Recomputing is idempotent: unchanged payouts are left alone, changed computed payouts are updated, and
approved, paid or held payouts are never touched. Each deal uses the rule version in force on its date (the
day it was won), so recomputing a past period after the rules changed gives the same amounts.
"""

import contextlib
import csv
import datetime
import itertools
import json
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from operator import itemgetter

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _

from meute.core.models import Organization
from meute.deals.choices import DealStage
from meute.deals.models import DealParty, DealRegistration
from meute.lib.bulk import chunks, connection_for, indexes_built_after, insert_rows, new_uuid_texts
from meute.partnerships.models import PartnershipParty

from . import groupings
from . import remuneration as engine
from .models import DealStepAssignment, Payout, PayoutStatus, RemunerationRule, RemunerationVersion

CHUNK_SIZE = 5000
MAX_WARNINGS = 20


# --- Periods -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    label: str
    start: datetime.date
    end: datetime.date  # exclusive

    def bounds(self):
        """The period as aware datetimes in the current time zone, for ``closed_at``."""
        tz = timezone.get_current_timezone()
        return (
            datetime.datetime.combine(self.start, datetime.time.min, tzinfo=tz),
            datetime.datetime.combine(self.end, datetime.time.min, tzinfo=tz),
        )

    def __str__(self):
        return self.label


_PERIOD = re.compile(r"^(?P<year>\d{4})(?:-(?:Q(?P<quarter>[1-4])|(?P<month>\d{2})))?$")


def parse_period(text) -> Period:
    """“2027” (a year), “2027-Q1” (a quarter) or “2027-03” (a month); anything else is refused."""
    text = (text or "").strip().upper()
    match = _PERIOD.match(text)
    month = int(match["month"]) if match and match["month"] else None
    if not match or (month is not None and not 1 <= month <= 12) or int(match["year"]) < 1900:
        raise ValidationError(
            _("“%(period)s” is not a period: write a year (2027), a quarter (2027-Q1) or a month (2027-03).")
            % {"period": text},
            code="bad_period",
        )
    year = int(match["year"])
    if match["quarter"]:
        first = (int(match["quarter"]) - 1) * 3 + 1
        start, months = datetime.date(year, first, 1), 3
    elif month:
        start, months = datetime.date(year, month, 1), 1
    else:
        start, months = datetime.date(year, 1, 1), 12
    end_month = start.month - 1 + months
    end = datetime.date(year + end_month // 12, end_month % 12 + 1, 1)
    return Period(text, start, end)


def current_period() -> Period:
    today = timezone.localdate()
    return parse_period(f"{today.year}-Q{(today.month - 1) // 3 + 1}")


# --- Rights --------------------------------------------------------------------------------------------


def can_manage_rules(user, partnership) -> bool:
    """Editors of the operator, and the coordinator of a grouping, set the partnership's rules."""
    return groupings.can_steer(user, partnership)


def can_change_status(user) -> bool:
    """Payouts move money: only the operator's editors approve, pay or hold them."""
    return bool(user and user.is_authenticated and user.is_active and user.can_edit_all)


# --- Rule versions -------------------------------------------------------------------------------------


def _decimal_or_none(value):
    if value is None or value == "":
        return None
    return engine.to_decimal(value)


def engine_rule(data: dict, key=None, weight_keys=None) -> engine.Rule:
    """A rule as the engine takes it, from a dict of the stored or submitted form."""
    steps = tuple((s["step"], engine.to_decimal(s["percent"])) for s in data.get("steps") or [])
    weights = data.get("weights") or {}
    if weight_keys is not None:
        weights = {weight_keys[k]: v for k, v in weights.items() if k in weight_keys}
    return engine.Rule(
        kind=data.get("kind", ""),
        basis=data.get("basis") or engine.Basis.AMOUNT,
        rate=_decimal_or_none(data.get("rate")),
        fixed_amount=_decimal_or_none(data.get("fixed_amount")),
        party_role=data.get("party_role") or "",
        steps=steps,
        weight_source=data.get("weight_source") or engine.WeightSource.INVOLVEMENT,
        weights=tuple((k, engine.to_decimal(v)) for k, v in weights.items()),
        key=key,
    )


def rule_data(rule: RemunerationRule) -> dict:
    return {
        "kind": rule.kind,
        "basis": rule.basis,
        "rate": rule.rate,
        "fixed_amount": rule.fixed_amount,
        "party_role": rule.party_role,
        "steps": rule.steps,
        "weight_source": rule.weight_source,
        "weights": rule.weights,
    }


def _normalise_rule(data: dict) -> dict:
    rate = _decimal_or_none(data.get("rate"))
    fixed = _decimal_or_none(data.get("fixed_amount"))
    kind = data.get("kind", "")
    return {
        "kind": kind,
        "basis": data.get("basis") or engine.Basis.AMOUNT,
        "rate": None if kind == engine.RuleKind.FIXED_AMOUNT else rate,
        "fixed_amount": fixed if kind == engine.RuleKind.FIXED_AMOUNT else None,
        "party_role": (data.get("party_role") or "") if kind in engine.ROLE_KINDS else "",
        "steps": [
            {"step": s["step"], "percent": str(engine.to_decimal(s["percent"]))}
            for s in data.get("steps") or []
        ]
        if kind == engine.RuleKind.ROLE_SPLIT
        else [],
        "weight_source": (data.get("weight_source") or engine.WeightSource.INVOLVEMENT)
        if kind == engine.RuleKind.COMMISSION_POOL
        else engine.WeightSource.INVOLVEMENT,
        "weights": {str(k): str(engine.to_decimal(v)) for k, v in (data.get("weights") or {}).items()}
        if kind == engine.RuleKind.COMMISSION_POOL
        and data.get("weight_source") == engine.WeightSource.EXPLICIT
        else {},
    }


def save_version(
    partnership,
    *,
    valid_from,
    rules,
    user=None,
    version=None,
    referral_min_rate=engine.DEFAULT_REFERRAL_MIN,
    referral_max_rate=engine.DEFAULT_REFERRAL_MAX,
    notes="",
) -> RemunerationVersion:
    """Create a rule version (or replace the rules of ``version``), all or nothing.

    Refused with a ``ValidationError`` listing every problem: a second version starting the same day,
    rates outside their range (referral fees within the partnership's allowed range), step shares not
    adding up to 100 %, negative amounts, two rules paying the same thing, a version whose payouts are
    already approved or paid (add a new version instead).
    """
    if user is not None and not can_manage_rules(user, partnership):
        raise PermissionDenied
    errors = []
    try:
        rules = [_normalise_rule(r) for r in rules]
        referral_min_rate = engine.to_decimal(referral_min_rate)
        referral_max_rate = engine.to_decimal(referral_max_rate)
    except engine.RemunerationError as exc:
        raise ValidationError(exc.messages, code="invalid_rules") from exc
    if valid_from is None:
        errors.append(_("Say from which day the rules are in force."))
    others = RemunerationVersion.objects.filter(partnership=partnership, valid_from=valid_from)
    if version is not None:
        others = others.exclude(pk=version.pk)
        if version.is_locked():
            errors.append(
                _(
                    "Payouts computed with this version are already approved, paid or on hold: its rules "
                    "can no longer change. Add a new version in force from a later date."
                )
            )
    if valid_from is not None and others.exists():
        errors.append(
            _("Another version of these rules starts on %(date)s: the rules in force would be ambiguous.")
            % {"date": valid_from.isoformat()}
        )
    members = {
        str(u)
        for u in PartnershipParty.objects.filter(partnership=partnership).values_list(
            "organization__uuid", flat=True
        )
    }
    for data in rules:
        unknown = [k for k in data["weights"] if k not in members]
        if unknown:
            errors.append(
                _("The weight “%(key)s” is not for a member of this partnership.") % {"key": unknown[0]}
            )
    try:
        candidate = engine.RuleVersion(
            valid_from=valid_from or datetime.date.min,
            rules=tuple(engine_rule(r) for r in rules),
            referral_min=referral_min_rate,
            referral_max=referral_max_rate,
        )
        errors.extend(engine.version_errors(candidate))
    except engine.RemunerationError as exc:
        errors.extend(exc.messages)
    if errors:
        raise ValidationError(list(dict.fromkeys(errors)), code="invalid_rules")
    with transaction.atomic():
        if version is None:
            version = RemunerationVersion(partnership=partnership, created_by=user)
        version.valid_from = valid_from
        version.referral_min_rate = referral_min_rate
        version.referral_max_rate = referral_max_rate
        version.notes = notes or ""
        version.full_clean()
        version.save()
        version.rules.all().delete()
        for position, data in enumerate(rules):
            rule = RemunerationRule(version=version, position=position, **data)
            rule.full_clean(exclude=["version"])
            rule.save()
    return version


def delete_version(version, user=None) -> None:
    if user is not None and not can_manage_rules(user, version.partnership):
        raise PermissionDenied
    if version.payouts.exists():
        raise ValidationError(
            _("Payouts were computed with this version: it cannot be deleted."), code="version_used"
        )
    version.delete()


def save_deal_remuneration(deal, *, margin, assignments, user=None) -> None:
    """Set a deal's margin and its sales-cycle step assignments (``[(step, organisation uuid), ...]``).

    All or nothing: a negative margin, an unknown step or an organisation that is not on the deal is
    refused with a ``ValidationError``.
    """
    if user is not None and not can_manage_rules(user, deal.partnership):
        raise PermissionDenied
    if margin is not None and margin < 0:
        raise ValidationError(_("The margin cannot be negative."), code="negative_margin")
    on_deal = {str(u): pk for u, pk in deal.parties.values_list("organization__uuid", "organization_id")}
    rows = []
    for step, organization in assignments:
        if step not in engine.SalesStep.values:
            raise ValidationError(_("Unknown sales-cycle step “%(step)s”.") % {"step": step}, code="bad_step")
        if str(organization) not in on_deal:
            raise ValidationError(_("Only an organisation on the deal can carry a step."), code="not_on_deal")
        rows.append((step, on_deal[str(organization)]))
    with transaction.atomic():
        deal.margin = margin
        deal.save(update_fields=["margin", "updated_at"])
        DealStepAssignment.objects.filter(deal=deal).delete()
        for step, organization_id in sorted(set(rows)):
            DealStepAssignment.objects.create(deal=deal, step=step, organization_id=organization_id)


def rules_in_force(partnership, on=None):
    """The version in force today (or on ``on``) for ``partnership``, or None."""
    on = on or timezone.localdate()
    return (
        RemunerationVersion.objects.filter(partnership=partnership, valid_from__lte=on)
        .order_by("-valid_from")
        .prefetch_related("rules")
        .first()
    )


def load_versions(partnership_ids=None) -> dict:
    """partnership id → its rule versions for the engine, oldest first.

    Rules are read as plain values; equal rules (most partnerships start from the same model) become one
    engine object, so versions with the same rules compare equal cheaply and share compiled plans.
    """
    versions = RemunerationVersion.objects.all()
    rules = RemunerationRule.objects.all()
    if partnership_ids is not None:
        versions = versions.filter(partnership_id__in=partnership_ids)
        rules = rules.filter(version__partnership_id__in=partnership_ids)
    columns = ["kind", "basis", "rate", "fixed_amount", "party_role", "steps", "weight_source", "weights"]
    rule_rows = list(rules.order_by("version_id", "position", "pk").values_list("version_id", *columns))
    weight_uuids = {k for row in rule_rows for k in (row[-1] or {})}
    weight_keys = {}
    if weight_uuids:
        weight_keys = {
            str(u): pk
            for u, pk in Organization.objects.filter(uuid__in=weight_uuids).values_list("uuid", "pk")
        }
    by_version = defaultdict(list)
    memo = {}
    for version_id, *values in rule_rows:
        raw = tuple(json.dumps(v, sort_keys=True) if isinstance(v, list | dict) else v for v in values)
        rule = memo.get(raw)
        if rule is None:
            rule = memo[raw] = engine_rule(dict(zip(columns, values, strict=True)), weight_keys=weight_keys)
        by_version[version_id].append(rule)
    result = defaultdict(list)
    for pk, partnership_id, valid_from, rmin, rmax in versions.order_by("valid_from").values_list(
        "pk", "partnership_id", "valid_from", "referral_min_rate", "referral_max_rate"
    ):
        result[partnership_id].append(
            engine.RuleVersion(
                valid_from=valid_from,
                rules=tuple(by_version[pk]),
                referral_min=rmin,
                referral_max=rmax,
                key=pk,
            )
        )
    return result


# --- Computing -----------------------------------------------------------------------------------------


@dataclass
class ComputeResult:
    period: Period
    dry_run: bool = False
    deals: int = 0
    deals_without_rules: int = 0
    payouts: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    kept: int = 0
    kept_differing: int = 0
    removed: int = 0
    total_cents: int = 0
    margin_warnings: Counter = field(default_factory=Counter)
    has_payouts: bool = True

    @property
    def total(self) -> Decimal:
        return engine.from_cents(self.total_cents)

    @property
    def warnings(self) -> Counter:
        return Counter({engine.margin_warning(kind): count for kind, count in self.margin_warnings.items()})

    def warning_lines(self) -> list[str]:
        return [
            _("%(message)s (%(count)s deals)") % {"message": message, "count": count}
            for message, count in self.warnings.most_common(MAX_WARNINGS)
        ]


def won_deals(period: Period, partnership=None):
    start, end = period.bounds()
    deals = DealRegistration.objects.filter(stage=DealStage.WON, closed_at__gte=start, closed_at__lt=end)
    if partnership is not None:
        deals = deals.filter(partnership=partnership)
    return deals


def _raw_delete(pks) -> int:
    if not pks:
        return 0
    queryset = Payout.objects.filter(pk__in=pks)
    return queryset._raw_delete(queryset.db)


class PlanCache(dict):
    """Compiled plans by (rules content, members' look); versions with equal rules share their plans."""

    LIMIT = 500_000

    def __init__(self):
        super().__init__()
        self._contents = {}
        self._by_version = {}

    def content(self, version):
        found = self._by_version.get(version.key)
        if found is None:
            by_member = any(r.weight_source == engine.WeightSource.EXPLICIT for r in version.rules)
            content = self._contents.setdefault(version.rules, len(self._contents))
            found = self._by_version[version.key] = (content, by_member)
        return found

    def plan(self, version, partnership_id, deal_id, seats, team):
        """The compiled plan of ``version`` for a deal's ``seats`` ((organisation, role, share), ...).

        Deals whose members look the same to the same rules share one plan. Members are told apart by
        role, involvement, share and steps — and by identity only when the rules name members.
        """
        content, by_member = self.content(version)
        members = team.look(partnership_id, deal_id, seats, by_member)
        plan = self.get((content, members))
        if plan is None:
            if len(self) > self.LIMIT:
                self.clear()
            plan = self[(content, members)] = engine.compile_plan(
                version,
                [
                    engine.Member(key=org_id, role=role, involvement=level, share=share, steps=member_steps)
                    for (org_id, role, level, share, member_steps) in members
                ],
            )
        return plan


class Team:
    """What the engine needs to know about the members of a set of deals besides the deals themselves:
    their involvement in the partnership and the sales-cycle steps each was assigned."""

    def __init__(self, partnership_ids=None):
        seats = PartnershipParty.objects.all()
        if partnership_ids is not None:
            seats = seats.filter(partnership_id__in=partnership_ids)
        self.involvement = {
            (p, o): level
            for p, o, level in seats.values_list("partnership_id", "organization_id", "involvement")
        }
        self.has_steps = DealStepAssignment.objects.exists()
        self.steps = {}

    def read(self, first, last):
        """The parties (in order) and step assignments of the deals whose keys lie in [first, last]."""
        parties = defaultdict(list)
        rows = _plain_rows(
            DealParty.objects.filter(deal_id__gte=first, deal_id__lte=last)
            .order_by("deal_id", "pk")
            .values_list("deal_id", "organization_id", "role", "share")
        )
        for deal_id, seats in itertools.groupby(rows, key=itemgetter(0)):
            parties[deal_id] = [seat[1:] for seat in seats]
        steps = defaultdict(list)
        if self.has_steps:
            for deal_id, step, org_id in DealStepAssignment.objects.filter(
                deal_id__gte=first, deal_id__lte=last
            ).values_list("deal_id", "step", "organization_id"):
                steps[(deal_id, org_id)].append(step)
        self.steps = steps
        return parties

    def look(self, partnership_id, deal_id, seats, by_member) -> tuple:
        involvement, steps, has_steps = self.involvement, self.steps, self.has_steps
        return tuple(
            (
                org_id if by_member else None,
                role,
                involvement.get((partnership_id, org_id), "regular"),
                share,
                tuple(steps.get((deal_id, org_id), ())) if has_steps else (),
            )
            for org_id, role, share in seats
        )


def compute_payouts(period, *, partnership=None, dry_run=False, chunk_size=CHUNK_SIZE, progress=None):
    """Compute the payouts of the deals won in ``period`` (all partnerships, or one) and store them.

    ``dry_run`` computes and counts everything, then rolls back. ``progress`` is called with the number of
    deals done after each chunk.
    """
    if isinstance(period, str):
        period = parse_period(period)
    result = ComputeResult(period=period, dry_run=dry_run)
    with transaction.atomic():
        deals = won_deals(period, partnership)
        partnership_ids = [partnership.pk] if partnership is not None else None
        versions = load_versions(partnership_ids)
        team = Team(partnership_ids)
        plans = PlanCache()
        writer = PayoutWriter()
        existing = ExistingPayouts(deals, preload=writer.copy and _large_load(deals))
        result.has_payouts = existing.any
        with indexes_built_after(Payout) if existing.preloaded else contextlib.nullcontext():
            for rows in _deal_chunks(deals, chunk_size):
                _compute_chunk(rows, versions, team, plans, writer, existing, result)
                if progress is not None:
                    progress(len(rows))
        if result.has_payouts:
            # Payouts of deals no longer won in this period (reopened, lost, dated elsewhere) disappear.
            # NOT EXISTS (an anti-join), never NOT IN over a million ids.
            stale = Payout.objects.filter(
                ~Exists(deals.filter(pk=OuterRef("deal_id"))),
                status=PayoutStatus.COMPUTED,
                deal_date__gte=period.start,
                deal_date__lt=period.end,
            )
            if partnership is not None:
                stale = stale.filter(partnership=partnership)
            result.removed += _raw_delete(list(stale.values_list("pk", flat=True)))
        if dry_run:
            transaction.set_rollback(True)
    return result


def _plain_rows(queryset) -> list:
    """A ``values_list`` queryset's rows; on PostgreSQL straight from the driver, which already gives these
    columns (numbers, codes, dates) their Python types: Django's per-value converters would double the cost
    of reading millions of rows."""
    connection = connection_for(queryset.model)
    if connection.vendor != "postgresql":
        return list(queryset)
    with connection.cursor() as cursor:
        cursor.execute(*queryset.query.sql_with_params())
        return cursor.fetchall()


def _deal_chunks(deals, chunk_size):
    """The deals' (key, partnership, amount, margin, currency, date won) in key order, a chunk at a time.

    Keyset pagination: each chunk is one query starting after the previous chunk's last key, so that no
    cursor stays open across the chunk's COPY.
    """
    values = deals.order_by("pk").values_list(
        "pk", "partnership_id", "amount", "margin", "currency", TruncDate("closed_at")
    )
    last = None
    while True:
        rows = _plain_rows((values if last is None else values.filter(pk__gt=last))[:chunk_size])
        if not rows:
            return
        yield rows
        last = rows[-1][0]


# A first computation of a large period (a network's history loaded at once) writes its payouts into a
# table holding fewer rows than it adds: the table's indexes are then built after the load, not row by row.
LARGE_LOAD_DEALS = 50_000


def _large_load(deals) -> bool:
    count = deals.count()
    # Bounded count: it stops as soon as the table is known to hold more than the load would add.
    return count >= LARGE_LOAD_DEALS and Payout.objects.all()[: 2 * count].count() < 2 * count


_EXISTING_COLUMNS = (
    "pk",
    "deal_id",
    "organization_id",
    "status",
    "amount",
    "version_id",
    "deal_date",
    "currency",
)


class ExistingPayouts:
    """The payouts already stored for the deals being computed, by (deal, member).

    Read per chunk by deal key range (the unique (deal, member) index serves), or, before a large load that
    rebuilds the indexes afterwards, all at once for the period's deals.
    """

    def __init__(self, deals, *, preload=False):
        self.any = Payout.objects.exists()
        self.preloaded = preload
        self._by_deal = defaultdict(list)
        if preload and self.any:
            for row in Payout.objects.filter(deal__in=deals.values("pk")).values_list(*_EXISTING_COLUMNS):
                self._by_deal[row[1]].append(row)

    def of_chunk(self, rows) -> dict:
        if not self.any:
            return {}
        if self.preloaded:
            by_deal = self._by_deal
            return {(old[1], old[2]): old for row in rows for old in by_deal.get(row[0], ())}
        first, last = rows[0][0], rows[-1][0]
        return {
            (old[1], old[2]): old
            for old in _plain_rows(
                Payout.objects.filter(deal_id__gte=first, deal_id__lte=last).values_list(*_EXISTING_COLUMNS)
            )
        }


def _compute_chunk(rows, versions, team, plans, writer, existing, result: ComputeResult) -> None:
    # The chunk's deals are consecutive in key order: their rows are read by key range (an index range
    # scan, no list of thousands of parameters); rows of deals outside the chunk are ignored.
    parties = team.read(rows[0][0], rows[-1][0])
    existing = existing.of_chunk(rows)
    updates, seen = [], set()
    computed_status = PayoutStatus.COMPUTED.value
    margin_warnings = result.margin_warnings
    version_in_force, plan_amounts = engine.version_in_force, engine.plan_amounts
    cents_text = engine.cents_text
    now = timezone.now()
    with writer.stream() as add:
        for deal_id, partnership_id, amount, margin, currency, deal_date in rows:
            result.deals += 1
            version = version_in_force(versions.get(partnership_id, ()), deal_date)
            if version is None:
                result.deals_without_rules += 1
                continue
            seats = parties.get(deal_id, ())
            plan = plans.plan(version, partnership_id, deal_id, seats, team)
            margin_cents = None if margin is None else int(margin * 100)
            shares, warnings = plan_amounts(plan, int(amount * 100), margin_cents, len(seats))
            for kind in warnings:
                margin_warnings[kind] += 1
            for (org_id, _role, _share), cents in zip(seats, shares):  # noqa: B905
                if cents is None:
                    continue
                old = existing.get((deal_id, org_id)) if existing else None
                if old is not None:
                    seen.add((deal_id, org_id))
                    if old[3] != computed_status:
                        result.kept += 1
                        if int(old[4] * 100) != cents:
                            result.kept_differing += 1
                        continue
                result.payouts += 1
                result.total_cents += cents
                if old is None:
                    result.created += 1
                    text = cents_text(cents)
                    add((deal_id, partnership_id, org_id, version.key, deal_date, text, currency))
                elif (int(old[4] * 100), old[5], old[6], old[7]) == (cents, version.key, deal_date, currency):
                    result.unchanged += 1
                else:
                    result.updated += 1
                    updates.append(
                        Payout(
                            pk=old[0],
                            partnership_id=partnership_id,
                            version_id=version.key,
                            deal_date=deal_date,
                            amount=engine.from_cents(cents),
                            currency=currency,
                            updated_at=now,
                        )
                    )
    if existing:
        chunk_ids = {row[0] for row in rows}
        result.removed += _raw_delete(
            [
                old[0]
                for key, old in existing.items()
                if key not in seen and old[3] == computed_status and key[0] in chunk_ids
            ]
        )
    if updates:
        Payout.objects.bulk_update(
            updates,
            ["partnership_id", "version_id", "deal_date", "amount", "currency", "updated_at"],
            batch_size=1000,
        )


_PAYOUT_COLUMNS = [
    "uuid",
    "created_at",
    "updated_at",
    "deal_id",
    "partnership_id",
    "organization_id",
    "version_id",
    "deal_date",
    "amount",
    "currency",
    "components",
    "status",
    "status_note",
]
_CURRENCY = re.compile(r"^[A-Z]{3}$")


class PayoutWriter:
    """Writes new computed payouts, given as (deal, partnership, member, version, date, amount text,
    currency).

    On PostgreSQL the rows go out while they are computed: one COPY per chunk, fed a few thousand lines at
    a time, so that the server stores one part while the next is computed (the two work side by side on
    two cores). Elsewhere the chunk's rows are inserted through ``meute.lib.bulk.insert_rows``.
    """

    FLUSH_EVERY = 2000

    def __init__(self):
        self.connection = connection_for(Payout)
        self.copy = self.connection.vendor == "postgresql"
        now = timezone.now()
        self.now_db = Payout._meta.get_field("created_at").get_db_prep_save(now, self.connection)
        self.status = PayoutStatus.COMPUTED.value

    @contextlib.contextmanager
    def stream(self):
        if not self.copy:
            rows = []
            yield rows.append
            self._insert(rows)
            return
        # Every value is a number, a date, a fixed code or a checked currency: nothing to escape.
        line = f"\t{self.now_db}\t{self.now_db}\t%d\t%d\t%d\t%d\t%s\t%s\t%s\t[]\t{self.status}\t\n"
        quote = self.connection.ops.quote_name
        columns = ", ".join(quote(c) for c in _PAYOUT_COLUMNS)
        sql = f"COPY {quote(Payout._meta.db_table)} ({columns}) FROM STDIN"
        pending = []
        with self.connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:

            def send():
                copy.write("".join(map(str.__add__, new_uuid_texts(len(pending)), pending)))
                pending.clear()

            checked = set()

            def add(row, flush_every=self.FLUSH_EVERY):
                if row[6] not in checked:
                    if not _CURRENCY.match(row[6]):
                        raise ValueError(f"Unexpected currency code {row[6]!r}")
                    checked.add(row[6])
                pending.append(line % row)
                if len(pending) >= flush_every:
                    send()

            yield add
            if pending:
                send()

    def _insert(self, rows):
        if not rows:
            return
        insert_rows(
            Payout,
            _PAYOUT_COLUMNS,
            [
                (uuid_text, self.now_db, self.now_db, *row, "[]", self.status, "")
                for uuid_text, row in zip(new_uuid_texts(len(rows)), rows)  # noqa: B905
            ],
        )


# --- Explanations --------------------------------------------------------------------------------------


def attach_explanations(payouts) -> None:
    """Give each payout its explanation: the components stored with it when it was settled, or, for a
    computed payout, the components worked out now from its deal, the deal's team and the rule version
    the payout was computed with (``Payout.live_cents`` then tells whether they still give its amount).

    Reads the deals, parties, steps, seats and versions of all the payouts given in a few queries.
    """
    payouts = [p for p in payouts if not p.components and not hasattr(p, "_live")]
    if not payouts:
        return
    deal_ids = sorted({p.deal_id for p in payouts})
    partnership_ids = sorted({p.partnership_id for p in payouts})
    deals = {
        row[0]: row
        for row in DealRegistration.objects.filter(pk__in=deal_ids).values_list(
            "pk", "partnership_id", "amount", "margin"
        )
    }
    versions = {v.key: v for vs in load_versions(partnership_ids).values() for v in vs}
    team = Team(partnership_ids)
    parties = defaultdict(list)
    for deal_id, org_id, role, share in (
        DealParty.objects.filter(deal_id__in=deal_ids)
        .order_by("deal_id", "pk")
        .values_list("deal_id", "organization_id", "role", "share")
    ):
        parties[deal_id].append((org_id, role, share))
    if team.has_steps:
        for deal_id, step, org_id in DealStepAssignment.objects.filter(deal_id__in=deal_ids).values_list(
            "deal_id", "step", "organization_id"
        ):
            team.steps.setdefault((deal_id, org_id), []).append(step)
    plans = PlanCache()
    shares_of = {}
    for payout in payouts:
        payout._live = ([], None)
        deal, version = deals.get(payout.deal_id), versions.get(payout.version_id)
        seats = parties.get(payout.deal_id, ())
        if deal is None or version is None:
            continue
        key = (payout.deal_id, payout.version_id)
        shares = shares_of.get(key)
        if shares is None:
            _pk, partnership_id, amount, margin = deal
            plan = plans.plan(version, partnership_id, payout.deal_id, seats, team)
            margin_cents = None if margin is None else engine.to_cents(margin)
            applied = engine.apply_plan(plan, engine.to_cents(amount), margin_cents, len(seats))
            shares = shares_of[key] = applied[0]
        for (org_id, _role, _share), share in zip(seats, shares, strict=True):
            if org_id == payout.organization_id and share is not None:
                payout._live = ([json.loads(text) for text in share[1]], share[0])
                break


# --- Statuses ------------------------------------------------------------------------------------------

# new status → the statuses it may come from
TRANSITIONS = {
    PayoutStatus.APPROVED: {PayoutStatus.COMPUTED, PayoutStatus.ON_HOLD},
    PayoutStatus.PAID: {PayoutStatus.APPROVED},
    PayoutStatus.ON_HOLD: {PayoutStatus.COMPUTED, PayoutStatus.APPROVED},
    PayoutStatus.COMPUTED: {PayoutStatus.ON_HOLD},  # released from hold: recomputed again
}

ACTIONS = {
    "approve": PayoutStatus.APPROVED,
    "pay": PayoutStatus.PAID,
    "hold": PayoutStatus.ON_HOLD,
    "release": PayoutStatus.COMPUTED,
}


def change_status(payouts, status, *, user, note="") -> int:
    """Move every payout given to ``status``, all or none; returns how many changed."""
    if not can_change_status(user):
        raise PermissionDenied
    if status not in TRANSITIONS:
        raise ValidationError(
            _("Unknown payout status “%(status)s”.") % {"status": status}, code="bad_status"
        )
    with transaction.atomic():
        rows = list(Payout.objects.select_for_update().filter(pk__in=[p.pk for p in payouts]))
        wrong = [p for p in rows if p.status not in TRANSITIONS[status]]
        if wrong:
            raise ValidationError(
                _(
                    "%(count)s payout(s) cannot become “%(status)s” from their current status "
                    "(e.g. %(example)s)."
                )
                % {
                    "count": len(wrong),
                    "status": PayoutStatus(status).label,
                    "example": wrong[0].get_status_display(),
                },
                code="wrong_status",
            )
        now = timezone.now()
        # Settling a payout freezes its explanation; releasing it makes it provisional again.
        if status != PayoutStatus.COMPUTED:
            attach_explanations([p for p in rows if p.status == PayoutStatus.COMPUTED])
        for payout in rows:
            if status == PayoutStatus.COMPUTED:
                payout.components = []
            elif payout.status == PayoutStatus.COMPUTED:
                payout.components = payout.explanation_components()
            payout.status = status
            payout.status_changed_by = user
            payout.status_changed_at = now
            payout.status_note = note or ""
            payout.save(
                update_fields=[
                    "status",
                    "status_changed_by",
                    "status_changed_at",
                    "status_note",
                    "components",
                    "updated_at",
                ]
            )
    return len(rows)


# --- Statements and export -----------------------------------------------------------------------------


def payouts_in(period: Period, *, user=None, partnership=None, organization=None, status=None):
    queryset = Payout.objects.visible_to(user) if user is not None else Payout.objects.all()
    queryset = queryset.filter(deal_date__gte=period.start, deal_date__lt=period.end)
    if partnership is not None:
        queryset = queryset.filter(partnership=partnership)
    if organization is not None:
        queryset = queryset.filter(organization=organization)
    if status:
        queryset = queryset.filter(status=status)
    return queryset


@dataclass
class Statement:
    organization: Organization
    period: Period
    payouts: list
    totals: list  # [{"currency", "status", "count", "total"}]
    grand_totals: dict  # currency → total


def statement(organization, period, *, user=None, partnership=None) -> Statement:
    """One member's payouts in ``period``, with totals per currency and status."""
    if isinstance(period, str):
        period = parse_period(period)
    queryset = payouts_in(period, user=user, partnership=partnership, organization=organization)
    totals = list(
        queryset.order_by()
        .values("currency", "status")
        .annotate(count=Count("pk"), total=Sum("amount"))
        .order_by("currency", "status")
    )
    grand = defaultdict(lambda: Decimal("0.00"))
    for row in totals:
        grand[row["currency"]] += row["total"]
    lines = list(
        queryset.select_related("deal", "deal__customer", "partnership", "version").order_by(
            "deal_date", "pk"
        )
    )
    attach_explanations(lines)
    return Statement(organization, period, lines, totals, dict(grand))


def statement_totals(period, *, user=None, partnership=None, status=None) -> list[dict]:
    """Every member's total in ``period``: the statements' summary.

    One GROUP BY on the payouts alone (no join), then the members' names for the ids found.
    """
    queryset = payouts_in(period, user=user, partnership=partnership, status=status)
    rows = list(
        queryset.order_by()
        .values("organization_id", "currency")
        .annotate(
            count=Count("pk"),
            total=Sum("amount"),
            approved=Sum("amount", filter=Q(status=PayoutStatus.APPROVED)),
            paid=Sum("amount", filter=Q(status=PayoutStatus.PAID)),
        )
    )
    names = {}
    for ids in chunks(sorted({row["organization_id"] for row in rows})):
        for pk, uuid_value, name, siren in Organization.objects.filter(pk__in=ids).values_list(
            "pk", "uuid", "name", "siren"
        ):
            names[pk] = (uuid_value, name, siren)
    for row in rows:
        row["organization__uuid"], row["organization__name"], row["organization__siren"] = names[
            row["organization_id"]
        ]
    rows.sort(key=lambda r: (r["organization__name"], r["organization_id"], r["currency"]))
    return rows


EXPORT_COLUMNS = [
    "date",
    "member",
    "siren",
    "deal",
    "partnership",
    "amount",
    "currency",
    "status",
    "rule_version",
    "payout",
]
EXPORT_FORMATS = ("csv", "xlsx")


def export_rows(queryset):
    statuses = dict(PayoutStatus.choices)
    values = queryset.order_by("deal_date", "pk").values_list(
        "deal_date",
        "organization__name",
        "organization__siren",
        "deal__uuid",
        "deal__title",
        "partnership__name",
        "amount",
        "currency",
        "status",
        "version__valid_from",
        "uuid",
    )
    for (
        date,
        member,
        siren,
        deal_uuid,
        title,
        partnership,
        amount,
        currency,
        status,
        valid_from,
        pk,
    ) in values.iterator(chunk_size=CHUNK_SIZE):
        yield [
            date.isoformat(),
            member,
            siren,
            f"{title} ({deal_uuid})" if title else str(deal_uuid),
            partnership,
            amount,
            currency,
            str(statuses.get(status, status)),
            valid_from.isoformat(),
            str(pk),
        ]


def export_payouts(queryset, file_format: str, stream) -> int:
    """Write the payouts to ``stream`` (text for csv, binary for xlsx); returns the number of rows."""
    if file_format not in EXPORT_FORMATS:
        raise ValidationError(
            _("Unknown format “%(format)s”: choose csv or xlsx.") % {"format": file_format}, code="bad_format"
        )
    header = [
        _("Date"),
        _("Member"),
        _("SIREN"),
        _("Deal"),
        _("Partnership"),
        _("Amount"),
        _("Currency"),
        _("Status"),
        _("Rule version"),
        _("Payout"),
    ]
    count = 0
    if file_format == "csv":
        writer = csv.writer(stream, lineterminator="\n")
        writer.writerow(header)
        for row in export_rows(queryset):
            writer.writerow(row)
            count += 1
        return count
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=_("Payouts")[:31])
    sheet.append(header)
    for row in export_rows(queryset):
        sheet.append(row)
        count += 1
    workbook.save(stream)
    return count
