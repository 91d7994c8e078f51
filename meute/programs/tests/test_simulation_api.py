"""What-if through the API: the same engine as the tier page, nothing written, staff only."""

from decimal import Decimal

import pytest

from meute.programs.models import RevenueRecord, Tier, TierChange
from meute.programs.tests.fixtures import tier

from .test_api import error_of, recent

pytestmark = pytest.mark.django_db


@pytest.fixture
def figures(world, program):
    RevenueRecord.objects.create(partnership=world.partnership_a, period=recent(), amount=Decimal("60000"))
    RevenueRecord.objects.create(partnership=world.partnership_b, period=recent(), amount=Decimal("45000"))
    return program


def test_editing_a_tier_shows_moves_and_cost(api, world, figures):
    silver = tier(figures, "Silver")
    body = {
        "program": str(figures.uuid),
        "replaces": str(silver.uuid),
        "tier": {
            "name": "Silver",
            "rank": 1,
            "min_revenue": "40000",
            "margin_percent": "10",
            "mdf_percent": "2",
        },
    }
    response = api(world.reader).post("/api/tiers/simulate/", body, format="json")
    assert response.status_code == 200, response.content
    result = response.json()
    assert (result["evaluated"], result["up"], result["down"]) == (2, 1, 0)
    assert result["margin_before"] == "6000.00" and result["margin_after"] == "10500.00"
    assert result["mdf_after"] == "2100.00" and result["mdf_delta"] == "2100.00"
    assert result["moves"] == [
        {
            "partnership": str(world.partnership_b.uuid),
            "name": world.partnership_b.name,
            "before": None,
            "after": "Silver",
            "direction": "up",
        }
    ]
    silver.refresh_from_db()
    assert silver.min_revenue == Decimal("50000")  # nothing written
    assert not TierChange.objects.exists()


def test_removing_a_tier(api, world, figures):
    body = {"program": str(figures.uuid), "removes": str(tier(figures, "Silver").uuid)}
    result = api(world.manager).post("/api/tiers/simulate/", body, format="json").json()
    assert (result["up"], result["down"]) == (0, 1)
    assert result["moves"][0]["before"] == "Silver" and result["moves"][0]["after"] is None
    assert Tier.objects.filter(program=figures).count() == 3


def test_contradictory_proposal_is_refused_with_the_reason(api, world, figures):
    body = {
        "program": str(figures.uuid),
        "replaces": str(tier(figures, "Gold").uuid),
        "tier": {"name": "Gold", "rank": 2, "min_revenue": "1000"},
    }
    error = error_of(api(world.manager).post("/api/tiers/simulate/", body, format="json"), 400)
    assert "easier" in str(error["fields"]["tier"])


def test_bad_input_is_explained(api, world, figures):
    client = api(world.manager)
    error = error_of(client.post("/api/tiers/simulate/", {"program": str(figures.uuid)}, format="json"), 400)
    assert "tier" in error["fields"]
    error = error_of(
        client.post(
            "/api/tiers/simulate/",
            {"program": str(figures.uuid), "tier": {"name": "", "rank": "x"}},
            format="json",
        ),
        400,
    )
    assert "tier" in error["fields"]


def test_partners_may_not_simulate(api, world, figures):
    body = {"program": str(figures.uuid), "removes": str(tier(figures, "Silver").uuid)}
    assert api(world.partner_a_user).post("/api/tiers/simulate/", body, format="json").status_code == 403
