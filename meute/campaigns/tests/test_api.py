import datetime
from decimal import Decimal

from meute.campaigns import planning
from meute.campaigns.models import Campaign, MarketingCooperation


def _campaign(world):
    campaign = Campaign(
        name="Roadshow",
        coordinator=world.org_a,
        start_date=datetime.date(2027, 5, 1),
        end_date=datetime.date(2027, 5, 31),
    )
    planning.save_campaign(
        campaign, world.manager, [{"organization": world.org_a}, {"organization": world.operator}]
    )
    planning.add_budget_line(campaign, world.manager, "Hall", Decimal("1000.01"), "EUR")
    return campaign


def test_campaign_api_scoped_and_split(world, api):
    campaign = _campaign(world)
    assert api(world.partner_b_user).get(f"/api/campaigns/{campaign.uuid}/").status_code == 404
    assert api(world.partner_b_user).get("/api/campaigns/").json()["results"] == []
    body = api(world.partner_a_user).get(f"/api/campaigns/{campaign.uuid}/").json()
    assert sorted(p["budget_part"] for p in body["participants"]) == ["500.00", "500.01"]
    results = api(world.partner_a_user).post(
        f"/api/campaigns/{campaign.uuid}/results/",
        {"leads": 4, "opportunities": 1, "revenue": "900"},
        format="json",
    )
    assert results.status_code == 200, results.json()
    assert (
        api(world.partner_b_user)
        .post(
            f"/api/campaigns/{campaign.uuid}/results/",
            {"leads": 4, "opportunities": 1, "revenue": "1"},
            format="json",
        )
        .status_code
        == 404
    )


def test_partner_cannot_create_and_bad_split_is_refused(world, api):
    body = {
        "name": "Split",
        "coordinator": str(world.org_a.uuid),
        "start_date": "2027-05-01",
        "end_date": "2027-05-02",
        "split_rule": "share",
        "participants": [
            {"organization": str(world.org_a.uuid), "share_percent": "60"},
            {"organization": str(world.operator.uuid), "share_percent": "30"},
        ],
    }
    assert api(world.partner_a_user).post("/api/campaigns/", body, format="json").status_code == 403
    response = api(world.manager).post("/api/campaigns/", body, format="json")
    assert response.status_code == 400 and "100" in str(response.json())
    assert not Campaign.objects.exists()
    body["participants"][1]["share_percent"] = "40"
    assert api(world.manager).post("/api/campaigns/", body, format="json").status_code == 201


def test_cooperation_api_refuses_six_months(world, api):
    body = {
        "name": "Coop",
        "coordinator": str(world.org_a.uuid),
        "members": [str(world.org_a.uuid), str(world.org_b.uuid)],
        "start_date": "2027-01-01",
        "end_date": "2027-06-30",
    }
    response = api(world.manager).post("/api/marketing-cooperations/", body, format="json")
    assert response.status_code == 400 and "12 months" in str(response.json())
    assert not MarketingCooperation.objects.exists()
    body["end_date"] = "2027-12-31"
    created = api(world.manager).post("/api/marketing-cooperations/", body, format="json")
    assert created.status_code == 201 and len(created.json()["sub_plans"]) == 5


def test_coordinator_adds_actions_and_tasks_through_the_api_other_partners_refused(world, api):
    campaign = _campaign(world)
    url = f"/api/campaigns/{campaign.uuid}/"
    seminar = {"kind": "seminar", "title": "Séminaire", "start_date": "2027-05-10", "end_date": "2027-05-10"}
    assert api(world.partner_b_user).post(url + "actions/", seminar, format="json").status_code == 404
    response = api(world.partner_a_user).post(url + "actions/", seminar, format="json")
    assert response.status_code == 201, response.json()
    assert [a["title"] for a in response.json()["actions"]] == ["Séminaire"]
    backwards = {**seminar, "start_date": "2027-05-12"}
    response = api(world.partner_a_user).post(url + "actions/", backwards, format="json")
    assert response.status_code == 400 and "end date" in str(response.json())
    task = {"title": "Réserver la salle", "owner": str(world.org_a.uuid), "due_date": "2027-04-30"}
    response = api(world.partner_a_user).post(url + "tasks/", task, format="json")
    assert response.status_code == 201 and response.json()["tasks"][0]["title"] == "Réserver la salle"
    outsider = {**task, "owner": str(world.org_b.uuid)}
    assert api(world.manager).post(url + "tasks/", outsider, format="json").status_code == 400
    assert campaign.actions.count() == 1 and campaign.tasks.count() == 1


def test_budget_lines_through_the_api_for_staff_editors_only(world, api):
    campaign = _campaign(world)
    url = f"/api/campaigns/{campaign.uuid}/budget-lines/"
    line = {"label": "Traiteur", "amount": "500", "currency": "eur"}
    assert api(world.partner_a_user).post(url, line, format="json").status_code == 403
    assert api(world.partner_b_user).post(url, line, format="json").status_code == 404
    response = api(world.manager).post(url, line, format="json")
    assert response.status_code == 201
    assert sorted(p["budget_part"] for p in response.json()["participants"]) == ["750.00", "750.01"]
    assert api(world.manager).post(url, {**line, "amount": "-5"}, format="json").status_code == 400
    assert campaign.budget_lines.count() == 2
