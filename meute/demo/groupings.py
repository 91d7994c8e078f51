"""Demo data of the groupings area: member profiles, a few proposals, charters and pillar evidence.

Call ``populate_demo(random.Random(seed))`` after the core demo data exists (it reads the independent
members and the groupings the core demo created). Deterministic for a given seed; safe to call twice
(members that already have a profile are left alone).
"""

import random

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from meute.core.choices import PartnerType
from meute.core.models import Organization
from meute.groupings import matching, pillars
from meute.groupings.choices import Ambition, Availability, ClientType, PillarStatus, ProposalStatus
from meute.groupings.models import GroupingCharter, MatchProposal, MemberProfile, PillarItem, ProfileKey
from meute.lib.bulk import insert_objects, insert_rows
from meute.partnerships.choices import GroupingLevel, PartnershipKind, PartyRole
from meute.partnerships.models import Partnership, PartnershipParty

# Skills by domain, French and English as members write them.
DOMAINS = {
    "web": ["Développement web", "Applications mobiles", "Web development", "Django", "React", "E-commerce"],
    "data": [
        "Data science",
        "Business intelligence",
        "Tableaux de bord",
        "Machine learning",
        "Data engineering",
    ],
    "marketing": ["Marketing digital", "SEO", "Content marketing", "Réseaux sociaux", "Growth hacking"],
    "sales": ["Prospection commerciale", "Business development", "Négociation", "Key account management"],
    "finance": ["Contrôle de gestion", "Comptabilité", "Levée de fonds", "Financial modelling", "Trésorerie"],
    "hr": ["Recrutement", "Coaching de dirigeants", "Formation", "Talent management", "Leadership"],
    "legal": ["Droit des affaires", "Propriété intellectuelle", "RGPD", "Contract law", "Compliance"],
    "industry": [
        "Lean manufacturing",
        "Supply chain",
        "Achats",
        "Qualité ISO 9001",
        "Maintenance industrielle",
    ],
    "it": ["Cybersécurité", "Cloud computing", "Infrastructure réseau", "ERP", "Intégration de systèmes"],
    "strategy": ["Stratégie d'entreprise", "Transformation digitale", "Conduite du changement", "Innovation"],
    "design": ["UX design", "Identité visuelle", "Design thinking", "Graphisme", "Product design"],
    "export": ["Développement international", "Export", "Import", "Douane", "Commerce international"],
}
OFFERS = {
    "web": ["Sites web sur mesure", "Custom web applications", "Boutiques en ligne"],
    "data": ["Audit de données", "Data platform", "Tableaux de bord décisionnels"],
    "marketing": ["Campagnes marketing", "Stratégie de contenu", "Inbound marketing"],
    "sales": ["Externalisation commerciale", "Sales coaching", "Génération de leads"],
    "finance": ["DAF à temps partagé", "Fractional CFO", "Prévisionnel financier"],
    "hr": ["Recrutement de cadres", "Executive coaching", "Programmes de formation"],
    "legal": ["Conseil juridique", "Mise en conformité RGPD", "Contract drafting"],
    "industry": ["Optimisation de production", "Audit supply chain", "Lean training"],
    "it": ["Audit de sécurité", "Migration cloud", "Intégration ERP"],
    "strategy": ["Plan stratégique", "Transformation programme", "Ateliers d'innovation"],
    "design": ["Refonte UX", "Brand identity", "Prototypage"],
    "export": ["Accompagnement export", "Market entry", "Prospection internationale"],
}
WANT = [
    "Je cherche un partenaire en {}",
    "Looking for partners in {}",
    "Recherche des experts {}",
    "Besoin de {}",
]
AMBITION_TEXTS = [
    "Construire une offre commune pour les PME de la région",
    "Build a joint offer for mid-sized industrial companies",
    "Répondre ensemble aux appels d'offres publics",
    "Partager nos réseaux et échanger des recommandations",
    "Create a lasting structure with complementary experts",
    "Vendre ensemble à des grands comptes",
]


