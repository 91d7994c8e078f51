"""The conflict check at its edges: a protection on its last day, closed registrations, the partner's own
registration, the same customer written another way, and each boundary in, out and unset.

Every expected value is written out here (dates, messages, levels), never read from the module.
"""

import datetime
from decimal import Decimal

import pytest
from django.utils import translation

from meute.core.factories import SectorFactory
from meute.deals import conflicts, workflow
from meute.deals.choices import DealStage, MatchLevel
from meute.deals.conflicts import Record
from meute.deals.customers import save_customer
from meute.deals.models import Customer, DealRegistration
from meute.deals.workflow import register

OTHER_PARTNER = "This customer may already be registered by another partner."
DIRECT = "This customer is handled directly by the vendor's sales team."
OWN = "You already registered this customer: registration will send you to that registration."


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def claimed(frozen, deals_world, make_data):
    """Partner B's registration of Dupont Industries, approved at once: protected until 31 May 2026."""
    deal, _ = register(deals_world.partner_b_user, deals_world.partnership_b, make_data(amount="5000"))
    assert (deal.stage, deal.protection_end) == (DealStage.APPROVED, datetime.date(2026, 5, 31))
    return deal


def _check_a(world, make_data, **overrides):
    return conflicts.check(world.partnership_a, make_data(**overrides).record())


def test_a_protection_on_its_last_day_still_claims_the_customer(claimed, deals_world, make_data, frozen):
    frozen.move_to(datetime.datetime(2026, 5, 31, 18, 0, tzinfo=datetime.UTC))
    assert workflow.expire_protections() == 0
    result = _check_a(deals_world, make_data)
    assert result.level == MatchLevel.SAME
    claim = result.conflicting[0].claims[0]
    assert (claim.kind, claim.own, claim.stage, claim.protection_end) == (
        "registration",
        False,
        "approved",
        "2026-05-31",
    )
    assert conflicts.partner_hint(result)["messages"] == [OTHER_PARTNER]


def test_the_day_after_the_protection_the_customer_is_free(claimed, deals_world, make_data, frozen):
    frozen.move_to(datetime.datetime(2026, 6, 1, 9, 0, tzinfo=datetime.UTC))
    assert workflow.expire_protections() == 1
    result = _check_a(deals_world, make_data)
    assert result.level == MatchLevel.DISTINCT
    assert result.score == 0.0
    assert [c.customer_id for c in result.candidates] == [claimed.customer_id]  # known, claimed by nobody
    assert result.conflicting == []
    hint = conflicts.partner_hint(result)
    assert (hint["status"], hint["messages"], hint["own_registration"]) == (MatchLevel.DISTINCT, [], None)


@pytest.mark.parametrize(
    ("stage", "claims"),
    [
        (DealStage.SUBMITTED, True),
        (DealStage.APPROVED, True),
        (DealStage.DRAFT, False),
        (DealStage.REJECTED, False),
        (DealStage.WON, False),
        (DealStage.LOST, False),
        (DealStage.EXPIRED, False),
    ],
)
def test_only_open_registrations_claim(claimed, deals_world, make_data, stage, claims):
    DealRegistration.objects.filter(pk=claimed.pk).update(stage=stage)
    result = _check_a(deals_world, make_data)
    assert result.level == (MatchLevel.SAME if claims else MatchLevel.DISTINCT)
    assert bool(result.conflicting) is claims


@pytest.mark.parametrize(
    "spelling",
    ["DUPONT INDUSTRIES", "Dupont-Industries S.A.S.", "Société Dupont Industries", "dupont industrie"],
)
def test_the_same_customer_written_another_way_meets_the_claim(claimed, deals_world, make_data, spelling):
    result = _check_a(deals_world, make_data, customer_name=spelling)
    assert result.level == MatchLevel.SAME
    assert result.best.customer_id == claimed.customer_id
    assert result.best.claims[0].deal_uuid == str(claimed.uuid)


def test_another_company_in_the_same_city_is_no_conflict(claimed, deals_world, make_data):
    result = _check_a(
        deals_world,
        make_data,
        customer_name="Garage Martin",
        website="https://garage-martin.fr",
        contact_email="contact@garage-martin.fr",
        postal_code="69007",
    )
    assert (result.level, result.conflicting) == (MatchLevel.DISTINCT, [])


def test_the_partners_own_registration_sends_them_to_it(frozen, deals_world, make_data):
    w = deals_world
    own, _ = register(w.partner_a_user, w.partnership_a, make_data(amount="5000"))
    result = _check_a(w, make_data)
    claim = result.conflicting[0].claims[0]
    assert (claim.kind, claim.own) == ("registration", True)
    assert conflicts.own_registrations(result) == [str(own.uuid)]
    hint = conflicts.partner_hint(result)
    assert hint["messages"] == [OWN]
    assert hint["own_registration"] == str(own.uuid)
    assert hint["status"] == MatchLevel.SAME
    # The registration being checked does not claim its own customer.
    again = conflicts.check(w.partnership_a, make_data().record(), exclude_deal=own)
    assert (again.level, again.conflicting, conflicts.own_registrations(again)) == (
        MatchLevel.DISTINCT,
        [],
        [],
    )


