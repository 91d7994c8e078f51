import pytest
from django.core.exceptions import ValidationError

from meute.groupings import pillars
from meute.groupings.models import PillarItem
from meute.partnerships.choices import PartnershipKind, PartyRole
from meute.partnerships.parties import PartySpec, create_partnership

pytestmark = pytest.mark.django_db


def jpatch(client, url, data):
    return client.patch(url, data, content_type="application/json")


@pytest.fixture
def grouping(world):
    return create_partnership(
        [PartySpec(world.org_a, role=PartyRole.COORDINATOR), PartySpec(world.org_b, role=PartyRole.MEMBER)],
        name="Meute Lyon",
        kind=PartnershipKind.GROUPING,
        grouping_level="pack",
    )


def test_every_grouping_gets_the_nine_items_and_channels_none(world, grouping):
    items = pillars.checklist(grouping)
    assert [i.key for i in items] == [
        "shared_desire",
        "common_project",
        "balance",
        "contract",
        "autonomous_parties",
        "pooled_effort",
        "common_objective",
        "own_missions",
        "interest_responsibility",
    ]
    assert [i.kind for i in items].count("pillar") == 4
    assert not PillarItem.objects.filter(partnership=world.partnership_a).exists()
    pillars.ensure_checklist(grouping)
    assert PillarItem.objects.filter(partnership=grouping).count() == 9


def test_summary_counts_met_items(world, grouping):
    items = pillars.checklist(grouping)
    for item in items[:4]:
        pillars.assess(item, world.manager, "met", "Signed charter")
    pillars.assess(items[4], world.manager, "not_met", "")
    summary = pillars.summarize(pillars.checklist(grouping))
    assert (summary.met, summary.total, summary.all_pillars_met, summary.all_points_met) == (
        4,
        9,
        True,
        False,
    )
    assert summary.text == "4 of 9 met"
    item = PillarItem.objects.get(partnership=grouping, key="shared_desire")
    assert item.assessed_by == world.manager and item.assessed_at is not None


def test_met_needs_evidence_and_status_must_be_known(world, grouping):
    item = pillars.checklist(grouping)[0]
    with pytest.raises(ValidationError):
        pillars.assess(item, world.manager, "met", "  ")
    with pytest.raises(ValidationError):
        pillars.assess(item, world.manager, "maybe", "x")
    item.refresh_from_db()
    assert item.status == "unknown"


def test_coordinator_assesses_member_reads_outsider_refused(world, grouping, client_for):
    from meute.core.choices import UserRole
    from meute.core.factories import OrganizationFactory, UserFactory

    item = PillarItem.objects.get(partnership=grouping, key="contract")
    url = f"/groupings/{grouping.uuid}/pillars/{item.uuid}/"
    coordinator = client_for(world.partner_a_user)
    assert coordinator.post(url, {"status": "met", "evidence": "Accord signé le 3 mars"}).status_code == 302
    item.refresh_from_db()
    assert item.status == "met" and item.evidence == "Accord signé le 3 mars"
    member = client_for(world.partner_b_user)
    assert member.get(f"/groupings/{grouping.uuid}/").status_code == 200
    assert member.post(url, {"status": "not_met", "evidence": ""}).status_code == 403
    outsider = UserFactory(
        username="olga", role=UserRole.PARTNER, organization=OrganizationFactory(name="Omega")
    )
    assert client_for(outsider).post(url, {"status": "not_met"}).status_code == 404
    # A form error keeps the page and changes nothing.
    response = client_for(world.partner_a_user).post(url, {"status": "met", "evidence": ""})
    assert response.status_code == 200
    item.refresh_from_db()
    assert item.evidence == "Accord signé le 3 mars"


def test_api_pillars_list_update_and_outsider(world, grouping, client_for):
    from meute.core.choices import UserRole
    from meute.core.factories import OrganizationFactory, UserFactory

    pillars.ensure_checklist(world.partnership_a)  # a channel partnership: nothing
    data = client_for(world.partner_b_user).get(f"/api/grouping-pillars/?grouping={grouping.uuid}").json()
    assert len(data["results"]) == 9
    item = data["results"][0]
    member = jpatch(client_for(world.partner_b_user), item["url"], {"status": "met", "evidence": "x"})
    assert member.status_code == 403
    ok = jpatch(
        client_for(world.partner_a_user), item["url"], {"status": "met", "evidence": "Tous l'ont dit"}
    )
    assert ok.status_code == 200 and ok.json()["status"] == "met"
    bad = jpatch(client_for(world.partner_a_user), item["url"], {"status": "met", "evidence": ""})
    assert bad.status_code == 400
    assert jpatch(client_for(world.reader), item["url"], {"status": "not_met"}).status_code == 403
    outsider = UserFactory(
        username="olga", role=UserRole.PARTNER, organization=OrganizationFactory(name="Omega")
    )
    out = client_for(outsider)
    assert out.get("/api/grouping-pillars/").json()["results"] == []
    assert out.get(item["url"]).status_code == 404
    assert jpatch(out, item["url"], {"status": "not_met"}).status_code == 404
