"""Channel ranking, capacity and benchmarking against hand-computed figures."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from meute.core.factories import OrganizationFactory
from meute.core.models import ProductLine, Sector, Territory
from meute.programs.models import RevenueRecord
from meute.recruitment import attributes, benchmarking, potential
from meute.recruitment.models import ChannelSettings, Competitor, CompetitorPartnership

pytestmark = pytest.mark.django_db


def test_formula_by_hand():
    assert potential.capacity_of(None, 4, Decimal(150000)) == Decimal(600000)
    assert potential.capacity_of(Decimal(900000), 4, Decimal(150000)) == Decimal(900000)
    assert potential.potential_of(Decimal(600000), Decimal(10), None) == Decimal(60000)
    assert potential.potential_of(Decimal(600000), Decimal(10), Decimal(80000)) == Decimal(80000)
    assert potential.potential_of(None, Decimal(10), None) == Decimal(0)
    assert potential.split(Decimal(100), {"a": 1, "b": 1, "c": 1}) == {"a": 33, "b": 33, "c": 34}
    assert potential.split(Decimal(100), {"a": 3, "b": 1}) == {"a": 75, "b": 25}
    assert potential.split(Decimal(100), {}) == {}


def test_coverage_matrix_by_hand():
    counts = benchmarking.coverage_matrix(
        {"": {1, 2}, "Rival": {3}},
        {1: {"retail"}, 2: {"retail", "health"}, 3: {"retail"}},
        {1: {"idf"}, 2: {"idf"}, 3: {"idf", "ara"}},
    )
    assert dict(counts[("retail", "idf")]) == {"": 2, "Rival": 1}
    assert dict(counts[("health", "idf")]) == {"": 1}
    assert dict(counts[("retail", "ara")]) == {"Rival": 1}


@pytest.fixture
def lines(db):
    return (
        ProductLine.objects.create(code="erp", name="ERP"),
        ProductLine.objects.create(code="crm", name="CRM"),
    )


def test_potentials_of_the_network(world, lines, attrs):
    erp, crm = lines
    world.org_a.sales_headcount = 4
    world.org_a.headcount = 10
    world.org_a.save()
    world.org_a.offerings.set([crm])
    rows = potential.potentials()
    # Only Alpha is in the network (active partnership); Bêta is a prospect.
    assert [row.organization for row in rows] == [world.org_a]
    # 4 salespeople × 150,000 × 10 % = 60,000, all on CRM (the only line it offers).
    assert rows[0].potential == Decimal(60000) and rows[0].by_product == {crm: Decimal(60000)}
    settings = ChannelSettings.objects.create(share_attribute="vendors")
    attributes.save_values(world.org_a, {attrs.vendors: "25"})
    assert potential.potentials(settings=settings)[0].potential == Decimal(150000)
    # What it sold over the last 12 months is the floor, and gives the split by product line.
    last_month = timezone.localdate().replace(day=1) - datetime.timedelta(days=1)
    RevenueRecord.objects.create(
        partnership=world.partnership_a, period=last_month, product_line=erp, amount=Decimal("160000")
    )
    RevenueRecord.objects.create(
        partnership=world.partnership_a, period=last_month, product_line=crm, amount=Decimal("40000")
    )
    old = RevenueRecord.objects.create(
        partnership=world.partnership_a,
        period=datetime.date(2000, 1, 1),
        product_line=crm,
        amount=Decimal("999999"),
    )
    row = potential.potentials(settings=settings)[0]
    assert row.sold == Decimal(200000) and row.potential == Decimal(200000)
    assert row.by_product == {erp: Decimal(160000), crm: Decimal(40000)}
    capacity = potential.channel_capacity([row])
    assert capacity.total == Decimal(200000) and capacity.by_product[0] == (erp, Decimal(160000))
    assert old.pk


def test_coverage_strengths_and_gaps(world):
    retail, health = (
        Sector.objects.create(code="retail", name="Retail"),
        Sector.objects.create(code="health", name="Health"),
    )
    idf = Territory.objects.create(code="idf", name="Île-de-France", kind="region")
    world.org_a.markets.set([retail, health])
    world.org_a.geographies.set([idf])
    rival = Competitor.objects.create(name="Rival")
    for name in ("Gamma", "Delta"):
        org = OrganizationFactory(name=name)
        org.markets.set([retail])
        org.geographies.set([idf])
        CompetitorPartnership.objects.create(competitor=rival, organization=org)
    result = benchmarking.coverage()
    cells = {
        (s.code, t.code): cell
        for s, cells in result.rows
        for t, cell in zip(result.territories, cells, strict=True)
    }
    assert (cells[("retail", "idf")].ours, cells[("retail", "idf")].best) == (1, 2)
    assert cells[("retail", "idf")].gap and cells[("health", "idf")].strength
    assert [(s.code, t.code) for s, t, _c in result.gaps] == [("retail", "idf")]
    assert [(s.code, t.code) for s, t, _c in result.strengths] == [("health", "idf")]


def test_channel_and_coverage_pages(world, lines, client_for):
    client = client_for(world.manager)
    page = client.get(reverse("recruitment:channel"))
    assert page.status_code == 200 and "Alpha Intégration" in page.content.decode()
    assert client.get(reverse("recruitment:channel") + "?scope=candidates").status_code == 200
    bad = client.post(
        reverse("recruitment:channel"),
        {"revenue_per_salesperson": "100000", "default_share": "120", "history_months": 12},
    )
    assert bad.status_code == 422 and not ChannelSettings.objects.exists()
    unknown = client.post(
        reverse("recruitment:channel"),
        {
            "revenue_per_salesperson": "100000",
            "default_share": "20",
            "history_months": 12,
            "share_attribute": "nope",
        },
    )
    assert unknown.status_code == 422 and not ChannelSettings.objects.exists()
    assert (
        client.post(
            reverse("recruitment:channel"),
            {"revenue_per_salesperson": "100000", "default_share": "20", "history_months": 12},
        ).status_code
        == 302
    )
    assert ChannelSettings.current().default_share == Decimal(20)
    assert client.get(reverse("recruitment:coverage")).status_code == 200


def test_competitor_import_all_or_nothing(world, client_for):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = client_for(world.manager)
    url = reverse("recruitment:coverage")
    bad = SimpleUploadedFile(
        "c.csv", "competitor,organisation,level\nRival,Alpha Intégration,Gold\nRival,Nobody,\n".encode()
    )
    response = client.post(url, {"action": "import", "file": bad})
    assert response.status_code == 422 and "Nobody" in response.content.decode()
    assert not Competitor.objects.exists() and not CompetitorPartnership.objects.exists()
    good = SimpleUploadedFile(
        "c.csv", "concurrent;partenaire;niveau\nRival;Alpha Intégration;Gold\nOther;bêta conseil;\n".encode()
    )
    assert client.post(url, {"action": "import", "file": good}).status_code == 302
    assert sorted(
        CompetitorPartnership.objects.values_list("competitor__name", "organization__name", "level")
    ) == [
        ("Other", "Bêta Conseil", ""),
        ("Rival", "Alpha Intégration", "Gold"),
    ]
    assert client_for(world.partner_a_user).get(url).status_code == 403


def test_api_competitors_and_potentials(world, api):
    client = api(world.manager)
    rival = client.post("/api/competitors/", {"name": "Rival"}, format="json")
    assert rival.status_code == 201
    link = {"competitor": rival.json()["uuid"], "organization": str(world.org_b.uuid), "level": "Gold"}
    assert client.post("/api/competitor-partnerships/", link, format="json").status_code == 201
    again = client.post("/api/competitor-partnerships/", link, format="json")
    assert again.status_code == 400 and CompetitorPartnership.objects.count() == 1
    rows = client.get("/api/channel-potentials/").json()
    assert [row["name"] for row in rows] == ["Alpha Intégration"]
    partner = api(world.partner_a_user)
    for url in ("/api/competitors/", "/api/competitor-partnerships/", "/api/channel-potentials/"):
        assert partner.get(url).status_code == 403
    assert partner.post("/api/competitors/", {"name": "X"}, format="json").status_code == 403
    assert Competitor.objects.count() == 1
