"""Allocations, the ledger and the request / claim workflow as plain business rules."""

import datetime
import random
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from meute.funds import allocation, workflow
from meute.funds.choices import ClaimStatus, EntryKind, RequestStatus
from meute.funds.ledger import Balance, balance_of, balances
from meute.funds.models import Claim, FundAllocation, FundEntry
from meute.money.models import ExchangeRate

from .conftest import make_request, pdf

D = Decimal


def test_tier_rule_allocates_a_share_of_last_years_revenue(funds_world):
    fund = funds_world.fund_a
    assert fund.method == "tier_rule"
    assert fund.revenue_basis == D("100000.00")
    assert fund.expires_on == datetime.date(2027, 12, 31)
    assert balance_of(fund) == Balance(allocated=D("5000.00"))


def test_tier_rule_converts_revenue_in_another_currency(funds_world):
    w = funds_world.world
    ExchangeRate.objects.create(
        from_currency="USD", to_currency="EUR", rate=D("0.5"), valid_from=datetime.date(2026, 1, 1)
    )
    from meute.programs.models import RevenueRecord

    RevenueRecord.objects.create(
        partnership=w.partnership_a, period=datetime.date(2026, 5, 1), amount=D("10000"), currency="USD"
    )
    allocation.allocate(w.partnership_a, funds_world.program, 2027, user=w.admin)
    # 100,000 EUR + 10,000 USD × 0.5 = 105,000 EUR; 5 % = 5,250, added as a second entry.
    assert balance_of(funds_world.fund_a).allocated == D("5250.00")
    assert list(FundEntry.objects.filter(allocation=funds_world.fund_a).values_list("amount", flat=True)) == [
        D("5000.00"),
        D("250.00"),
    ]


def test_partner_and_read_only_staff_cannot_allocate(funds_world):
    w = funds_world.world
    for user in (w.partner_a_user, w.reader):
        with pytest.raises(PermissionDenied):
            allocation.allocate(w.partnership_a, funds_world.program, 2028, user=user, amount=D("1"))
    assert not FundAllocation.objects.filter(period=2028).exists()


def test_without_a_tier_the_rule_refuses_and_writes_nothing(funds_world):
    w = funds_world.world
    with pytest.raises(ValidationError, match="holds no tier"):
        allocation.allocate(w.partnership_b, funds_world.program, 2028, user=w.admin)
    assert not FundAllocation.objects.filter(period=2028).exists()


def test_request_approval_commits_and_claim_payment_moves_buckets(funds_world):
    w = funds_world.world
    fund = funds_world.fund_a
    fund_request = make_request(fund, w.partner_a_user, budget="1200")
    assert fund_request.status == RequestStatus.SUBMITTED
    workflow.approve_request(fund_request, w.manager, amount=D("1000"))
    assert balance_of(fund) == Balance(allocated=D("5000.00"), committed=D("1000.00"))
    fund_request.refresh_from_db()
    claim = workflow.submit_claim(
        fund_request, w.partner_a_user, amount=D("900"), currency="EUR", proofs=[(pdf(), "invoice")], leads=25
    )
    assert claim.proofs.count() == 1
    workflow.approve_claim(claim, w.manager, D("800"))
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.PARTIALLY_APPROVED
    assert balance_of(fund) == Balance(allocated=D("5000.00"), claimed=D("800.00"))
    workflow.mark_paid(claim, w.manager, "VIR-2027-001")
    assert balance_of(fund) == Balance(allocated=D("5000.00"), paid=D("800.00"))
    assert balance_of(fund).available == D("4200.00")


def test_request_above_available_balance_is_refused(funds_world):
    w = funds_world.world
    fund_request = make_request(funds_world.fund_b, w.partner_b_user, budget="3500", submit=False)
    with pytest.raises(ValidationError, match="above the fund's available balance"):
        workflow.submit_request(fund_request, w.partner_b_user)
    fund_request.refresh_from_db()
    assert fund_request.status == RequestStatus.DRAFT


def test_approval_cannot_overcommit_the_fund(funds_world):
    w = funds_world.world
    first = make_request(funds_world.fund_b, w.partner_b_user, budget="2000")
    second = make_request(funds_world.fund_b, w.partner_b_user, budget="2000")
    workflow.approve_request(first, w.manager)
    with pytest.raises(ValidationError, match="Only 1000.00 EUR are available"):
        workflow.approve_request(second, w.manager)
    second.refresh_from_db()
    assert second.status == RequestStatus.SUBMITTED
    assert balance_of(funds_world.fund_b).committed == D("2000.00")


