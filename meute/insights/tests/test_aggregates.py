"""The dashboard's pre-aggregated figures: equal to the figures computed from the records, stored by the
weekly job, computed on first view, read without a query per partnership."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from meute.core.factories import OrganizationFactory
from meute.insights import aggregates, dashboard
from meute.insights.alerts import snapshot_and_alert
from meute.insights.models import NetworkFigure, RevenueRollup
from meute.insights.snapshots import take_snapshots
from meute.partnerships.choices import PartyRole
from meute.partnerships.parties import PartySpec, create_partnership
from meute.programs.models import RevenueRecord

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 6, 30)


def test_stored_figures_equal_the_direct_computation(figures_world, program):
    snapshot_and_alert(TODAY)
    figures = aggregates.network_figures(TODAY)

    direct = dashboard.revenue_against_objectives(program, 2026, "EUR")["rows"]
    assert figures["revenue"]["rows"] == direct
    assert figures["revenue"]["rows"]["tier"] == [
        ("Gold", Decimal("1500.25"), Decimal("50000.00")),
        ("Silver", Decimal("300.00"), Decimal("0.00")),
    ]
    assert figures["pipeline"] == dashboard.pipeline("EUR", TODAY)
    assert figures["pipeline"] == [
        ("Submitted", 1, Decimal("1000")),
        ("Approved (protected)", 2, Decimal("3000")),
    ]
    assert figures["coverage"] == dashboard.certification_coverage(program, TODAY)
    assert figures["health"]["bands"] == dashboard.health_bands(TODAY)
    assert figures["health"]["count"] == 2
    low = [(s.partnership_id, s.score) for s in figures["health"]["low"]]
    assert low == dashboard.lowest_scores(TODAY)
    assert low[0][0] == figures_world.world.partnership_b.pk
    assert figures["health"]["day"] == TODAY


def test_partnerships_in_no_group_are_named_in_the_readers_language(figures_world, program):
    from django.utils import translation

    figures_world.world.partnership_b.program_tiers.update(tier=None)
    snapshot_and_alert(TODAY)
    assert NetworkFigure.objects.get(dimension="tier", key="").amount == Decimal("300.00")  # without words
    with translation.override("fr"):
        labels = [
            str(label) for label, _r, _o in aggregates.network_figures(TODAY)["revenue"]["rows"]["tier"]
        ]
    assert labels == ["Gold", "Sans niveau"]


def test_the_first_view_computes_them_and_later_views_read_them(figures_world, program):
    assert not NetworkFigure.objects.exists() and not RevenueRollup.objects.exists()
    first = aggregates.network_figures(TODAY)
    assert first["revenue"]["rows"]["tier"][0] == ("Gold", Decimal("1500.25"), Decimal("50000.00"))
    assert first["computed_at"] is not None

    RevenueRecord.objects.create(
        partnership=figures_world.world.partnership_a, period=datetime.date(2026, 5, 1), amount=Decimal("10")
    )
    again = aggregates.network_figures(TODAY)
    assert again["computed_at"] == first["computed_at"]
    assert again["revenue"]["rows"]["tier"][0][1] == Decimal("1500.25")  # until the next weekly job

    snapshot_and_alert(TODAY)
    after = aggregates.network_figures(TODAY)
    assert after["revenue"]["rows"]["tier"][0][1] == Decimal("1510.25")
    assert after["computed_at"] > first["computed_at"]


def test_an_empty_network_stores_nothing_and_shows_empty_figures(db):
    figures = aggregates.network_figures(TODAY)
    assert not NetworkFigure.objects.exists()
    assert figures["revenue"] is None or figures["revenue"]["rows"] == {
        "tier": [],
        "type": [],
        "territory": [],
    }
    assert figures["health"]["day"] is None and figures["computed_at"] is None


def test_the_page_says_when_and_reads_the_same_queries_whatever_the_network(client_for, figures_world):
    world = figures_world.world
    snapshot_and_alert(TODAY)
    client = client_for(world.admin)
    with CaptureQueriesContext(connection) as small:
        page = client.get(reverse("insights:network")).content.decode()
    assert 'id="figures-computed"' in page

    for index in range(6):
        create_partnership(
            [PartySpec(world.operator, role=PartyRole.OPERATOR), PartySpec(OrganizationFactory())],
            name=f"Extra channel {index}",
        )
    take_snapshots(TODAY)
    aggregates.store(TODAY)
    with CaptureQueriesContext(connection) as large:
        assert client.get(reverse("insights:network")).status_code == 200
    assert len(large) == len(small)
    assert not any("insights_healthsnapshot" in q["sql"] and "GROUP BY" in q["sql"] for q in large)


def test_a_second_snapshot_on_a_day_replaces_its_rows(figures_world):
    from meute.insights.models import HealthSnapshot

    first, _drops = take_snapshots(TODAY)
    second, _drops = take_snapshots(TODAY)
    assert first == second == HealthSnapshot.objects.filter(taken_on=TODAY).count()
    assert (
        HealthSnapshot.objects.filter(taken_on=TODAY, partnership=figures_world.world.partnership_a)
        .get()
        .score
        > 0
    )
