"""The dashboard's figures read from the apps below: the recruitment funnel and the return on market
development funds, each as a chart with its table, in the JSON and as CSV or Excel (staff only)."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from meute.core.factories import OrganizationFactory
from meute.deals.models import Customer, DealRegistration
from meute.funds import roi, workflow
from meute.funds.tests.conftest import early_2027, funds_world, make_request  # noqa: F401
from meute.insights import aggregates
from meute.recruitment.models import Candidate

pytestmark = pytest.mark.django_db


@pytest.fixture
def network(funds_world):  # noqa: F811
    w = funds_world.world
    for stage in ("identified", "qualified", "qualified", "lost"):
        Candidate.objects.create(organization=OrganizationFactory(), stage=stage)
    fund_request = make_request(funds_world.fund_a, w.partner_a_user, budget="1000")
    fund_request = workflow.approve_request(fund_request, w.manager)
    for stage, amount in (("won", "5000"), ("submitted", "800")):
        deal = DealRegistration.objects.create(
            partnership=w.partnership_a,
            customer=Customer.objects.create(name=f"Client {stage}"),
            stage=stage,
            amount=Decimal(amount),
            expected_close_date=datetime.date(2027, 3, 1),
        )
        roi.attribute_deal(fund_request, deal, w.manager)
    return funds_world


def test_the_funnel_and_the_return_on_funds(network):
    figures = aggregates.network_figures(datetime.date(2027, 2, 1))
    funnel = dict((str(label), n) for label, n in figures["funnel"])
    assert funnel["Identified"] == 3 and funnel["Qualified"] == 2 and funnel["Letter of intent"] == 0
    [(kind, currency, value)] = figures["roi"]
    assert (str(kind), currency) == ("Customer seminar", "EUR")
    assert (value.cost, value.leads, value.won, value.revenue) == (Decimal("1000.00"), 2, 1, Decimal("5000"))
    assert value.revenue_per_euro == Decimal("5.00")
    assert aggregates.network_figures(datetime.date(2026, 2, 1))["roi"] == []  # another year: nothing


def test_the_page_the_json_and_the_exports(network, client_for, api):
    w = network.world
    page = client_for(w.admin).get(reverse("insights:network")).content.decode()
    assert 'id="recruitment-funnel"' in page and "Customer seminar" in page
    assert "not part of this dashboard yet" not in page
    data = api(w.admin).get("/api/insights/network/").json()
    assert data["recruitment_funnel"][0] == {"stage": "Identified", "candidates": 3}
    assert data["funds_roi"] == [
        {
            "activity_type": "Customer seminar",
            "currency": "EUR",
            "cost": "1000.00",
            "deals_attributed": 2,
            "deals_won": 1,
            "revenue_won": "5000.00",
            "revenue_per_unit_spent": "5.00",
        }
    ]
    csv = client_for(w.admin).get(reverse("insights:network-export", kwargs={"figure": "roi", "fmt": "csv"}))
    assert csv.status_code == 200
    assert "Customer seminar,EUR,1000.00,2,1,5000.00,5.00" in csv.content.decode("utf-8-sig")
    xlsx = client_for(w.admin).get(
        reverse("insights:network-export", kwargs={"figure": "funnel", "fmt": "xlsx"})
    )
    assert xlsx.status_code == 200 and xlsx.content.startswith(b"PK")
    bad = client_for(w.admin).get(
        reverse("insights:network-export", kwargs={"figure": "salaries", "fmt": "csv"})
    )
    assert bad.status_code == 404


def test_another_partner_gets_no_network_figure(network, client_for, api):
    w = network.world
    url = reverse("insights:network-export", kwargs={"figure": "roi", "fmt": "csv"})
    assert client_for(w.partner_b_user).get(url).status_code == 403
    assert api(w.partner_b_user).get("/api/insights/network/").status_code == 403
