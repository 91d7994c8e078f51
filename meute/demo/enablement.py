"""Demo data of enablement: the certifications and courses of the partner programme (French, English and
Spanish), their quizzes and sessions, onboarding journey templates and journeys for the first active
channel partnerships (some steps done), the partner library (documents, procedures, the programme,
promotions and announcements targeted by tier, type, territory and language), the support contacts,
and enrolments with progress for a sample of partner people.

Called by the demo generator after the programme exists; deterministic; written in bulk without the audit
trail, like the rest of the demo data.
"""

import datetime

from django.utils import timezone

from meute.core.models import Person, Territory
from meute.enablement.choices import EnrolmentStatus, StepStatus
from meute.enablement.journeys import start_journey
from meute.enablement.models import (
    Certification,
    Choice,
    ContentItem,
    Course,
    CourseSession,
    Enrolment,
    Journey,
    JourneyTemplate,
    Module,
    ModuleProgress,
    Question,
    Quiz,
    SupportContact,
    TemplateStep,
)
from meute.lib.bulk import insert_objects
from meute.partnerships.choices import PartnershipKind, PartnershipStatus, PartyRole
from meute.partnerships.models import Partnership, PartnershipParty
from meute.programs.models import Program

QUIZ = [
    (
        "Combien de temps dure la protection d'une affaire enregistrée au niveau Gold ?",
        ["90 jours*", "30 jours", "1 an"],
    ),
    (
        "Quels éléments un enregistrement d'affaire doit-il contenir ?",
        ["Le client final*", "Le montant estimé*", "La marge du concurrent"],
    ),
    (
        "Qui contacter pour une question technique sur un déploiement ?",
        ["Le support technique*", "Le service comptable"],
    ),
    (
        "Que faut-il pour passer au niveau Gold ?",
        ["3 commerciaux et 2 consultants certifiés*", "Un seul commercial certifié"],
    ),
]
QUIZ_EN = [
    ("How long is a registered deal protected at Gold tier?", ["90 days*", "30 days", "1 year"]),
    (
        "What must a deal registration hold?",
        ["The end customer*", "The estimated amount*", "The competitor's margin"],
    ),
    ("Who answers a technical question about a deployment?", ["Technical support*", "Accounting"]),
]
COURSES = [
    # code, title, language, roles, tiers (names), modules, quiz
    (
        "vendre-meute",
        "Vendre la suite Meute",
        "fr",
        ["sales"],
        [],
        [
            (
                "La proposition de valeur",
                "## Pourquoi Meute\n\nMeute aide vos clients à **piloter leurs partenariats** : "
                "recrutement, formation, enregistrement des affaires, rémunération.\n\n"
                "- Un seul outil\n- Des données à jour\n",
            ),
            (
                "Le programme partenaires",
                "Trois niveaux : **Argent**, **Or** et **Platine**. Chaque niveau demande un chiffre "
                "d'affaires minimum et des personnes certifiées, et donne une marge plus élevée.",
            ),
        ],
        QUIZ,
    ),
    (
        "selling-meute",
        "Selling the Meute suite",
        "en",
        ["sales"],
        [],
        [
            (
                "Value proposition",
                "## Why Meute\n\nMeute helps your customers **run their partnerships** end to end.",
            ),
            ("Registering deals", "Register every opportunity early: it is protected from channel conflict."),
        ],
        QUIZ_EN,
    ),
    (
        "deployer-meute",
        "Déployer Meute chez un client",
        "fr",
        ["consultant", "technical"],
        [],
        [
            ("Installer et configurer", "Installation sur SQLite pour un essai, PostgreSQL en production."),
            (
                "Importer les données",
                "Importez organisations et contacts depuis un fichier CSV ou Excel : tout ou rien.",
            ),
        ],
        QUIZ,
    ),
    (
        "avant-vente-gold",
        "Avant-vente avancée (partenaires Gold et Platine)",
        "fr",
        ["presales"],
        ["Gold", "Platinum"],
        [
            ("Démonstrations sur mesure", "Préparez une démonstration sur les données du client."),
        ],
        [],
    ),
    (
        "vender-meute",
        "Vender la suite Meute",
        "es",
        ["sales"],
        [],
        [
            ("La propuesta de valor", "Meute ayuda a sus clientes a **gestionar sus alianzas**."),
        ],
        [],
    ),
]
STEPS = [
    ("Signer l'accord de programme", "partner", 7, "agreement"),
    ("Rencontrer l'équipe support (commercial, technique, administratif)", "vendor", 14, "manual"),
    ("Présentation du portail partenaire et des outils", "vendor", 14, "manual"),
    ("Première formation suivie", "partner", 30, "course"),
    ("Première visite client commune", "both", 45, "manual"),
    ("Premier commercial certifié", "partner", 60, "certification"),
    ("Premier deal enregistré", "partner", 60, "deal"),
]


