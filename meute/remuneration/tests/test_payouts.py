"""Rule versions, payout computation (idempotent, version in force), statuses, statements, export, CLI."""

import csv
import datetime
import io
from decimal import Decimal as D

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from openpyxl import load_workbook

from meute.cli import main
from meute.deals.choices import DealPartyRole, DealStage
from meute.remuneration import payouts, periods, rule_versions, statements
from meute.remuneration.choices import PayoutStatus
from meute.remuneration.models import DealStepAssignment, Payout, RemunerationRule, RemunerationVersion
from meute.remuneration.tests.fixtures import won_deal

Q1 = datetime.date(2027, 1, 1)
POOL = {"kind": "commission_pool", "rate": "10"}
SPLIT = {
    "kind": "role_split",
    "rate": "12",
    "steps": [
        {"step": "prospection", "percent": "20"},
        {"step": "proposal", "percent": "30"},
        {"step": "closing", "percent": "50"},
    ],
}


def members(w, *orgs):
    return [(org, w.member) for org in orgs]


def test_period_parsing():
    assert periods.parse_period("2027-Q1") == periods.Period("2027-Q1", Q1, datetime.date(2027, 4, 1))
    assert periods.parse_period("2027-12").end == datetime.date(2028, 1, 1)
    assert periods.parse_period("2027").end == datetime.date(2028, 1, 1)
    for bad in ("2027-Q5", "2027-13", "27", "Q1-2027", ""):
        with pytest.raises(ValidationError):
            periods.parse_period(bad)


def test_save_version_refuses_bad_input_and_saves_nothing(pay_world):
    w = pay_world
    bad_cases = [
        [{"kind": "referral_fee", "rate": "25"}],
        [{"kind": "referral_fee", "rate": "4"}],
        [dict(SPLIT, steps=[{"step": "prospection", "percent": "20"}, {"step": "closing", "percent": "50"}])],
        [{"kind": "fixed_amount", "fixed_amount": "-10", "party_role": "reseller"}],
        [POOL, dict(POOL, rate="5")],
        [
            {
                "kind": "commission_pool",
                "rate": "10",
                "weight_source": "explicit",
                "weights": {str(w.org_b.uuid): "1"},
            }
        ],
        [{"kind": "revenue_share", "rate": "abc", "party_role": "reseller"}],
    ]
    for rules in bad_cases:
        with pytest.raises(ValidationError):
            rule_versions.save_version(w.pack, valid_from=Q1, rules=rules, user=w.admin)
    assert not RemunerationVersion.objects.exists()
    assert not RemunerationRule.objects.exists()
    rule_versions.save_version(w.pack, valid_from=Q1, rules=[POOL], user=w.admin)
    with pytest.raises(ValidationError, match="2027-01-01"):
        rule_versions.save_version(w.pack, valid_from=Q1, rules=[SPLIT], user=w.admin)
    assert RemunerationVersion.objects.count() == 1


def test_referral_range_of_the_partnership(pay_world):
    w = pay_world
    rules = [{"kind": "referral_fee", "rate": "25"}]
    version = rule_versions.save_version(
        w.pack, valid_from=Q1, rules=rules, referral_min_rate="10", referral_max_rate="30", user=w.admin
    )
    assert version.rules.get().rate == D("25")


def test_rule_rights(pay_world):
    w = pay_world
    rule_versions.save_version(w.pack, valid_from=Q1, rules=[POOL], user=w.partner_a_user)  # coordinator
    for user in (w.partner_b_user, w.reader):
        with pytest.raises(PermissionDenied):
            rule_versions.save_version(w.pack, valid_from=datetime.date(2027, 6, 1), rules=[POOL], user=user)


def test_compute_store_and_recompute_idempotent(pay_world):
    w = pay_world
    rule_versions.save_version(w.pack, valid_from=Q1, rules=[POOL, SPLIT], user=w.admin)
    deal3 = won_deal(w.pack, members(w, w.org_a, w.org_c, w.org_d), amount="1000.00", title="Trois")
    deal2 = won_deal(w.pack, members(w, w.org_a, w.org_c), amount="100.00", title="Deux")
    DealStepAssignment.objects.create(deal=deal2, step="closing", organization=w.org_c)
    won_deal(w.pack, members(w, w.org_a, w.org_c), on=datetime.date(2027, 4, 2), title="Later")
    result = payouts.compute_payouts("2027-Q1")
    assert (result.deals, result.created, result.payouts) == (2, 5, 5)
    by = {(p.deal_id, p.organization_id): p.amount for p in Payout.objects.all()}
    # pool 100.00 by involvement 4/2/1: 57.14, 28.57, 14.29
    assert by[(deal3.pk, w.org_a.pk)] == D("57.14")
    assert by[(deal3.pk, w.org_d.pk)] == D("14.29")
    assert sum(v for (d, _o), v in by.items() if d == deal3.pk) == D("100.00")
    # split 12.00: prospection+proposal 6.00 shared, closing 6.00 to org_c
    assert by[(deal2.pk, w.org_a.pk)] == D("3.00")
    assert by[(deal2.pk, w.org_c.pk)] == D("9.00")
    uuids = set(Payout.objects.values_list("uuid", flat=True))
    again = payouts.compute_payouts("2027-Q1")
    assert (again.created, again.updated, again.unchanged, again.removed) == (0, 0, 5, 0)
    assert set(Payout.objects.values_list("uuid", flat=True)) == uuids


