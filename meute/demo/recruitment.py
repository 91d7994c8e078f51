"""Demo data of recruitment: operator attributes on the profiles, two scoring profiles (an ideal partner
and a look-alike of the best partners), the qualification grid (seed 001 §3 and the four pillars of seed
004), candidates spread over the pipeline with activities, ratings and letter-of-intent dates, competitors
and their networks, the channel settings.

Called by the demo generator after the partners and the programme exist; deterministic.
"""

import datetime
from decimal import Decimal

from django.utils import timezone

from meute.core.choices import UserRole
from meute.core.directory import with_status
from meute.core.models import Organization, User
from meute.lib.bulk import insert_objects
from meute.recruitment.choices import ActivityKind, AttributeKind, Pillar, ProfileKind, Stage
from meute.recruitment.models import (
    Activity,
    AttributeDefinition,
    AttributeValue,
    Candidate,
    ChannelSettings,
    Competitor,
    CompetitorPartnership,
    CriteriaGroup,
    Criterion,
    QualificationAnswer,
    QualificationQuestion,
    RecruiterCapacity,
    ScoringProfile,
    StageChange,
)

QUESTIONS = [
    (Pillar.TECHNICAL, "Son cœur de métier est complémentaire du nôtre", 3),
    (Pillar.TECHNICAL, "Il adresse nos marchés cibles", 2),
    (Pillar.TECHNICAL, "Il maîtrise les technologies de notre offre", 2),
    (Pillar.TECHNICAL, "Sa force commerciale peut porter notre offre", 2),
    (Pillar.HUMAN, "Nous partageons la même envie", 2),
    (Pillar.HUMAN, "La culture d'entreprise est compatible", 1),
    (Pillar.COMMITMENT, "Nous pouvons construire un projet commun", 2),
    (Pillar.COMMITMENT, "La relation est équilibrée", 1),
    (Pillar.DURABILITY, "Il peut s'engager sur la durée (business plan, équipe dédiée)", 2),
    (Pillar.DURABILITY, "Sa santé financière est solide", 1),
]
# The operator's own attribute, named in its own words (French): a record, not the interface.
TYPOLOGY_CODE, TYPOLOGY_LABEL = "typologie", "Typologie"
TYPOLOGY = ["Grossiste", "Éditeur", "Constructeur", "VAR", "Revendeur", "Intégrateur"]
COMPETING = ["Sage", "Cegid", "SAP Business One", "Odoo", "Microsoft Dynamics"]
EXPECTATIONS = [
    "Des leads qualifiés et un support avant-vente",
    "Des marges arrière attractives et des MDF",
    "Une formation technique certifiante",
    "Un accompagnement marketing local",
]
# Stage → how many candidates sit there.
SPREAD = [
    (Stage.IDENTIFIED, 10),
    (Stage.CONTACTED, 8),
    (Stage.MEETING, 6),
    (Stage.QUALIFIED, 5),
    (Stage.LETTER_OF_INTENT, 4),
    (Stage.BUSINESS_PLAN, 3),
    (Stage.TRIAL, 3),
    (Stage.CONTRACT, 2),
    (Stage.LOST, 4),
]