def _quiz(module, questions):
    quiz = Quiz.objects.create(module=module, pass_mark=70, max_attempts=3)
    for position, (text, answers) in enumerate(questions, start=1):
        rights = sum(a.endswith("*") for a in answers)
        question = Question.objects.create(
            quiz=quiz, position=position, text=text, kind="multiple" if rights > 1 else "single"
        )
        Choice.objects.bulk_create(
            [
                Choice(question=question, position=i, text=a.rstrip("*"), is_correct=a.endswith("*"))
                for i, a in enumerate(answers, start=1)
            ]
        )


def populate_demo(today: datetime.date | None = None, journeys: int = 40) -> dict:
    today = today or timezone.localdate()
    now = timezone.now()
    program = Program.objects.filter(code="partenaires").first()
    tiers = {t.name: t for t in program.tiers.all()} if program else {}
    courses = {}
    for code, title, language, roles, tier_names, modules, quiz in COURSES:
        course = Course.objects.create(
            code=code,
            title=title,
            language=language,
            roles=roles,
            is_published=True,
            duration_minutes=45,
            summary=modules[0][1].split("\n")[0].lstrip("# "),
        )
        course.tiers.set([tiers[n] for n in tier_names if n in tiers])
        for position, (module_title, body) in enumerate(modules, start=1):
            Module.objects.create(
                course=course, position=position, title=module_title, body=body, estimated_minutes=15
            )
        if quiz:
            exam = Module.objects.create(
                course=course, position=len(modules) + 1, title="Quiz" if language == "en" else "Évaluation"
            )
            _quiz(exam, quiz)
        courses[code] = course
    sales = Certification.objects.create(
        code="meute-sales",
        name="Meute Sales Certified",
        role="sales",
        validity_months=24,
        description="Commerciaux formés à la suite Meute et au programme partenaires.",
    )
    sales.courses.add(courses["vendre-meute"])
    consultant = Certification.objects.create(
        code="meute-consultant",
        name="Meute Consultant Certified",
        role="consultant",
        validity_months=24,
    )
    consultant.courses.add(courses["deployer-meute"])
    start = timezone.make_aware(
        datetime.datetime.combine(today + datetime.timedelta(days=21), datetime.time(9))
    )
    CourseSession.objects.create(
        course=courses["avant-vente-gold"],
        mode="in_person",
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=7),
        location="Lyon, siège de l'éditeur",
        seats=12,
        trainer="Équipe avant-vente",
    )
    CourseSession.objects.create(
        course=courses["vendre-meute"],
        mode="online",
        starts_at=start + datetime.timedelta(days=7),
        ends_at=start + datetime.timedelta(days=7, hours=2),
        online_url="https://meet.example.org/meute",
        seats=30,
    )

    generic = JourneyTemplate.objects.create(name="Parcours d'intégration partenaire", program=program)
    reseller = JourneyTemplate.objects.create(
        name="Parcours d'intégration revendeur", program=program, partner_type="reseller"
    )
    for template in (generic, reseller):
        TemplateStep.objects.bulk_create(
            [
                TemplateStep(
                    template=template,
                    position=i,
                    title=title,
                    owner_side=side,
                    due_days=days,
                    evidence_kind=kind,
                    course=courses["vendre-meute"] if kind == "course" else None,
                )
                for i, (title, side, days, kind) in enumerate(STEPS, start=1)
            ]
        )
    channel = list(
        Partnership.objects.filter(kind=PartnershipKind.CHANNEL, status=PartnershipStatus.ACTIVE).order_by(
            "pk"
        )[:journeys]
    )
    for index, partnership in enumerate(channel):
        journey = start_journey(partnership, None, today - datetime.timedelta(days=index % 50))
        done = list(journey.steps.order_by("position")[: index % 5])
        journey.steps.filter(pk__in=[s.pk for s in done]).update(
            status=StepStatus.DONE, completed_on=today, evidence="Fait (données de démonstration)."
        )

    published = now - datetime.timedelta(days=3)
    europe = Territory.objects.filter(code="europe").first() or Territory.objects.filter(kind="zone").first()
    items = [
        (
            "announcement",
            "Nouvelle version 4.2 de la suite Meute",
            "fr",
            [],
            [],
            "Tableaux de bord et import plus rapide.",
        ),
        ("announcement", "Meute 4.2 is out", "en", [], [], "Faster imports and new dashboards."),
        ("announcement", "Meute 4.2 ya está disponible", "es", [], [], "Importaciones más rápidas."),
        (
            "promotion",
            "Remise de 15 % sur les licences pour les partenaires Gold",
            "fr",
            ["Gold", "Platinum"],
            [],
            "Jusqu'à la fin du trimestre.",
        ),
        (
            "promotion",
            "Offre revendeurs : kit de démonstration offert",
            "",
            [],
            ["reseller"],
            "Pour toute première commande.",
        ),
        ("document", "Fiche produit Meute", "fr", [], [], "La fiche à remettre à vos clients."),
        (
            "procedure",
            "Enregistrer une affaire pas à pas",
            "fr",
            [],
            [],
            "Le mode opératoire de l'enregistrement des affaires.",
        ),
        ("programme", "Rappel du programme partenaires", "fr", [], [], "Niveaux, avantages et obligations."),
    ]
    for kind, title, language, tier_names, types, summary in items:
        item = ContentItem.objects.create(
            kind=kind,
            title=title,
            language=language,
            partner_types=types,
            summary=summary,
            body=f"{summary}\n\n{title}.",
            publish_at=published,
        )
        item.tiers.set([tiers[n] for n in tier_names if n in tiers])
        if kind == "promotion" and europe:
            item.territories.set([europe])
    SupportContact.objects.bulk_create(
        [
            SupportContact(
                kind="sales",
                name="Claire Fontaine",
                email="partenaires@meute.example",
                phone="+33 4 72 00 00 01",
                hours="9 h – 18 h",
            ),
            SupportContact(
                kind="technical",
                name="Hugo Marchand",
                email="support@meute.example",
                phone="+33 4 72 00 00 02",
                hours="8 h – 20 h",
            ),
            SupportContact(
                kind="administrative",
                name="Administration des ventes",
                email="adv@meute.example",
                language="fr",
            ),
        ]
    )
    enrolled = _enrolments(courses["vendre-meute"], today)
    return {"courses": len(courses), "journeys": Journey.objects.count(), "enrolments": enrolled}


