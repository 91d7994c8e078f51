"""Evaluating a programme's members: their figures collected in a few aggregate queries, the pure engine of
``tiering`` run over them, and the outcome turned into promotion and demotion proposals (with a grace period
before any demotion), applied when the programme says so, with the evidence kept; decisions on proposals;
what-if simulations of a rule change.

Revenue in another currency than the programme's counts converted with the exchange rate in force on its
period (``meute.money.exchange``); records without a rate are left out, and the run says how many.
"""

import datetime
import json
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Avg, Sum
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy, gettext_noop, ngettext_lazy
from django.utils.translation import gettext as _

from meute.lib import access
from meute.lib.refusals import Refusal
from meute.money.exchange import ConversionReport, converted_totals
from meute.programs import certifications
from meute.programs.choices import SATISFACTION, WON_DEALS, ChangeKind, ChangeStatus
from meute.programs.tiering import (
    CENT,
    ZERO,
    Evaluation,
    PartnerMetrics,
    RequirementResult,
    TierRules,
    check_tiers,
    evaluate,
    falling_benefits,
)


class NoTiersError(ValidationError):
    pass


def rule_versions_of(program) -> list:
    """Every rule version of the programme's tiers, with its tier: what ``rules_at`` and
    ``rule_versions.next_announcement`` read, for a caller that needs both (one query instead of three)."""
    from meute.programs.models import TierRuleVersion

    return list(TierRuleVersion.objects.filter(tier__program=program).select_related("tier"))


def rules_at(program, as_of: datetime.date, versions=None) -> list[TierRules]:
    """The tier rules in force on ``as_of`` (before a tier's first version, its first rules apply).
    ``versions``: the programme's rule versions when already read (``rule_versions_of``)."""
    all_versions = rule_versions_of(program) if versions is None else versions
    versions = {}
    for version in sorted(all_versions, key=lambda v: (v.tier_id, v.effective_from)):
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
    from meute.programs.models import add_months

    return add_months(as_of, -program.evaluation_months) + datetime.timedelta(days=1), as_of


def collect_metrics(program, as_of: datetime.date, partnership_ids=None) -> dict[int, PartnerMetrics]:
    """Figures of every member of ``program`` (or of ``partnership_ids``), in five aggregate queries."""
    return collect_figures(program, as_of, partnership_ids)[0]


def collect_revenue(program, start, end, member_ids) -> tuple[dict, ConversionReport]:
    """Revenue of every member over the window in the programme's currency, set-based
    (``meute.money.exchange.converted_totals``): records in another currency converted in SQL with the
    rate in force on their period, those without a rate left out and counted.
    Per partnership: (total to the cent, records converted, records left out)."""
    from meute.programs.models import RevenueRecord

    window = RevenueRecord.objects.counted().filter(
        partnership_id__in=member_ids, period__gte=start, period__lte=end
    )
    totals, report = converted_totals(window, "partnership_id", program.currency)
    revenue = {pk: (t.rounded, t.converted, t.unconverted) for pk, t in totals.items()}
    return revenue, report


def collect_figures(
    program, as_of: datetime.date, partnership_ids=None
) -> tuple[dict[int, PartnerMetrics], ConversionReport]:
    """``collect_metrics`` with the report of the currency conversion of the revenue."""
    from meute.programs.models import PartnerMetric, PartnerTier

    start, end = evaluation_window(program, as_of)
    members = PartnerTier.objects.filter(program=program)
    if partnership_ids is not None:
        members = members.filter(partnership_id__in=list(partnership_ids))
    member_ids = members.values("partnership_id")

    revenue, conversion = collect_revenue(program, start, end, member_ids)

    # Certified people of the partner side of each partnership, counted per role, valid on the date
    # (through the one interface, whichever app keeps the certifications).
    certified = certifications.count_by_partnership(member_ids, as_of)

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
    from meute.programs.models import PartnerTier, TierChange

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
    from meute.programs.models import TierChange

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


