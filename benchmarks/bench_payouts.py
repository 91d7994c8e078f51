"""Benchmark: payout statements for 10,000 groupings and 1,000,000 won deals in one run.

    python benchmarks/bench_payouts.py [--groupings 10000] [--deals 1000000] [--keep]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench python benchmarks/bench_payouts.py

Synthesises member organisations, groupings of 3 to 5 members (involvement levels vary) with two rule
versions each (in force from 2026-01-01 and 2027-07-01: commission pool, split by sales-cycle step,
referral fee on margin, fixed amount), customers, and won deals of 2027 with 2 to 4 parties (a referrer on
a quarter of them, a margin on half), all through ``meute.lib.bulk`` (COPY on PostgreSQL). Then it times
what ``meute payouts compute --period 2027`` runs — ``meute.remuneration.payouts.compute_payouts`` —
followed by the statements' totals per member (``statement_totals``), and a second, idempotent recompute.

Uses a temporary SQLite file unless DATABASE_URL is set. The payouts are always rolled back; the data set
too, unless ``--keep`` commits it first (the next runs reuse it). Target: under 60 s on PostgreSQL.
"""

import argparse
import datetime
import os
import random
import sys
import tempfile
import time
import uuid
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "meute.settings")
os.environ.setdefault("DEBUG", "false")
if not os.environ.get("DATABASE_URL"):
    os.environ["DATABASE_URL"] = (
        f"sqlite:///{Path(tempfile.mkdtemp(prefix='meute-bench-')) / 'bench.sqlite3'}"
    )

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from meute.core.models import Organization  # noqa: E402
from meute.deals.models import Customer, DealParty, DealRegistration  # noqa: E402
from meute.lib.bulk import insert_objects, insert_rows, instance_builder  # noqa: E402
from meute.partnerships.models import Partnership, PartnershipParty  # noqa: E402
from meute.remuneration import payouts, periods, statements
from meute.remuneration.models import Payout, RemunerationRule, RemunerationVersion

MARKER = "Bench payouts grouping"
INVOLVEMENTS = ["occasional", "regular", "committed", "integrated"]
CHUNK = 100_000


def uuid_value(rng):
    value = uuid.UUID(int=rng.getrandbits(128), version=4)
    return value if connection.features.has_native_uuid_field else value.hex


def create_rules(groupings):
    """Two rule versions per grouping (2026-01-01 and 2027-07-01), four rules each."""
    version = instance_builder(RemunerationVersion)
    versions = []
    for grouping in groupings:
        versions.append(version({"partnership_id": grouping.pk, "valid_from": datetime.date(2026, 1, 1)}))
        versions.append(version({"partnership_id": grouping.pk, "valid_from": datetime.date(2027, 7, 1)}))
    insert_objects(RemunerationVersion, versions)
    rule = instance_builder(RemunerationRule)
    steps = [
        {"step": "prospection", "percent": "20"},
        {"step": "proposal", "percent": "30"},
        {"step": "closing", "percent": "50"},
    ]
    rules = []
    for index, item in enumerate(versions):
        later = index % 2
        rules += [
            rule(
                {
                    "version_id": item.pk,
                    "kind": "commission_pool",
                    "rate": Decimal("8") + later,
                    "position": 0,
                }
            ),
            rule(
                {
                    "version_id": item.pk,
                    "kind": "role_split",
                    "rate": Decimal("12"),
                    "steps": steps,
                    "position": 1,
                }
            ),
            rule(
                {
                    "version_id": item.pk,
                    "kind": "referral_fee",
                    "rate": Decimal("10") + 2 * later,
                    "basis": "margin",
                    "position": 2,
                }
            ),
            rule(
                {
                    "version_id": item.pk,
                    "kind": "fixed_amount",
                    "fixed_amount": Decimal("150.00"),
                    "party_role": "integrator",
                    "position": 3,
                }
            ),
        ]
    insert_objects(RemunerationRule, rules)
    return versions, rules


