"""Demo joint campaigns and a marketing cooperation: a road-show of the operator with three partners (the
demo partner among them, coordinating), a customer event split by headcount, a grouping's e-mailing
campaign split by share, and the first grouping's 12-month marketing cooperation with its five plans.

Call ``populate_demo()`` after the funds demo data. It does nothing when campaigns already exist.
"""

import datetime
from decimal import Decimal

from django.utils import timezone

from meute.campaigns import planning
from meute.campaigns.choices import ActionKind, CampaignKind, CampaignStatus, SplitRule, SubPlanKind
from meute.campaigns.models import Campaign, MarketingCooperation
from meute.core.choices import UserRole
from meute.core.models import Organization, User
from meute.partnerships.choices import PartnershipKind, PartnershipStatus, PartyRole
from meute.partnerships.models import Partnership

PLANS = {
    SubPlanKind.PROSPECTION: (
        "200 PME industrielles de la région",
        "Cibler les directeurs financiers ; 40 rendez-vous",
    ),
    SubPlanKind.EVENTS: ("Salon régional et deux soirées clients", "150 participants"),
    SubPlanKind.DIGITAL: ("Site commun, LinkedIn, e-mailing mensuel", "2 000 contacts qualifiés"),
    SubPlanKind.INSTITUTIONAL: ("Dossier et communiqués de presse, fiche du groupement", "3 articles"),
    SubPlanKind.OFFER: ("Offre packagée commune, bénéfices et prix", "Une grille tarifaire unique"),
}


def _partners(count):
    return list(
        Organization.objects.filter(
            is_operator=False,
            party_seats__role=PartyRole.PARTNER,
            party_seats__partnership__status=PartnershipStatus.ACTIVE,
            party_seats__partnership__kind=PartnershipKind.CHANNEL,
        )
        .order_by("pk")
        .distinct()[:count]
    )


