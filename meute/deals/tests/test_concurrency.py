"""Two partners register the same customer at the same moment: exactly one is protected."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import close_old_connections, connection

from meute.deals.choices import DealStage
from meute.deals.models import Customer, DealRegistration
from meute.deals.workflow import approve, register


@pytest.mark.django_db(transaction=True)
def test_parallel_approvals_protect_exactly_one(deals_world, make_data):
    if connection.vendor != "postgresql":
        pytest.skip("needs concurrent connections with row locks: run the suite on PostgreSQL")
    w = deals_world
    first, _ = register(w.partner_a_user, w.partnership_a, make_data(amount="50000"))
    second, _ = register(w.partner_b_user, w.partnership_b, make_data(amount="50000"))
    assert first.customer_id == second.customer_id
    barrier = threading.Barrier(2)
    outcomes = []

    def decide(deal):
        try:
            barrier.wait()
            approve(deal, w.manager, "first come")
            outcomes.append("approved")
        except ValidationError:
            outcomes.append("refused")
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=decide, args=(deal,)) for deal in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["approved", "refused"]
    assert DealRegistration.objects.filter(stage=DealStage.APPROVED).count() == 1


@pytest.mark.django_db(transaction=True)
def test_parallel_registrations_auto_approve_exactly_one(deals_world, make_data):
    if connection.vendor != "postgresql":
        pytest.skip("needs concurrent connections with row locks: run the suite on PostgreSQL")
    w = deals_world
    # A new customer: the first registration creates it, the second recognises it.
    barrier = threading.Barrier(2)
    results = []

    def run(user, partnership):
        try:
            barrier.wait()
            deal, _ = register(user, partnership, make_data(amount="5000"))
            results.append(deal.stage)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=run, args=(w.partner_a_user, w.partnership_a)),
        threading.Thread(target=run, args=(w.partner_b_user, w.partnership_b)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [DealStage.APPROVED, DealStage.SUBMITTED]
    assert DealRegistration.objects.filter(stage=DealStage.APPROVED).count() == 1
    assert Customer.objects.count() == 1
