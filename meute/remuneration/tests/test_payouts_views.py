"""Payout pages and API: who sees and does what, outsiders refused, exports scoped."""

import csv
import datetime
import io
from decimal import Decimal as D

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse
from openpyxl import load_workbook

from meute.remuneration import payouts, rule_versions
from meute.remuneration.choices import PayoutStatus
from meute.remuneration.models import Payout, RemunerationVersion
from meute.remuneration.tests.fixtures import won_deal

Q1 = datetime.date(2027, 1, 1)
POOL = {"kind": "commission_pool", "rate": "10"}


@pytest.fixture
def paid_world(pay_world):
    """Rules on the pack and on org_b's channel partnership, payouts computed for 2027-Q1."""
    w = pay_world
    w.version = rule_versions.save_version(w.pack, valid_from=Q1, rules=[POOL], user=w.admin)
    rule_versions.save_version(
        w.partnership_b, valid_from=Q1, rules=[{"kind": "referral_fee", "rate": "10"}], user=w.admin
    )
    won_deal(w.pack, [(o, w.member) for o in (w.org_a, w.org_c, w.org_d)], amount="700.00", title="Pack deal")
    won_deal(w.partnership_b, [(w.org_b, "referrer")], amount="5000.00", title="Secret B deal")
    payouts.compute_payouts("2027-Q1")
    w.payout_a = Payout.objects.get(organization=w.org_a)
    w.payout_b = Payout.objects.get(organization=w.org_b)
    w.payout_c = Payout.objects.get(organization=w.org_c)
    return w


LIST = reverse("groupings:payout-list")


def test_staff_list_shows_all_and_partner_only_its_own(paid_world, client_for):
    w = paid_world
    page = client_for(w.reader).get(LIST, {"period": "2027-Q1"}).content.decode()
    assert "Bêta Conseil" in page and "Gamma Coaching" in page
    page = client_for(w.partner_a_user).get(LIST, {"period": "2027-Q1"}).content.decode()
    assert "Alpha Intégration" in page
    assert "Gamma Coaching" not in page and "Bêta Conseil" not in page and "Secret B deal" not in page
    assert 'name="action"' not in page  # no status actions for partners


def test_payout_detail_and_outsider(paid_world, client_for):
    w = paid_world
    url = reverse("groupings:payout-detail", kwargs={"uuid": w.payout_a.uuid})
    page = client_for(w.partner_a_user).get(url).content.decode()
    assert "Commission pool" in page and "40.00" in page
    assert client_for(w.partner_b_user).get(url).status_code == 404
    other = reverse("groupings:payout-detail", kwargs={"uuid": w.payout_c.uuid})
    assert client_for(w.partner_a_user).get(other).status_code == 404  # a co-member's payout


def test_status_actions_in_the_ui(paid_world, client_for):
    w = paid_world
    query = "?period=2027-Q1"
    response = client_for(w.partner_a_user).post(
        LIST + query, {"action": "approve", "selected": [str(w.payout_a.uuid)]}
    )
    assert response.status_code == 403
    response = client_for(w.reader).post(
        LIST + query, {"action": "approve", "selected": [str(w.payout_a.uuid)]}
    )
    assert response.status_code == 403
    client = client_for(w.manager)
    client.post(LIST + query, {"action": "approve", "selected": [str(w.payout_a.uuid)]})
    w.payout_a.refresh_from_db()
    assert w.payout_a.status == PayoutStatus.APPROVED and w.payout_a.status_changed_by == w.manager
    # paying a computed payout is refused, nothing changes
    client.post(LIST + query, {"action": "pay", "all_matching": "1"})
    assert Payout.objects.filter(status=PayoutStatus.PAID).count() == 0
    client.post(LIST + query, {"action": "pay", "selected": [str(w.payout_a.uuid)]})
    w.payout_a.refresh_from_db()
    assert w.payout_a.status == PayoutStatus.PAID


