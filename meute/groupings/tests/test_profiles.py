import pytest

from meute.groupings.models import MemberProfile, ProfileKey

from .groupings_fixtures import build_members

pytestmark = pytest.mark.django_db


@pytest.fixture
def members(world):
    return build_members(world)


def jpatch(client, url, data):
    return client.patch(url, data, content_type="application/json")


def _form(**overrides):
    values = {
        "headline": "Coach de dirigeants",
        "skills": "Coaching, Management\nLeadership",
        "offers": "Accompagnement de dirigeants",
        "looking_for": "Consultants RH",
        "bringing": "Réseau de dirigeants",
        "availability": "part_time",
        "ambitions": ["joint_selling"],
        "client_types": ["smes"],
        "ambition_text": "Vendre ensemble",
        "is_visible": "on",
    }
    values.update(overrides)
    return values


def test_my_profile_redirects_partner_to_own_form(world, client_for):
    response = client_for(world.partner_a_user).get("/groupings/profile/")
    assert response.status_code == 302
    assert str(world.org_a.uuid) in response["Location"]


def test_partner_creates_own_profile_and_keys_are_built(world, client_for):
    from meute.core.factories import SectorFactory

    sector = SectorFactory(code="health", name="Santé")
    client = client_for(world.partner_a_user)
    url = f"/groupings/members/{world.org_a.uuid}/profile/"
    assert client.get(url).status_code == 200
    response = client.post(url, _form(sectors=[sector.pk]))
    assert response.status_code == 302
    profile = MemberProfile.objects.get(organization=world.org_a)
    assert profile.skills == ["Coaching", "Management", "Leadership"]
    assert profile.match_index["want"] == ["consul"]
    keys = set(ProfileKey.objects.filter(profile=profile).values_list("key", flat=True))
    assert {f"s:{sector.pk}", f"ws:{sector.pk}:consul", f"gs:{sector.pk}:coachi"} <= keys


def test_bad_profile_input_is_refused_and_nothing_saved(world, client_for):
    client = client_for(world.partner_a_user)
    url = f"/groupings/members/{world.org_a.uuid}/profile/"
    response = client.post(url, _form(ambitions=["world_domination"], skills="x" * 81))
    assert response.status_code == 200
    assert not MemberProfile.objects.exists()
    assert "Keep each item under 80 characters" in response.content.decode()


def test_outsider_cannot_edit_another_profile(members, client_for):
    client = client_for(members.world.partner_b_user)
    url = f"/groupings/members/{members.world.org_a.uuid}/profile/"
    assert client.get(url).status_code == 404
    assert client.post(url, _form()).status_code == 404
    # Read-only staff see the profile but cannot edit it.
    assert client_for(members.world.reader).get(url).status_code == 403


def test_staff_editor_edits_any_profile(members, client_for):
    client = client_for(members.world.manager)
    url = f"/groupings/members/{members.org_c.uuid}/profile/"
    assert client.post(url, _form(headline="Expert-comptable")).status_code == 302
    assert MemberProfile.objects.get(organization=members.org_c).headline == "Expert-comptable"


def test_profile_list_shows_only_visible_profiles_to_partners(members, client_for):
    members.c.is_visible = False
    members.c.save()
    page = client_for(members.world.partner_a_user).get("/groupings/profiles/").content.decode()
    assert "Bêta Conseil" in page and "Alpha Intégration" in page
    assert "Gamma Comptabilité" not in page
    hidden = client_for(members.world.partner_a_user).get(f"/groupings/profiles/{members.c.uuid}/")
    assert hidden.status_code == 404
    staff = client_for(members.world.reader).get("/groupings/profiles/").content.decode()
    assert "Gamma Comptabilité" in staff


def test_profile_page_explains_the_match(members, client_for):
    page = client_for(members.world.partner_a_user).get(f"/groupings/profiles/{members.b.uuid}/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Why work together" in text and "Shared target sectors" in text and "Santé" in text


# ------------------------------------------------------------------------------------------------ API


def test_api_profiles_list_own_and_visible_only(members, client_for):
    members.c.is_visible = False
    members.c.save()
    data = client_for(members.world.partner_b_user).get("/api/member-profiles/").json()
    names = {row["organization_name"] for row in data["results"]}
    assert names == {"Alpha Intégration", "Bêta Conseil", "Delta Web"}
    assert (
        client_for(members.world.partner_b_user).get(f"/api/member-profiles/{members.c.uuid}/").status_code
        == 404
    )


def test_api_partner_changes_only_own_profile(members, client_for):
    client = client_for(members.world.partner_b_user)
    own = jpatch(client, f"/api/member-profiles/{members.b.uuid}/", {"headline": "Marketing B2B"})
    assert own.status_code == 200, own.json()
    other = jpatch(client, f"/api/member-profiles/{members.a.uuid}/", {"headline": "Piraté"})
    assert other.status_code == 404
    members.a.refresh_from_db()
    assert members.a.headline == "Développeur web indépendant"


def test_api_create_profile_validates(world, client_for):
    client = client_for(world.partner_a_user)
    bad = client.post("/api/member-profiles/", {"organization": str(world.org_a.uuid), "ambitions": ["nope"]})
    assert bad.status_code == 400
    assert "ambitions" in bad.json()["error"]["fields"]
    other = client.post("/api/member-profiles/", {"organization": str(world.org_b.uuid)})
    assert other.status_code == 400
    ok = client.post(
        "/api/member-profiles/",
        {"organization": str(world.org_a.uuid), "offers": ["Audit"], "client_types": ["smes"]},
    )
    assert ok.status_code == 201, ok.json()
    again = client.post("/api/member-profiles/", {"organization": str(world.org_a.uuid)})
    assert again.status_code == 400
    assert MemberProfile.objects.count() == 1


def test_api_suggestions_with_explanations_and_outsider_refused(members, client_for):
    client = client_for(members.world.partner_a_user)
    response = client.get(f"/api/member-profiles/{members.a.uuid}/suggestions/?limit=5")
    assert response.status_code == 200
    first = response.json()[0]
    assert first["organization_name"] == "Bêta Conseil"
    codes = {r["code"]: r for r in first["reasons"]}
    assert codes["shared_sectors"]["values"] == ["Santé"]
    assert codes["shared_sectors"]["label"] == "Shared target sectors"
    # Another member's suggestions are not for partner B to read.
    outsider = client_for(members.world.partner_b_user).get(
        f"/api/member-profiles/{members.a.uuid}/suggestions/"
    )
    assert outsider.status_code == 404
    client = client_for(members.world.partner_a_user)
    assert client.get(f"/api/member-profiles/{members.a.uuid}/suggestions/?limit=x").status_code == 400


def test_suggestion_page_for_staff_and_outsider_refused(members, client_for):
    url = f"/groupings/members/{members.world.org_a.uuid}/suggestions/"
    staff = client_for(members.world.reader).get(url)
    assert staff.status_code == 200 and "Bêta Conseil" in staff.content.decode()
    assert client_for(members.world.partner_b_user).get(url).status_code == 404
    mine = client_for(members.world.partner_b_user).get("/groupings/suggestions/")
    assert mine.status_code == 302 and str(members.world.org_b.uuid) in mine["Location"]
