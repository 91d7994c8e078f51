"""Payouts: rule versions, computing payouts of won deals, statuses, statements and the accounting export.

Computing is set-based so that a year of a large network runs in one pass: won deals are read in chunks of
plain values (keyset pagination on the primary key), with their parties, step assignments and existing
payouts in one query each per chunk (by key range); the engine (``meute.remuneration.engine``) computes
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
import itertools
import json
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from operator import itemgetter

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Case, DecimalField, Exists, F, OuterRef, Value, When
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _

from meute.deals.choices import DealStage
from meute.deals.models import DealParty, DealRegistration
from meute.lib.bulk import connection_for, indexes_built_after, insert_rows, new_uuid_texts
from meute.lib.refusals import Refusal
from meute.partnerships.models import PartnershipParty
from meute.remuneration import engine as engine
from meute.remuneration.choices import PayoutStatus, WeightSource
from meute.remuneration.models import DealStepAssignment, Payout
from meute.remuneration.periods import Period, parse_period
from meute.remuneration.rule_versions import can_change_status, load_versions

CHUNK_SIZE = 5000
MAX_WARNINGS = 20


# --- Periods -------------------------------------------------------------------------------------------


# --- Rights --------------------------------------------------------------------------------------------


# --- Rule versions -------------------------------------------------------------------------------------


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
    # A win a partner declared counts once a channel manager verifies it (``deals.workflow.verify_won``).
    deals = DealRegistration.objects.filter(
        stage=DealStage.WON, won_declared=False, closed_at__gte=start, closed_at__lt=end
    )
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
            by_member = any(r.weight_source == WeightSource.EXPLICIT for r in version.rules)
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


def compute_payouts(
    period, *, partnership=None, dry_run=False, chunk_size=CHUNK_SIZE, progress=None, user=None
):
    """Compute the payouts of the deals won in ``period`` (all partnerships, or one) and store them.

    ``dry_run`` computes and counts everything, then rolls back. ``progress`` is called with the number of
    deals done after each chunk. ``user``: the person who asks (pages, API), refused unless an editor;
    None for the system's own runs (the command line, the schedule, the demo).
    """
    if user is not None and not can_change_status(user):
        raise PermissionDenied
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


# The margin payouts use: a margin a partner declared counts once a channel manager verifies it.
COUNTED_MARGIN = Case(
    When(margin_declared=True, then=Value(None)),
    default=F("margin"),
    output_field=DecimalField(max_digits=14, decimal_places=2),
)


def _deal_chunks(deals, chunk_size):
    """The deals' (key, partnership, amount, margin, currency, date won) in key order, a chunk at a time.

    Keyset pagination: each chunk is one query starting after the previous chunk's last key, so that no
    cursor stays open across the chunk's COPY.
    """
    values = deals.order_by("pk").values_list(
        "pk", "partnership_id", "amount", COUNTED_MARGIN, "currency", TruncDate("closed_at")
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
            "pk", "partnership_id", "amount", COUNTED_MARGIN
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


@dataclass(frozen=True)
class Explanation:
    """How a payout's amount was computed, component by component, and whether that still holds."""

    components: list
    live_cents: int | None  # what a computed payout's deal gives now (None once settled)
    amount: Decimal

    @property
    def lines(self) -> list[str]:
        return [engine.describe(component) for component in self.components]

    @property
    def outdated(self) -> bool:
        """The deal changed since this computed payout was computed: recomputing the period updates it."""
        return self.live_cents is not None and self.live_cents != int(self.amount * 100)


def explain(payouts) -> None:
    """Give each payout its ``explanation`` (for pages and the API), the computed ones' worked out from
    their deals for all the payouts at once, in a few queries."""
    payouts = list(payouts)
    attach_explanations(payouts)
    for payout in payouts:
        payout.explanation = explanation_of(payout)


def explanation_of(payout) -> Explanation:
    """The components stored when the payout was settled, or, for a computed payout, those its deal gives
    now (worked out once per payout object)."""
    if payout.components:
        return Explanation(payout.components, None, payout.amount)
    attach_explanations([payout])
    components, cents = payout._live
    return Explanation(components, cents, payout.amount)


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
            raise Refusal(
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
                details={
                    "requested": str(status),
                    "allowed": sorted(str(value) for value in TRANSITIONS[status]),
                    "refused": [{"payout": str(p.uuid), "current": str(p.status)} for p in wrong],
                },
            )
        now = timezone.now()
        # Settling a payout freezes its explanation; releasing it makes it provisional again.
        if status != PayoutStatus.COMPUTED:
            explain([p for p in rows if p.status == PayoutStatus.COMPUTED])
        for payout in rows:
            if status == PayoutStatus.COMPUTED:
                payout.components = []
            elif payout.status == PayoutStatus.COMPUTED:
                payout.components = explanation_of(payout).components
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
