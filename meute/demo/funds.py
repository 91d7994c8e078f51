"""Demo market development funds: this year's allocations by tier rule (by hand for partners without MDF),
requests in every state, claims with a proof file, approvals and payments, deals attributed to activities.

Call ``populate_demo()`` after the programme and deals demo data. It does nothing when allocations already
exist; the same seed gives the same data.
"""

import datetime
import random
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from meute.core.choices import UserRole
from meute.core.models import Organization, User
from meute.deals.models import DealRegistration
from meute.funds import allocation, roi, workflow
from meute.funds.choices import ActivityType
from meute.funds.ledger import balance_of
from meute.funds.models import FundAllocation, FundRequest
from meute.partnerships.choices import PartnershipKind, PartnershipStatus, PartyRole
from meute.programs.models import PartnerTier

DEMO_SEED = 20_270_118

ACTIVITIES = [
    (ActivityType.SEMINAR, "Séminaire clients « Meute au quotidien »", 40),
    (ActivityType.ROADSHOW, "Road-show régional avec l'éditeur", 60),
    (ActivityType.EMAILING, "E-mailing de lancement de l'offre", 120),
    (ActivityType.TELEMARKETING, "Campagne de télémarketing PME", 80),
    (ActivityType.WEBINAR, "Webinaire démonstration", 50),
    (ActivityType.BROCHURE, "Plaquette co-marquée", 10),
    (ActivityType.LEAD_GENERATION, "Génération de leads pour le partenaire", 150),
    (ActivityType.EVENT, "Petit-déjeuner dirigeants", 25),
]

# A tiny valid PDF: the proof of performance of the demo claims.
PROOF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Count 0/Kids[]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


def _user(username, role, organization=None) -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User.objects.create(username=username, role=role, organization=organization, email="")
    return user


def _channel_partnerships():
    from meute.partnerships.models import Partnership

    return list(
        Partnership.objects.filter(kind=PartnershipKind.CHANNEL, status=PartnershipStatus.ACTIVE).order_by(
            "pk"
        )
    )


def _partner_organization(partnership):
    seat = partnership.parties.filter(role=PartyRole.PARTNER).select_related("organization").first()
    return seat.organization if seat else None


def populate_demo(today: datetime.date | None = None, partners: int = 24) -> dict:
    if FundAllocation.objects.exists():
        return {}
    rng = random.Random(DEMO_SEED)
    today = today or timezone.localdate()
    admin = _user("admin", UserRole.ADMIN)
    manager = _user("manager", UserRole.CHANNEL_MANAGER)
    run = allocation.allocate_period(today.year, user=admin)
    funds = {a.partnership_id: a for a in run.allocated}
    members = {m.partnership_id: m.program for m in PartnerTier.objects.select_related("program")}
    for partnership in _channel_partnerships()[:partners]:
        fund = funds.get(partnership.pk)
        program = members.get(partnership.pk)
        if program is None:
            continue
        if fund is None or balance_of(fund).allocated < Decimal("3000"):
            amount = Decimal(rng.randrange(5000, 20001, 500))
            fund = allocation.allocate(
                partnership, program, today.year, user=admin, amount=amount, note="Démo"
            )
            funds[partnership.pk] = fund
    made = {"allocations": len(funds), "requests": 0, "claims": 0}
    # The organisation the demo "partner" login belongs to (as ``meute.demo.dataset`` chooses it).
    demo_organization_id = (
        Organization.objects.filter(
            is_operator=False,
            party_seats__role=PartyRole.PARTNER,
            party_seats__partnership__status=PartnershipStatus.ACTIVE,
        )
        .order_by("pk")
        .values_list("pk", flat=True)
        .first()
    )
    for number, fund in enumerate(sorted(funds.values(), key=lambda f: f.partnership_id)[:partners]):
        organization = _partner_organization(fund.partnership)
        if organization is None:
            continue
        # The demo partner login's organisation acts itself; for the others the channel manager enters the
        # requests and claims on their behalf (no extra logins).
        partner_user = manager
        if organization.pk == demo_organization_id:
            partner_user = _user("partner", UserRole.PARTNER, organization)
        for step in range(3 if number else 5):
            activity_type, title, leads = ACTIVITIES[(number + step) % len(ACTIVITIES)]
            start = today.replace(month=1, day=1) + datetime.timedelta(days=rng.randrange(20, 300))
            budget = Decimal(rng.randrange(500, 3001, 100))
            fund_request = FundRequest(
                allocation=fund,
                activity_type=activity_type,
                title=title,
                budget=budget,
                currency=fund.currency,
                expected_leads=leads,
                expected_opportunities=max(1, leads // 10),
                start_date=start,
                end_date=start + datetime.timedelta(days=rng.choice([0, 1, 14, 30])),
                description="Activité de démonstration.",
            )
            try:
                workflow.save_request(fund_request, partner_user)
                made["requests"] += 1
                if step == 4:
                    continue  # a draft
                workflow.submit_request(fund_request, partner_user)
                if step == 3:
                    workflow.request_changes(fund_request, manager, "Précisez le lieu et la cible.")
                    continue
                if number % 7 == 6 and step == 2:
                    continue  # waits for a decision
                workflow.approve_request(fund_request, manager)
                fund_request.refresh_from_db()
                if step == 2:
                    continue  # approved, activity to come
                claimed = (fund_request.approved_amount * Decimal(rng.choice(["0.8", "0.9", "1"]))).quantize(
                    Decimal("0.01")
                )
                claim = workflow.submit_claim(
                    fund_request,
                    partner_user,
                    amount=claimed,
                    currency=fund.currency,
                    proofs=[
                        (SimpleUploadedFile("facture.pdf", PROOF, content_type="application/pdf"), "invoice")
                    ],
                    leads=max(1, int(leads * rng.uniform(0.5, 1.3))),
                    opportunities=rng.randrange(1, 8),
                )
                made["claims"] += 1
                workflow.approve_claim(claim, manager)
                if step == 0:
                    workflow.mark_paid(claim, manager, f"VIR-{today.year}-{number:03d}")
                deals = DealRegistration.objects.filter(
                    partnership=fund.partnership, fund_activity__isnull=True
                )
                for deal in deals.order_by("pk")[: rng.randrange(0, 4)]:
                    roi.attribute_deal(fund_request, deal, manager)
            except ValidationError:
                continue
    return made