def test_export_scoped_to_the_user(paid_world, client_for):
    w = paid_world
    export = reverse("groupings:payout-export")
    body = client_for(w.partner_a_user).get(export, {"period": "2027-Q1", "format": "csv"}).content.decode()
    rows = list(csv.reader(io.StringIO(body)))
    assert [r[1] for r in rows[1:]] == ["Alpha Intégration"]
    response = client_for(w.partner_b_user).get(export, {"period": "2027-Q1", "format": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    members = [row[1] for row in list(sheet.values)[1:]]
    assert members == ["Bêta Conseil"]
    body = client_for(w.admin).get(export, {"period": "2027-Q1", "format": "csv"}).content.decode()
    assert len(body.strip().splitlines()) == 5
    assert client_for(w.admin).get(export, {"period": "2027-Q9", "format": "csv"}).status_code == 400


def test_statement_page(paid_world, client_for):
    w = paid_world
    url = reverse("groupings:payout-statement")
    page = client_for(w.partner_a_user).get(url, {"period": "2027-Q1"}).content.decode()
    assert "40.00" in page and "Commission pool" in page
    assert (
        client_for(w.partner_a_user).get(url, {"period": "2027-Q1", "member": str(w.org_c.uuid)}).status_code
        == 404
    )
    page = client_for(w.reader).get(url, {"period": "2027-Q1", "member": str(w.org_c.uuid)}).content.decode()
    assert "Gamma Coaching" in page and "20.00" in page


def test_rules_pages_and_editor(paid_world, client_for):
    w = paid_world
    rules_url = reverse("groupings:payout-rules", kwargs={"uuid": w.pack.uuid})
    assert client_for(w.partner_b_user).get(rules_url).status_code == 404
    page = client_for(w.partner_a_user).get(rules_url).content.decode()
    assert "Commission pool" in page and "Edit" in page
    new_url = reverse("groupings:payout-version-create", kwargs={"uuid": w.pack.uuid})
    assert client_for(w.partner_b_user).get(new_url).status_code == 404
    assert client_for(w.reader).get(new_url).status_code == 403
    client = client_for(w.partner_a_user)  # the pack's coordinator
    assert client.get(new_url).status_code == 200
    data = {
        "valid_from": "2027-04-01",
        "referral_min_rate": "5",
        "referral_max_rate": "20",
        "notes": "",
        "rules-TOTAL_FORMS": "2",
        "rules-INITIAL_FORMS": "0",
        "rules-0-kind": "role_split",
        "rules-0-basis": "amount",
        "rules-0-rate": "12",
        "rules-0-steps": "prospection=20, proposal=30, closing=40",
        "rules-0-weight_source": "involvement",
        "rules-1-kind": "",
        "rules-1-basis": "amount",
        "rules-1-weight_source": "involvement",
    }
    response = client.post(new_url, data)
    assert response.status_code == 200 and "not 100" in response.content.decode()
    assert RemunerationVersion.objects.filter(partnership=w.pack).count() == 1
    data["rules-0-steps"] = "prospection=20, proposal=30, closing=50"
    data["rules-1-kind"] = "commission_pool"
    data["rules-1-rate"] = "8"
    data["rules-1-weight_source"] = "explicit"
    data["rules-1-weights"] = f"{w.org_a.siren}=2\nGamma Coaching=1\nDelta Expertise=1"
    response = client.post(new_url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    version = RemunerationVersion.objects.get(partnership=w.pack, valid_from=datetime.date(2027, 4, 1))
    pool = version.rules.get(kind="commission_pool")
    assert pool.weights == {str(w.org_a.uuid): "2", str(w.org_c.uuid): "1", str(w.org_d.uuid): "1"}
    # the first version has approved payouts: locked, no edit
    payouts.change_status([w.payout_a], PayoutStatus.APPROVED, user=w.admin)
    edit = reverse("groupings:payout-version-edit", kwargs={"version": w.version.uuid})
    data["valid_from"] = "2027-01-01"
    response = client.post(edit, data)
    assert "can no longer change" in response.content.decode()
    delete = reverse("groupings:payout-version-delete", kwargs={"version": version.uuid})
    assert client_for(w.partner_b_user).post(delete).status_code == 404
    client_for(w.partner_a_user).post(delete)
    assert not RemunerationVersion.objects.filter(pk=version.pk).exists()


def test_compute_from_the_ui(paid_world, client_for):
    w = paid_world
    url = reverse("groupings:payout-compute")
    assert client_for(w.partner_a_user).post(url, {"period": "2027-Q1"}).status_code == 403
    Payout.objects.filter(organization=w.org_c).delete()
    client_for(w.admin).post(url, {"period": "2027-Q1", "partnership": str(w.pack.uuid)})
    assert Payout.objects.filter(organization=w.org_c).exists()


def test_grouping_panel_fragment(paid_world):
    w = paid_world
    request = RequestFactory().get("/")
    request.user = w.partner_a_user
    html = Template('{% include "remuneration/_payouts_panel.html" %}').render(
        Context({"grouping": w.pack, "request": request})
    )
    assert "Commission pool" in html
    assert str(w.pack.uuid) in html


# --- API ---------------------------------------------------------------------------------------------


def test_api_payout_list_scoped_and_filters(paid_world, api):
    w = paid_world
    data = api(w.admin).get("/api/payouts/", {"period": "2027-Q1"}).json()
    assert data["count"] == 4
    data = api(w.admin).get("/api/payouts/", {"period": "2027-Q1", "partnership": str(w.pack.uuid)}).json()
    assert data["count"] == 3
    data = api(w.partner_a_user).get("/api/payouts/", {"period": "2027-Q1"}).json()
    assert [row["member_name"] for row in data["results"]] == ["Alpha Intégration"]
    assert data["results"][0]["explanation"]
    assert api(w.partner_b_user).get(f"/api/payouts/{w.payout_a.uuid}/").status_code == 404
    bad = api(w.admin).get("/api/payouts/", {"period": "soon"})
    assert bad.status_code == 400 and "error" in bad.json()


def test_api_status_actions(paid_world, api):
    w = paid_world
    assert api(w.partner_a_user).post(f"/api/payouts/{w.payout_a.uuid}/approve/").status_code == 403
    assert api(w.partner_b_user).post(f"/api/payouts/{w.payout_a.uuid}/approve/").status_code == 404
    assert api(w.reader).post(f"/api/payouts/{w.payout_a.uuid}/approve/").status_code == 403
    response = api(w.manager).post(f"/api/payouts/{w.payout_a.uuid}/pay/")
    assert response.status_code == 409 and response.json()["error"]["code"] == "wrong_status"
    assert response.json()["error"]["details"] == {
        "requested": "paid",
        "allowed": ["approved"],
        "refused": [{"payout": str(w.payout_a.uuid), "current": "computed"}],
    }
    response = api(w.manager).post(f"/api/payouts/{w.payout_a.uuid}/approve/", {"note": "ok"}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "approved"
    response = api(w.manager).post(
        "/api/payouts/status/",
        {"payouts": [str(w.payout_a.uuid), str(w.payout_c.uuid)], "status": "paid"},
        format="json",
    )
    assert response.status_code == 409  # payout_c is not approved: nothing changes
    assert [row["payout"] for row in response.json()["error"]["details"]["refused"]] == [str(w.payout_c.uuid)]
    assert Payout.objects.get(pk=w.payout_a.pk).status == PayoutStatus.APPROVED
    response = api(w.manager).post(
        "/api/payouts/status/", {"payouts": [str(w.payout_a.uuid)], "status": "paid"}, format="json"
    )
    assert response.json() == {"changed": 1}


def test_api_compute_and_statement(paid_world, api):
    w = paid_world
    assert api(w.partner_a_user).post("/api/payouts/compute/", {"period": "2027-Q1"}).status_code == 403
    response = api(w.admin).post(
        "/api/payouts/compute/", {"period": "2027-Q1", "dry_run": True}, format="json"
    )
    assert response.status_code == 200 and response.json()["unchanged"] == 4
    assert api(w.admin).post("/api/payouts/compute/", {"period": "2027-Q7"}, format="json").status_code == 400
    mine = api(w.partner_a_user).get("/api/payouts/statement/", {"period": "2027-Q1"}).json()
    assert mine["grand_totals"] == {"EUR": "40.00"} and len(mine["payouts"]) == 1
    assert (
        api(w.partner_a_user).get("/api/payouts/statement/", {"member": str(w.org_b.uuid)}).status_code == 404
    )
    other = (
        api(w.reader)
        .get("/api/payouts/statement/", {"period": "2027-Q1", "member": str(w.org_b.uuid)})
        .json()
    )
    assert other["grand_totals"] == {"EUR": "500.00"}


def test_api_rule_versions(paid_world, api):
    w = paid_world
    listed = api(w.partner_b_user).get("/api/remuneration-versions/").json()
    assert {row["partnership"] for row in listed["results"]} == {str(w.partnership_b.uuid)}
    assert api(w.partner_b_user).get(f"/api/remuneration-versions/{w.version.uuid}/").status_code == 404
    payload = {
        "partnership": str(w.pack.uuid),
        "valid_from": "2027-07-01",
        "rules": [{"kind": "referral_fee", "rate": "25"}],
    }
    response = api(w.admin).post("/api/remuneration-versions/", payload, format="json")
    assert response.status_code == 400 and "outside the allowed range" in str(response.json())
    assert (
        api(w.partner_b_user)
        .post("/api/remuneration-versions/", dict(payload, rules=[POOL]), format="json")
        .status_code
        == 400
    )
    assert (
        api(w.reader)
        .post("/api/remuneration-versions/", dict(payload, rules=[POOL]), format="json")
        .status_code
        == 403
    )
    response = api(w.partner_a_user).post(
        "/api/remuneration-versions/",
        dict(payload, rules=[{"kind": "referral_fee", "rate": "12.5", "basis": "margin"}, POOL]),
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["rules"][0]["rate"] == "12.50"
    first = api(w.admin).get(f"/api/remuneration-versions/{w.version.uuid}/").json()
    assert first["in_force_until"] == "2027-07-01"
    assert RemunerationVersion.objects.filter(partnership=w.pack).count() == 2
    assert D(response.json()["referral_max_rate"]) == D("20")


def test_deal_remuneration_page(paid_world, client_for):
    w = paid_world
    deal = w.payout_a.deal
    url = reverse("groupings:payout-deal", kwargs={"uuid": deal.uuid})
    assert client_for(w.partner_b_user).get(url).status_code == 404
    assert client_for(w.reader).post(url, {"margin": "100"}).status_code == 403
    page = client_for(w.partner_a_user).get(url).content.decode()
    assert "Gamma Coaching" in page and "Closing" in page
    response = client_for(w.partner_a_user).post(url, {"margin": "-5"})
    assert response.status_code == 200
    deal.refresh_from_db()
    assert deal.margin is None
    response = client_for(w.partner_a_user).post(
        url,
        {"margin": "300.00", "step_closing": [str(w.org_c.uuid)], "step_prospection": [str(w.org_a.uuid)]},
    )
    assert response.status_code == 302
    deal.refresh_from_db()
    assert deal.margin == D("300.00")
    assert sorted(deal.step_assignments.values_list("step", "organization__name")) == [
        ("closing", "Gamma Coaching"),
        ("prospection", "Alpha Intégration"),
    ]
    # an organisation not on the deal is refused by the form
    response = client_for(w.admin).post(url, {"margin": "300.00", "step_closing": [str(w.org_b.uuid)]})
    assert response.status_code == 200
    assert deal.step_assignments.count() == 2


def test_outsiders_on_version_edit_and_api_writes(paid_world, client_for, api):
    w = paid_world
    edit = reverse("groupings:payout-version-edit", kwargs={"version": w.version.uuid})
    assert client_for(w.partner_b_user).get(edit).status_code == 404
    assert client_for(w.partner_b_user).post(edit, {}).status_code == 404
    url = f"/api/remuneration-versions/{w.version.uuid}/"
    payload = {"partnership": str(w.pack.uuid), "valid_from": "2027-01-01", "rules": [POOL]}
    assert api(w.partner_b_user).put(url, payload, format="json").status_code == 404
    assert api(w.partner_b_user).delete(url).status_code == 404
    assert RemunerationVersion.objects.filter(pk=w.version.pk).exists()
    bulk = {"payouts": [str(w.payout_a.uuid)], "status": "approved"}
    assert api(w.partner_b_user).post("/api/payouts/status/", bulk, format="json").status_code == 403
    assert (
        api(w.manager)
        .post(
            "/api/payouts/status/",
            {"payouts": [str(w.payout_a.uuid), "0" * 32], "status": "approved"},
            format="json",
        )
        .status_code
        == 404
    )
    assert Payout.objects.get(pk=w.payout_a.pk).status == PayoutStatus.COMPUTED