def test_manager_approval_limit(funds_world, settings):
    settings.MEUTE_FUNDS_MANAGER_APPROVAL_LIMIT = "500"
    w = funds_world.world
    fund_request = make_request(funds_world.fund_a, w.partner_a_user, budget="800")
    with pytest.raises(ValidationError, match="above your approval limit"):
        workflow.approve_request(fund_request, w.manager)
    assert not FundEntry.objects.filter(kind=EntryKind.COMMITMENT).exists()
    workflow.approve_request(fund_request, w.admin)
    assert balance_of(funds_world.fund_a).committed == D("800.00")


def test_partner_cannot_decide(funds_world):
    w = funds_world.world
    fund_request = make_request(funds_world.fund_a, w.partner_a_user)
    with pytest.raises(PermissionDenied):
        workflow.approve_request(fund_request, w.partner_a_user)
    with pytest.raises(PermissionDenied):
        workflow.approve_request(fund_request, w.reader)
    fund_request.refresh_from_db()
    assert fund_request.status == RequestStatus.SUBMITTED and fund_request.approved_amount is None


def test_changes_requested_then_resubmitted_then_rejected(funds_world):
    w = funds_world.world
    fund_request = make_request(funds_world.fund_a, w.partner_a_user)
    with pytest.raises(ValidationError):
        workflow.request_changes(fund_request, w.manager, "  ")
    workflow.request_changes(fund_request, w.manager, "Add the venue")
    fund_request.refresh_from_db()
    assert fund_request.status == RequestStatus.CHANGES_REQUESTED
    fund_request.description = "At the Lyon office"
    workflow.save_request(fund_request, w.partner_a_user)
    workflow.submit_request(fund_request, w.partner_a_user)
    workflow.reject_request(fund_request, w.manager, "Out of scope")
    fund_request.refresh_from_db()
    assert fund_request.status == RequestStatus.REJECTED
    with pytest.raises(ValidationError):
        workflow.save_request(fund_request, w.partner_a_user)


def test_cancelling_an_approved_request_gives_the_commitment_back(funds_world):
    w = funds_world.world
    fund_request = make_request(funds_world.fund_a, w.partner_a_user)
    workflow.approve_request(fund_request, w.manager)
    workflow.cancel_request(fund_request, w.partner_a_user)
    assert balance_of(funds_world.fund_a) == Balance(allocated=D("5000.00"))


def test_dates_in_the_wrong_order_are_refused(funds_world):
    w = funds_world.world
    with pytest.raises(ValidationError) as exc:
        make_request(
            funds_world.fund_a,
            w.partner_a_user,
            start_date=datetime.date(2027, 5, 2),
            end_date=datetime.date(2027, 5, 1),
        )
    assert "end_date" in exc.value.message_dict


def test_request_in_another_currency_needs_a_rate(funds_world):
    w = funds_world.world
    with pytest.raises(ValidationError, match="No exchange rate from USD to EUR"):
        make_request(funds_world.fund_a, w.partner_a_user, currency="USD")
    ExchangeRate.objects.create(
        from_currency="USD", to_currency="EUR", rate=D("0.9"), valid_from=datetime.date(2027, 1, 1)
    )
    fund_request = make_request(funds_world.fund_a, w.partner_a_user, currency="USD", budget="1000")
    assert fund_request.budget_in_fund_currency == D("900.00")


def test_claims_without_proof_above_the_approval_or_on_another_partners_request_are_refused(funds_world):
    w = funds_world.world
    fund_request = make_request(funds_world.fund_a, w.partner_a_user)
    workflow.approve_request(fund_request, w.manager)
    with pytest.raises(ValidationError, match="Attach proof"):
        workflow.submit_claim(fund_request, w.partner_a_user, amount=D("500"), currency="EUR", proofs=[])
    with pytest.raises(ValidationError, match="above the approved amount"):
        workflow.submit_claim(
            fund_request, w.partner_a_user, amount=D("1000.01"), currency="EUR", proofs=[(pdf(), "invoice")]
        )
    with pytest.raises(PermissionDenied):
        workflow.submit_claim(
            fund_request, w.partner_b_user, amount=D("500"), currency="EUR", proofs=[(pdf(), "invoice")]
        )
    fake = pdf("invoice.pdf")
    fake.file.write(b"")
    from django.core.files.uploadedfile import SimpleUploadedFile

    with pytest.raises(ValidationError, match="does not match"):
        workflow.submit_claim(
            fund_request,
            w.partner_a_user,
            amount=D("500"),
            currency="EUR",
            proofs=[(SimpleUploadedFile("invoice.pdf", b"MZ not a pdf"), "invoice")],
        )
    assert not Claim.objects.exists()


