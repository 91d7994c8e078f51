"""The deal rules at their edges: the auto-approval limit, the boundaries, who reviews, the extension cap.

Every expected value is written out here (10,000 €, 2 extensions, 90 days), never read from the module.
"""

import datetime
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from meute.core.factories import SectorFactory
from meute.deals import workflow
from meute.deals.choices import DealStage, MatchLevel
from meute.deals.conflicts import BoundaryIssue, CheckResult
from meute.deals.models import DealRegistration
from meute.deals.workflow import extend, register, request_extension

TODAY = datetime.date(2026, 3, 2)


def _fields(deal) -> tuple:
    deal.refresh_from_db()
    return (deal.stage, deal.reviewer_id, deal.protection_end, deal.extension_count, deal.decision_reason)


# --- The auto-approval limit: 10,000 € (strictly below is approved, the limit itself is reviewed) --------


@pytest.mark.parametrize(
    ("amount", "stage", "auto"),
    [
        ("9999.99", DealStage.APPROVED, True),
        ("10000.00", DealStage.SUBMITTED, False),
        ("10000.01", DealStage.SUBMITTED, False),
    ],
)
def test_auto_approval_limit_is_strictly_below_10000(frozen, deals_world, make_data, amount, stage, auto):
    deal, _ = register(deals_world.partner_a_user, deals_world.partnership_a, make_data(amount=amount))
    assert (deal.stage, deal.auto_approved) == (stage, auto)
    if auto:
        assert deal.protection_end == datetime.date(2026, 5, 31)  # 90 days from 2 March
    else:
        assert deal.protection_end is None and deal.reviewer is None


def test_auto_approval_limit_comes_from_the_setting(frozen, deals_world, make_data, settings):
    settings.MEUTE_DEALS_AUTO_APPROVAL_LIMIT = "500"
    deal, _ = register(deals_world.partner_a_user, deals_world.partnership_a, make_data(amount="500"))
    assert deal.stage == DealStage.SUBMITTED
    other, _ = register(
        deals_world.partner_b_user,
        deals_world.partnership_b,
        make_data(
            customer_name="Martin Outillage",
            website="https://martin-outillage.fr",
            contact_email="p.martin@martin-outillage.fr",
            amount="499.99",
        ),
    )
    assert other.stage == DealStage.APPROVED


# --- The boundaries: a small deal outside the territory or the sector is reviewed, not approved ---------


def _result(**overrides):
    values = {"level": MatchLevel.DISTINCT, "score": 0.0, "candidates": [], "boundary_issues": []}
    values.update(overrides)
    return CheckResult(**values)


def _small(amount="100"):
    return SimpleNamespace(conflict_hint_withheld=False, amount=Decimal(amount))


def test_auto_approval_applies_only_inside_every_boundary():
    assert workflow.auto_approval_applies(_small(), _result()) is True
    for field in ("country", "sector"):
        outside = _result(boundary_issues=[BoundaryIssue(field, "outside", False)])
        assert workflow.auto_approval_applies(_small(), outside) is False, field
    assert workflow.auto_approval_applies(_small(), _result(level=MatchLevel.POSSIBLE)) is False
    withheld = SimpleNamespace(conflict_hint_withheld=True, amount=Decimal("100"))
    assert workflow.auto_approval_applies(withheld, _result()) is False


def test_small_deal_outside_the_territory_waits_for_review(frozen, deals_world, make_data):
    w = deals_world
    data = make_data(amount="100", country="BE", city="Bruxelles", postal_code="1000")
    deal, _ = register(w.partner_a_user, w.partnership_a, data)
    assert (deal.stage, deal.auto_approved) == (DealStage.SUBMITTED, False)
    assert [i["field"] for i in deal.conflict_evidence["boundary_issues"]] == ["country"]


def test_small_deal_outside_the_sectors_waits_for_review(frozen, deals_world, make_data):
    w = deals_world
    health, retail = SectorFactory(code="health", name="Santé"), SectorFactory(code="retail", name="Commerce")
    w.partnership_a.sectors.set([health])
    deal, _ = register(w.partner_a_user, w.partnership_a, make_data(amount="100", sector=retail))
    assert (deal.stage, deal.auto_approved) == (DealStage.SUBMITTED, False)
    assert [i["field"] for i in deal.conflict_evidence["boundary_issues"]] == ["sector"]
    inside, _ = register(
        w.partner_a_user,
        w.partnership_a,
        make_data(
            customer_name="Martin Outillage",
            website="https://martin-outillage.fr",
            contact_email="p.martin@martin-outillage.fr",
            amount="100",
            sector=health,
        ),
    )
    assert inside.stage == DealStage.APPROVED


# --- Who reviews: administrators and channel managers, never read-only staff nor partners ---------------


def test_can_review_is_for_editors_only(deals_world):
    w = deals_world
    assert workflow.can_review(w.admin) is True
    assert workflow.can_review(w.manager) is True
    assert workflow.can_review(w.reader) is False
    assert workflow.can_review(w.partner_a_user) is False
    w.manager.is_active = False
    assert workflow.can_review(w.manager) is False