def random_profile(rng: random.Random, organization_id: int) -> MemberProfile:
    """A plausible profile: two own domains, two wanted ones, clients, ambitions (with its match index)."""
    domains = list(DOMAINS)
    own = rng.sample(domains, 2)
    wanted = rng.sample([d for d in domains if d not in own], 2)
    profile = MemberProfile(
        organization_id=organization_id,
        headline=rng.choice(DOMAINS[own[0]]),
        skills=rng.sample(DOMAINS[own[0]], 3) + rng.sample(DOMAINS[own[1]], 2),
        offers=rng.sample(OFFERS[own[0]], 2) + rng.sample(OFFERS[own[1]], 1),
        client_types=rng.sample(ClientType.values, rng.randint(1, 3)),
        looking_for=rng.choice(WANT).format(" et ".join(rng.choice(DOMAINS[d]).lower() for d in wanted)),
        bringing=", ".join(rng.sample(DOMAINS[own[0]], 2)),
        availability=rng.choice(Availability.values[:3]),
        ambitions=rng.sample(Ambition.values, rng.randint(1, 2)),
        ambition_text=rng.choice(AMBITION_TEXTS),
        is_visible=rng.random() > 0.05,
    )
    profile.match_index = matching.build_index(profile)
    return profile


def _member_organizations():
    independents = Organization.objects.filter(partner_type_links__partner_type=PartnerType.INDEPENDENT)
    in_groupings = PartnershipParty.objects.filter(partnership__kind=PartnershipKind.GROUPING).values(
        "organization_id"
    )
    return (
        Organization.objects.filter(is_operator=False)
        .filter(Q(pk__in=independents.order_by().values("pk")) | Q(pk__in=in_groupings.order_by()))
        .exclude(member_profile__isnull=False)
        .distinct()
        .order_by("pk")
    )


def _profiles(rng) -> list[MemberProfile]:
    organizations = list(_member_organizations().values_list("pk", flat=True))
    if not organizations:
        return []
    markets = Organization.markets.through.objects.filter(organization_id__in=organizations)
    geographies = Organization.geographies.through.objects.filter(organization_id__in=organizations)
    sectors, territories = {}, {}
    for org_id, sector_id in markets.values_list("organization_id", "sector_id"):
        sectors.setdefault(org_id, []).append(sector_id)
    for org_id, territory_id in geographies.values_list("organization_id", "territory_id"):
        territories.setdefault(org_id, []).append(territory_id)
    for org_id, region_id in Organization.objects.filter(
        pk__in=organizations, region__isnull=False
    ).values_list("pk", "region_id"):
        territories.setdefault(org_id, []).append(region_id)
    profiles = [random_profile(rng, org_id) for org_id in organizations]
    insert_objects(MemberProfile, profiles)
    sector_rows, territory_rows, key_rows = [], [], []
    for profile in profiles:
        own_sectors = sorted(set(sectors.get(profile.organization_id, [])))
        own_territories = sorted(set(territories.get(profile.organization_id, [])))
        sector_rows += [(profile.pk, pk) for pk in own_sectors]
        territory_rows += [(profile.pk, pk) for pk in own_territories]
        if profile.is_visible:
            key_rows += [
                (profile.pk, key)
                for key in matching.build_keys(profile.match_index, own_sectors, own_territories)
            ]
    insert_rows(MemberProfile.sectors.through, ["memberprofile_id", "sector_id"], sector_rows)
    insert_rows(MemberProfile.territories.through, ["memberprofile_id", "territory_id"], territory_rows)
    insert_rows(ProfileKey, ["profile_id", "key"], key_rows)
    return profiles


CHARTERS = [
    (
        "Répondre ensemble aux besoins de transformation des ETI de la région",
        "Une offre packagée commune, présentée sous une seule bannière",
        "Les ETI peinent à trouver un interlocuteur unique pour leurs projets de transformation",
    ),
    (
        "Devenir le collectif de référence des PME industrielles",
        "Un programme d'accompagnement en trois étapes, vendu par chaque membre",
        "Les PME industrielles manquent de compétences transverses à temps partagé",
    ),
]
EVIDENCE = {
    "shared_desire": "Chaque membre l'a confirmé lors du séminaire de lancement.",
    "common_project": "Projet écrit et validé par tous les membres.",
    "balance": "Apports et retours revus chaque trimestre en comité.",
    "contract": "Accord de groupement signé par tous les membres.",
    "autonomous_parties": "Chaque membre garde sa propre structure juridique.",
    "pooled_effort": "Budget marketing commun et prospection partagée.",
    "common_objective": "Objectif commun lié au besoin identifié des clients.",
    "own_missions": "Les missions de chacun sont décrites dans la charte.",
    "interest_responsibility": "Intérêts et responsabilités répartis par écrit.",
}


