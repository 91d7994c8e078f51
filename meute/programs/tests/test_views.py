"""Programme pages through the client: design, evaluation and approval, revenue, business plans, access."""

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from meute.enablement.models import PersonCertification
from meute.programs.choices import ChangeStatus
from meute.programs.evaluation import run_evaluation
from meute.programs.models import (
    BusinessPlan,
    PartnerTier,
    Program,
    RevenueRecord,
    TierChange,
)
from meute.programs.plans import add_objective, create_plan
from meute.programs.tests.fixtures import tier

pytestmark = pytest.mark.django_db


def url(name, obj, **extra):
    return reverse(name, kwargs={"uuid": obj.uuid, **extra})


def formset_management(prefix, total=0):
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def recent_revenue(partnership, amount):
    return RevenueRecord.objects.create(
        partnership=partnership,
        period=timezone.localdate() - datetime.timedelta(days=10),
        amount=Decimal(amount),
    )


@pytest.fixture
def proposal_b(world, program):
    recent_revenue(world.partnership_b, "70000")
    run_evaluation(program)
    return TierChange.objects.get(partnership=world.partnership_b)


class TestProgrammeDesign:
    def test_pages_render_for_staff(self, client_for, world, program):
        client = client_for(world.manager)
        silver = tier(program, "Silver")
        for page in [
            reverse("program-list"),
            reverse("program-create"),
            url("program-detail", program),
            url("program-update", program),
            url("program-tier-create", program),
            url("program-tier-update", program, tier_uuid=silver.uuid),
            url("program-evaluation", program),
            reverse("revenue-list"),
            reverse("revenue-import"),
        ]:
            response = client.get(page)
            assert response.status_code == 200, page
        assert b"Platinum" in client.get(url("program-detail", program)).content

    def test_create_programme_with_partner_types_and_costs(self, client_for, world):
        data = {
            "name": "Cloud partners",
            "code": "cloud",
            "value_proposition": "Sell our cloud",
            "benefits": "Pre-sales support\nBack margin\n",
            "currency": "eur",
            "evaluation_months": "12",
            "demotion_grace_days": "90",
            "tier_validity_days": "365",
            "is_active": "on",
            **formset_management("types", 1),
            "types-0-partner_type": "reseller",
            "types-0-rights": "Resell the whole range",
            "types-0-obligations": "Two certified sales people",
            **formset_management("costs", 1),
            "costs-0-year": "2026",
            "costs-0-category": "recruitment",
            "costs-0-amount": "15000",
        }
        response = client_for(world.manager).post(reverse("program-create"), data)
        assert response.status_code == 302, response.content.decode()[:3000]
        program = Program.objects.get(code="cloud")
        assert program.benefits == ["Pre-sales support", "Back margin"]
        assert program.currency == "EUR"
        assert program.partner_types.get().obligations == "Two certified sales people"
        assert program.costs.get().amount == Decimal("15000")
        page = client_for(world.manager).get(program.get_absolute_url()).content.decode()
        assert "15,000" in page

    def test_contradictory_tier_is_refused_with_an_explanation(self, client_for, world, program):
        data = {
            "name": "Diamond",
            "rank": "4",
            "min_revenue": "100",
            "margin_percent": "40",
            "mdf_percent": "0",
        }
        data.update(protection_days="0", lead_weight="1")
        response = client_for(world.manager).post(url("program-tier-create", program), data)
        assert response.status_code == 422
        assert "Diamond is easier than Platinum" in response.content.decode()
        assert not program.tiers.filter(name="Diamond").exists()

    def test_tier_with_certified_roles_is_saved(self, client_for, world, program):
        data = {
            "name": "Diamond",
            "rank": "4",
            "min_revenue": "2000000",
            "certified_sales": "6",
            "certified_consultant": "4",
            "custom_thresholds": "demos = 10",
            "margin_percent": "35",
            "mdf_percent": "3",
            "protection_days": "120",
            "lead_weight": "5",
            "labels": "Elite, Cloud",
        }
        response = client_for(world.manager).post(url("program-tier-create", program), data)
        assert response.status_code == 302
        diamond = program.tiers.get(name="Diamond")
        assert diamond.min_certified == {"sales": 6, "consultant": 4}
        assert diamond.custom_thresholds == {"demos": "10"}
        assert diamond.labels == ["Elite", "Cloud"]
        assert diamond.versions.count() == 1

    def test_readers_and_partners_cannot_change_programmes(self, client_for, world, program):
        for user in (world.reader, world.partner_a_user):
            client = client_for(user)
            assert client.get(reverse("program-create")).status_code == 403
            assert client.get(url("program-update", program)).status_code == 403
            assert client.post(url("program-tier-create", program), {}).status_code == 403


