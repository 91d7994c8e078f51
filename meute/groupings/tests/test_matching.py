import pytest

from meute.groupings import matching
from meute.groupings.groupings import propose
from meute.groupings.models import ProfileKey

from .groupings_fixtures import build_members

pytestmark = pytest.mark.django_db


@pytest.fixture
def members(world):
    return build_members(world)


def test_stems_and_grams_fold_accents_and_case():
    assert matching.stems("Développement WEB, les développeurs") == ["develo", "web"]
    assert matching.grams("Été") == matching.grams("ete")


def test_text_similarity_works_across_french_and_english():
    same_topic = matching.text_similarity("développement d'applications web", "web application development")
    other_topic = matching.text_similarity(
        "développement d'applications web", "tenue de comptes et fiscalité"
    )
    assert same_topic > 0.4
    assert other_topic < 0.15


def test_complementary_member_ranks_first_with_reasons(members):
    suggestions = matching.suggestions_for(members.a)
    names = [s.organization_name for s in suggestions]
    assert names[0] == "Bêta Conseil"
    assert "Gamma Comptabilité" not in names  # nothing in common: not even a candidate
    reasons = {r.code: r for r in suggestions[0].reasons}
    assert "Marketing digital" in reasons["offers_what_you_look_for"].values
    assert reasons["looks_for_what_you_offer"].points > 0
    assert reasons["shared_sectors"].values == ["Santé"]
    assert reasons["shared_territories"].values == ["Auvergne-Rhône-Alpes"]
    assert [str(v) for v in reasons["shared_client_types"].values] == ["Small and medium businesses"]
    assert [str(v) for v in reasons["compatible_ambitions"].values] == ["Build a joint offer"]
    assert "similar_ambition_text" in reasons
    assert set(reasons["skills_you_lack"].values) == {"Marketing digital", "SEO", "Prospection commerciale"}
    assert 0 < suggestions[0].score <= 100


def test_competitor_is_flagged_and_scored_lower(members):
    suggestions = {s.organization_name: s for s in matching.suggestions_for(members.a)}
    delta = suggestions["Delta Web"]
    codes = {r.code: r for r in delta.reasons}
    assert codes["similar_offers"].values == ["Sites web sur mesure"]
    assert codes["similar_offers"].points < 0
    assert delta.score < suggestions["Bêta Conseil"].score


def test_reasons_are_translated(members):
    from django.utils import translation

    suggestion = matching.suggestions_for(members.a)[0]
    with translation.override("fr"):
        labels = [r.as_dict()["label"] for r in suggestion.reasons]
    with translation.override("en"):
        english = [r.as_dict()["label"] for r in suggestion.reasons]
    assert "Shared target sectors" in english
    assert len(labels) == len(english)


def test_hidden_profile_has_no_keys_and_is_never_suggested(members):
    members.b.is_visible = False
    members.b.save()
    assert not ProfileKey.objects.filter(profile=members.b).exists()
    assert "Bêta Conseil" not in [s.organization_name for s in matching.suggestions_for(members.a)]
    members.b.is_visible = True
    members.b.save()
    assert ProfileKey.objects.filter(profile=members.b, key__startswith="s:").count() == 1


def test_keys_follow_sector_changes(members):
    members.c.sectors.add(members.health)
    keys = set(ProfileKey.objects.filter(profile=members.c).values_list("key", flat=True))
    assert f"s:{members.health.pk}" in keys
    members.c.sectors.clear()
    keys = set(ProfileKey.objects.filter(profile=members.c).values_list("key", flat=True))
    assert not any(k.startswith("s:") for k in keys)


def test_members_already_proposed_to_are_not_suggested_again(members):
    propose(members.world.partner_a_user, members.world.org_b, "Bonjour")
    assert "Bêta Conseil" not in [s.organization_name for s in matching.suggestions_for(members.a)]
    assert "Alpha Intégration" not in [s.organization_name for s in matching.suggestions_for(members.b)]


def test_unavailable_member_is_penalised(members):
    before = {s.organization_name: s.score for s in matching.suggestions_for(members.a)}["Bêta Conseil"]
    members.b.availability = "unavailable"
    members.b.save()
    after = {s.organization_name: s for s in matching.suggestions_for(members.a)}["Bêta Conseil"]
    assert after.score == before - 15
    assert "unavailable" in [r.code for r in after.reasons]


def test_suggestions_run_a_bounded_number_of_queries(members, django_assert_max_num_queries):
    with django_assert_max_num_queries(11):
        matching.suggestions_for(members.a)