def _attributes(prospects, partners):
    typology = AttributeDefinition.objects.create(
        code=TYPOLOGY_CODE, label=TYPOLOGY_LABEL, kind=AttributeKind.CHOICE, choices=TYPOLOGY, position=1
    )
    competing = AttributeDefinition.objects.create(
        code="offres-concurrentes",
        label="Offres concurrentes déjà portées",
        kind=AttributeKind.MULTI_CHOICE,
        choices=COMPETING,
        position=2,
    )
    vendors = AttributeDefinition.objects.create(
        code="editeurs-references",
        label="Nombre d'éditeurs référencés",
        kind=AttributeKind.NUMBER,
        minimum=0,
        maximum=500,
        position=3,
    )
    share = AttributeDefinition.objects.create(
        code="part-dediee",
        label="Part de l'activité dédiée à notre offre (%)",
        kind=AttributeKind.NUMBER,
        minimum=0,
        maximum=100,
        position=4,
    )
    expectations = AttributeDefinition.objects.create(
        code="attentes", label="Attentes", kind=AttributeKind.TEXT, position=5
    )
    certified = AttributeDefinition.objects.create(
        code="iso-27001", label="Certifié ISO 27001", kind=AttributeKind.BOOLEAN, position=6
    )
    values = []
    for index, organization in enumerate(prospects + partners):
        values.append(
            AttributeValue(organization=organization, definition=typology, value=TYPOLOGY[index % 6])
        )
        values.append(
            AttributeValue(
                organization=organization,
                definition=competing,
                value=[COMPETING[index % 5], *([COMPETING[(index + 2) % 5]] if index % 3 == 0 else [])],
            )
        )
        values.append(
            AttributeValue(organization=organization, definition=vendors, value=5 + (index * 7) % 40)
        )
        values.append(
            AttributeValue(organization=organization, definition=expectations, value=EXPECTATIONS[index % 4])
        )
        values.append(AttributeValue(organization=organization, definition=certified, value=index % 4 == 0))
        if organization in partners:
            values.append(
                AttributeValue(organization=organization, definition=share, value=5 + (index * 3) % 26)
            )
    insert_objects(AttributeValue, values)
    return share


def _profiles(best_partners, manager):
    ideal = ScoringProfile.objects.create(
        name="Partenaire idéal PME",
        kind=ProfileKind.IDEAL,
        description="Intégrateurs et VAR de 20 à 200 personnes qui vendent aux PME.",
        created_by=manager,
    )
    groups = [
        (
            "Clients",
            3,
            [
                ("company_sizes", ["sme", "mid_market"], None),
                ("attr:offres-concurrentes", ["Sage", "Cegid"], None),
            ],
        ),
        (
            "Force de frappe",
            2,
            [("headcount", {"min": 20, "max": 200}, 100), ("sales_headcount", {"min": 5}, 10)],
        ),
        ("Dynamique", 1, [("growth_trend", ["growing", "strong_growth"], None)]),
        (TYPOLOGY_LABEL, 1, [(f"attr:{TYPOLOGY_CODE}", ["VAR", "Intégrateur"], None)]),
    ]
    for position, (name, weight, criteria) in enumerate(groups, start=1):
        group = CriteriaGroup.objects.create(profile=ideal, name=name, weight=weight, position=position)
        for attribute, target, scale in criteria:
            Criterion.objects.create(group=group, attribute=attribute, target=target, scale=scale)
    lookalike = ScoringProfile.objects.create(
        name="Comme nos meilleurs partenaires",
        kind=ProfileKind.LOOKALIKE,
        description="Ressemblance avec les partenaires qui vendent le plus.",
        created_by=manager,
    )
    lookalike.references.set(best_partners)
    groups = [
        ("Clients", 2, ["company_sizes", "markets", "geographies"]),
        ("Offre", 2, ["offerings", "partner_types", "description"]),
        ("Force de frappe", 1, ["headcount", "sales_headcount", "engineer_headcount"]),
    ]
    for position, (name, weight, attributes) in enumerate(groups, start=1):
        group = CriteriaGroup.objects.create(profile=lookalike, name=name, weight=weight, position=position)
        for attribute in attributes:
            Criterion.objects.create(group=group, attribute=attribute)