class TestEvaluationPages:
    def test_run_evaluation_and_approve_a_promotion(self, client_for, world, program):
        recent_revenue(world.partnership_a, "412000")
        client = client_for(world.manager)
        response = client.post(url("program-evaluation", program))
        assert response.status_code == 302
        change = TierChange.objects.get(partnership=world.partnership_a)
        page = client.get(url("program-evaluation", program)).content.decode()
        assert "Gold needs 3 certified sales people: you have 0" in page
        assert client.post(url("tierchange-approve", change)).status_code == 302
        change.refresh_from_db()
        assert change.status == ChangeStatus.APPROVED
        assert PartnerTier.objects.get(partnership=world.partnership_a).tier == tier(program, "Silver")

    def test_proposals_explained_in_the_readers_language_whoever_ran_the_evaluation(
        self, client_for, world, program
    ):
        from django.utils import translation

        recent_revenue(world.partnership_a, "1233900.64")
        with translation.override("en"):
            run_evaluation(program)
        change = TierChange.objects.get(partnership=world.partnership_a, status=ChangeStatus.PROPOSED)
        assert "1,233,900.64" in change.explanation
        client = client_for(world.manager)
        french = client.get(url("program-evaluation", program), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
        assert "1\u202f233\u202f900,64" in french
        assert "1,233,900" not in french and "annual revenue" not in french
        english = client.get(url("program-evaluation", program), HTTP_ACCEPT_LANGUAGE="en").content.decode()
        assert "1,233,900.64" in english

    def test_reject(self, client_for, world, program, proposal_b):
        client_for(world.manager).post(url("tierchange-reject", proposal_b), {"note": "Not yet"})
        proposal_b.refresh_from_db()
        assert proposal_b.status == ChangeStatus.REJECTED and proposal_b.decision_note == "Not yet"

    def test_programme_without_tiers_says_so(self, client_for, world):
        empty = Program.objects.create(name="Empty", code="empty")
        client = client_for(world.manager)
        response = client.post(url("program-evaluation", empty), follow=True)
        assert "has no tiers" in response.content.decode()

    def test_partner_sees_own_tier_and_what_is_missing(self, client_for, world, program):
        recent_revenue(world.partnership_a, "300000")
        for n in range(2):
            person = (
                world.person_a
                if n == 0
                else world.person_a.__class__.objects.create(
                    organization=world.org_a, first_name="Paul", last_name="Petit"
                )
            )
            PersonCertification.objects.create(person=person, name="Sales", role="sales")
        member = PartnerTier.objects.get(partnership=world.partnership_a)
        member.tier = tier(program, "Silver")
        member.save()
        page = client_for(world.partner_a_user).get(world.org_a.get_absolute_url()).content.decode()
        assert "Current tier:" in page and "Silver" in page
        assert "Gold needs 3 certified sales people: you have 2" in page
        assert "Gold needs 2 certified consultant people: you have 0" in page

    def test_outsider_check(self, client_for, world, program, proposal_b):
        plan = create_plan(world.partnership_b)
        recent_revenue(world.partnership_b, "1234567")
        client = client_for(world.partner_a_user)
        assert client.get(url("tierchange-detail", proposal_b)).status_code == 404
        assert client.post(url("tierchange-approve", proposal_b)).status_code == 404
        assert client.get(url("businessplan-detail", plan)).status_code == 404
        assert client.get(url("program-evaluation", program)).status_code == 403
        assert client.get(
            reverse("businessplan-create") + f"?partnership={world.partnership_b.uuid}"
        ).status_code in (
            403,
            404,
        )
        revenue_page = client.get(reverse("revenue-list")).content.decode()
        assert "1,234,567" not in revenue_page and "Bêta channel" not in revenue_page
        assert "Bêta" not in client.get(url("program-detail", program)).content.decode()
        # The partner concerned sees its own evidence.
        assert client_for(world.partner_b_user).get(url("tierchange-detail", proposal_b)).status_code == 200


class TestRevenueImportPage:
    def test_import_reports_errors_by_line_and_writes_nothing(self, client_for, world):
        content = f"partnership,period,amount\n{world.partnership_a.uuid},2026-03-31,-10\n".encode()
        upload = SimpleUploadedFile("revenue.csv", content, content_type="text/csv")
        response = client_for(world.manager).post(reverse("revenue-import"), {"file": upload})
        assert response.status_code == 422
        assert "Line 2" in response.content.decode()
        assert not RevenueRecord.objects.exists()

    def test_import_writes_rows(self, client_for, world):
        content = f"partnership,period,amount\n{world.partnership_a.uuid},2026-03-31,10\n".encode()
        upload = SimpleUploadedFile("revenue.csv", content, content_type="text/csv")
        response = client_for(world.manager).post(reverse("revenue-import"), {"file": upload})
        assert response.status_code == 302
        assert RevenueRecord.objects.get().source == "import"

    def test_partner_cannot_import(self, client_for, world):
        assert client_for(world.partner_a_user).get(reverse("revenue-import")).status_code == 403


class TestBusinessPlanPages:
    def test_create_plan_add_objectives_new_version(self, client_for, world):
        client = client_for(world.manager)
        create_url = reverse("businessplan-create") + f"?partnership={world.partnership_a.uuid}"
        assert client.get(create_url).status_code == 200
        response = client.post(
            create_url, {"letter_of_intent_date": "2026-01-15", "status": "draft", "currency": "EUR"}
        )
        assert response.status_code == 302
        plan = BusinessPlan.objects.get(partnership=world.partnership_a)
        assert plan.target_contract_date == datetime.date(2026, 3, 15)
        objective = {
            "objective-year": "2026",
            "objective-quarter": "1",
            "objective-kind": "revenue",
            "objective-target": "1000",
        }
        assert client.post(url("businessplan-objective-add", plan), objective).status_code == 302
        RevenueRecord.objects.create(
            partnership=world.partnership_a, period=datetime.date(2026, 2, 1), amount=1200
        )
        page = client.get(plan.get_absolute_url()).content.decode()
        assert "1,200" in page and "Achieved" in page
        assert (
            client.post(url("businessplan-version-add", plan), {"version-note": "Q2 update"}).status_code
            == 302
        )
        assert plan.versions.count() == 2
        assert plan.current_version.objectives.count() == 1
        first = plan.versions.get(number=1)
        with pytest.raises(Exception, match="Only the current version"):
            add_objective(first, year=2026, quarter=2, kind="revenue", target=5)

    def test_partner_sees_own_plan_read_only(self, client_for, world):
        plan = create_plan(world.partnership_a)
        client = client_for(world.partner_a_user)
        assert client.get(plan.get_absolute_url()).status_code == 200
        assert client.get(url("businessplan-update", plan)).status_code == 403
        assert client.post(url("businessplan-version-add", plan)).status_code == 403


def test_organisation_page_links_business_plans(client_for, world):
    page = client_for(world.manager).get(world.org_a.get_absolute_url()).content.decode()
    assert "Create the business plan of Alpha channel" in page
    plan = create_plan(world.partnership_a)
    partner_page = client_for(world.partner_a_user).get(world.org_a.get_absolute_url()).content.decode()
    assert plan.get_absolute_url() in partner_page
    assert "Create the business plan" not in partner_page
    operator_page = client_for(world.manager).get(world.operator.get_absolute_url()).content.decode()
    assert "tier-progress" not in operator_page


def test_what_if_simulation_saves_nothing(client_for, world, program):
    RevenueRecord.objects.create(
        partnership=world.partnership_a,
        period=timezone.localdate() - datetime.timedelta(days=5),
        amount=60000,
    )
    RevenueRecord.objects.create(
        partnership=world.partnership_b,
        period=timezone.localdate() - datetime.timedelta(days=5),
        amount=45000,
    )
    silver = tier(program, "Silver")
    data = {
        "name": "Silver",
        "rank": "1",
        "min_revenue": "40000",
        "margin_percent": "10",
        "mdf_percent": "2",
        "protection_days": "0",
        "lead_weight": "1",
        "simulate": "1",
    }
    response = client_for(world.manager).post(
        url("program-tier-update", program, tier_uuid=silver.uuid), data
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "1 would move up, 0 would move down" in page
    assert "Bêta channel: — → Silver" in page
    silver.refresh_from_db()
    assert silver.min_revenue == Decimal("50000") and silver.mdf_percent == 0


def test_action_urls_only_accept_post(client_for, world, program, proposal_b):
    client = client_for(world.manager)
    assert client.get(url("tierchange-approve", proposal_b)).status_code == 405
    assert client.get(url("program-enrol", program)).status_code == 405


def test_enrol_a_partnership(client_for, world):
    program = Program.objects.create(name="Other", code="other")
    response = client_for(world.manager).post(
        url("program-enrol", program),
        {"enrol-partnership": world.partnership_a.uuid, "enrol-partner_type": "reseller"},
    )
    assert response.status_code == 302
    assert PartnerTier.objects.get(program=program).partnership == world.partnership_a
    again = client_for(world.manager).post(
        url("program-enrol", program), {"enrol-partnership": world.partnership_a.uuid}
    )
    assert again.status_code == 422


def test_change_page_explains_every_tier_from_the_evidence(client_for, world, program, proposal_b):
    assert [t["tier"] for t in proposal_b.evidence["tiers"]] == ["Silver", "Gold", "Platinum"]
    page = client_for(world.partner_b_user).get(url("tierchange-detail", proposal_b)).content.decode()
    assert "Silver: annual revenue 70,000 € ≥ 50,000 € ✓" in page
    assert "Platinum needs 5 certified sales people: you have 0" in page


def test_tier_removal_is_simulated_then_refused_while_held_or_deleted(client_for, world, program):
    from meute.programs.models import PartnerTier, RevenueRecord, Tier

    RevenueRecord.objects.create(
        partnership=world.partnership_a, period=timezone.localdate(), amount=Decimal("60000")
    )
    silver, platinum = tier(program, "Silver"), tier(program, "Platinum")
    PartnerTier.objects.filter(partnership=world.partnership_a).update(tier=silver)
    client = client_for(world.manager)
    url = reverse("program-tier-update", kwargs={"uuid": program.uuid, "tier_uuid": silver.uuid})
    simulated = client.post(url, {"simulate_removal": "1"})
    assert simulated.status_code == 200 and "1 would move down" in simulated.content.decode()
    refused = client.post(url, {"delete": "1"})
    assert refused.status_code == 409 and Tier.objects.filter(pk=silver.pk).exists()
    unused = reverse("program-tier-update", kwargs={"uuid": program.uuid, "tier_uuid": platinum.uuid})
    assert client_for(world.reader).post(unused, {"delete": "1"}).status_code == 403
    assert client_for(world.partner_a_user).post(unused, {"delete": "1"}).status_code in (403, 404)
    assert client_for(world.manager).post(unused, {"delete": "1"}).status_code == 302
    assert not Tier.objects.filter(pk=platinum.pk).exists()


def test_home_page_lists_recent_revenue_records(client_for, world, program):
    """A revenue record's address needs its partnership: the dashboard's recent changes list it
    without a link rather than failing."""
    RevenueRecord.objects.create(partnership=world.partnership_a, period=datetime.date(2026, 3, 1), amount=10)
    response = client_for(world.manager).get("/")
    assert response.status_code == 200
    assert any(entry.content_type.model == "revenuerecord" for entry in response.context["recent_changes"])