def test_dry_run_writes_nothing(pay_world):
    w = pay_world
    rule_versions.save_version(w.pack, valid_from=Q1, rules=[POOL], user=w.admin)
    won_deal(w.pack, members(w, w.org_a, w.org_c, w.org_d))
    result = payouts.compute_payouts("2027-Q1", dry_run=True)
    assert result.created == 3
    assert not Payout.objects.exists()


def test_new_version_does_not_change_past_period(pay_world):
    w = pay_world
    rule_versions.save_version(w.pack, valid_from=Q1, rules=[POOL], user=w.admin)
    won_deal(w.pack, members(w, w.org_a, w.org_c, w.org_d), amount="700.00")
    payouts.compute_payouts("2027-Q1")
    before = dict(Payout.objects.values_list("organization_id", "amount"))
    rule_versions.save_version(
        w.pack, valid_from=datetime.date(2027, 4, 1), rules=[dict(POOL, rate="20")], user=w.admin
    )
    again = payouts.compute_payouts("2027-Q1")
    assert again.unchanged == 3
    assert dict(Payout.objects.values_list("organization_id", "amount")) == before
    won_deal(w.pack, members(w, w.org_a, w.org_c, w.org_d), amount="700.00", on=datetime.date(2027, 4, 10))
    payouts.compute_payouts("2027-Q2")
    assert Payout.objects.filter(deal_date__gte="2027-04-01").aggregate(
        s=__import__("django").db.models.Sum("amount")
    )["s"] == D("140.00")


def test_approved_and_paid_payouts_never_change(pay_world):
    w = pay_world
    version = rule_versions.save_version(w.pack, valid_from=Q1, rules=[POOL], user=w.admin)
    deal = won_deal(w.pack, members(w, w.org_a, w.org_c, w.org_d), amount="700.00")
    payouts.compute_payouts("2027-Q1")
    approved = Payout.objects.get(organization=w.org_a)
    payouts.change_status([approved], PayoutStatus.APPROVED, user=w.manager, note="ok")
    # the version is now locked: its rules cannot change
    with pytest.raises(ValidationError):
        rule_versions.save_version(
            w.pack, valid_from=Q1, rules=[dict(POOL, rate="20")], user=w.admin, version=version
        )
    deal.amount = D("1400.00")
    deal.save()
    result = payouts.compute_payouts("2027-Q1")
    approved.refresh_from_db()
    assert approved.amount == D("40.00") and approved.status == PayoutStatus.APPROVED
    assert (result.kept, result.kept_differing, result.updated) == (1, 1, 2)
    assert Payout.objects.get(organization=w.org_c).amount == D("40.00")
    # a deal no longer won: its computed payouts go, the approved one stays
    deal.stage = DealStage.LOST
    deal.save()
    result = payouts.compute_payouts("2027-Q1")
    assert result.removed == 2
    assert list(Payout.objects.values_list("pk", flat=True)) == [approved.pk]


def test_status_transitions(pay_world):
    w = pay_world
    rule_versions.save_version(w.pack, valid_from=Q1, rules=[POOL], user=w.admin)
    won_deal(w.pack, members(w, w.org_a, w.org_c, w.org_d))
    payouts.compute_payouts("2027-Q1")
    rows = list(Payout.objects.order_by("pk"))
    with pytest.raises(ValidationError):
        payouts.change_status(rows, PayoutStatus.PAID, user=w.admin)  # not approved yet
    assert not Payout.objects.exclude(status=PayoutStatus.COMPUTED).exists()
    with pytest.raises(PermissionDenied):
        payouts.change_status(rows, PayoutStatus.APPROVED, user=w.partner_a_user)
    with pytest.raises(PermissionDenied):
        payouts.change_status(rows, PayoutStatus.APPROVED, user=w.reader)
    assert payouts.change_status(rows, PayoutStatus.APPROVED, user=w.admin) == 3
    assert payouts.change_status(rows[:1], PayoutStatus.PAID, user=w.admin) == 1
    assert payouts.change_status(rows[1:2], PayoutStatus.ON_HOLD, user=w.admin, note="invoice missing") == 1
    paid = Payout.objects.get(pk=rows[0].pk)
    assert (paid.status, paid.status_changed_by) == (PayoutStatus.PAID, w.admin)
    assert paid.status_changed_at is not None
    assert Payout.objects.get(pk=rows[1].pk).status_note == "invoice missing"


