"""Fund use per partner and period and ROI per activity type: the charts on the fund pages, their tables and
their CSV/.xlsx exports, each reader with its own funds only."""

import csv
import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse

from meute.deals.models import Customer, DealRegistration
from meute.funds import roi, workflow
from meute.lib.charts import grouped_bar_chart

from .conftest import make_request


@pytest.fixture
def approved(funds_world):
    w = funds_world.world
    return workflow.approve_request(make_request(funds_world.fund_a, w.partner_a_user), w.manager)


def _csv(response):
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_grouped_bars_are_drawn_to_scale_with_one_colour_per_series():
    chart = grouped_bar_chart(
        [("A", [100, 50]), ("B", [0, 25])], ["Allocated", "Paid"], title="t", value_label=""
    )
    heights = [shape.height for shape in chart.shapes]
    assert heights == [160, 80, 0, 40]
    assert [shape.css for shape in chart.shapes[:2]] == ["chart__series--1", "chart__series--2"]
    assert chart.rows == [["A", "100", "50"], ["B", "0", "25"]]
    assert grouped_bar_chart([("A", [0, 0])], ["x", "y"], title="t", value_label="").empty


def test_staff_sees_every_partners_fund_use_and_exports_it(approved, funds_world, client_for):
    client = client_for(funds_world.world.manager)
    body = client.get(reverse("funds:fund-overview")).content.decode()
    assert "chart--groups" in body
    assert "Alpha channel 2027 (EUR)" in body and "Bêta channel 2027 (EUR)" in body
    rows = _csv(client.get(reverse("funds:fund-overview"), {"export": "csv"}))
    assert rows[0] == ["Partnership", "Period", "Currency", "Allocated", "Committed", "Claimed", "Paid"]
    assert rows[1:] == [
        ["Alpha channel", "2027", "EUR", "5000.00", "1000.00", "0.00", "0.00"],
        ["Bêta channel", "2027", "EUR", "3000.00", "0.00", "0.00", "0.00"],
    ]
    assert _csv(client.get(reverse("funds:fund-overview"), {"export": "csv", "period": "2026"}))[1:] == []


def test_a_partner_sees_and_exports_its_own_fund_use_only(approved, funds_world, client_for):
    client = client_for(funds_world.world.partner_b_user)
    body = client.get(reverse("funds:fund-overview")).content.decode()
    assert "Bêta channel 2027 (EUR)" in body and "Alpha channel" not in body
    assert [row[0] for row in _csv(client.get(reverse("funds:fund-overview"), {"export": "csv"}))[1:]] == [
        "Bêta channel"
    ]
    response = client.get(reverse("funds:fund-overview"), {"export": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)] == ["Bêta channel"]
    # Another partner's ROI is refused too: its activity does not appear in this partner's figures.
    assert _csv(client.get(reverse("funds:fund-roi"), {"export": "csv"}))[1:] == []
    assert "Customer seminar in Lyon" not in client.get(reverse("funds:fund-roi")).content.decode()


def test_roi_per_activity_type_as_a_chart_and_an_export(approved, funds_world, client_for):
    w = funds_world.world
    won = DealRegistration.objects.create(
        partnership=w.partnership_a,
        customer=Customer.objects.create(name="Client SA"),
        amount=Decimal("12000"),
        currency="EUR",
        expected_close_date=datetime.date(2027, 6, 1),
        stage="won",
        title="Won one",
    )
    roi.attribute_deal(approved, won, w.partner_a_user)
    client = client_for(w.partner_a_user)
    body = client.get(reverse("funds:fund-roi")).content.decode()
    assert "chart--hbars" in body and "Revenue per euro spent, per activity type" in body
    rows = _csv(client.get(reverse("funds:fund-roi"), {"export": "csv"}))
    assert rows[1:] == [["Customer seminar", "1000.00", "1", "1", "12000.00", "1000.00", "12.00"]]


def test_fund_use_in_french_with_french_numbers(approved, funds_world, client_for):
    body = (
        client_for(funds_world.world.manager)
        .get(reverse("funds:fund-overview"), HTTP_ACCEPT_LANGUAGE="fr")
        .content.decode()
    )
    assert "Utilisation des fonds par partenaire et par période" in body
    assert "5\u202f000,00" in body or "5 000,00" in body or "5\xa0000,00" in body
    assert "Fund use per partner and period" not in body
