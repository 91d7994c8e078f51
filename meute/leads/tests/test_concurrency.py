"""Answers and timeouts arriving at the same moment never assign a lead twice."""

import datetime
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from meute.leads import workflow
from meute.leads.choices import LeadStatus, OfferStatus
from meute.leads.models import Lead, LeadCapacity, LeadOffer


def _race(*jobs):
    barrier = threading.Barrier(len(jobs))
    outcomes = []

    def run(name, function):
        try:
            barrier.wait()
            function()
            outcomes.append(name)
        except ValidationError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=job) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sorted(outcomes)


@pytest.mark.django_db(transaction=True)
def test_accept_and_decline_at_the_same_moment(leads_world, make_lead):
    if connection.vendor != "postgresql":
        pytest.skip("needs concurrent connections with row locks: run the suite on PostgreSQL")
    w = leads_world
    lead = make_lead()
    offer = workflow.route(lead, w.manager)
    outcomes = _race(
        ("accepted", lambda: workflow.accept(offer, w.partner_a_user)),
        ("declined", lambda: workflow.decline(offer, w.partner_a_user, "busy")),
        ("accepted", lambda: workflow.accept(offer, w.partner_a_user)),
    )
    assert outcomes.count("refused") == 2
    lead.refresh_from_db()
    offers = list(LeadOffer.objects.filter(lead=lead).values_list("status", flat=True))
    if "accepted" in outcomes:
        assert lead.status == LeadStatus.ACCEPTED and offers == [OfferStatus.ACCEPTED]
    else:
        assert lead.status == LeadStatus.OFFERED
        assert sorted(offers) == [OfferStatus.DECLINED, OfferStatus.PENDING]
    assert LeadOffer.objects.filter(lead=lead, status=OfferStatus.PENDING).count() <= 1


@pytest.mark.django_db(transaction=True)
def test_timeout_and_accept_at_the_same_moment(leads_world, make_lead):
    if connection.vendor != "postgresql":
        pytest.skip("needs concurrent connections with row locks: run the suite on PostgreSQL")
    w = leads_world
    lead = make_lead()
    offer = workflow.route(lead, w.manager)
    # The deadline is in one second: accept just before it while the timeout job runs just after.
    LeadOffer.objects.filter(pk=offer.pk).update(deadline=timezone.now() + datetime.timedelta(seconds=1))
    later = timezone.now() + datetime.timedelta(seconds=2)
    outcomes = _race(
        ("accepted", lambda: workflow.accept(offer, w.partner_a_user)),
        ("expired", lambda: workflow.expire_offers(now=later)),
    )
    lead.refresh_from_db()
    statuses = dict(LeadOffer.objects.filter(lead=lead).values_list("partnership_id", "status"))
    if lead.status == LeadStatus.ACCEPTED:
        assert statuses == {w.partnership_a.pk: OfferStatus.ACCEPTED}
    else:
        assert outcomes == ["expired", "refused"]
        assert statuses == {w.partnership_a.pk: OfferStatus.EXPIRED, w.partnership_b.pk: OfferStatus.PENDING}
    assert Lead.objects.filter(status=LeadStatus.ACCEPTED).count() <= 1


@pytest.mark.django_db(transaction=True)
def test_many_parallel_routings_of_one_lead_leave_one_open_offer(leads_world, make_lead):
    if connection.vendor != "postgresql":
        pytest.skip("needs concurrent connections with row locks: run the suite on PostgreSQL")
    w = leads_world
    lead = make_lead()
    _race(*[("routed", lambda: workflow.route(lead, w.manager)) for _ in range(4)])
    # One after the other: offered to A, re-routed to B (A withdrawn), then nobody left, twice.
    lead.refresh_from_db()
    assert lead.status == LeadStatus.UNASSIGNED
    assert sorted(LeadOffer.objects.filter(lead=lead).values_list("partnership_id", "status")) == [
        (w.partnership_a.pk, OfferStatus.WITHDRAWN),
        (w.partnership_b.pk, OfferStatus.WITHDRAWN),
    ]
    assert lead.routing_decisions.count() == 4


@pytest.mark.django_db(transaction=True)
def test_two_leads_routed_at_the_same_moment_respect_capacity(leads_world, make_lead):
    if connection.vendor != "postgresql":
        pytest.skip("needs concurrent connections with row locks: run the suite on PostgreSQL")
    w = leads_world
    LeadCapacity.objects.create(partnership=w.partnership_a, max_open_leads=1)
    LeadCapacity.objects.create(partnership=w.partnership_b, max_open_leads=0)
    first, second = make_lead(company_name="One"), make_lead(company_name="Two")
    _race(
        ("routed", lambda: workflow.route(first, w.manager)),
        ("routed", lambda: workflow.route(second, w.manager)),
    )
    assert LeadOffer.objects.filter(partnership=w.partnership_a).count() == 1
    assert sorted(Lead.objects.values_list("status", flat=True)) == [
        LeadStatus.OFFERED,
        LeadStatus.UNASSIGNED,
    ]