def _enrolments(course, today) -> int:
    """One person of every tenth partner organisation follows the sales course, halfway through."""
    partners = (
        PartnershipParty.objects.filter(partnership__kind=PartnershipKind.CHANNEL)
        .exclude(role=PartyRole.OPERATOR)
        .values("organization_id")
    )
    people = (
        list(
            Person.objects.filter(organization_id__in=partners, is_active=True)
            .order_by("organization_id", "pk")
            .distinct("organization_id")
            .values_list("pk", flat=True)
        )
        if _distinct_on()
        else _first_people(partners)
    )
    chosen = people[::10]
    rows = [
        Enrolment(
            course=course,
            person_id=pk,
            status=EnrolmentStatus.IN_PROGRESS,
            due_date=today + datetime.timedelta(days=30 + i % 60),
        )
        for i, pk in enumerate(chosen)
    ]
    insert_objects(Enrolment, rows)
    first = course.modules.order_by("position").first()
    enrolments = Enrolment.objects.filter(course=course).values_list("pk", flat=True)
    insert_objects(
        ModuleProgress,
        [
            ModuleProgress(enrolment_id=pk, module=first, completed_at=timezone.now())
            for pk in enrolments[::2]
        ],
    )
    return len(rows)


def _distinct_on() -> bool:
    from django.db import connection

    return connection.vendor == "postgresql"


def _first_people(partners) -> list[int]:
    seen, result = set(), []
    for pk, organization_id in (
        Person.objects.filter(organization_id__in=partners, is_active=True)
        .order_by("organization_id", "pk")
        .values_list("pk", "organization_id")
        .iterator(chunk_size=5000)
    ):
        if organization_id not in seen:
            seen.add(organization_id)
            result.append(pk)
    return result