def test_claim_above_the_request_needs_a_reason_and_stays_within_the_fund(funds_world):
    w = funds_world.world
    fund_request = make_request(funds_world.fund_b, w.partner_b_user, budget="2500")
    workflow.approve_request(fund_request, w.manager, amount=D("2000"))
    claim = workflow.submit_claim(
        fund_request, w.partner_b_user, amount=D("2000"), currency="EUR", proofs=[(pdf(), "invoice")]
    )
    with pytest.raises(ValidationError, match="cannot approve more than was claimed"):
        workflow.approve_claim(claim, w.manager, D("2100"), override_reason="Venue cost more")
    # The claim is 2,000 = the approval; a second request then leaves 500 available.
    workflow.approve_claim(claim, w.manager)
    assert balance_of(funds_world.fund_b).available == D("1000.00")


def test_override_above_the_approved_request(funds_world):
    w = funds_world.world
    fund_request = make_request(funds_world.fund_b, w.partner_b_user, budget="1000")
    workflow.approve_request(fund_request, w.manager, amount=D("800"))
    fund_request.refresh_from_db()
    # The partner cannot claim above the approval …
    with pytest.raises(ValidationError):
        workflow.submit_claim(
            fund_request, w.partner_b_user, amount=D("900"), currency="EUR", proofs=[(pdf(), "invoice")]
        )
    claim = workflow.submit_claim(
        fund_request, w.partner_b_user, amount=D("800"), currency="EUR", proofs=[(pdf(), "invoice")]
    )
    workflow.approve_claim(claim, w.manager)
    assert balance_of(funds_world.fund_b) == Balance(allocated=D("3000.00"), claimed=D("800.00"))


def test_expiry_takes_what_is_left_once(funds_world):
    w = funds_world.world
    fund_request = make_request(funds_world.fund_b, w.partner_b_user, budget="1000")
    workflow.approve_request(fund_request, w.manager)
    done = allocation.expire(datetime.date(2028, 1, 1))
    assert [(a.pk, amount) for a, amount in done if a.pk == funds_world.fund_b.pk] == [
        (funds_world.fund_b.pk, D("2000.00"))
    ]
    assert allocation.expire(datetime.date(2028, 1, 1)) == []
    assert balance_of(funds_world.fund_b) == Balance(
        allocated=D("3000.00"), committed=D("1000.00"), expired=D("2000.00")
    )


@pytest.mark.parametrize(
    ("percent", "expired", "carried"),
    [("0", D("2000.00"), None), ("25", D("1500.00"), D("500.00")), ("100", None, D("2000.00"))],
)
def test_the_carry_over_setting_decides_what_moves_to_the_next_period(
    funds_world, settings, percent, expired, carried
):
    settings.MEUTE_MDF_CARRY_OVER_PERCENT = percent
    w = funds_world.world
    workflow.approve_request(make_request(funds_world.fund_b, w.partner_b_user, budget="1000"), w.manager)
    done = dict((a.pk, amount) for a, amount in allocation.expire(datetime.date(2028, 1, 1)))
    assert done[funds_world.fund_b.pk] == (expired or D("0.00"))
    old = balance_of(funds_world.fund_b)
    assert (old.expired, old.carried_over, old.available) == (
        expired or D("0.00"),
        -(carried or D("0.00")),
        D("0.00"),
    )
    following = FundAllocation.objects.filter(partnership=w.partnership_b, period=2028).first()
    if carried is None:
        assert following is None
        return
    assert balance_of(following) == Balance(carried_over=carried)
    # The carried money is spendable on the next period's fund, and no more than it.
    with pytest.raises(ValidationError, match="available balance"):
        make_request(following, w.partner_b_user, budget=str(carried + 1))
    make_request(following, w.partner_b_user, budget=str(carried))
    assert allocation.expire(datetime.date(2028, 1, 1)) == []