def test_margin_rule_and_referral_in_channel_partnership(pay_world):
    w = pay_world
    rule_versions.save_version(
        w.partnership_a,
        valid_from=Q1,
        rules=[{"kind": "referral_fee", "rate": "15", "basis": "margin"}],
        user=w.admin,
    )
    won_deal(
        w.partnership_a, [(w.org_a, DealPartyRole.REFERRER)], amount="10000.00", margin="3000.00", title="M"
    )
    won_deal(w.partnership_a, [(w.org_a, DealPartyRole.REFERRER)], amount="10000.00", title="No margin")
    result = payouts.compute_payouts("2027-Q1", partnership=w.partnership_a)
    assert Payout.objects.get().amount == D("450.00")
    assert sum(result.warnings.values()) == 1


def test_statement_and_totals(pay_world):
    w = pay_world
    rule_versions.save_version(w.pack, valid_from=Q1, rules=[POOL], user=w.admin)
    won_deal(w.pack, members(w, w.org_a, w.org_c, w.org_d), amount="700.00", title="A")
    won_deal(
        w.pack,
        members(w, w.org_a, w.org_c, w.org_d),
        amount="1400.00",
        title="B",
        on=datetime.date(2027, 3, 1),
    )
    payouts.compute_payouts("2027")
    st = statements.statement(w.org_a, "2027-Q1")
    assert [p.amount for p in st.payouts] == [D("40.00"), D("80.00")]
    assert st.grand_totals == {"EUR": D("120.00")}
    assert statements.statement(w.org_a, "2027-02").grand_totals == {"EUR": D("40.00")}
    totals = {
        row["organization__name"]: row["total"]
        for row in statements.statement_totals(periods.parse_period("2027"))
    }
    assert totals == {
        "Alpha Intégration": D("120.00"),
        "Gamma Coaching": D("60.00"),
        "Delta Expertise": D("30.00"),
    }
    # a partner user only ever sees its own organisation's lines
    mine = statements.statement_totals(periods.parse_period("2027"), user=w.partner_a_user)
    assert [row["organization__name"] for row in mine] == ["Alpha Intégration"]
    assert statements.statement_totals(periods.parse_period("2027"), user=w.partner_b_user) == []


def test_export_csv_and_xlsx(pay_world, tmp_path):
    w = pay_world
    rule_versions.save_version(w.pack, valid_from=Q1, rules=[POOL], user=w.admin)
    won_deal(w.pack, members(w, w.org_a, w.org_c, w.org_d), amount="700.00", title="Export")
    payouts.compute_payouts("2027-Q1")
    stream = io.StringIO()
    assert (
        statements.export_payouts(statements.payouts_in(periods.parse_period("2027-Q1")), "csv", stream) == 3
    )
    rows = list(csv.reader(io.StringIO(stream.getvalue())))
    assert rows[0][:3] == ["Date", "Member", "SIREN"]
    alpha = next(r for r in rows if r[1] == "Alpha Intégration")
    assert (
        alpha[0] == "2027-02-15"
        and alpha[2] == w.org_a.siren
        and alpha[5] == "40.00"
        and alpha[8] == "2027-01-01"
    )
    target = tmp_path / "p.xlsx"
    call_command("payouts", "export", "--period", "2027-Q1", "--output", str(target), stderr=io.StringIO())
    sheet = load_workbook(target).active
    values = list(sheet.values)
    assert len(values) == 4 and values[0][1] == "Member"


