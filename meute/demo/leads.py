"""Demo leads: about twenty leads in every state, some of them offered to the demo partner's organisation.

Call ``populate_demo()`` after the core demo data (``meute.demo.generate``): it needs the operator's
active channel partnerships. It does nothing when leads already exist, and the same seed gives the same leads.
"""

import datetime
import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from meute.core.choices import PartnerType
from meute.core.models import Organization, ProductLine, Sector
from meute.leads import workflow
from meute.leads.choices import LeadSource, RoutingTrigger
from meute.leads.models import Lead
from meute.leads.routing import channel_partnerships
from meute.partnerships.choices import PartnershipStatus, PartyRole

DEMO_SEED = 20_250_601

COMPANIES = [
    ("Conserverie de l'Odet", "Quimper", "29000"),
    ("Textiles Croix-Rousse", "Lyon", "69004"),
    ("Robotique des Alpes", "Grenoble", "38000"),
    ("Vins du Médoc Associés", "Pauillac", "33250"),
    ("Transports Garonne", "Toulouse", "31000"),
    ("Atelier Mécanique Lorrain", "Nancy", "54000"),
    ("Boulangeries Dumas", "Dijon", "21000"),
    ("Clinique du Parc", "Montpellier", "34000"),
    ("Menuiserie Bocage", "Cholet", "49300"),
    ("Optique Lumière", "Lille", "59000"),
    ("Hôtel des Remparts", "Carcassonne", "11000"),
    ("Cabinet Fiducia", "Strasbourg", "67000"),
    ("Laiterie du Cantal", "Aurillac", "15000"),
    ("Éditions Pléiade Sud", "Marseille", "13006"),
    ("Agence Immo Loire", "Tours", "37000"),
    ("Bâtiment Armor", "Rennes", "35000"),
    ("Pharmacie Centrale Nice", "Nice", "06000"),
    ("Négoce Bois Landes", "Mont-de-Marsan", "40000"),
    ("Studio Graphique Nord", "Roubaix", "59100"),
    ("Mutuelle Solidaire Ouest", "Nantes", "44000"),
]
CONTACTS = [
    "Claire Martin",
    "Julien Bernard",
    "Sophie Petit",
    "Nicolas Durand",
    "Amélie Leroy",
    "Thomas Moreau",
]
DECLINE_REASONS = [
    "Pas de consultant disponible ce mois-ci",
    "Hors de notre cœur de métier",
    "Client déjà suivi",
]


def _demo_partnership():
    """The channel partnership of the demo partner login's organisation (see meute.demo)."""
    organization = (
        Organization.objects.filter(
            is_operator=False,
            party_seats__role=PartyRole.PARTNER,
            party_seats__partnership__status=PartnershipStatus.ACTIVE,
        )
        .order_by("pk")
        .first()
    )
    if organization is None:
        return None
    return channel_partnerships().filter(parties__organization=organization).order_by("pk").first()


def populate_demo(*, seed: int = DEMO_SEED, count: int = 20, now=None) -> dict:
    """Create ``count`` leads in various states; returns the number of leads per status."""
    if Lead.objects.exists():
        return {}
    partnerships = list(
        channel_partnerships()
        .order_by("pk")[:200]
        .prefetch_related("territories", "product_lines", "sectors")
    )
    if not partnerships:
        return {}
    rng = random.Random(seed)
    now = now or timezone.now()
    demo = _demo_partnership()
    sectors = list(Sector.objects.order_by("pk"))
    all_lines = list(ProductLine.objects.filter(is_active=True).order_by("pk"))
    with transaction.atomic():
        leads = []
        for index in range(count):
            name, city, postal_code = COMPANIES[index % len(COMPANIES)]
            if index >= len(COMPANIES):
                name = f"{name} {index // len(COMPANIES) + 1}"
            # Leads of partners' territories (so that the rules find someone), a few of the demo partner's.
            home = demo if demo is not None and index < 6 else rng.choice(partnerships)
            territories = list(home.territories.all())
            lines = list(home.product_lines.all()) or all_lines
            home_sectors = list(home.sectors.all()) or sectors
            lead = Lead.objects.create(
                company_name=name,
                city=city,
                postal_code=postal_code,
                country="FR",
                territory=rng.choice(territories) if territories else None,
                sector=rng.choice(home_sectors) if home_sectors else None,
                amount=Decimal(rng.randrange(5, 150) * 1000),
                contact_name=rng.choice(CONTACTS),
                contact_email=f"contact{index + 1}@example.com",
                description="Demande de démonstration et de devis.",
                source=rng.choice(LeadSource.values),
            )
            lead.product_lines.set(rng.sample(lines, k=min(len(lines), rng.randint(1, 2))))
            leads.append(lead)
        for index, lead in enumerate(leads):
            _play(index % 20, lead, demo, rng, now)
        workflow.expire_offers(now)
    counts = {}
    for status in Lead.objects.values_list("status", flat=True):
        counts[status] = counts.get(status, 0) + 1
    return counts


def _play(step: int, lead, demo, rng, now) -> None:
    """Bring a lead into the state its position asks for."""
    if step <= 5 and demo is not None:
        offer = workflow._offer_to(lead, demo, None, now)
        if step == 3:
            workflow._accept(offer, None, now)
        elif step == 4:
            workflow._accept(offer, None, now)
            workflow._close(lead, None, "Signé", now)
        elif step == 5:
            workflow._decline(offer, None, rng.choice(DECLINE_REASONS), now)
        return
    if step in (12, 13):
        # Offered three days ago and never answered: the timeout job re-routes them.
        workflow.route(lead, None, trigger=RoutingTrigger.NEW, now=now - datetime.timedelta(days=3))
        return
    if step in (14, 15):
        lead.required_partner_type = PartnerType.MANUFACTURER
        lead.min_certified_people = 20
        lead.save()
    if step in (18, 19):
        return  # still new: waiting for "meute leads route"
    offer = workflow.route(lead, None, trigger=RoutingTrigger.NEW, now=now)
    if step in (16, 17) and offer is not None:
        workflow._accept(offer, None, now)
