"""Approvals and claims arriving at the same moment never take more than the fund holds (row locks)."""

import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from meute.funds import workflow
from meute.funds.ledger import balance_of
from meute.funds.models import Claim

from .conftest import make_request, pdf


def _race(jobs):
    barrier = threading.Barrier(len(jobs))
    outcomes = []

    def run(function):
        try:
            barrier.wait()
            function()
            outcomes.append("done")
        except ValidationError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sorted(outcomes)


def _needs_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("needs concurrent connections with row locks: run the suite on PostgreSQL")


@pytest.mark.django_db(transaction=True)
def test_parallel_approvals_cannot_overcommit(transactional_db, funds_world):
    _needs_postgresql()
    w = funds_world.world
    requests = [
        make_request(funds_world.fund_b, w.partner_b_user, budget="1000", title=f"R{i}") for i in range(5)
    ]
    outcomes = _race([lambda r=r: workflow.approve_request(r, w.manager) for r in requests])
    assert outcomes == ["done"] * 3 + ["refused"] * 2
    balance = balance_of(funds_world.fund_b)
    assert balance.committed == Decimal("3000.00") and balance.available == Decimal("0.00")


@pytest.mark.django_db(transaction=True)
def test_parallel_claims_on_one_request_make_one_claim(transactional_db, funds_world):
    _needs_postgresql()
    w = funds_world.world
    fund_request = make_request(funds_world.fund_b, w.partner_b_user, budget="1000")
    workflow.approve_request(fund_request, w.manager)
    outcomes = _race(
        [
            lambda: workflow.submit_claim(
                fund_request,
                w.partner_b_user,
                amount=Decimal("900"),
                currency="EUR",
                proofs=[(pdf(), "invoice")],
            )
            for _ in range(3)
        ]
    )
    assert outcomes == ["done", "refused", "refused"]
    assert Claim.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_parallel_overrides_stay_within_the_fund(transactional_db, funds_world):
    _needs_postgresql()
    w = funds_world.world
    claims = []
    for i in range(2):
        fund_request = make_request(funds_world.fund_b, w.partner_b_user, budget="1000", title=f"C{i}")
        workflow.approve_request(fund_request, w.manager, amount=Decimal("500"))
        fund_request.refresh_from_db()
        claim = workflow.submit_claim(
            fund_request, w.partner_b_user, amount=Decimal("500"), currency="EUR", proofs=[(pdf(), "invoice")]
        )
        claims.append(claim)
    # 3,000 allocated, 1,000 committed: 2,000 available. Each approval may take 500 more than committed
    # (the claim is 500, approved at 500): both succeed; the sums stay exact.
    outcomes = _race([lambda c=c: workflow.approve_claim(c, w.manager) for c in claims])
    assert outcomes == ["done", "done"]
    balance = balance_of(funds_world.fund_b)
    assert (balance.committed, balance.claimed, balance.available) == (
        Decimal("0.00"),
        Decimal("1000.00"),
        Decimal("2000.00"),
    )