TIER_CHANGE_RENDERER = "programs.tier_change"


def explain_change(evidence: dict) -> str:
    """What decides a change, from its evidence, in the active language: the requirements of the tier
    reached, then those of the next tier up (as ``Evaluation.summary`` wrote them on the day)."""
    eligible = evidence.get("eligible")
    ranks = {t["tier"]: t.get("rank", 0) for t in evidence.get("tiers", [])}
    reached = ranks.get(eligible) if eligible is not None else None
    above = sorted((rank, name) for name, rank in ranks.items() if reached is None or rank > reached)
    chosen = {eligible, above[0][1] if above else None} - {None}
    return "\n".join(
        result["message"]
        for check in explain_evidence(evidence)
        if check["tier"] in chosen
        for result in check["results"]
    )


def render_tier_change(args: dict) -> str:
    return explain_change(args.get("evidence") or {}) or args.get("explanation", "")


def notify_changes(program, changes) -> None:
    """Partners hear of the tier changes applied to them; reviewers of those waiting for approval."""
    from meute.notifications import notify
    from meute.notifications.messages import Message, Rendered

    applied = [c for c in changes if c.status in (ChangeStatus.AUTO_APPLIED, ChangeStatus.APPROVED)]
    users = notify.partnership_partner_users({c.partnership_id for c in applied}) if applied else {}
    notify.notify_each(
        (
            (
                users.get(change.partnership_id, []),
                Message(
                    gettext_noop("Your tier in “%(program)s” is now %(tier)s"),
                    program=program.name,
                    tier=change.to_tier.name if change.to_tier is not None else gettext_lazy("no tier"),
                ),
                Rendered(
                    TIER_CHANGE_RENDERER, {"evidence": change.evidence, "explanation": change.explanation}
                ),
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
            Message.plural(
                ngettext_lazy(
                    "%(count)s tier change to review in “%(program)s”",
                    "%(count)s tier changes to review in “%(program)s”",
                    "count",
                ),
                proposed,
                program=program.name,
            ),
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
    from meute.programs.models import PartnerTier, TierChange

    if not access.can_change(user, change):
        raise PermissionDenied(_("Only channel managers decide tier changes."))
    with transaction.atomic():
        change = TierChange.objects.select_for_update().select_related("program").get(pk=change.pk)
        if change.status != ChangeStatus.PROPOSED:
            raise Refusal(
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


def partner_progress(
    member, as_of=None, rules_on=None, *, metrics: PartnerMetrics | None = None, rules: dict | None = None
) -> Evaluation | None:
    """One member's evaluation now, for its page: current figures against the rules in force (or, with
    ``rules_on``, against the rules that will be in force on that date). ``metrics``: the member's figures
    when the caller already collected them; ``rules``: the rules read so far, by programme and day."""
    as_of = as_of or timezone.localdate()
    day = rules_on or as_of
    rules = {} if rules is None else rules
    if (member.program_id, day) not in rules:
        rules[member.program_id, day] = rules_at(member.program, day)
    in_force = rules[member.program_id, day]
    if not in_force:
        return None
    if metrics is None:
        figures = collect_metrics(member.program, as_of, partnership_ids=[member.partnership_id])
        metrics = figures.get(member.partnership_id, PartnerMetrics())
    return evaluate(
        metrics, in_force, currency=member.program.currency, months=member.program.evaluation_months
    )


def benefit_warnings(program, tier=None, tiers=None) -> list:
    """``tiering.falling_benefits`` over the programme's tiers (``tiers`` when the caller has them): the
    messages naming ``tier`` when it is given, else every ``BenefitWarning``."""
    tiers = program.tiers.all() if tiers is None else tiers
    warnings = falling_benefits((t.name, t.rank, t.benefits()) for t in tiers)
    if tier is not None:
        return [w.message for w in warnings if tier.name in (w.lower, w.higher)]
    return warnings


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
    from meute.programs.models import PartnerTier

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