def populate_demo(today: datetime.date | None = None) -> dict:
    if Campaign.objects.exists():
        return {}
    today = today or timezone.localdate()
    manager = User.objects.filter(username="manager").first() or User.objects.create(
        username="manager", role=UserRole.CHANNEL_MANAGER, email=""
    )
    operator = Organization.objects.filter(is_operator=True).first()
    partners = _partners(6)
    if operator is None or len(partners) < 4:
        return {}
    made = 0
    roadshow = Campaign(
        name="Road-show Meute Grand Ouest",
        kind=CampaignKind.CAMPAIGN,
        theme="Gestion des partenaires pour PME",
        coordinator=partners[0],
        start_date=today + datetime.timedelta(days=20),
        end_date=today + datetime.timedelta(days=80),
        split_rule=SplitRule.SHARE,
        status=CampaignStatus.PLANNED,
        description="Quatre étapes avec l'éditeur et trois partenaires : Nantes, Rennes, Brest, Angers.",
    )
    planning.save_campaign(
        roadshow,
        manager,
        [
            {"organization": operator, "share_percent": Decimal("50")},
            {"organization": partners[0], "share_percent": Decimal("20")},
            {"organization": partners[1], "share_percent": Decimal("15")},
            {"organization": partners[2], "share_percent": Decimal("15")},
        ],
    )
    for label, amount in (
        ("Location des salles", "6000"),
        ("Traiteur", "3500"),
        ("Invitations et relances", "1500"),
    ):
        planning.add_budget_line(roadshow, manager, label, Decimal(amount), "EUR")
    for offset, city in enumerate(("Nantes", "Rennes", "Brest", "Angers")):
        day = roadshow.start_date + datetime.timedelta(days=14 * offset)
        planning.add_action(
            roadshow,
            manager,
            kind=ActionKind.SEMINAR,
            title=f"Étape de {city}",
            start_date=day,
            end_date=day,
            location=city,
        )
    planning.add_task(
        roadshow,
        manager,
        title="Réserver les salles",
        owner=operator,
        due_date=roadshow.start_date - datetime.timedelta(days=10),
    )
    planning.add_task(
        roadshow,
        manager,
        title="Envoyer les invitations clients",
        owner=partners[0],
        due_date=roadshow.start_date - datetime.timedelta(days=7),
    )
    made += 1

    event = Campaign(
        name="Soirée clients « Chasser en meute »",
        kind=CampaignKind.EVENT,
        coordinator=operator,
        start_date=today - datetime.timedelta(days=40),
        end_date=today - datetime.timedelta(days=40),
        split_rule=SplitRule.HEADCOUNT,
        status=CampaignStatus.DONE,
        description="Événement commun vers les clients de l'éditeur et des partenaires.",
    )
    planning.save_campaign(
        event,
        manager,
        [
            {"organization": operator, "headcount": 6},
            {"organization": partners[3], "headcount": 3},
            {"organization": partners[0], "headcount": 2},
        ],
    )
    planning.add_budget_line(event, manager, "Lieu et traiteur", Decimal("4400"), "EUR")
    planning.add_action(
        event,
        manager,
        kind=ActionKind.EVENT,
        title="Soirée",
        start_date=event.start_date,
        end_date=event.end_date,
        location="Paris",
    )
    for seat, (leads, opportunities, revenue) in zip(
        event.participants.order_by("pk"), [(18, 5, "42000"), (7, 2, "15000"), (4, 1, "0")], strict=True
    ):
        planning.report_results(
            seat, manager, leads=leads, opportunities=opportunities, revenue=Decimal(revenue)
        )
    made += 1

    grouping = Partnership.objects.filter(kind=PartnershipKind.GROUPING).order_by("name").first()
    if grouping is not None:
        members = [
            seat.organization for seat in grouping.parties.select_related("organization").order_by("pk")
        ]
        coordinator = next(
            (s.organization for s in grouping.parties.all() if s.role == PartyRole.COORDINATOR), members[0]
        )
        if len(members) >= 2:
            share = (Decimal("100") / len(members)).quantize(Decimal("0.01"))
            shares = [share] * (len(members) - 1) + [Decimal("100") - share * (len(members) - 1)]
            mailing = Campaign(
                name=f"E-mailing commun — {grouping.name}",
                kind=CampaignKind.CAMPAIGN,
                partnership=grouping,
                coordinator=coordinator,
                start_date=today,
                end_date=today + datetime.timedelta(days=30),
                split_rule=SplitRule.SHARE,
                theme="Transmission d'entreprise",
            )
            planning.save_campaign(
                mailing,
                manager,
                [{"organization": m, "share_percent": s} for m, s in zip(members, shares, strict=True)],
            )
            planning.add_budget_line(mailing, manager, "Fichier et routage", Decimal("1200"), "EUR")
            planning.add_action(
                mailing,
                manager,
                kind=ActionKind.EMAILING,
                title="Premier envoi",
                start_date=today + datetime.timedelta(days=3),
                end_date=today + datetime.timedelta(days=3),
            )
            made += 1
            cooperation = MarketingCooperation(
                name=f"Coopération marketing — {grouping.name}",
                partnership=grouping,
                coordinator=coordinator,
                theme="Accompagner la croissance des PME",
                objectives="30 nouveaux clients communs en 12 mois.",
                start_date=today.replace(day=1),
                end_date=planning.add_months(today.replace(day=1), 12) - datetime.timedelta(days=1),
            )
            planning.save_cooperation(cooperation, manager, members)
            for plan in cooperation.sub_plans.all():
                objectives, targets = PLANS[plan.kind]
                planning.update_sub_plan(plan, manager, objectives=objectives, targets=targets)
                day = cooperation.start_date + datetime.timedelta(
                    days=30 * (list(PLANS).index(plan.kind) + 1)
                )
                planning.add_plan_action(
                    plan,
                    manager,
                    title=objectives.split(",")[0],
                    target=targets,
                    start_date=day,
                    end_date=day,
                )
    return {"campaigns": made}
