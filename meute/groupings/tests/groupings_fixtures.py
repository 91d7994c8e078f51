"""Hand-made member profiles for the groupings tests (each module wraps ``build_members`` in a fixture)."""

from types import SimpleNamespace

from meute.core.choices import UserRole
from meute.core.factories import OrganizationFactory, SectorFactory, TerritoryFactory, UserFactory
from meute.groupings.models import MemberProfile


def make_profile(organization, sectors=(), territories=(), **fields):
    profile = MemberProfile.objects.create(organization=organization, **fields)
    if sectors:
        profile.sectors.set(sectors)
    if territories:
        profile.territories.set(territories)
    profile.refresh_from_db()
    return profile


def build_members(world):
    """org_a: a web developer looking for marketing; org_b: a marketer looking for developers (a match);
    org_c: an accountant elsewhere (no match); org_d: a second web developer (a competitor of org_a)."""
    health = SectorFactory(code="health", name="Santé")
    industry = SectorFactory(code="industry", name="Industrie")
    retail = SectorFactory(code="retail", name="Commerce")
    ara = TerritoryFactory(code="ara", name="Auvergne-Rhône-Alpes")
    bre = TerritoryFactory(code="bre", name="Bretagne")
    org_c = OrganizationFactory(name="Gamma Comptabilité", city="Brest")
    org_d = OrganizationFactory(name="Delta Web", city="Lyon")
    profile_a = make_profile(
        world.org_a,
        sectors=[health, industry],
        territories=[ara],
        headline="Développeur web indépendant",
        skills=["Python", "Django", "Développement web"],
        offers=["Sites web sur mesure", "Applications métier"],
        client_types=["smes", "mid_sized"],
        looking_for="Un partenaire en marketing digital et en prospection commerciale",
        bringing="Développement d'applications web et intégration",
        ambitions=["joint_offer", "joint_selling"],
        ambition_text="Construire une offre commune de transformation numérique pour les PME",
    )
    profile_b = make_profile(
        world.org_b,
        sectors=[health],
        territories=[ara, bre],
        headline="Consultante marketing",
        skills=["Marketing digital", "SEO", "Prospection commerciale"],
        offers=["Stratégie marketing", "Campagnes de prospection"],
        client_types=["smes"],
        looking_for="Des développeurs web pour réaliser les sites de mes clients",
        bringing="Marketing digital, prospection et réseau de dirigeants de PME",
        ambitions=["joint_offer"],
        ambition_text="Une offre commune de transformation numérique des PME",
    )
    profile_c = make_profile(
        org_c,
        sectors=[retail],
        territories=[bre],
        skills=["Comptabilité", "Fiscalité"],
        offers=["Tenue de comptes"],
        client_types=["very_small"],
        looking_for="Avocats fiscalistes",
        bringing="Expertise comptable",
        ambitions=["exchange_leads"],
    )
    profile_d = make_profile(
        org_d,
        sectors=[industry],
        territories=[ara],
        skills=["Python", "Django"],
        offers=["Sites web sur mesure"],
        client_types=["mid_sized"],
        looking_for="Sous-traitance en développement",
        bringing="Développement web",
        ambitions=["lasting_structure"],
    )
    return SimpleNamespace(
        world=world,
        health=health,
        industry=industry,
        retail=retail,
        ara=ara,
        bre=bre,
        org_c=org_c,
        org_d=org_d,
        a=profile_a,
        b=profile_b,
        c=profile_c,
        d=profile_d,
        partner_c_user=UserFactory(username="carla", role=UserRole.PARTNER, organization=org_c),
        partner_d_user=UserFactory(username="dan", role=UserRole.PARTNER, organization=org_d),
    )
