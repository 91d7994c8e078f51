"""Offers, answers, timeouts and re-routing with a frozen clock."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from meute.deals.choices import DealStage
from meute.leads import workflow
from meute.leads.choices import LeadStatus, OfferStatus, RoutingTrigger
from meute.leads.models import Lead, LeadCapacity, LeadOffer, RoutingDecision
from meute.leads.tasks import expire_offers_task
from meute.notifications.models import Notification

from .conftest import FROZEN

pytestmark = pytest.mark.django_db
HOURS_49 = datetime.timedelta(hours=49)


def titles(user):
    return list(Notification.objects.filter(recipient=user).values_list("title", flat=True))


def test_route_offers_to_the_best_partner_and_explains_why(frozen, leads_world, make_lead):
    w = leads_world
    # A Breton lead: only B covers it; A is skipped as outside its territory.
    lead = make_lead(territory=w.bzh, company_name="Breizh Conserves")
    offer = workflow.route(lead, w.manager)
    lead.refresh_from_db()
    assert lead.status == LeadStatus.OFFERED
    assert offer.partnership == w.partnership_b and offer.status == OfferStatus.PENDING
    assert offer.offered_at == FROZEN and offer.deadline == FROZEN + datetime.timedelta(hours=48)
    decision = RoutingDecision.objects.get(lead=lead)
    assert decision.chosen == w.partnership_b and decision.trigger == RoutingTrigger.MANUAL
    assert decision.explanation["skipped"] == [
        {"partnership": w.partnership_a.pk, "name": "Alpha channel", "code": "territory", "params": {}}
    ]
    assert titles(w.partner_b_user) == ["New lead offered to you"]
    assert titles(w.partner_a_user) == []


def test_only_channel_managers_route(leads_world, make_lead):
    with pytest.raises(PermissionDenied):
        workflow.route(make_lead(), leads_world.reader)
    with pytest.raises(PermissionDenied):
        workflow.route(make_lead(), leads_world.partner_a_user)
    assert not LeadOffer.objects.exists()


def test_accept_makes_the_lead_the_partners(frozen, leads_world, make_lead):
    w = leads_world
    offer = workflow.route(make_lead(territory=w.bzh), w.manager)
    with pytest.raises(PermissionDenied):
        workflow.accept(offer, w.partner_a_user)  # not offered to A
    with pytest.raises(PermissionDenied):
        workflow.accept(offer, w.manager)  # staff do not answer for the partner
    workflow.accept(offer, w.partner_b_user)
    lead = Lead.objects.get()
    assert lead.status == LeadStatus.ACCEPTED and lead.partnership == w.partnership_b
    assert lead.accepted_at == FROZEN
    assert "Lead accepted" in titles(w.manager)
    with pytest.raises(ValidationError) as error:
        workflow.accept(offer, w.partner_b_user)
    assert error.value.code == workflow.OFFER_CLOSED


def test_decline_needs_a_reason_and_reroutes_then_exhaustion_leaves_it_unassigned(
    frozen, leads_world, make_lead
):
    w = leads_world
    lead = make_lead(territory=w.ara)
    first = workflow.route(lead, None, trigger=RoutingTrigger.NEW)
    # Both cover the region, equal weight and load: the older partnership (A) first.
    assert first.partnership == w.partnership_a
    with pytest.raises(ValidationError):
        workflow.decline(first, w.partner_a_user, "  ")
    assert LeadOffer.objects.get(pk=first.pk).status == OfferStatus.PENDING
    workflow.decline(first, w.partner_a_user, "No capacity this month")
    second = LeadOffer.objects.get(status=OfferStatus.PENDING)
    assert second.partnership == w.partnership_b
    assert "Lead declined" in titles(w.manager)
    decision = RoutingDecision.objects.filter(trigger=RoutingTrigger.DECLINE).get()
    assert decision.explanation["skipped"][0]["code"] == "already_tried"

    workflow.decline(second, w.partner_b_user, "Not our market")
    lead.refresh_from_db()
    assert lead.status == LeadStatus.UNASSIGNED and lead.partnership is None
    assert "Alpha channel: already offered this lead (declined)" in lead.unassigned_reason
    assert "Bêta channel: already offered this lead (declined)" in lead.unassigned_reason
    assert not LeadOffer.objects.filter(status=OfferStatus.PENDING).exists()
    assert "Lead left unassigned" in titles(w.admin)


def test_timeout_reroutes_then_exhausts(frozen, leads_world, make_lead):
    w = leads_world
    lead = make_lead()
    first = workflow.route(lead, w.manager)
    assert workflow.expire_offers() == 0  # not yet due
    frozen.shift(datetime.timedelta(hours=47))
    assert workflow.expire_offers() == 0
    frozen.shift(datetime.timedelta(hours=2))
    with pytest.raises(ValidationError):
        workflow.accept(first, w.partner_a_user)  # too late
    assert expire_offers_task.delay().get() == 1
    first.refresh_from_db()
    assert first.status == OfferStatus.EXPIRED
    second = LeadOffer.objects.get(status=OfferStatus.PENDING)
    assert second.partnership == w.partnership_b
    assert second.deadline == FROZEN + HOURS_49 + datetime.timedelta(hours=48)
    frozen.shift(HOURS_49)
    assert workflow.expire_offers() == 1
    lead.refresh_from_db()
    assert lead.status == LeadStatus.UNASSIGNED
    assert "timed out" in lead.unassigned_reason
    assert list(RoutingDecision.objects.order_by("created_at", "pk").values_list("trigger", flat=True)) == [
        RoutingTrigger.MANUAL,
        RoutingTrigger.TIMEOUT,
        RoutingTrigger.TIMEOUT,
    ]


def test_capacity_counts_open_offers_and_accepted_leads_and_close_frees_it(frozen, leads_world, make_lead):
    w = leads_world
    LeadCapacity.objects.create(partnership=w.partnership_a, max_open_leads=1)
    LeadCapacity.objects.create(partnership=w.partnership_b, max_open_leads=1)
    first = workflow.route(make_lead(company_name="One"), w.manager)
    workflow.accept(first, w.partner_a_user)
    second = workflow.route(make_lead(company_name="Two"), w.manager)
    assert second.partnership == w.partnership_b  # A is at capacity 1/1
    third_lead = make_lead(company_name="Three")
    assert workflow.route(third_lead, w.manager) is None
    third_lead.refresh_from_db()
    assert "at capacity 1/1" in third_lead.unassigned_reason
    workflow.close(first.lead, w.partner_a_user, "Signed")
    offer = workflow.route(third_lead, w.manager)
    assert offer.partnership == w.partnership_a


def test_weight_and_load_spread_leads_round_robin(frozen, leads_world, make_lead):
    w = leads_world
    partners = []
    for number in range(4):
        offer = workflow.route(make_lead(company_name=f"Lead {number}"), w.manager)
        partners.append(offer.partnership.name)
        frozen.shift(datetime.timedelta(minutes=1))
    assert partners == ["Alpha channel", "Bêta channel", "Alpha channel", "Bêta channel"]


def test_staff_reroute_withdraws_the_open_offer_and_skips_that_partner(frozen, leads_world, make_lead):
    w = leads_world
    lead = make_lead()
    first = workflow.route(lead, w.manager)
    second = workflow.route(lead, w.manager)
    first.refresh_from_db()
    assert first.status == OfferStatus.WITHDRAWN and second.partnership == w.partnership_b
    assert LeadOffer.objects.filter(lead=lead, status=OfferStatus.PENDING).count() == 1
    workflow.accept(second, w.partner_b_user)
    with pytest.raises(ValidationError):
        workflow.route(lead, w.manager)  # accepted: no more routing


def test_the_database_refuses_a_second_open_offer(frozen, leads_world, make_lead):
    w = leads_world
    lead = make_lead()
    workflow.route(lead, w.manager)
    with pytest.raises(IntegrityError), transaction.atomic():
        LeadOffer.objects.create(
            lead=lead,
            partnership=w.partnership_b,
            offered_at=FROZEN,
            deadline=FROZEN + datetime.timedelta(hours=1),
        )
    assert LeadOffer.objects.filter(lead=lead).count() == 1


def test_route_new_routes_every_new_lead(frozen, leads_world, make_lead):
    w = leads_world
    make_lead(company_name="A")
    make_lead(company_name="B", territory=w.bzh)
    make_lead(company_name="C", required_partner_type="var")
    assert workflow.route_new() == (2, 1)
    assert set(Lead.objects.values_list("status", flat=True)) == {LeadStatus.OFFERED, LeadStatus.UNASSIGNED}


def test_accepted_lead_becomes_a_deal_registration(frozen, leads_world, make_lead):
    w = leads_world
    lead = make_lead(
        company_name="Dupont Industries",
        website="https://dupont-industries.fr",
        amount=Decimal("5000"),
        product_lines=[w.crm],
    )
    offer = workflow.route(lead, w.manager)
    with pytest.raises(ValidationError):
        workflow.convert_to_deal(lead, w.partner_a_user, datetime.date(2026, 4, 30))  # not accepted yet
    workflow.accept(offer, w.partner_a_user)
    with pytest.raises(PermissionDenied):
        workflow.convert_to_deal(lead, w.partner_b_user, datetime.date(2026, 4, 30))
    with pytest.raises(ValidationError) as error:
        workflow.convert_to_deal(lead, w.partner_a_user, datetime.date(2026, 1, 1))
    assert "expected_close_date" in error.value.message_dict
    deal = workflow.convert_to_deal(lead, w.partner_a_user, datetime.date(2026, 4, 30))
    lead.refresh_from_db()
    assert lead.deal == deal and deal.partnership == w.partnership_a
    assert deal.customer.name == "Dupont Industries" and deal.stage == DealStage.APPROVED
    with pytest.raises(ValidationError):
        workflow.convert_to_deal(lead, w.partner_a_user, datetime.date(2026, 4, 30))


def test_staff_offer_to_a_chosen_partner_past_the_rules(frozen, leads_world, make_lead):
    w = leads_world
    lead = make_lead(territory=w.bzh)  # A is outside the territory
    with pytest.raises(PermissionDenied):
        workflow.offer_to(lead, w.partnership_a, w.reader)
    offer = workflow.offer_to(lead, w.partnership_a, w.manager)
    assert offer.partnership == w.partnership_a
    decision = RoutingDecision.objects.get(lead=lead)
    assert decision.explanation["manual"] is True and decision.chosen == w.partnership_a
    assert decision.explanation["skipped"][0]["code"] == "territory"
    w.partnership_b.status = "suspended"
    w.partnership_b.save()
    with pytest.raises(ValidationError):
        workflow.offer_to(lead, w.partnership_b, w.manager)
    assert LeadOffer.objects.get(status=OfferStatus.PENDING) == offer
