import datetime
from decimal import Decimal
from io import StringIO

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.db import IntegrityError, transaction

from meute.core.audit import history_for
from meute.deals import workflow
from meute.deals.choices import DealStage, MatchLevel
from meute.deals.models import Customer, DealParty, DealRegistration
from meute.deals.tasks import expire_protections_task
from meute.deals.workflow import approve, extend, mark_lost, mark_won, register, reject


def test_small_unclaimed_deal_is_approved_automatically(frozen, deals_world, make_data):
    deal, created = register(deals_world.partner_a_user, deals_world.partnership_a, make_data(amount="5000"))
    assert created
    assert deal.stage == DealStage.APPROVED and deal.auto_approved
    assert deal.protection_start == datetime.date(2026, 3, 2)
    assert deal.protection_end == datetime.date(2026, 5, 31)  # 90 days
    assert deal.registered_by == deals_world.partner_a_user


def test_large_deal_waits_for_review_then_is_approved(frozen, deals_world, make_data):
    w = deals_world
    deal, _created = register(w.partner_a_user, w.partnership_a, make_data(amount="50000"))
    assert deal.stage == DealStage.SUBMITTED and deal.conflict_level == MatchLevel.DISTINCT
    with pytest.raises(PermissionDenied):
        approve(deal, w.partner_a_user)
    deal = approve(deal, w.manager, "Strategic account")
    assert deal.stage == DealStage.APPROVED and deal.reviewer == w.manager
    assert deal.decision_reason == "Strategic account"
    assert [entry.actor for entry in history_for(deal)][0] == w.manager


def test_conflicting_registration_goes_to_the_queue_and_cannot_be_approved(frozen, deals_world, make_data):
    w = deals_world
    first, _ = register(w.partner_b_user, w.partnership_b, make_data(amount="5000"))
    assert first.stage == DealStage.APPROVED
    second, _ = register(
        w.partner_a_user, w.partnership_a, make_data(customer_name="DUPOND INDUSTRIE", amount="10")
    )
    assert second.stage == DealStage.SUBMITTED
    assert second.customer_id == first.customer_id  # recognised as the same customer
    assert second.conflict_level == MatchLevel.SAME
    assert second.conflict_evidence["candidates"][0]["claims"][0]["deal_uuid"] == str(first.uuid)
    with pytest.raises(ValidationError, match="already protected"):
        approve(second, w.manager)
    second.refresh_from_db()
    assert second.stage == DealStage.SUBMITTED
    second = reject(second, w.manager, "Already registered by another partner")
    assert second.stage == DealStage.REJECTED


def test_reject_needs_a_reason(deals_world, make_data):
    deal, _ = register(deals_world.partner_a_user, deals_world.partnership_a, make_data(amount="50000"))
    with pytest.raises(ValidationError):
        reject(deal, deals_world.manager, "  ")
    deal.refresh_from_db()
    assert deal.stage == DealStage.SUBMITTED


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"customer_name": ""}, "customer_name"),
        (
            {"website": "", "contact_email": "someone@gmail.com", "city": "", "postal_code": ""},
            "customer_name",
        ),
        ({"amount": "0"}, "amount"),
        ({"amount": "-5"}, "amount"),
        ({"amount": "abc"}, "amount"),
        ({"expected_close_date": datetime.date(2020, 1, 1)}, "expected_close_date"),
        ({"siren": "123456789"}, "siren"),
        ({"product_lines": []}, "product_lines"),
    ],
)
def test_bad_input_is_refused_and_nothing_written(deals_world, make_data, overrides, field):
    with pytest.raises(ValidationError) as info:
        register(deals_world.partner_a_user, deals_world.partnership_a, make_data(**overrides))
    assert field in info.value.message_dict
    assert not DealRegistration.objects.exists() and not Customer.objects.exists()


def test_products_outside_the_programme_are_refused(deals_world, make_data):
    data = make_data(product_lines=[deals_world.other_line])
    with pytest.raises(ValidationError, match="outside the partnership.s product lines"):
        register(deals_world.partner_a_user, deals_world.partnership_a, data)


def test_duplicate_submission_is_idempotent(deals_world, make_data):
    w = deals_world
    first, created = register(w.partner_a_user, w.partnership_a, make_data(), idempotency_key="k-1")
    again, created_again = register(w.partner_a_user, w.partnership_a, make_data(), idempotency_key="k-1")
    assert created and not created_again and again.pk == first.pk
    assert DealRegistration.objects.count() == 1