def test_cli_compute_statement_and_usage_errors(pay_world, capsys, tmp_path):
    w = pay_world
    rule_versions.save_version(w.pack, valid_from=Q1, rules=[POOL], user=w.admin)
    won_deal(w.pack, members(w, w.org_a, w.org_c, w.org_d), amount="700.00")
    assert main(["payouts", "compute", "--period", "2027-Q1", "--dry-run"]) == 0
    assert not Payout.objects.exists()
    assert main(["payouts", "compute", "--period", "2027-Q1", "--partnership", str(w.pack.uuid)]) == 0
    out = capsys.readouterr().out
    assert "3 computed payouts totalling 70.00" in out
    assert Payout.objects.count() == 3
    assert main(["payouts", "statement", "--period", "2027-Q1", "--member", w.org_a.siren]) == 0
    out = capsys.readouterr().out
    assert "40.00 EUR" in out and "Gamma" not in out
    for argv in (
        ["payouts", "compute", "--period", "2027-Q9"],
        ["payouts", "compute", "--period", "2027-Q1", "--partnership", "nope"],
        ["payouts", "statement", "--period", "2027-Q1", "--member", "123"],
        ["payouts", "export", "--period", "2027-Q1", "--format", "pdf"],
        ["payouts", "export", "--period", "2027-Q1", "--format", "xlsx"],
        ["payouts", "frobnicate"],
    ):
        before = list(Payout.objects.values_list("pk", "amount", "status"))
        assert main(argv) == 2, argv
        assert list(Payout.objects.values_list("pk", "amount", "status")) == before
    capsys.readouterr()
    assert main(["payouts", "export", "--period", "2027-Q1"]) == 0
    assert len(capsys.readouterr().out.strip().splitlines()) == 4


def test_status_changes_are_audited(pay_world):
    from auditlog.models import LogEntry

    import meute.remuneration.audit  # noqa: F401  (the app imports it from ready())

    w = pay_world
    rule_versions.save_version(w.pack, valid_from=Q1, rules=[POOL], user=w.admin)
    won_deal(w.pack, members(w, w.org_a, w.org_c, w.org_d))
    payouts.compute_payouts("2027-Q1")
    payout = Payout.objects.get(organization=w.org_a)
    payouts.change_status([payout], PayoutStatus.APPROVED, user=w.admin)
    entries = LogEntry.objects.get_for_object(payout)
    assert entries.count() == 1 and "approved" in str(entries.first().changes)


def test_demo_populate(pay_world):
    from meute.demo.remuneration import populate_demo

    summary = populate_demo(today=datetime.date(2027, 5, 20))
    assert summary["versions"] == 3  # the pack (two versions) and a channel partnership
    assert summary["deals"] == 6
    assert summary["payouts"] > 0
    assert Payout.objects.filter(status=PayoutStatus.PAID).exists()
    # every payout's explanation adds up to its amount; settled payouts keep theirs, computed ones don't
    for payout in Payout.objects.all():
        assert sum(D(c["amount"]) for c in payouts.explanation_of(payout).components) == payout.amount
        assert bool(payout.components) == (payout.status != PayoutStatus.COMPUTED)
    assert populate_demo(today=datetime.date(2027, 5, 20)) == {"versions": 0, "deals": 0, "payouts": 0}


def test_payout_writer_stores_rows_and_refuses_unexpected_codes(pay_world):
    """The writer (COPY on PostgreSQL, a plain insert on SQLite) stores what it is given, with new UUIDs."""
    w = pay_world
    version = rule_versions.save_version(w.pack, valid_from=Q1, rules=[POOL], user=w.admin)
    deal = won_deal(w.pack, members(w, w.org_a, w.org_c, w.org_d))
    writer = payouts.PayoutWriter()
    with writer.stream() as add:
        add((deal.pk, w.pack.pk, w.org_a.pk, version.pk, datetime.date(2027, 2, 15), "12.34", "EUR"))
        add((deal.pk, w.pack.pk, w.org_c.pk, version.pk, datetime.date(2027, 2, 15), "0.01", "EUR"))
    stored = {p.organization_id: p for p in Payout.objects.all()}
    assert stored[w.org_a.pk].amount == D("12.34") and stored[w.org_c.pk].amount == D("0.01")
    assert all(p.status == PayoutStatus.COMPUTED and p.components == [] for p in stored.values())
    assert all(p.uuid.version == 7 for p in stored.values())
    if writer.copy:
        with pytest.raises(ValueError, match="currency"), writer.stream() as add:
            add((deal.pk, w.pack.pk, w.org_d.pk, version.pk, datetime.date(2027, 2, 15), "1.00", "E\tR"))