def test_a_fund_opened_by_a_carry_over_still_gets_its_tier_rule(funds_world, settings):
    settings.MEUTE_MDF_CARRY_OVER_PERCENT = "10"
    allocation.expire(datetime.date(2028, 1, 1))
    run = allocation.allocate_period(2028, user=funds_world.world.admin, program=funds_world.program)
    [fund] = run.allocated
    # 10 % of the 5,000.00 left in 2027, and 5 % of the 99,999 of revenue in 2027.
    assert balance_of(fund) == Balance(allocated=D("4999.95"), carried_over=D("500.00"))
    assert balance_of(fund).available == D("5499.95")


def test_a_carry_over_share_outside_0_to_100_is_a_configuration_error(funds_world, settings):
    from django.core.exceptions import ImproperlyConfigured

    settings.MEUTE_MDF_CARRY_OVER_PERCENT = "120"
    with pytest.raises(ImproperlyConfigured):
        allocation.expire(datetime.date(2028, 1, 1))
    assert not FundEntry.objects.filter(kind__in=[EntryKind.EXPIRY, EntryKind.CARRY_OVER]).exists()


def test_allocation_cannot_go_below_what_is_used(funds_world):
    w = funds_world.world
    fund_request = make_request(funds_world.fund_b, w.partner_b_user, budget="1000")
    workflow.approve_request(fund_request, w.manager)
    with pytest.raises(ValidationError, match="lower than what is already used"):
        allocation.allocate(w.partnership_b, funds_world.program, 2027, user=w.admin, amount=D("900"))
    allocation.allocate(w.partnership_b, funds_world.program, 2027, user=w.admin, amount=D("1500"))
    assert balance_of(funds_world.fund_b).allocated == D("1500.00")


def test_random_sequences_keep_the_ledger_identity(funds_world):
    """Whatever happens, the buckets equal the sums of the entries and available never goes negative."""
    w = funds_world.world
    rng = random.Random(18)
    fund = funds_world.fund_b
    expected = {"committed": D(0), "claimed": D(0), "paid": D(0)}
    for step in range(25):
        budget = D(rng.randint(1, 900))
        fund_request = make_request(
            fund, w.partner_b_user, budget=str(min(budget, balance_of(fund).available or 1)), submit=False
        )
        try:
            workflow.submit_request(fund_request, w.partner_b_user)
            workflow.approve_request(fund_request, w.manager)
        except ValidationError:
            continue
        fund_request.refresh_from_db()
        expected["committed"] += fund_request.approved_amount
        if rng.random() < 0.6:
            claimed = D(rng.randint(1, int(fund_request.approved_amount)))
            claim = workflow.submit_claim(
                fund_request, w.partner_b_user, amount=claimed, currency="EUR", proofs=[(pdf(), "invoice")]
            )
            workflow.approve_claim(claim, w.manager)
            expected["committed"] -= fund_request.approved_amount
            expected["claimed"] += claimed
            if rng.random() < 0.5:
                workflow.mark_paid(claim, w.manager, f"P{step}")
                expected["claimed"] -= claimed
                expected["paid"] += claimed
        balance = balance_of(fund)
        assert balance.available >= 0
        assert (balance.committed, balance.claimed, balance.paid) == (
            expected["committed"],
            expected["claimed"],
            expected["paid"],
        )
    assert balances(FundAllocation.objects.filter(pk=fund.pk))[fund.pk] == balance_of(fund)


def test_cli_allocates_and_expires(funds_world, capsys):
    from django.core.management import call_command

    w = funds_world.world
    call_command("funds", "allocate", "--period", "2028")
    out = capsys.readouterr().out
    assert "1 allocations set by tier rule" in out
    fund = FundAllocation.objects.get(partnership=w.partnership_a, period=2028)
    # 2027 revenue of partner A is 99,999 EUR: 5 % = 4,999.95.
    assert balance_of(fund).allocated == D("4999.95")
    call_command("funds", "expire", "--today", "2029-01-01")
    assert balance_of(fund).expired == D("4999.95")
    with pytest.raises(Exception, match="Invalid date"):
        call_command("funds", "expire", "--today", "soon")