def test_partner_cannot_register_for_another_partnership(deals_world, make_data):
    with pytest.raises(PermissionDenied):
        register(deals_world.partner_a_user, deals_world.partnership_b, make_data())


def test_database_refuses_two_protected_registrations(deals_world, make_data):
    w = deals_world
    first, _ = register(w.partner_a_user, w.partnership_a, make_data(amount="5000"))
    second, _ = register(w.partner_b_user, w.partnership_b, make_data(amount="50000"))
    assert first.stage == DealStage.APPROVED and second.customer_id == first.customer_id
    with pytest.raises(IntegrityError), transaction.atomic():
        DealRegistration.objects.filter(pk=second.pk).update(
            stage=DealStage.APPROVED,
            protection_start=first.protection_start,
            protection_end=first.protection_end,
        )


def test_database_refuses_non_positive_amount(deals_world, make_data):
    deal, _ = register(deals_world.partner_a_user, deals_world.partnership_a, make_data())
    with pytest.raises(IntegrityError), transaction.atomic():
        DealRegistration.objects.filter(pk=deal.pk).update(amount=Decimal("0"))


def test_expiry_extension_and_command(frozen, deals_world, make_data):
    w = deals_world
    deal, _ = register(w.partner_a_user, w.partnership_a, make_data(amount="5000"))
    frozen.move_to(datetime.datetime(2026, 5, 31, 12, tzinfo=datetime.UTC))
    assert workflow.expire_protections() == 0  # the last protected day
    deal = extend(deal, w.manager, days=30, reason="Tender delayed")
    assert deal.protection_end == datetime.date(2026, 6, 30) and deal.extension_count == 1
    frozen.move_to(datetime.datetime(2026, 7, 1, 8, tzinfo=datetime.UTC))
    out = StringIO()
    call_command("deals", "expire", stdout=out)
    assert "1 protection(s) expired" in out.getvalue()
    deal.refresh_from_db()
    assert deal.stage == DealStage.EXPIRED
    # The customer is free again: another partner can be protected on it.
    other, _ = register(w.partner_b_user, w.partnership_b, make_data(amount="5000"))
    assert other.stage == DealStage.APPROVED


def test_extensions_are_limited(deals_world, make_data):
    w = deals_world
    deal, _ = register(w.partner_a_user, w.partnership_a, make_data(amount="5000"))
    for _ in range(2):  # the cap: 2 extensions
        deal = extend(deal, w.manager)
    with pytest.raises(ValidationError, match="already extended"):
        extend(deal, w.manager)


def test_celery_task_expires(frozen, deals_world, make_data):
    register(deals_world.partner_a_user, deals_world.partnership_a, make_data(amount="5000"))
    frozen.move_to(datetime.datetime(2026, 9, 1, tzinfo=datetime.UTC))
    assert expire_protections_task.delay().get() == 1


def test_won_sends_the_revenue_hook_and_lost_frees_the_customer(deals_world, make_data):
    w = deals_world
    received = []

    def receiver(sender, deal, **kwargs):
        received.append(deal.pk)

    workflow.deal_won.connect(receiver)
    try:
        deal, _ = register(w.partner_a_user, w.partnership_a, make_data(amount="5000"))
        with pytest.raises(PermissionDenied):
            mark_won(deal, w.partner_b_user)
        deal = mark_won(deal, w.partner_a_user)
    finally:
        workflow.deal_won.disconnect(receiver)
    assert deal.stage == DealStage.WON and received == [deal.pk]
    with pytest.raises(ValidationError):
        mark_lost(deal, w.partner_a_user)
    other, _ = register(w.partner_b_user, w.partnership_b, make_data(amount="50000"))
    assert mark_lost(other, w.partner_b_user, "Budget cut").stage == DealStage.LOST


def test_protection_period_comes_from_the_tier_when_there_is_one(deals_world, program):
    from meute.programs.models import PartnerTier

    partnership = deals_world.partnership_a
    assert workflow.protection_days(partnership) == 90  # a member without a tier
    gold = program.tiers.get(name="Gold")
    gold.protection_days = 120
    gold.save()
    PartnerTier.objects.filter(partnership=partnership).update(tier=gold)
    assert workflow.protection_days(partnership) == 120