def test_explanation_is_worked_out_until_settled_then_frozen(pay_world):
    w = pay_world
    rule_versions.save_version(w.pack, valid_from=Q1, rules=[POOL], user=w.admin)
    deal = won_deal(w.pack, members(w, w.org_a, w.org_c, w.org_d), amount="700.00")
    payouts.compute_payouts("2027-Q1")
    computed = Payout.objects.get(organization=w.org_c)
    assert computed.components == []  # nothing stored while provisional
    lines = payouts.explanation_of(computed).lines
    assert len(lines) == 1 and "10 %" in lines[0] and lines[0].endswith("→ 20.00")
    assert not payouts.explanation_of(computed).outdated
    approved = Payout.objects.get(organization=w.org_a)
    payouts.change_status([approved], PayoutStatus.APPROVED, user=w.admin)
    approved.refresh_from_db()
    assert [c["amount"] for c in approved.components] == ["40.00"]
    # the deal changes: the approved payout keeps its explanation, the computed one says it is outdated
    deal.amount = D("1400.00")
    deal.save()
    approved = Payout.objects.get(pk=approved.pk)
    assert (
        payouts.explanation_of(approved).lines[0].endswith("→ 40.00")
        and not payouts.explanation_of(approved).outdated
    )
    computed = Payout.objects.get(pk=computed.pk)
    assert payouts.explanation_of(computed).outdated and payouts.explanation_of(computed).lines[0].endswith(
        "→ 40.00"
    )
    payouts.compute_payouts("2027-Q1")
    computed = Payout.objects.get(pk=computed.pk)
    assert computed.amount == D("40.00") and not payouts.explanation_of(computed).outdated
    # released from hold, a payout is provisional again
    payouts.change_status([approved], PayoutStatus.ON_HOLD, user=w.admin)
    payouts.change_status([approved], PayoutStatus.COMPUTED, user=w.admin)
    approved.refresh_from_db()
    assert approved.components == [] and payouts.explanation_of(approved).lines[0].endswith("→ 80.00")
    assert payouts.explanation_of(approved).outdated  # 40.00 stored; the next computation gives 80.00


def test_statement_explanations_take_a_fixed_number_of_queries(pay_world, django_assert_max_num_queries):
    w = pay_world
    rule_versions.save_version(w.pack, valid_from=Q1, rules=[POOL, SPLIT], user=w.admin)
    for index in range(12):
        won_deal(w.pack, members(w, w.org_a, w.org_c, w.org_d)[: 2 + index % 2], title=f"D{index}")
    payouts.compute_payouts("2027-Q1")
    with django_assert_max_num_queries(12):
        result = statements.statement(w.org_a, "2027-Q1")
        lines = [line for payout in result.payouts for line in payouts.explanation_of(payout).lines]
    assert len(result.payouts) == 12 and len(lines) >= 12


def _payout_indexes():
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s", [Payout._meta.db_table]
        )
        return sorted(cursor.fetchall())


def test_large_first_load_builds_the_indexes_after_and_pays_the_same(pay_world, monkeypatch):
    from django.db import connection

    w = pay_world
    rule_versions.save_version(w.pack, valid_from=Q1, rules=[POOL, SPLIT], user=w.admin)
    for index in range(4):
        won_deal(w.pack, members(w, w.org_a, w.org_c, w.org_d)[: 2 + index % 2], title=f"D{index}")
    expected = payouts.compute_payouts("2027-Q1", dry_run=True)
    indexes = _payout_indexes() if connection.vendor == "postgresql" else None
    monkeypatch.setattr(payouts, "LARGE_LOAD_DEALS", 1)
    assert payouts._large_load(payouts.won_deals(periods.parse_period("2027-Q1")))
    result = payouts.compute_payouts("2027-Q1")
    assert (
        (result.created, result.total) == (expected.created, expected.total) == (10, D("440.00"))
    )  # pools of 100.00 and splits of 120.00
    if indexes is not None:
        assert _payout_indexes() == indexes  # every index and unique constraint is back, as it was
    # the table now holds as many payouts as the period adds: the next run updates in place
    assert not payouts._large_load(payouts.won_deals(periods.parse_period("2027-Q1")))
    assert payouts.compute_payouts("2027-Q1").unchanged == 10


def test_index_rebuild_refuses_duplicates_loaded_meanwhile(pay_world):
    from django.db import IntegrityError, connection, transaction

    from meute.lib.bulk import indexes_built_after

    if connection.vendor != "postgresql":
        pytest.skip("indexes are rebuilt on PostgreSQL only")
    w = pay_world
    version = rule_versions.save_version(w.pack, valid_from=Q1, rules=[POOL], user=w.admin)
    deal = won_deal(w.pack, members(w, w.org_a, w.org_c, w.org_d))
    row = (deal.pk, w.pack.pk, w.org_a.pk, version.pk, datetime.date(2027, 2, 15), "1.00", "EUR")
    with (
        pytest.raises(IntegrityError),
        transaction.atomic(),
        indexes_built_after(Payout),
        payouts.PayoutWriter().stream() as add,
    ):
        add(row)
        add(row)
    assert not Payout.objects.exists()
    assert any(name == "unique_payout_per_deal_member" for name, _definition in _payout_indexes())