def test_a_direct_account_and_another_partners_registration_are_both_said(claimed, deals_world, make_data):
    Customer.objects.filter(pk=claimed.customer_id).update(is_direct_account=True)
    result = _check_a(deals_world, make_data)
    kinds = sorted(claim.kind for claim in result.conflicting[0].claims)
    assert kinds == ["direct_account", "registration"]
    assert conflicts.partner_hint(result)["messages"] == [OTHER_PARTNER, DIRECT]


def test_a_claimed_candidate_comes_before_a_better_unclaimed_one(claimed, deals_world, make_data):
    twin = Customer(
        name="Dupont Industries SAS", city="Lyon", postal_code="69003", website_domain="dupont-industries.fr"
    )
    save_customer(twin)
    Customer.objects.filter(pk=claimed.customer_id).update(postal_code="69007", email_domain="")
    result = _check_a(deals_world, make_data)
    first, second = result.candidates
    assert (first.customer_id, second.customer_id) == (claimed.customer_id, twin.pk)
    assert first.score < second.score  # the unclaimed twin matches better, and still comes second
    assert (result.score, result.level) == (first.score, MatchLevel.SAME)


# --- Boundaries: inside, outside, and not set on the partnership ------------------------------------------


def _issues(partnership, country="FR", product_lines=(), sector=None):
    found = conflicts.boundary_issues(partnership, Record("Kappa", country=country), product_lines, sector)
    return [(issue.field, issue.refused) for issue in found]


def test_country_inside_outside_and_unset(deals_world):
    p = deals_world.partnership_a
    assert _issues(p, "FR") == []
    assert _issues(p, "fr") == []
    assert _issues(p, "BE") == [("country", False)]
    assert _issues(p, "") == []  # a customer without a country is not outside
    p.territories.clear()
    assert _issues(p, "BE") == []  # a partnership without territories has no territorial boundary


def test_products_inside_outside_and_unset(deals_world):
    w = deals_world
    p = w.partnership_a
    assert _issues(p, product_lines=[w.crm, w.erp]) == []
    assert _issues(p, product_lines=[w.crm, w.other_line]) == [("product_lines", True)]
    assert _issues(p, product_lines=[]) == []
    p.product_lines.clear()
    assert _issues(p, product_lines=[w.other_line]) == []


def test_sector_inside_outside_and_unset(deals_world):
    p = deals_world.partnership_a
    retail, banking = SectorFactory(), SectorFactory()
    assert _issues(p, sector=banking) == []  # no sectors on the partnership: every sector is inside
    p.sectors.set([retail])
    assert _issues(p, sector=retail) == []
    assert _issues(p, sector=banking) == [("sector", False)]
    assert _issues(p, sector=None) == []


def test_every_boundary_at_once_in_order(deals_world):
    w = deals_world
    p = w.partnership_a
    retail, banking = SectorFactory(), SectorFactory()
    p.sectors.set([retail])
    found = _issues(p, "BE", [w.other_line], banking)
    assert found == [("country", False), ("product_lines", True), ("sector", False)]


def test_the_hint_of_a_boundary_that_is_only_reviewed(deals_world):
    record = Record("Kappa", country="BE")
    result = conflicts.CheckResult(
        MatchLevel.DISTINCT, 0.0, [], conflicts.boundary_issues(deals_world.partnership_a, record)
    )
    hint = conflicts.partner_hint(result)
    assert hint["messages"] == [
        "The customer's country is outside the partnership's territories. "
        "The registration will wait for a channel manager's review."
    ]
    assert (hint["outside_boundaries"], hint["refused"]) == (True, False)
    assert (
        str(result.boundary_issues[0]) == "The customer's country is outside the partnership's territories."
    )
    assert result.boundary_issues[0].as_dict() == {
        "field": "country",
        "message": "The customer's country is outside the partnership's territories.",
        "refused": False,
    }


def test_scores_are_shown_to_three_decimals():
    assert conflicts.score_as_decimal(0.12345) == Decimal("0.123")
    assert conflicts.score_as_decimal(0.9996) == Decimal("1.0")
    assert conflicts.score_as_decimal(0.0) == Decimal("0.0")
    result = conflicts.CheckResult(MatchLevel.POSSIBLE, 0.56789, [], [], weights_version=4)
    assert result.as_dict() == {
        "level": MatchLevel.POSSIBLE,
        "score": 0.568,
        "candidates": [],
        "boundary_issues": [],
        "weights_version": 4,
    }
    assert result.best is None