def populate_demo(today: datetime.date | None = None) -> dict:
    today = today or timezone.localdate()
    manager = User.objects.filter(username="manager").first() or User.objects.create(
        username="manager", role=UserRole.CHANNEL_MANAGER
    )
    others = list(
        User.objects.filter(role=UserRole.CHANNEL_MANAGER).exclude(pk=manager.pk).order_by("pk")[:2]
    )
    owners = [manager, *others]
    for owner in owners:
        RecruiterCapacity.objects.create(user=owner, capacity=4)
    partners = list(
        with_status(Organization.objects.filter(is_operator=False), "active").order_by("name")[:40]
    )
    taken = {o.pk for o in partners}
    prospects = [
        o for o in Organization.objects.filter(is_operator=False).order_by("name")[:400] if o.pk not in taken
    ][:120]
    share = _attributes(prospects, partners)
    ChannelSettings.objects.create(share_attribute=share.code)
    _profiles(partners[:3], manager)
    questions = [
        QualificationQuestion.objects.create(pillar=pillar, text=text, weight=weight, position=index)
        for index, (pillar, text, weight) in enumerate(QUESTIONS)
    ]
    # Stages dealt round-robin, so that even a small directory shows every column of the board.
    remaining = dict(SPREAD)
    stages = []
    while any(remaining.values()):
        for stage, _count in SPREAD:
            if remaining[stage]:
                stages.append(stage)
                remaining[stage] -= 1
    candidates = []
    for index, (organization, stage) in enumerate(zip(prospects, stages, strict=False)):
        owner = owners[index % len(owners)]
        signed = (
            Stage.values.index(stage) >= Stage.values.index(Stage.LETTER_OF_INTENT) and stage != Stage.LOST
        )
        letter = today - datetime.timedelta(days=20 + (9 * index) % 80) if signed else None
        contract = (
            letter + datetime.timedelta(days=45 + index % 40) if letter and stage == Stage.CONTRACT else None
        )
        candidates.append(
            Candidate(
                organization=organization,
                stage=stage,
                owner=owner,
                expected_revenue=Decimal(20000 + 5000 * (index % 12)),
                next_step="Rendez-vous de qualification" if stage in (Stage.CONTACTED, Stage.MEETING) else "",
                next_step_on=today + datetime.timedelta(days=3 + index % 10) if stage != Stage.LOST else None,
                outcome_reason="Pas de force commerciale disponible" if stage == Stage.LOST else "",
                stage_changed_at=timezone.now() - datetime.timedelta(days=index % 30),
                letter_of_intent_on=letter,
                contract_on=contract,
            )
        )
    insert_objects(Candidate, candidates)
    candidates = list(Candidate.objects.select_related("owner").order_by("pk"))
    changes, activities, answers = [], [], []
    for number, candidate in enumerate(candidates):
        changes.append(
            StageChange(candidate=candidate, from_stage="", to_stage=Stage.IDENTIFIED, by=candidate.owner)
        )
        if candidate.stage != Stage.IDENTIFIED:
            changes.append(
                StageChange(
                    candidate=candidate,
                    from_stage=Stage.IDENTIFIED,
                    to_stage=candidate.stage,
                    by=candidate.owner,
                )
            )
            activities.append(
                Activity(
                    candidate=candidate,
                    kind=ActivityKind.CALL if number % 2 else ActivityKind.MEETING,
                    happened_on=today - datetime.timedelta(days=number % 25),
                    summary="Présentation du programme partenaires et de la proposition de valeur.",
                    author=candidate.owner,
                )
            )
        if Stage.values.index(candidate.stage) >= Stage.values.index(Stage.MEETING):
            for q_index, question in enumerate(questions):
                answers.append(
                    QualificationAnswer(candidate=candidate, question=question, rating=(number + q_index) % 5)
                )
    insert_objects(StageChange, changes)
    insert_objects(Activity, activities)
    insert_objects(QualificationAnswer, answers)
    rivals = [Competitor.objects.create(name=name) for name in ("Concurrent Alpha", "Concurrent Bêta")]
    links = []
    for number, organization in enumerate(prospects[:60]):
        links.append(
            CompetitorPartnership(
                competitor=rivals[number % 2],
                organization=organization,
                level="Gold" if number % 5 == 0 else "",
            )
        )
    insert_objects(CompetitorPartnership, links)
    return {"candidates": len(candidates), "competitor_partnerships": len(links)}
