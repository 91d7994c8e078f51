"""REST API of programmes: CRUD, evaluation, approval, revenue, business plans, access."""

import datetime

import pytest
from django.utils import timezone

from meute.programs.models import BusinessPlan, PartnerTier, RevenueRecord, TierChange
from meute.programs.plans import create_plan
from meute.programs.tests.fixtures import tier

pytestmark = pytest.mark.django_db


def error_of(response, status):
    assert response.status_code == status, response.content
    return response.json()["error"]


def recent(days=5):
    return (timezone.localdate() - datetime.timedelta(days=days)).isoformat()


def test_programme_and_tiers_crud(api, world):
    client = api(world.manager)
    response = client.post(
        "/api/programs/", {"name": "Cloud", "code": "cloud", "benefits": ["Margins"], "currency": "usd"}
    )
    assert response.status_code == 201, response.content
    program = response.json()
    assert program["currency"] == "USD"
    silver = {"program": program["uuid"], "name": "Silver", "rank": 1, "min_revenue": "50000.00"}
    assert client.post("/api/tiers/", silver).status_code == 201
    gold = {
        "program": program["uuid"],
        "name": "Gold",
        "rank": 2,
        "min_revenue": "40000.00",
        "min_certified": {"sales": 3, "consultant": 2},
    }
    error = error_of(client.post("/api/tiers/", gold, format="json"), 400)
    assert "Gold is easier than Silver" in str(error)
    gold["min_revenue"] = "250000.00"
    created = client.post("/api/tiers/", gold, format="json")
    assert created.status_code == 201, created.content
    assert created.json()["min_certified"] == {"sales": 3, "consultant": 2}
    duplicate = error_of(client.post("/api/tiers/", {**gold, "name": "Gold 2"}, format="json"), 400)
    assert "rank" in duplicate["fields"]


def test_readers_and_partners_cannot_write(api, world, program):
    for user in (world.reader, world.partner_a_user):
        assert api(user).post("/api/programs/", {"name": "X", "code": "x"}).status_code == 403
        url = f"/api/programs/{program.uuid}/evaluate/"
        assert api(user).post(url, {}).status_code == 403


def test_evaluate_approve_and_reject(api, world, program):
    client = api(world.manager)
    RevenueRecord.objects.create(partnership=world.partnership_a, period=recent(), amount=300000)
    RevenueRecord.objects.create(partnership=world.partnership_b, period=recent(), amount=60000)
    dry = client.post(f"/api/programs/{program.uuid}/evaluate/", {"apply": False}, format="json")
    assert dry.json() == {
        "evaluated": 2,
        "promotions": 2,
        "demotions": 0,
        "grace": 0,
        "pending": 0,
        "written": False,
        "converted_records": 0,
        "unconverted_records": 0,
        "unconverted": {},
        "messages": [],
    }
    assert not TierChange.objects.exists()
    assert client.post(f"/api/programs/{program.uuid}/evaluate/", {}, format="json").json()["promotions"] == 2
    proposals = client.get("/api/tier-changes/", {"status": "proposed"}).json()["results"]
    assert len(proposals) == 2
    change_a = next(c for c in proposals if c["to_tier_name"] == "Silver" and "300,000" in c["explanation"])
    approved = client.post(f"/api/tier-changes/{change_a['uuid']}/approve/", {"note": "ok"}, format="json")
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    assert PartnerTier.objects.get(partnership=world.partnership_a).tier == tier(program, "Silver")
    again = error_of(client.post(f"/api/tier-changes/{change_a['uuid']}/approve/", {}, format="json"), 409)
    assert again["code"] == "already_decided"
    change_b = TierChange.objects.get(partnership=world.partnership_b)
    assert client.post(f"/api/tier-changes/{change_b.uuid}/reject/", {}).json()["status"] == "rejected"


def test_evaluating_without_tiers_is_a_conflict(api, world):
    program = api(world.manager).post("/api/programs/", {"name": "Empty", "code": "empty"}).json()
    error = error_of(api(world.manager).post(f"/api/programs/{program['uuid']}/evaluate/", {}), 409)
    assert "has no tiers" in error["message"]


