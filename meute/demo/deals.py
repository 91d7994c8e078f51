"""Demo data of deal registration: direct-sales accounts, registrations in every stage (some claiming the
same customer, so the review queue shows real conflicts), won deals feeding the programme's revenue.

Registrations go through the workflow (conflict check, automatic approval, protection), exactly as a
partner's would. Deterministic for a seed.
"""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils import timezone

from meute.core.choices import UserRole
from meute.core.models import ProductLine, User
from meute.deals import workflow
from meute.deals.customers import save_customer
from meute.deals.models import Customer
from meute.partnerships.choices import PartnershipKind, PartnershipStatus

CUSTOMERS = [
    ("Transports Girard SAS", "Lyon", "69007", "transports-girard.fr"),
    ("Boulangeries Moreau", "Nantes", "44000", "boulangeries-moreau.fr"),
    ("Clinique du Parc SA", "Lille", "59000", "clinique-du-parc.fr"),
    ("Atelier Mécanique Roux", "Grenoble", "38000", ""),
    ("Hôtels Lambert SARL", "Nice", "06000", "hotels-lambert.com"),
    ("Coopérative Agricole du Val", "Dijon", "21000", "coop-du-val.fr"),
    ("Cabinet Fontaine Avocats", "Paris", "75008", "fontaine-avocats.fr"),
    ("Imprimerie Chevalier", "Rennes", "35000", "imprimerie-chevalier.fr"),
    ("Laboratoires Garnier Santé", "Toulouse", "31000", "garnier-sante.fr"),
    ("Menuiserie Perrin & Fils", "Bordeaux", "33000", ""),
    ("Groupe Scolaire Saint-Exupéry", "Metz", "57000", "st-exupery.org"),
    ("Mutuelle des Artisans", "Strasbourg", "67000", "mutuelle-artisans.fr"),
    ("Brasserie du Port", "Marseille", "13002", "brasserie-du-port.fr"),
    ("Électricité Bonnet SAS", "Clermont-Ferrand", "63000", "bonnet-elec.fr"),
    ("Pharmacie Centrale Dupuis", "Tours", "37000", ""),
    ("Logistique Mercier", "Orléans", "45000", "logistique-mercier.fr"),
    ("Agence Immobilière Blanc", "Montpellier", "34000", "immo-blanc.fr"),
    ("Conserverie Guérin", "Quimper", "29000", "conserverie-guerin.fr"),
    ("Ambulances Lefèvre", "Reims", "51100", ""),
    ("Textiles Morel SA", "Roubaix", "59100", "textiles-morel.fr"),
    ("Vignobles Fournier", "Beaune", "21200", "vignobles-fournier.fr"),
    ("Garage Gauthier Automobiles", "Le Mans", "72000", "garage-gauthier.fr"),
    ("Crèches Les Petits Loups", "Angers", "49000", "petits-loups.fr"),
    ("Cimenterie Renaud", "Valence", "26000", "ciments-renaud.fr"),
]
# The same companies, written differently by a second partner: the queue shows them as conflicts.
VARIANTS = [
    (0, "GIRARD TRANSPORTS", "Lyon", "69007", "www.transports-girard.fr"),
    (2, "Clinique du parc", "Lille", "59000", ""),
    (8, "Labo Garnier Sante SAS", "Toulouse", "31000", ""),
    (13, "Bonnet Electricité", "Clermont-Ferrand", "63000", "bonnet-elec.fr"),
]
DIRECT_ACCOUNTS = [
    ("Banque Régionale de l'Ouest", "Nantes", "banque-ouest.fr"),
    ("Aéroports Méditerranée", "Marseille", "aeroports-med.fr"),
    ("Ville de Lyon", "Lyon", "lyon.fr"),
    ("Hôpitaux Universitaires du Nord", "Lille", "hun.fr"),
]


def _reviewer() -> User:
    """The demo channel manager reviews the queue (its password is set with the other demo logins)."""
    user = User.objects.filter(username="manager").first()
    if user is None:
        user = User.objects.create(username="manager", role=UserRole.CHANNEL_MANAGER, email="")
    return user


def populate_demo(rng, today: datetime.date | None = None) -> int:
    """Create the demo registrations; returns how many."""
    from meute.partnerships.models import Partnership

    today = today or timezone.localdate()
    reviewer = _reviewer()
    for name, city, domain in DIRECT_ACCOUNTS:
        customer = Customer(name=name, city=city, website_domain=domain, is_direct_account=True)
        customer.account_owner = reviewer
        save_customer(customer)
    partnerships = list(
        Partnership.objects.filter(kind=PartnershipKind.CHANNEL, status=PartnershipStatus.ACTIVE)
        .prefetch_related("product_lines")
        .order_by("pk")[:14]
    )
    all_lines = list(ProductLine.objects.order_by("code"))
    count = 0
    deals = []
    for index, (name, city, postal_code, domain) in enumerate(CUSTOMERS):
        # The first partnership (the demo partner login's) gets several registrations.
        partnership = partnerships[0] if index % 4 == 0 else rng.choice(partnerships[1:])
        deals.append(_register(rng, reviewer, partnership, all_lines, today, name, city, postal_code, domain))
        count += 1
    for index, name, city, postal_code, domain in VARIANTS:
        first = deals[index]
        others = [p for p in partnerships if p.pk != first.partnership_id]
        deals.append(
            _register(rng, reviewer, rng.choice(others), all_lines, today, name, city, postal_code, domain)
        )
        count += 1
    # Decide part of the queue: approvals (some then won or lost), a rejection; the rest waits.
    for position, deal in enumerate(deals[: len(CUSTOMERS)]):
        deal.refresh_from_db()
        if deal.stage == "submitted" and position % 3 != 2:
            try:
                deal = workflow.approve(deal, reviewer, "Client dans le périmètre du partenaire.")
            except ValidationError:
                continue  # a registration of the same customer was approved first: it stays in the queue
        if deal.stage == "approved":
            if position % 5 == 1:
                workflow.mark_won(deal, reviewer)
            elif position % 7 == 3:
                workflow.mark_lost(deal, reviewer, "Budget reporté par le client.")
    for deal in deals[len(CUSTOMERS) :][:1]:
        deal.refresh_from_db()
        if deal.stage == "submitted":
            workflow.reject(deal, reviewer, "Client déjà protégé pour un autre partenaire.")
    return count


def _register(rng, user, partnership, all_lines, today, name, city, postal_code, domain):
    lines = list(partnership.product_lines.all()) or all_lines
    data = workflow.RegistrationData(
        customer_name=name,
        amount=Decimal(rng.randrange(4_000, 180_000, 500)),
        expected_close_date=today + datetime.timedelta(days=rng.randint(20, 150)),
        website=domain,
        city=city,
        postal_code=postal_code,
        contact_name=rng.choice(["Claire Martin", "Julien Petit", "Sophie Durand", "Marc Leroy"]),
        contact_email=f"contact@{domain.removeprefix('www.')}" if domain else "",
        product_lines=rng.sample(lines, min(len(lines), rng.randint(1, 2))),
        title=rng.choice(["Déploiement CRM", "Migration ERP", "Extension de licences", "Projet pilote"]),
    )
    deal, _created = workflow.register(user, partnership, data)
    return deal
