"""Tier rule versions through the pages and the API: the tier's page with its history, scheduling, changing,
simulating and deleting a future version, refusals for versions in force or past, and access (partner users
are refused everywhere, read-only staff may look but not change)."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from meute.programs.models import RevenueRecord, TierRuleVersion
from meute.programs.rule_versions import schedule_version
from meute.programs.tests.fixtures import tier

from .test_api import error_of

pytestmark = pytest.mark.django_db


def days(n: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=n)


def page(name, program, silver, version=None):
    kwargs = {"uuid": program.uuid, "tier_uuid": silver.uuid}
    if version is not None:
        kwargs["version_uuid"] = version.uuid
    return reverse(name, kwargs=kwargs)


def rule_form(effective_from, **changes) -> dict:
    data = {
        "effective_from": effective_from.isoformat(),
        "min_revenue": "50000",
        "min_won_deals": "",
        "min_satisfaction": "",
        "custom_thresholds": "",
        "margin_percent": "10",
        "mdf_percent": "0",
        "protection_days": "0",
        "lead_weight": "1",
        "labels": "",
        "certified_sales": "",
        "certified_consultant": "",
        "certified_technical": "",
    }
    data.update(changes)
    return data


@pytest.fixture
def aged(program):
    TierRuleVersion.objects.filter(tier__program=program).update(effective_from=days(-200))
    return program


@pytest.fixture
def silver(aged):
    return tier(aged, "Silver")


@pytest.fixture
def scheduled(silver):
    return schedule_version(silver, days(30), {"min_revenue": Decimal("70000"), "lead_weight": 2})


class TestTierPage:
    def test_history_with_statuses_summaries_and_changes(self, client_for, world, aged, silver, scheduled):
        response = client_for(world.manager).get(page("program-tier-detail", aged, silver))
        assert response.status_code == 200
        html = response.content.decode()
        assert f'id="version-{scheduled.uuid}" class="version version--scheduled"' in html
        assert "version--current" in html
        assert "Minimum revenue over the evaluation period: 50,000 € → <strong>70,000 €</strong>" in html
        assert "Lead distribution weight: 1 → <strong>2</strong>" in html
        assert page("program-tier-version-update", aged, silver, scheduled) in html
        assert page("program-tier-version-create", aged, silver) in html

    def test_read_only_staff_see_the_history_but_no_action(self, client_for, world, aged, silver, scheduled):
        client = client_for(world.reader)
        html = client.get(page("program-tier-detail", aged, silver)).content.decode()
        assert "version--scheduled" in html
        assert page("program-tier-version-update", aged, silver, scheduled) not in html
        assert client.get(page("program-tier-version-create", aged, silver)).status_code == 403
        assert client.post(page("program-tier-version-delete", aged, silver, scheduled)).status_code == 403
        assert TierRuleVersion.objects.filter(pk=scheduled.pk).exists()

    def test_partner_users_are_refused_every_version_page(self, client_for, world, aged, silver, scheduled):
        for user in (world.partner_a_user, world.partner_b_user):
            client = client_for(user)
            for url in (
                page("program-tier-detail", aged, silver),
                page("program-tier-version-create", aged, silver),
                page("program-tier-version-update", aged, silver, scheduled),
            ):
                assert client.get(url).status_code == 403, url
            post = client.post(page("program-tier-version-create", aged, silver), rule_form(days(40)))
            assert post.status_code == 403
            delete = client.post(page("program-tier-version-delete", aged, silver, scheduled))
            assert delete.status_code == 403
        assert TierRuleVersion.objects.filter(tier=silver).count() == 2
        # Nor is the tier's page linked, nor the scheduled change shown, on the programme page.
        html = client_for(world.partner_a_user).get(reverse("program-detail", args=[aged.uuid])).content
        assert page("program-tier-detail", aged, silver).encode() not in html
        assert b"new rules from" not in html

    def test_anonymous_visitors_log_in_first(self, client, aged, silver):
        response = client.get(page("program-tier-detail", aged, silver))
        assert response.status_code == 302 and "login" in response["Location"]

    def test_programme_page_links_the_tier_page_for_staff(self, client_for, world, aged, silver, scheduled):
        html = client_for(world.manager).get(reverse("program-detail", args=[aged.uuid])).content.decode()
        assert page("program-tier-detail", aged, silver) in html
        assert "new rules from" in html
        edit = client_for(world.manager).get(reverse("program-tier-update", args=[aged.uuid, silver.uuid]))
        assert 'id="scheduled-notice"' in edit.content.decode()


def test_dashboard_links_a_scheduled_version_to_its_tier_page(client_for, world, aged, silver):
    client = client_for(world.manager)
    client.post(page("program-tier-version-create", aged, silver), rule_form(days(20), min_revenue="65000"))
    RevenueRecord.objects.create(partnership=world.partnership_a, period=days(-1), amount=Decimal("1"))
    html = client.get("/").content.decode()
    assert f'href="{page("program-tier-detail", aged, silver)}"' in html


class TestScheduleChangeDelete:
    def test_schedule_a_future_version(self, client_for, world, aged, silver):
        client = client_for(world.manager)
        form = client.get(page("program-tier-version-create", aged, silver))
        assert form.status_code == 200 and b'name="effective_from"' in form.content
        response = client.post(
            page("program-tier-version-create", aged, silver),
            rule_form(days(20), min_revenue="65000", certified_sales="1", labels="Silver, Cloud"),
        )
        assert response.status_code == 302
        assert response["Location"] == page("program-tier-detail", aged, silver)
        version = silver.versions.get(effective_from=days(20))
        assert version.requirements["min_revenue"] == "65000"
        assert version.requirements["min_certified"] == {"sales": 1}
        assert version.benefits["labels"] == ["Silver", "Cloud"]
        silver.refresh_from_db()
        assert silver.min_revenue == Decimal("50000")  # in force until day 20

    def test_bad_input_is_explained_and_changes_nothing(self, client_for, world, aged, silver):
        client = client_for(world.manager)
        url = page("program-tier-version-create", aged, silver)
        past = client.post(url, rule_form(days(-1), min_revenue="65000"))
        assert past.status_code == 422
        assert "A scheduled version starts after today" in past.content.decode()
        easy = client.post(url, rule_form(days(10), min_revenue="300000"))
        assert easy.status_code == 422 and "Gold is easier than Silver" in easy.content.decode()
        thresholds = client.post(url, rule_form(days(10), custom_thresholds="demos ten"))
        assert thresholds.status_code == 422 and "code = number" in thresholds.content.decode()
        same = client.post(url, rule_form(days(10)))
        assert same.status_code == 422 and "would change nothing" in same.content.decode()
        assert silver.versions.count() == 1

    def test_simulate_a_scheduled_version_saves_nothing(self, client_for, world, aged, silver, scheduled):
        RevenueRecord.objects.create(
            partnership=world.partnership_b, period=days(-5), amount=Decimal("45000")
        )
        url = page("program-tier-version-update", aged, silver, scheduled)
        response = client_for(world.manager).post(
            url, {**rule_form(days(30), min_revenue="40000"), "simulate": "1"}
        )
        assert response.status_code == 200
        html = response.content.decode()
        assert 'id="simulation"' in html and "Bêta channel: — → Silver" in html
        scheduled.refresh_from_db()
        assert scheduled.requirements["min_revenue"] == "70000"

    def test_change_then_delete_a_scheduled_version(self, client_for, world, aged, silver, scheduled):
        client = client_for(world.manager)
        url = page("program-tier-version-update", aged, silver, scheduled)
        assert client.get(url).status_code == 200
        response = client.post(url, rule_form(days(45), min_revenue="75000", lead_weight="3"))
        assert response.status_code == 302
        scheduled.refresh_from_db()
        assert scheduled.effective_from == days(45)
        assert scheduled.benefits["lead_weight"] == 3
        response = client.post(page("program-tier-version-delete", aged, silver, scheduled), follow=True)
        assert "is deleted" in response.content.decode()
        assert not TierRuleVersion.objects.filter(pk=scheduled.pk).exists()

    def test_versions_in_force_are_refused_with_a_message(self, client_for, world, aged, silver):
        current = silver.versions.get()
        before = (current.effective_from, current.requirements)
        client = client_for(world.manager)
        url = page("program-tier-version-update", aged, silver, current)
        response = client.get(url, follow=True)
        assert "is in force: it cannot be changed or deleted" in response.content.decode()
        response = client.post(url, rule_form(days(5), min_revenue="1"), follow=True)
        assert "is in force: it cannot be changed or deleted" in response.content.decode()
        response = client.post(page("program-tier-version-delete", aged, silver, current), follow=True)
        assert "is in force: it cannot be changed or deleted" in response.content.decode()
        current.refresh_from_db()
        assert (current.effective_from, current.requirements) == before

    def test_a_version_of_another_tier_is_not_found(self, client_for, world, aged, silver, scheduled):
        gold = tier(aged, "Gold")
        url = page("program-tier-version-update", aged, gold, scheduled)
        assert client_for(world.manager).get(url).status_code == 404


class TestApi:
    def test_staff_list_with_status_and_changes(self, api, world, aged, silver, scheduled):
        response = api(world.reader).get("/api/tier-rule-versions/", {"tier": str(silver.uuid)})
        assert response.status_code == 200, response.content
        rows = response.json()["results"]
        assert [(r["effective_from"], r["status"]) for r in rows] == [
            (days(-200).isoformat(), "current"),
            (days(30).isoformat(), "scheduled"),
        ]
        assert rows[1]["min_revenue"] == "70000.00" and rows[1]["lead_weight"] == 2
        assert {c["label"] for c in rows[1]["changes"]} == {
            "Minimum revenue over the evaluation period",
            "Lead distribution weight",
        }
        newest = api(world.reader).get("/api/tier-rule-versions/", {"ordering": "-effective_from"}).json()
        assert newest["results"][0]["uuid"] == str(scheduled.uuid)
        ignored = api(world.reader).get("/api/tier-rule-versions/", {"ordering": "min_revenue"})
        assert ignored.status_code == 200
        scheduled_only = api(world.reader).get("/api/tier-rule-versions/", {"scheduled": "true"}).json()
        assert [r["uuid"] for r in scheduled_only["results"]] == [str(scheduled.uuid)]

    def test_partner_users_are_refused(self, api, world, aged, silver, scheduled):
        for user in (world.partner_a_user, world.partner_b_user):
            client = api(user)
            assert client.get("/api/tier-rule-versions/").status_code == 403
            assert client.get(f"/api/tier-rule-versions/{scheduled.uuid}/").status_code == 403
            body = {"tier": str(silver.uuid), "effective_from": days(40).isoformat(), "min_revenue": "60000"}
            assert client.post("/api/tier-rule-versions/", body, format="json").status_code == 403
            assert client.delete(f"/api/tier-rule-versions/{scheduled.uuid}/").status_code == 403
            assert client.post("/api/tier-rule-versions/simulate/", body, format="json").status_code == 403
        assert api().get("/api/tier-rule-versions/").status_code in (401, 403)

    def test_create_update_delete_a_scheduled_version(self, api, world, aged, silver):
        client = api(world.manager)
        body = {"tier": str(silver.uuid), "effective_from": days(40).isoformat(), "min_revenue": "60000"}
        assert api(world.reader).post("/api/tier-rule-versions/", body, format="json").status_code == 403
        response = client.post("/api/tier-rule-versions/", body, format="json")
        assert response.status_code == 201, response.content
        created = response.json()
        assert created["status"] == "scheduled" and created["margin_percent"] == "10.00"
        url = f"/api/tier-rule-versions/{created['uuid']}/"
        patched = client.patch(url, {"margin_percent": "12"}, format="json")
        assert patched.status_code == 200, patched.content
        assert patched.json()["margin_percent"] == "12.00" and patched.json()["min_revenue"] == "60000.00"
        moved = client.patch(url, {"tier": str(tier(aged, "Gold").uuid)}, format="json")
        assert "tier" in error_of(moved, 400)["fields"]
        assert client.delete(url).status_code == 204
        assert silver.versions.count() == 1

    def test_refusals(self, api, world, aged, silver):
        client = api(world.manager)
        past = {"tier": str(silver.uuid), "effective_from": days(-1).isoformat(), "min_revenue": "60000"}
        assert (
            "effective_from"
            in error_of(client.post("/api/tier-rule-versions/", past, format="json"), 400)["fields"]
        )
        easy = {"tier": str(silver.uuid), "effective_from": days(5).isoformat(), "min_revenue": "900000"}
        error = error_of(client.post("/api/tier-rule-versions/", easy, format="json"), 400)
        assert "Gold is easier than Silver" in str(error["fields"])
        current = silver.versions.get()
        url = f"/api/tier-rule-versions/{current.uuid}/"
        error = error_of(client.patch(url, {"min_revenue": "1"}, format="json"), 409)
        assert error["code"] == "version_in_force" and "cannot be changed" in error["message"]
        assert error_of(client.delete(url), 409)["code"] == "version_in_force"
        assert silver.versions.get().requirements == current.requirements

    def test_simulate(self, api, world, aged, silver, scheduled):
        RevenueRecord.objects.create(
            partnership=world.partnership_b, period=days(-5), amount=Decimal("45000")
        )
        body = {
            "tier": str(silver.uuid),
            "effective_from": days(30).isoformat(),
            "min_revenue": "40000",
            "version": str(scheduled.uuid),
        }
        response = api(world.reader).post("/api/tier-rule-versions/simulate/", body, format="json")
        assert response.status_code == 200, response.content
        result = response.json()
        assert (result["up"], result["down"]) == (1, 0)
        assert result["moves"][0]["partnership"] == str(world.partnership_b.uuid)
        scheduled.refresh_from_db()
        assert scheduled.requirements["min_revenue"] == "70000"
        other = {**body, "tier": str(tier(aged, "Gold").uuid)}
        assert (
            "version"
            in error_of(
                api(world.reader).post("/api/tier-rule-versions/simulate/", other, format="json"), 400
            )["fields"]
        )