def _groupings(rng) -> int:
    ids = list(
        Partnership.objects.filter(kind=PartnershipKind.GROUPING).order_by("pk").values_list("pk", flat=True)
    )
    pillars.ensure_checklists(ids)
    levels = dict(Partnership.objects.filter(pk__in=ids).values_list("pk", "grouping_level"))
    charters = []
    existing = set(
        GroupingCharter.objects.filter(partnership_id__in=ids).values_list("partnership_id", flat=True)
    )
    for pk in ids:
        if pk not in existing:
            ambition, project, need = CHARTERS[rng.randrange(len(CHARTERS))]
            charters.append(
                GroupingCharter(
                    partnership_id=pk, shared_ambition=ambition, common_project=project, identified_need=need
                )
            )
    GroupingCharter.objects.bulk_create(charters, batch_size=2000)
    now = timezone.now()
    items = list(PillarItem.objects.filter(partnership_id__in=ids, status=PillarStatus.UNKNOWN))
    changed = []
    for item in items:
        level = levels[item.partnership_id]
        # Tribes and extended organisations meet the checklist; packs are on their way.
        met = level != GroupingLevel.PACK or rng.random() < 0.5
        item.status = PillarStatus.MET if met else rng.choice([PillarStatus.UNKNOWN, PillarStatus.NOT_MET])
        item.evidence = EVIDENCE[item.key] if met else ""
        item.assessed_at = now if item.status != PillarStatus.UNKNOWN else None
        changed.append(item)
    PillarItem.objects.bulk_update(changed, ["status", "evidence", "assessed_at"], batch_size=2000)
    return len(ids)


def _proposals(rng, profiles: list[MemberProfile], count: int) -> int:
    """A few proposals between members, from each one's best suggestion: accepted, pending or declined."""
    created = 0
    visible = [p for p in profiles if p.is_visible]
    for profile in rng.sample(visible, min(count, len(visible))):
        profile = MemberProfile.objects.select_related("organization").get(pk=profile.pk)
        suggestions = matching.suggestions_for(profile, limit=3)
        if not suggestions:
            continue
        best = suggestions[0]
        if MatchProposal.objects.filter(
            proposer_id__in=[profile.organization_id, best.profile.organization_id],
            recipient_id__in=[profile.organization_id, best.profile.organization_id],
        ).exists():
            continue
        status = rng.choice(
            [ProposalStatus.ACCEPTED, ProposalStatus.PENDING, ProposalStatus.PENDING, ProposalStatus.DECLINED]
        )
        MatchProposal.objects.create(
            proposer_id=profile.organization_id,
            recipient_id=best.profile.organization_id,
            message="Vos compétences complètent les miennes : parlons-en ?",
            status=status,
            score=best.score,
            reasons=[{k: v for k, v in r.as_dict().items() if k != "label"} for r in best.reasons],
            decided_at=timezone.now() if status != ProposalStatus.PENDING else None,
        )
        created += 1
    return created


@transaction.atomic
def populate_demo(rng: random.Random, *, proposals: int = 20) -> dict:
    """Profiles for the demo's members, charters and checklist evidence for its groupings, a few proposals."""
    profiles = _profiles(rng)
    groupings = _groupings(rng)
    made = _proposals(rng, profiles, proposals)
    coordinators = PartnershipParty.objects.filter(
        partnership__kind=PartnershipKind.GROUPING, role=PartyRole.COORDINATOR
    ).count()
    return {
        "profiles": len(profiles),
        "groupings": groupings,
        "proposals": made,
        "coordinators": coordinators,
    }
