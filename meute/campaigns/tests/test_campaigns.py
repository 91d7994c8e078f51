"""Joint campaigns and marketing cooperations: the split, the 12-month rule, the shared pages and access."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from meute.campaigns import planning
from meute.campaigns.choices import SplitRule, SubPlanKind
from meute.campaigns.models import (
    BudgetLine,
    Campaign,
    CampaignParticipant,
    CampaignTask,
    MarketingCooperation,
)
from meute.core.models import Organization
from meute.money.models import ExchangeRate

D = Decimal


def test_equal_split_gives_the_cents_to_the_largest_remainders():
    assert planning.split_budget(D("100.00"), SplitRule.EQUAL, count=3) == [
        D("33.34"),
        D("33.33"),
        D("33.33"),
    ]
    assert sum(planning.split_budget(D("1000.01"), SplitRule.EQUAL, count=7)) == D("1000.01")


def test_split_by_share_must_sum_to_exactly_100():
    assert planning.split_budget(D("9000"), SplitRule.SHARE, shares=[D("50"), D("30"), D("20")]) == [
        D("4500.00"),
        D("2700.00"),
        D("1800.00"),
    ]
    with pytest.raises(ValidationError, match="sum to 90 %"):
        planning.split_budget(D("9000"), SplitRule.SHARE, shares=[D("60"), D("30")])
    with pytest.raises(ValidationError):
        planning.split_budget(D("9000"), SplitRule.SHARE, shares=[D("60"), None])


def test_split_by_headcount():
    assert planning.split_budget(D("1000"), SplitRule.HEADCOUNT, headcounts=[1, 3]) == [
        D("250.00"),
        D("750.00"),
    ]
    with pytest.raises(ValidationError, match="headcount above zero"):
        planning.split_budget(D("1000"), SplitRule.HEADCOUNT, headcounts=[2, 0])


def test_every_split_adds_up_to_the_budget():
    for total in ("0.01", "0.05", "99.99", "12345.67"):
        for count in range(1, 9):
            assert sum(planning.split_budget(D(total), SplitRule.EQUAL, count=count)) == D(total)
            headcounts = [i * 7 % 5 + 1 for i in range(count)]
            assert sum(planning.split_budget(D(total), SplitRule.HEADCOUNT, headcounts=headcounts)) == D(
                total
            )


@pytest.fixture
def campaign(world):
    org_c = Organization.objects.create(name="Gamma Services")
    campaign = Campaign(
        name="Salon Lyon 2027",
        coordinator=world.org_a,
        start_date=datetime.date(2027, 5, 1),
        end_date=datetime.date(2027, 6, 30),
        split_rule=SplitRule.SHARE,
    )
    planning.save_campaign(
        campaign,
        world.manager,
        [
            {"organization": world.operator, "share_percent": D("50")},
            {"organization": world.org_a, "share_percent": D("30")},
            {"organization": org_c, "share_percent": D("20")},
        ],
    )
    planning.add_budget_line(campaign, world.manager, "Stand", D("8000"), "EUR")
    return campaign


def test_a_split_not_summing_to_100_is_refused_and_nothing_written(world):
    campaign = Campaign(
        name="Half",
        coordinator=world.org_a,
        start_date=datetime.date(2027, 5, 1),
        end_date=datetime.date(2027, 5, 2),
        split_rule=SplitRule.SHARE,
    )
    with pytest.raises(ValidationError, match="exactly 100"):
        planning.save_campaign(
            campaign,
            world.manager,
            [
                {"organization": world.org_a, "share_percent": D("60")},
                {"organization": world.operator, "share_percent": D("30")},
            ],
        )
    assert not Campaign.objects.exists()


def test_coordinator_must_take_part(world):
    campaign = Campaign(
        name="X",
        coordinator=world.org_b,
        start_date=datetime.date(2027, 5, 1),
        end_date=datetime.date(2027, 5, 2),
    )
    with pytest.raises(ValidationError, match="coordinator must take part"):
        planning.save_campaign(
            campaign, world.manager, [{"organization": world.org_a}, {"organization": world.operator}]
        )
    with pytest.raises(PermissionDenied):
        planning.save_campaign(
            campaign, world.partner_a_user, [{"organization": world.org_a}, {"organization": world.operator}]
        )


def test_budget_line_in_another_currency_is_converted_or_refused(campaign, world):
    with pytest.raises(ValidationError, match="No exchange rate"):
        planning.add_budget_line(campaign, world.manager, "Ads", D("1000"), "USD")
    ExchangeRate.objects.create(
        from_currency="USD", to_currency="EUR", rate=D("0.8"), valid_from=datetime.date(2027, 1, 1)
    )
    planning.add_budget_line(campaign, world.manager, "Ads", D("1000"), "USD")
    assert planning.budget_total(campaign) == D("8800.00")
    assert [amount for _p, amount in planning.campaign_split(campaign)] == [
        D("4400.00"),
        D("2640.00"),
        D("1760.00"),
    ]


def test_shared_page_for_participants_refused_to_others(campaign, world, client_for):
    url = campaign.get_absolute_url()
    page = client_for(world.partner_a_user).get(url)
    assert page.status_code == 200
    body = page.content.decode()
    assert "Gamma Services" in body and "2,400.00" in body  # 30 % of 8,000
    assert client_for(world.partner_b_user).get(url).status_code == 404
    assert (
        "Salon Lyon"
        not in client_for(world.partner_b_user).get(reverse("campaigns:campaign-list")).content.decode()
    )
    assert (
        client_for(world.partner_b_user)
        .post(url, {"action": "results", "leads": 5, "opportunities": 1, "revenue": 1})
        .status_code
        == 404
    )


def test_partner_reports_its_own_results_only_and_cannot_touch_the_budget(campaign, world, client_for):
    client = client_for(world.partner_a_user)
    url = campaign.get_absolute_url()
    assert (
        client.post(
            url, {"action": "results", "leads": 14, "opportunities": 3, "revenue": "25000"}
        ).status_code
        == 302
    )
    seat = CampaignParticipant.objects.get(campaign=campaign, organization=world.org_a)
    assert (seat.leads, seat.opportunities, seat.revenue) == (14, 3, D("25000.00"))
    other = CampaignParticipant.objects.get(campaign=campaign, organization=world.operator)
    assert other.leads == 0
    with pytest.raises(PermissionDenied):
        planning.report_results(other, world.partner_a_user, leads=1, opportunities=0, revenue=0)
    assert client.post(
        url, {"action": "budget", "label": "Mine", "amount": "1", "currency": "EUR"}
    ).status_code in (400, 403)
    assert not BudgetLine.objects.filter(label="Mine").exists()
    assert client.get(reverse("campaigns:campaign-edit", kwargs={"uuid": campaign.uuid})).status_code == 403


def test_coordinator_plans_actions_and_tasks(campaign, world, client_for):
    client = client_for(world.partner_a_user)  # org A coordinates
    url = campaign.get_absolute_url()
    assert (
        client.post(
            url,
            {
                "action": "action",
                "kind": "event",
                "title": "Opening",
                "start_date": "2027-05-10",
                "end_date": "2027-05-10",
            },
        ).status_code
        == 302
    )
    bad = client.post(
        url,
        {
            "action": "action",
            "kind": "event",
            "title": "Back",
            "start_date": "2027-05-10",
            "end_date": "2027-05-09",
        },
    )
    assert bad.status_code == 400 and campaign.actions.count() == 1
    assert (
        client.post(
            url, {"action": "task", "title": "Book the stand", "owner": world.operator.pk}
        ).status_code
        == 302
    )
    task = CampaignTask.objects.get()
    assert client.post(url, {"action": "task_done", "task": task.uuid, "done": "1"}).status_code == 302
    task.refresh_from_db()
    assert task.done


def test_marketing_cooperation_needs_12_months_and_gets_five_plans(world, client_for):
    cooperation = MarketingCooperation(
        name="Coop",
        coordinator=world.org_a,
        start_date=datetime.date(2027, 1, 1),
        end_date=datetime.date(2027, 6, 30),
    )
    with pytest.raises(ValidationError, match="12 months at least"):
        planning.save_cooperation(cooperation, world.manager, [world.org_a, world.org_b])
    assert not MarketingCooperation.objects.exists()
    cooperation.end_date = datetime.date(2027, 12, 31)
    planning.save_cooperation(cooperation, world.manager, [world.org_a, world.org_b])
    assert sorted(cooperation.sub_plans.values_list("kind", flat=True)) == sorted(SubPlanKind.values)
    url = cooperation.get_absolute_url()
    assert client_for(world.partner_b_user).get(url).status_code == 200
    client = client_for(world.partner_a_user)
    client.post(
        url,
        {
            "plan": "events",
            "action": "add",
            "a-events-title": "Seminar",
            "a-events-start_date": "2027-03-01",
            "a-events-end_date": "2027-03-01",
        },
    )
    assert cooperation.sub_plans.get(kind="events").actions.count() == 1
    # A member that does not coordinate cannot plan.
    client_for(world.partner_b_user).post(
        url,
        {
            "plan": "events",
            "action": "add",
            "a-events-title": "Mine",
            "a-events-start_date": "2027-03-01",
            "a-events-end_date": "2027-03-01",
        },
    )
    assert cooperation.sub_plans.get(kind="events").actions.count() == 1


def test_cooperation_form_refuses_six_months(world, client_for):
    response = client_for(world.manager).post(
        reverse("campaigns:cooperation-create"),
        {
            "name": "Short",
            "coordinator": world.org_a.pk,
            "members": [world.org_a.pk, world.org_b.pk],
            "start_date": "2027-01-01",
            "end_date": "2027-06-30",
        },
    )
    assert response.status_code == 400 and "12 months at least" in response.content.decode()
    assert not MarketingCooperation.objects.exists()


def test_calendar_and_ical_export_show_only_what_the_user_may_see(campaign, world, client_for):
    planning.add_action(
        campaign,
        world.manager,
        kind="event",
        title="Opening night",
        start_date=datetime.date(2027, 5, 10),
        end_date=datetime.date(2027, 5, 10),
    )
    query = "?start=2027-05-01&end=2027-06-30"
    page = client_for(world.partner_a_user).get(reverse("campaigns:campaign-calendar") + query)
    assert "Opening night" in page.content.decode()
    assert (
        "Opening night"
        not in client_for(world.partner_b_user)
        .get(reverse("campaigns:campaign-calendar") + query)
        .content.decode()
    )
    ics = client_for(world.partner_a_user).get(reverse("campaigns:campaign-calendar-ics") + query)
    assert ics["Content-Type"].startswith("text/calendar")
    text = ics.content.decode()
    assert (
        "BEGIN:VEVENT" in text
        and "DTSTART;VALUE=DATE:20270510" in text
        and "DTEND;VALUE=DATE:20270511" in text
    )
    assert (
        "BEGIN:VEVENT"
        not in client_for(world.partner_b_user)
        .get(reverse("campaigns:campaign-calendar-ics") + query)
        .content.decode()
    )