def test_read_only_staff_cannot_decide_through_the_function(frozen, deals_world, make_data):
    w = deals_world
    deal, _ = register(w.partner_a_user, w.partnership_a, make_data(amount="50000"))
    before = _fields(deal)
    for decide in (
        lambda: workflow.approve(deal, w.reader, "lu"),
        lambda: workflow.reject(deal, w.reader, "lu"),
        lambda: workflow.decline_extension(deal, w.reader, "lu"),
        lambda: workflow.mark_lost(deal, w.reader, "lu"),
        lambda: workflow.submit_deal(deal, w.reader),
    ):
        with pytest.raises(PermissionDenied):
            decide()
    assert _fields(deal) == before
    approved = workflow.approve(deal, w.manager)
    before = _fields(approved)
    for decide in (
        lambda: workflow.extend(approved, w.reader, 30),
        lambda: workflow.request_extension(approved, w.reader, "lu"),
        lambda: workflow.mark_won(approved, w.reader),
    ):
        with pytest.raises(PermissionDenied):
            decide()
    assert _fields(approved) == before


@pytest.mark.parametrize("action", ["approve", "reject"])
def test_read_only_staff_cannot_decide_through_the_page(frozen, deals_world, make_data, client_for, action):
    w = deals_world
    deal, _ = register(w.partner_a_user, w.partnership_a, make_data(amount="50000"))
    before = _fields(deal)
    url = reverse("deal-action", kwargs={"uuid": deal.uuid, "action": action})
    response = client_for(w.reader).post(url, {"reason": "Relu"})
    assert response.status_code == 403
    assert _fields(deal) == before == (DealStage.SUBMITTED, None, None, 0, "")


# --- The extension cap: exactly 2 extensions, the third refused with nothing written --------------------


def test_two_extensions_then_the_third_is_refused(frozen, deals_world, make_data):
    w = deals_world
    deal, _ = register(w.partner_a_user, w.partnership_a, make_data(amount="5000"))
    assert deal.protection_end == datetime.date(2026, 5, 31)
    deal = extend(deal, w.manager, 10)
    assert (deal.extension_count, deal.protection_end) == (1, datetime.date(2026, 6, 10))
    deal = extend(deal, w.manager, 10)
    assert (deal.extension_count, deal.protection_end) == (2, datetime.date(2026, 6, 20))
    with pytest.raises(ValidationError) as refused:
        extend(deal, w.manager, 10)
    assert refused.value.code == "too_many_extensions"
    with pytest.raises(ValidationError) as asked:
        request_extension(deal, w.partner_a_user, "Le client signe en juillet")
    assert asked.value.code == "too_many_extensions"
    deal.refresh_from_db()
    assert (deal.extension_count, deal.protection_end, deal.extension_requested_at) == (
        2,
        datetime.date(2026, 6, 20),
        None,
    )


@pytest.mark.parametrize(("days", "ok"), [(0, False), (1, True), (365, True), (366, False)])
def test_extension_lasts_between_1_and_365_days(frozen, deals_world, make_data, days, ok):
    w = deals_world
    deal, _ = register(w.partner_a_user, w.partnership_a, make_data(amount="5000"))
    if ok:
        deal = extend(deal, w.manager, days)
        assert deal.protection_end == datetime.date(2026, 5, 31) + datetime.timedelta(days=days)
        return
    if days == 0:
        # 0 means "the tier's default" (90 days), as the form sends nothing.
        deal = extend(deal, w.manager, days)
        assert deal.protection_end == datetime.date(2026, 8, 29)
        return
    with pytest.raises(ValidationError):
        extend(deal, w.manager, days)
    deal.refresh_from_db()
    assert (deal.extension_count, deal.protection_end) == (0, datetime.date(2026, 5, 31))


def test_expiry_is_after_the_last_protected_day(frozen, deals_world, make_data):
    w = deals_world
    deal, _ = register(w.partner_a_user, w.partnership_a, make_data(amount="5000"))
    assert workflow.expire_protections(datetime.date(2026, 5, 31)) == 0  # the last protected day
    assert DealRegistration.objects.get(pk=deal.pk).stage == DealStage.APPROVED
    assert workflow.expire_protections(datetime.date(2026, 6, 1)) == 1
    assert DealRegistration.objects.get(pk=deal.pk).stage == DealStage.EXPIRED


def test_amount_limits_of_a_registration(frozen, deals_world, make_data):
    w = deals_world
    for amount, message in (
        ("0", "greater than zero"),
        ("-1", "greater than zero"),
        ("0.001", "at most 2 decimals"),
        ("1000000000000", "at most 2 decimals"),
        ("abc", "Enter a number"),
    ):
        with pytest.raises(ValidationError) as refused:
            register(w.partner_a_user, w.partnership_a, make_data(amount=amount))
        assert message in " ".join(refused.value.message_dict["amount"]), amount
    assert not DealRegistration.objects.exists()
    deal, _ = register(w.partner_a_user, w.partnership_a, make_data(amount="999999999999.99"))
    assert deal.amount == Decimal("999999999999.99")


def test_close_date_today_is_accepted_yesterday_refused(frozen, deals_world, make_data):
    w = deals_world
    with pytest.raises(ValidationError) as refused:
        register(
            w.partner_a_user, w.partnership_a, make_data(expected_close_date=TODAY - datetime.timedelta(1))
        )
    assert "expected_close_date" in refused.value.message_dict
    assert not DealRegistration.objects.exists()
    deal, _ = register(w.partner_a_user, w.partnership_a, make_data(expected_close_date=TODAY))
    assert deal.expected_close_date == TODAY