def test_several_partners_on_one_deal(deals_world, make_data):
    w = deals_world
    deal, _ = register(w.partner_a_user, w.partnership_a, make_data())
    DealParty.objects.create(deal=deal, organization=w.org_a, role="reseller", share=Decimal("60"))
    DealParty.objects.create(deal=deal, organization=w.org_b, role="distributor", share=Decimal("40"))
    with pytest.raises(IntegrityError), transaction.atomic():
        DealParty.objects.create(deal=deal, organization=w.org_b, role="referrer")
    assert DealParty.objects.visible_to(w.partner_a_user).count() == 2
    assert DealParty.objects.visible_to(w.partner_b_user).count() == 0


def test_visibility(deals_world, make_data):
    w = deals_world
    deal_a, _ = register(w.partner_a_user, w.partnership_a, make_data())
    deal_b, _ = register(
        w.partner_b_user,
        w.partnership_b,
        make_data(customer_name="Martin Transports", website="", contact_email="p@martin.fr"),
    )
    assert list(DealRegistration.objects.visible_to(w.partner_a_user)) == [deal_a]
    assert list(Customer.objects.visible_to(w.partner_a_user)) == [deal_a.customer]
    assert DealRegistration.objects.visible_to(w.reader).count() == 2
    assert deal_b.customer not in Customer.objects.visible_to(w.partner_a_user)


def test_expiry_is_scheduled_nightly():
    from meute.celery import app

    entry = app.conf.beat_schedule["deals-expire-protections"]
    assert entry["task"] == expire_protections_task.name


def test_partner_is_told_of_the_decision_by_email(deals_world, make_data, mailoutbox):
    w = deals_world
    w.partner_a_user.email = "alice@alpha.example"
    w.partner_a_user.save()
    deal, _ = register(w.partner_a_user, w.partnership_a, make_data())
    reject(deal, w.manager, "Out of scope")
    to_alice = [m for m in mailoutbox if m.to == ["alice@alpha.example"]]
    assert len(to_alice) == 1
    assert "Out of scope" in to_alice[0].body
    assert w.partner_a_user.notifications.get().title == "Your deal registration is rejected"


def test_a_partner_is_told_they_already_registered_the_customer(deals_world, make_data):
    w = deals_world
    first, _ = register(w.partner_a_user, w.partnership_a, make_data(amount="50000"))
    with pytest.raises(ValidationError, match="You already registered this customer") as info:
        register(w.partner_a_user, w.partnership_a, make_data(customer_name="DUPONT INDUSTRIES SA"))
    assert str(first.uuid) in str(info.value)
    assert DealRegistration.objects.count() == 1
    # Another partner may register it (it goes to the queue as a conflict).
    other, _ = register(w.partner_b_user, w.partnership_b, make_data(customer_name="Dupont Industries"))
    assert other.conflict_level == MatchLevel.SAME


def test_a_withheld_hint_is_never_approved_automatically(deals_world, make_data):
    w = deals_world
    deal, _ = register(w.partner_a_user, w.partnership_a, make_data(amount="5000"), withhold_hint=True)
    assert deal.conflict_hint_withheld and deal.stage == DealStage.SUBMITTED


def test_two_spellings_of_one_company_are_never_both_protected(deals_world, make_data):
    w = deals_world
    first, _ = register(w.partner_a_user, w.partnership_a, make_data(amount="50000"))
    # Created as its own customer record (e.g. imported), then registered by another partner.
    from meute.deals.customers import save_customer

    twin = Customer(
        name="Dupont-Industries", city="Lyon", postal_code="69003", website_domain="dupont-industries.fr"
    )
    save_customer(twin)
    second = DealRegistration.objects.create(
        partnership=w.partnership_b,
        customer=twin,
        amount=Decimal("100"),
        expected_close_date=first.expected_close_date,
        stage=DealStage.SUBMITTED,
    )
    approve(first, w.manager)
    with pytest.raises(ValidationError, match="already protected"):
        approve(second, w.manager)
    assert DealRegistration.objects.filter(stage=DealStage.APPROVED).count() == 1


def test_boundaries_outside_the_territory_are_registered_for_review(deals_world, make_data):
    w = deals_world
    data = make_data(amount="5000")
    data.country = "BE"
    deal, _ = register(w.partner_a_user, w.partnership_a, data)
    assert deal.stage == DealStage.SUBMITTED  # not approved automatically: a manager looks at it
