"""Labels by rule (set-based, with the reason stored) and by hand; visibility and API."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from meute.core.factories import OrganizationFactory, PersonFactory, TerritoryFactory
from meute.core.models import OrganizationPartnerType
from meute.enablement.models import PersonCertification
from meute.locator import labels
from meute.locator.choices import LabelKind
from meute.locator.models import Label, LabelAward
from meute.partnerships.choices import PartyRole
from meute.partnerships.parties import PartySpec, create_partnership
from meute.programs.models import PartnerTier, RevenueRecord
from meute.programs.tests.fixtures import tier

pytestmark = pytest.mark.django_db


@pytest.fixture
def data(world, program):
    """a: Gold, 3 certified, 300k revenue, reseller, region AURA. b: Silver, 1 certified, 60k, referrer."""
    today = timezone.localdate()
    aura = TerritoryFactory(code="aura", name="Auvergne-Rhône-Alpes")
    lyon = TerritoryFactory(code="lyon", name="Lyon", parent=aura)
    world.org_a.region = lyon
    world.org_a.save()
    PartnerTier.objects.filter(partnership=world.partnership_a).update(tier=tier(program, "Gold"))
    PartnerTier.objects.filter(partnership=world.partnership_b).update(tier=tier(program, "Silver"))
    for i in range(3):
        person = world.person_a if i == 0 else PersonFactory(organization=world.org_a)
        PersonCertification.objects.create(person=person, name=f"C{i}", role="sales")
    PersonCertification.objects.create(person=world.person_b, name="C", role="sales")
    # An expired certification does not count.
    PersonCertification.objects.create(
        person=world.person_b,
        name="Old",
        role="consultant",
        valid_until=today - datetime.timedelta(days=1),
    )
    RevenueRecord.objects.create(partnership=world.partnership_a, period=today, amount=Decimal("300000"))
    RevenueRecord.objects.create(partnership=world.partnership_b, period=today, amount=Decimal("60000"))
    # Too old: outside the 12 months.
    RevenueRecord.objects.create(
        partnership=world.partnership_b, period=today - datetime.timedelta(days=400), amount=Decimal("900000")
    )
    OrganizationPartnerType.objects.create(organization=world.org_a, partner_type="reseller")
    OrganizationPartnerType.objects.create(organization=world.org_b, partner_type="referrer")
    return {"aura": aura, "today": today}


def rule(**criteria):
    regions = criteria.pop("regions", [])
    label = Label.objects.create(
        name=criteria.pop("name", "Excellence"), code=criteria.pop("code", "excellence"), **criteria
    )
    label.regions.set(regions)
    return label


def holders(label):
    return set(LabelAward.objects.filter(label=label).values_list("organization__name", flat=True))


@pytest.mark.parametrize(
    ("criteria", "expected"),
    [
        ({"min_certified": 3}, {"Alpha Intégration"}),
        ({"min_certified": 1}, {"Alpha Intégration", "Bêta Conseil"}),
        ({"min_revenue": Decimal("300000")}, {"Alpha Intégration"}),
        ({"min_revenue": Decimal("300000.01")}, set()),
        ({"partner_types": ["referrer"]}, {"Bêta Conseil"}),
    ],
)
def test_single_criteria_boundaries(world, data, criteria, expected):
    label = rule(**criteria)
    labels.evaluate_label(label)
    assert holders(label) == expected


def test_tier_region_and_all_criteria_together(world, program, data):
    gold = rule(program=program, min_tier=tier(program, "Gold"))
    labels.evaluate_label(gold)
    assert holders(gold) == {"Alpha Intégration"}
    regional = rule(name="Regional", code="regional", regions=[data["aura"]])
    labels.evaluate_label(regional)
    assert holders(regional) == {"Alpha Intégration"}  # Lyon is inside AURA
    every = rule(
        name="All",
        code="all",
        program=program,
        min_tier=tier(program, "Silver"),
        min_certified=2,
        min_revenue=Decimal("100000"),
        partner_types=["reseller", "var"],
        regions=[data["aura"]],
    )
    labels.evaluate_label(every)
    award = LabelAward.objects.get(label=every)
    assert award.organization == world.org_a
    for fragment in ("Tier Gold ≥ Silver ✓", "Certified people 3 ≥ 2 ✓", "300,000", "Reseller", "Lyon"):
        assert fragment in award.reason
    assert award.valid_until == data["today"] + datetime.timedelta(days=every.validity_days)


def test_reevaluation_renews_and_removes(world, data):
    label = rule(min_certified=1)
    first = labels.evaluate_label(label)
    assert (first.awarded, first.removed) == (2, 0)
    PersonCertification.objects.filter(person__organization=world.org_b).delete()
    second = labels.evaluate_label(label)
    assert (second.awarded, second.renewed, second.removed) == (0, 1, 1)
    assert holders(label) == {"Alpha Intégration"}


def test_evaluation_is_set_based(world, data):
    label = rule(min_certified=1, min_revenue=Decimal("1"), partner_types=["reseller", "referrer"])
    labels.evaluate_label(label)
    for i in range(15):
        org = OrganizationFactory(name=f"Extra {i}")
        operator = world.operator
        partnership = create_partnership(
            [PartySpec(operator, role=PartyRole.OPERATOR), PartySpec(org)], name=f"P{i}"
        )
        PersonCertification.objects.create(person=PersonFactory(organization=org), name="C", role="sales")
        RevenueRecord.objects.create(partnership=partnership, period=data["today"], amount=Decimal("10"))
        OrganizationPartnerType.objects.create(organization=org, partner_type="reseller")
    with CaptureQueriesContext(connection) as queries:
        run = labels.evaluate_label(label)
    assert run.holders == 17
    assert len(queries) < 20


def test_rule_label_without_criteria_and_hand_label_rules(world, data):
    with pytest.raises(ValidationError):
        labels.evaluate_label(rule())
    hand = Label.objects.create(name="Partner of the year", code="poty", kind=LabelKind.MANUAL)
    with pytest.raises(ValidationError):
        labels.evaluate_label(hand)
    with pytest.raises(ValidationError) as exc:
        labels.award_by_hand(hand, world.org_a, world.manager, reason="")
    assert "reason" in exc.value.message_dict
    with pytest.raises(ValidationError):
        labels.award_by_hand(hand, world.org_a, world.reader, reason="Great")
    with pytest.raises(ValidationError):
        labels.award_by_hand(hand, world.operator, world.manager, reason="Great")
    award = labels.award_by_hand(hand, world.org_a, world.manager, reason="Best launch of 2026")
    assert award.source == LabelKind.MANUAL and award.awarded_by == world.manager


def test_expired_awards_are_not_current(world, data):
    hand = Label.objects.create(name="Hand", code="hand", kind=LabelKind.MANUAL)
    award = labels.award_by_hand(hand, world.org_a, world.manager, reason="Yes")
    assert list(labels.current_awards([world.org_a.pk])) == [award]
    LabelAward.objects.filter(pk=award.pk).update(
        valid_from=data["today"] - datetime.timedelta(days=30),
        valid_until=data["today"] - datetime.timedelta(days=1),
    )
    assert list(labels.current_awards([world.org_a.pk])) == []


def test_pages_and_outsider(client_for, world, data):
    hand = Label.objects.create(name="Partner of the year", code="poty", kind=LabelKind.MANUAL)
    client = client_for(world.manager)
    response = client.post(
        reverse("label-award", kwargs={"uuid": hand.uuid}),
        {"organization": world.org_a.pk, "reason": "Secret evidence"},
    )
    assert response.status_code == 302
    assert (
        client.post(
            reverse("label-award", kwargs={"uuid": hand.uuid}), {"organization": world.org_b.pk, "reason": ""}
        ).status_code
        == 400
    )
    # b sees the label catalogue but never a's award or its evidence.
    for url in (reverse("label-list"), hand.get_absolute_url()):
        page = client_for(world.partner_b_user).get(url).content.decode()
        assert "Secret evidence" not in page and "Alpha Intégration" not in page
    own = client_for(world.partner_a_user).get(reverse("label-list")).content.decode()
    assert "Secret evidence" in own
    # The organisation page shows the label.
    org_page = client_for(world.partner_a_user).get(world.org_a.get_absolute_url()).content.decode()
    assert "Partner of the year" in org_page
    assert (
        client_for(world.partner_b_user)
        .post(
            reverse("label-award", kwargs={"uuid": hand.uuid}),
            {"organization": world.org_b.pk, "reason": "me"},
        )
        .status_code
        == 403
    )
    assert client_for(world.partner_b_user).post(reverse("label-evaluate")).status_code == 403


def test_staff_create_and_evaluate_in_the_ui(client_for, world, data):
    client = client_for(world.manager)
    empty = client.post(
        reverse("label-create"), {"name": "X", "code": "x", "kind": "rule", "validity_days": 365}
    )
    assert empty.status_code == 400 and "at least one criterion" in empty.content.decode()
    response = client.post(
        reverse("label-create"),
        {
            "name": "Certified",
            "code": "certified",
            "kind": "rule",
            "validity_days": 365,
            "min_certified": 3,
            "is_public": "on",
        },
    )
    assert response.status_code == 302
    client.post(reverse("label-evaluate"))
    assert holders(Label.objects.get(code="certified")) == {"Alpha Intégration"}


def test_api(client_for, world, program, data):
    client = client_for(world.manager)
    created = client.post(
        "/api/labels/",
        {
            "name": "Gold club",
            "code": "gold-club",
            "program": str(program.uuid),
            "min_tier": str(tier(program, "Gold").uuid),
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    empty = client.post("/api/labels/", {"name": "Empty", "code": "empty"}, content_type="application/json")
    assert empty.status_code == 400
    run = client.post(f"/api/labels/{created.json()['uuid']}/evaluate/")
    assert run.status_code == 200 and run.json()["holders"] == 1
    assert (
        client_for(world.partner_a_user).post(f"/api/labels/{created.json()['uuid']}/evaluate/").status_code
        == 403
    )
    awards_b = client_for(world.partner_b_user).get("/api/label-awards/").json()
    assert awards_b["count"] == 0
    awards_a = client_for(world.partner_a_user).get("/api/label-awards/").json()
    assert awards_a["count"] == 1 and "Gold" in awards_a["results"][0]["reason"]
    hand = Label.objects.create(name="Hand", code="hand", kind=LabelKind.MANUAL)
    payload = {"label": str(hand.uuid), "organization": str(world.org_b.uuid), "reason": "Great"}
    assert (
        client_for(world.partner_b_user)
        .post("/api/label-awards/", payload, content_type="application/json")
        .status_code
        == 403
    )
    response = client_for(world.manager).post("/api/label-awards/", payload, content_type="application/json")
    assert response.status_code == 201
    assert response.json()["awarded_by"] == "manager"


def test_command_and_nightly_task(world, data):
    from io import StringIO

    from django.core.management import CommandError, call_command

    from meute.celery import app
    from meute.locator.tasks import evaluate_labels_task

    label = rule(min_certified=3)
    out = StringIO()
    call_command("tiers", "labels", stdout=out)
    assert "Excellence: 1 awarded, 0 renewed, 0 removed." in out.getvalue()
    assert holders(label) == {"Alpha Intégration"}
    with pytest.raises(CommandError) as refused:
        call_command("tiers", "labels", "--label", "Nope")
    assert refused.value.returncode == 2
    assert evaluate_labels_task.delay().get() == {"Excellence": {"awarded": 0, "renewed": 1, "removed": 0}}
    assert app.conf.beat_schedule["programs-evaluate-labels"]["task"] == evaluate_labels_task.name
