"""Facts read from the records, the health of a partnership, snapshots and their trend."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from meute.core.factories import OrganizationFactory
from meute.insights.evidence import facts_for
from meute.insights.health import score
from meute.insights.models import HealthSnapshot
from meute.insights.snapshots import partnership_health, take_snapshots, trend
from meute.partnerships.choices import PartyRole
from meute.partnerships.models import Partnership
from meute.partnerships.parties import PartySpec, create_partnership
from meute.programs.choices import ObjectiveKind
from meute.programs.plans import add_objective, new_version

from .conftest import TODAY

pytestmark = pytest.mark.django_db


def test_the_well_kept_partnership_scores_full_marks(insight_world):
    result = partnership_health(insight_world.world.partnership_a, TODAY)
    assert [c.key for c in result.low] == []
    assert result.score == 100


def test_the_neglected_partnership_says_why(insight_world):
    result = partnership_health(insight_world.world.partnership_b, TODAY)
    low = {c.key: c for c in result.low}
    assert set(low) == {
        "pillars",
        "alliance_managers",
        "governance",
        "objectives",
        "boundaries",
        "contract",
        "communication",
    }
    assert "Bêta Conseil" in low["alliance_managers"].reason
    assert "Vendeur Logiciel" in low["alliance_managers"].reason
    # Balance holds (every party is at least a regular contributor): 1 pillar out of 4 = 5 points of 20.
    assert result.score == 5


def test_only_the_current_plan_version_counts(insight_world):
    plan = insight_world.plan
    version = new_version(plan)
    version.objectives.all().delete()
    facts = facts_for(Partnership.objects.filter(pk=plan.partnership_id), TODAY)[plan.partnership_id]
    assert facts.quantified_objectives == 0
    add_objective(version, year=2027, quarter=1, kind=ObjectiveKind.REVENUE, target=Decimal("1"))
    facts = facts_for(Partnership.objects.filter(pk=plan.partnership_id), TODAY)[plan.partnership_id]
    assert facts.quantified_objectives == 1


def test_a_contract_signed_a_month_after_the_letter_of_intent_is_too_early(insight_world):
    plan = insight_world.plan
    plan.target_contract_date = datetime.date(2025, 2, 1)
    plan.save()
    result = partnership_health(insight_world.world.partnership_a, TODAY)
    contract = next(c for c in result.components if c.key == "contract")
    assert contract.score == 0.5
    assert "22 days" in contract.reason


def test_facts_take_a_fixed_number_of_queries(insight_world):
    world = insight_world.world
    with CaptureQueriesContext(connection) as two:
        facts_for(Partnership.objects.all(), TODAY)
    for index in range(5):
        create_partnership(
            [
                PartySpec(world.operator, role=PartyRole.OPERATOR),
                PartySpec(OrganizationFactory(name=f"Org {index}")),
            ],
            name=f"Extra {index}",
        )
    with CaptureQueriesContext(connection) as seven:
        facts = facts_for(Partnership.objects.all(), TODAY)
    assert len(facts) == 7
    assert len(seven) == len(two)


def test_snapshots_record_the_trend_and_the_drops(insight_world):
    world = insight_world.world
    day1, day2 = datetime.date(2026, 6, 20), TODAY
    written, drops = take_snapshots(day1)
    assert written == 2
    assert drops == []
    # The partner's alliance manager leaves: the score falls by 15 points.
    world.partnership_a.parties.filter(organization=world.org_a).update(alliance_manager=None)
    written, drops = take_snapshots(day2)
    before = HealthSnapshot.objects.get(partnership=world.partnership_a, taken_on=day1).score
    after = HealthSnapshot.objects.get(partnership=world.partnership_a, taken_on=day2).score
    assert before - after == 15
    assert drops == [(world.partnership_a.pk, before, after)]
    assert trend(world.partnership_a) == [(day1, before), (day2, after)]
    # Taking the same day again rewrites it, never duplicates.
    take_snapshots(day2)
    assert HealthSnapshot.objects.filter(taken_on=day2).count() == 2


def test_snapshot_components_match_the_live_score(insight_world):
    world = insight_world.world
    take_snapshots(TODAY)
    snapshot = HealthSnapshot.objects.get(partnership=world.partnership_b, taken_on=TODAY)
    facts = facts_for(Partnership.objects.filter(pk=world.partnership_b.pk), TODAY)[world.partnership_b.pk]
    assert snapshot.score == score(facts).score == 5
    assert snapshot.components["alliance_managers"] == 0
    assert snapshot.components["pillars"] == 0.25