def synthesise(n_groupings: int, n_deals: int, rng) -> None:
    started = time.perf_counter()
    n_members = n_groupings * 2
    org = instance_builder(Organization)
    members = [org({"name": f"Bench member {i:06d}", "city": "Lyon"}) for i in range(n_members)]
    insert_objects(Organization, members)
    member_ids = [m.pk for m in members]
    partnership = instance_builder(Partnership)
    groupings = [
        partnership(
            {
                "name": f"{MARKER} {i:05d}",
                "kind": "grouping",
                "grouping_level": "pack",
                "collaboration_model": "partial_sales_integration",
                "status": "active",
            }
        )
        for i in range(n_groupings)
    ]
    insert_objects(Partnership, groupings)
    party = instance_builder(PartnershipParty)
    seats, grouping_members = [], {}
    for grouping in groupings:
        chosen = rng.sample(member_ids, rng.randint(3, 5))
        grouping_members[grouping.pk] = chosen
        for index, member_id in enumerate(chosen):
            seats.append(
                party(
                    {
                        "partnership_id": grouping.pk,
                        "organization_id": member_id,
                        "role": "coordinator" if index == 0 else "member",
                        "involvement": rng.choice(INVOLVEMENTS),
                    }
                )
            )
    insert_objects(PartnershipParty, seats)
    versions, rules = create_rules(groupings)
    now = Customer._meta.get_field("created_at").get_db_prep_save(timezone.now(), connection)
    customer_columns = ["uuid", "created_at", "updated_at", "name", "name_key", "siren", "vat_number"]
    customer_columns += ["website_domain", "email_domain", "address", "postal_code", "city", "country"]
    customer_columns += ["is_direct_account"]
    insert_rows(
        Customer,
        customer_columns,
        [
            (
                uuid_value(rng),
                now,
                now,
                f"Bench client {i}",
                f"bench client {i}",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
                "FR",
                False,
            )
            for i in range(1000)
        ],
    )
    customer_ids = list(
        Customer.objects.filter(name__startswith="Bench client ").values_list("pk", flat=True)
    )
    print(
        f"synthesised {n_members:,} members, {n_groupings:,} groupings, {len(seats):,} seats, "
        f"{len(versions):,} rule versions, {len(rules):,} rules in {time.perf_counter() - started:.1f} s"
    )
    started = time.perf_counter()
    deal_columns = [
        "id", "uuid", "created_at", "updated_at", "partnership_id", "customer_id", "title", "amount",
        "margin", "currency", "expected_close_date", "stage", "closed_at", "extension_count", "auto_approved",
        "decision_reason", "conflict_level", "conflict_score", "conflict_evidence", "customer_as_registered",
        "extension_request_reason",
        "idempotency_key",
        "notes", "contact_name", "contact_email", "contact_phone", "contact_title",
    ]  # fmt: skip
    party_columns = ["uuid", "created_at", "updated_at", "deal_id", "organization_id", "role", "share"]
    first_id = (DealRegistration.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 1
    tz = timezone.get_current_timezone()
    start_2027 = datetime.datetime(2027, 1, 1, 9, 0, tzinfo=tz)
    closed_field = DealRegistration._meta.get_field("closed_at")
    date_field = DealRegistration._meta.get_field("expected_close_date")
    grouping_ids = [g.pk for g in groupings]
    parties_total = 0
    for chunk_start in range(0, n_deals, CHUNK):
        deals, parties = [], []
        for index in range(chunk_start, min(n_deals, chunk_start + CHUNK)):
            deal_id = first_id + index
            grouping_id = rng.choice(grouping_ids)
            closed = start_2027 + datetime.timedelta(minutes=rng.randrange(365 * 24 * 60))
            amount = Decimal(rng.randint(500, 500_000)) / 100 * 100
            margin = (
                (amount * Decimal(rng.randint(10, 40)) / 100).quantize(Decimal("0.01")) if index % 2 else None
            )
            deals.append(
                (
                    deal_id, uuid_value(rng), now, now, grouping_id, rng.choice(customer_ids),
                    f"Bench deal {index}", amount, margin, "EUR",
                    date_field.get_db_prep_save(closed.date(), connection), "won",
                    closed_field.get_db_prep_save(closed, connection), 0, False, "", "distinct", Decimal("0"),
                    "{}", "{}", "", "", "", "", "", "", "",
                )
            )  # fmt: skip
            team = grouping_members[grouping_id]
            seated = rng.sample(team, min(len(team), rng.choice((2, 2, 3, 3, 4))))
            for position, member_id in enumerate(seated):
                if position == 0 and index % 4 == 0:
                    role = "referrer"
                elif position == 1 and index % 10 == 0:
                    role = "integrator"
                else:
                    role = "grouping_member"
                parties.append((uuid_value(rng), now, now, deal_id, member_id, role, None))
        insert_rows(DealRegistration, deal_columns, deals)
        insert_rows(DealParty, party_columns, parties)
        parties_total += len(parties)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    elapsed = time.perf_counter() - started
    print(f"synthesised {n_deals:,} won deals and {parties_total:,} deal parties in {elapsed:.1f} s")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--groupings", type=int, default=10_000)
    parser.add_argument("--deals", type=int, default=1_000_000)
    parser.add_argument("--keep", action="store_true", help="Commit the data set (reused by the next runs).")
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    rng = random.Random(2027)
    print(f"database: {connection.vendor}")
    period = periods.parse_period("2027")
    if Partnership.objects.filter(name=f"{MARKER} 00000").exists():
        print("reusing the kept data set")
        kept = True
        if not RemunerationVersion.objects.exists():
            with transaction.atomic():
                create_rules(list(Partnership.objects.filter(name__startswith=MARKER).order_by("pk")))
    else:
        kept = args.keep
        if args.keep:  # the data set is committed for the next runs; the payouts never are
            with transaction.atomic():
                synthesise(args.groupings, args.deals, rng)
    if connection.vendor == "postgresql":
        # Earlier runs left their rolled-back payouts behind as dead rows: clear them before timing.
        with connection.cursor() as cursor:
            cursor.execute(f"VACUUM ANALYZE {Payout._meta.db_table}")
    with transaction.atomic():
        Payout.objects.all()._raw_delete(connection.alias)
        if not kept:
            synthesise(args.groupings, args.deals, rng)
        if connection.vendor == "postgresql":
            # Foreign keys are checked as rows arrive (not deferred to a commit that never comes here).
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        started = time.perf_counter()
        result = payouts.compute_payouts(period)
        computed = time.perf_counter() - started
        print(
            f"compute: {result.deals:,} deals → {result.created:,} payouts, total {result.total:,} EUR, "
            f"{result.deals_without_rules:,} deals without rules, in {computed:.1f} s",
            flush=True,
        )
        for line in result.warning_lines():
            print(f"  {line}")
        started = time.perf_counter()
        totals = statements.statement_totals(period)
        summed = time.perf_counter() - started
        first = computed + summed
        print(f"statements: {len(totals):,} member totals in {summed:.1f} s")
        print(f"one run (compute + statements): {first:.1f} s", flush=True)
        started = time.perf_counter()
        again = payouts.compute_payouts(period)
        recomputed = time.perf_counter() - started
        print(
            f"recompute (idempotent): {again.unchanged:,} unchanged, "
            f"{again.created + again.updated} written, in {recomputed:.1f} s"
        )
        transaction.set_rollback(True)
    ok = first < 60
    print("target (under 60 s on PostgreSQL):", "met" if ok else "MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