def test_revenue_records_rules_and_partner_reports(api, world):
    staff = api(world.manager)
    base = {"partnership": str(world.partnership_a.uuid), "period": "2026-03-31"}
    negative = error_of(staff.post("/api/revenue-records/", {**base, "amount": "-5"}), 400)
    assert "amount" in negative["fields"]
    currency = error_of(staff.post("/api/revenue-records/", {**base, "amount": "5", "currency": "XYZ"}), 400)
    assert "currency" in currency["fields"]
    credit = staff.post("/api/revenue-records/", {**base, "amount": "-5", "is_credit_note": True})
    assert credit.status_code == 201 and credit.json()["source"] == "api"
    partner = api(world.partner_a_user)
    # The source is the channel's to set: a partner naming one is refused, and nothing is written.
    named = partner.post("/api/revenue-records/", {**base, "amount": "100", "source": "import"})
    assert named.status_code == 403 and named.json()["error"]["code"] == "field_not_writable"
    assert not RevenueRecord.objects.filter(amount=100).exists()
    reported = partner.post("/api/revenue-records/", {**base, "amount": "100"})
    assert reported.status_code == 201 and reported.json()["source"] == "partner_report"
    assert reported.json()["status"] == "declared"
    other = partner.post(
        "/api/revenue-records/", {**base, "partnership": str(world.partnership_b.uuid), "amount": "100"}
    )
    assert error_of(other, 400)["fields"]["partnership"]


def test_business_plan_versions_and_actuals(api, world):
    client = api(world.manager)
    response = client.post(
        "/api/business-plans/",
        {"partnership": str(world.partnership_a.uuid), "letter_of_intent_date": "2026-01-10"},
    )
    assert response.status_code == 201, response.content
    plan = response.json()
    assert plan["target_contract_date"] == "2026-03-10" and plan["current_version"] == 1
    objective = {"plan": plan["uuid"], "year": 2026, "quarter": 1, "kind": "new_customers", "target": "2"}
    assert client.post("/api/business-plan-objectives/", objective).status_code == 201
    for customer in ("Acme", "Beta", "Acme"):
        RevenueRecord.objects.create(
            partnership=world.partnership_a, period="2026-02-01", amount=10, customer_name=customer
        )
    actuals = client.get(f"/api/business-plans/{plan['uuid']}/actuals/").json()
    assert actuals[0]["actual"] == "2.00" and actuals[0]["status"] == "achieved"
    bumped = client.post(f"/api/business-plans/{plan['uuid']}/new-version/", {"note": "Q2"})
    assert bumped.json()["current_version"] == 2
    duplicate = client.post("/api/business-plans/", {"partnership": str(world.partnership_a.uuid)})
    assert error_of(duplicate, 400)["fields"]["partnership"]


def test_outsider_check(api, world, program):
    RevenueRecord.objects.create(partnership=world.partnership_b, period=recent(), amount=70000)
    from meute.programs.evaluation import run_evaluation

    run_evaluation(program)
    change_b = TierChange.objects.get(partnership=world.partnership_b)
    plan_b = create_plan(world.partnership_b)
    record_b = RevenueRecord.objects.get(partnership=world.partnership_b)
    member_b = PartnerTier.objects.get(partnership=world.partnership_b)
    client = api(world.partner_a_user)
    for url in (
        f"/api/tier-changes/{change_b.uuid}/",
        f"/api/business-plans/{plan_b.uuid}/",
        f"/api/business-plans/{plan_b.uuid}/actuals/",
        f"/api/revenue-records/{record_b.uuid}/",
        f"/api/partner-tiers/{member_b.uuid}/",
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/api/tier-changes/{change_b.uuid}/approve/").status_code == 404
    assert client.get("/api/tier-changes/").json()["count"] == 0
    assert client.get("/api/revenue-records/").json()["count"] == 0
    assert client.get("/api/business-plans/").json()["count"] == 0
    assert client.get("/api/program-costs/").json()["count"] == 0
    assert [m["partnership"] for m in client.get("/api/partner-tiers/").json()["results"]] == [
        str(world.partnership_a.uuid)
    ]
    assert api(world.partner_b_user).get(f"/api/tier-changes/{change_b.uuid}/").status_code == 200
    assert BusinessPlan.objects.count() == 1
