"""Scheduled tier rules are announced to partners: the date, what changes per tier, and the tier their
current figures would earn under the new rules."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from meute.programs.models import PartnerTier, Program, RevenueRecord, TierRuleVersion
from meute.programs.rule_versions import next_announcement, schedule_version
from meute.programs.tests.fixtures import tier

pytestmark = pytest.mark.django_db


def days(n: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=n)


@pytest.fixture
def aged(program):
    TierRuleVersion.objects.filter(tier__program=program).update(effective_from=days(-200))
    return program


def partner_a_with(world, program, revenue, held=None):
    """Partner a's revenue of ten days ago and, with ``held``, the tier it holds."""
    RevenueRecord.objects.create(partnership=world.partnership_a, period=days(-10), amount=Decimal(revenue))
    member = PartnerTier.objects.get(partnership=world.partnership_a)
    if held:
        member.tier = tier(program, held)
        member.save()
    return member


def announce_silver_at_70000(program):
    schedule_version(tier(program, "Silver"), days(30), {"min_revenue": Decimal("70000")})


def test_nothing_announced_without_a_scheduled_version(aged):
    assert next_announcement(aged) is None


def test_the_first_scheduled_date_with_its_changes_per_tier(aged):
    schedule_version(tier(aged, "Gold"), days(90), {"min_revenue": Decimal("300000")})
    schedule_version(tier(aged, "Silver"), days(30), {"min_revenue": Decimal("70000"), "margin_percent": 12})
    announcement = next_announcement(aged)
    assert announcement.effective_from == days(30)
    assert [t.tier_name for t in announcement.tiers] == ["Silver"]
    changed = {c.label: (c.before, c.after) for c in announcement.tiers[0].changes}
    assert changed == {
        "Minimum revenue over the evaluation period": ("50,000 €", "70,000 €"),
        "Margin (%)": ("10", "12"),
    }
    # Once Silver's change is in force, Gold's is the next one announced.
    later = next_announcement(aged, days(31))
    assert later.effective_from == days(90)
    assert [(c.before, c.after) for c in later.tiers[0].changes] == [("250,000 €", "300,000 €")]


def test_partner_sees_the_change_and_where_it_would_leave_them(client_for, world, aged):
    partner_a_with(world, aged, "60000", held="Silver")
    client = client_for(world.partner_a_user)
    page = client.get(world.org_a.get_absolute_url()).content.decode()
    assert "tier-announcement" not in page
    announce_silver_at_70000(aged)
    page = client.get(world.org_a.get_absolute_url()).content.decode()
    assert "The tier rules change on" in page
    assert "50,000 € → 70,000 €" in page
    assert "With today's figures, you would hold no tier under these rules." in page
    # Under the rules in force today, the same figures keep Silver.
    assert "Current tier: <strong>Silver</strong>" in page


def test_partner_that_still_qualifies_is_told_so_in_french(client_for, world, aged):
    partner_a_with(world, aged, "80000")
    announce_silver_at_70000(aged)
    client = client_for(world.partner_a_user)
    client.cookies["django_language"] = "fr"
    page = client.get(world.org_a.get_absolute_url()).content.decode()
    assert "Les règles des niveaux changent le" in page
    assert "Avec vos chiffres d’aujourd’hui, vous obtiendriez Silver selon ces règles." in page


def test_another_partner_never_sees_this_partners_outlook(client_for, world, aged):
    partner_a_with(world, aged, "80000")
    announce_silver_at_70000(aged)
    client = client_for(world.partner_b_user)
    assert client.get(world.org_a.get_absolute_url()).status_code == 404
    page = client.get(world.org_b.get_absolute_url()).content.decode()
    assert f"announcement-{world.partnership_b.uuid}" in page
    assert f"announcement-{world.partnership_a.uuid}" not in page
    assert "you would hold no tier" in page


def test_standing_through_the_api(api, world, aged):
    member = partner_a_with(world, aged, "60000", held="Silver")
    announce_silver_at_70000(aged)
    url = f"/api/partner-tiers/{member.uuid}/standing/"
    body = api(world.partner_a_user).get(url).json()
    assert body["tier"] == "Silver" and body["eligible_tier"] == "Silver" and body["next_tier"] == "Gold"
    revenue = body["next_tier_requirements"][0]
    assert (revenue["code"], revenue["met"]) == ("revenue", False)
    assert revenue["message"].startswith("Gold needs")
    assert body["announcement"] == {
        "effective_from": days(30).isoformat(),
        "tiers": [
            {
                "tier": "Silver",
                "changes": [
                    {
                        "label": "Minimum revenue over the evaluation period",
                        "before": "50,000 €",
                        "after": "70,000 €",
                    }
                ],
            }
        ],
        "outlook_tier": None,
    }
    assert api(world.manager).get(url).status_code == 200
    # Another partner is refused this partner's standing.
    assert api(world.partner_b_user).get(url).status_code == 404


def test_standing_in_a_programme_without_tiers(api, world):
    empty = Program.objects.create(name="New programme", code="new")
    member = PartnerTier.objects.create(partnership=world.partnership_a, program=empty)
    body = api(world.partner_a_user).get(f"/api/partner-tiers/{member.uuid}/standing/").json()
    assert body == {
        "tier": None,
        "eligible_tier": None,
        "next_tier": None,
        "waiting_for_verification": {"records": 0, "totals": {}},
        "next_tier_requirements": [],
        "announcement": None,
    }


def test_partner_home_shows_the_tier_and_the_announcement(client_for, world, aged):
    partner_a_with(world, aged, "60000", held="Silver")
    announce_silver_at_70000(aged)
    home = client_for(world.partner_a_user).get("/").content.decode()
    assert 'id="tier-progress"' in home and "Current tier: <strong>Silver</strong>" in home
    assert "Gold needs annual revenue of 250,000 €: you have 60,000 €" in home
    assert f"announcement-{world.partnership_a.uuid}" in home
    other = client_for(world.partner_b_user).get("/").content.decode()
    assert f"announcement-{world.partnership_b.uuid}" in other
    assert str(world.partnership_a.uuid) not in other
    assert 'id="tier-progress"' not in client_for(world.manager).get("/").content.decode()


def test_standing_reads_the_figures_once_for_todays_and_the_announced_rules(aged, world, monkeypatch):
    from meute.programs import standing as standing_module

    member = partner_a_with(world, aged, "60000", held="Silver")
    announce_silver_at_70000(aged)
    expected = standing_module.standing_of(member)
    collected = []
    real = standing_module.collect_metrics
    monkeypatch.setattr(
        standing_module,
        "collect_metrics",
        lambda *args, **kwargs: collected.append(kwargs.get("partnership_ids")) or real(*args, **kwargs),
    )
    standing = standing_module.standing_of(member)
    assert len(collected) == 1
    assert standing.evaluation.tier.name == expected.evaluation.tier.name == "Silver"
    assert standing.outlook.tier is None and expected.outlook.tier is None
    # Two members of one programme, as on a page listing them: still one collection, each its own figures.
    other = PartnerTier.objects.get(partnership=world.partnership_b)
    collected.clear()
    both = standing_module.standings_of([member, other])
    assert len(collected) == 1
    assert sorted(collected[0]) == sorted([world.partnership_a.pk, world.partnership_b.pk])
    assert [s.member for s in both] == [member, other]
    assert both[0].evaluation.tier.name == "Silver"
