"""Demo data of the partner programme: the seed's Silver/Gold/Platinum tiers, revenue, certified people,
an evaluation already run (tiers given) and a few promotions waiting for approval, business plans; monthly
USD, GBP and CHF exchange rates into EUR, a few partners reporting in those currencies, and one record in a
currency without a rate (left out of the evaluation, which says so).

Called by the demo generator after the organisations and partnerships exist; deterministic for a seed.
"""

import datetime
import random
from decimal import Decimal

from django.db import connection
from django.utils import timezone

from meute.core.audit import log_bulk_create
from meute.core.choices import Department, PartnerType
from meute.core.models import Person
from meute.enablement.choices import CertificationSource
from meute.enablement.models import PersonCertification
from meute.lib.bulk import insert_objects
from meute.money.models import ExchangeRate
from meute.partnerships.choices import PartnershipKind, PartnershipStatus
from meute.programs.choices import CertifiedRole, CostCategory, FigureStatus, ObjectiveKind, RevenueSource
from meute.programs.evaluation import run_evaluation
from meute.programs.models import (
    PartnerMetric,
    PartnerTier,
    Program,
    ProgramCost,
    ProgramPartnerType,
    RevenueRecord,
    Tier,
)
from meute.programs.plans import add_objective, create_plan, quarter_of
from meute.programs.rule_versions import schedule_version, validate_tier

BENEFITS = [
    "Support avant-vente",
    "Marges avant et arrière",
    "Outils de vente",
    "Soutien marketing (MDF)",
    "Génération de leads",
    "Financement",
]
PARTNER_TYPES = {
    PartnerType.RESELLER: (
        "Remise selon le niveau, accès au portail, protection des affaires enregistrées.",
        "Chiffre d'affaires minimum, commerciaux certifiés, plan d'affaires annuel.",
    ),
    PartnerType.REFERRER: (
        "Commission d'apport de 5 à 20 % du montant de l'affaire.",
        "Qualifier l'opportunité et présenter le client.",
    ),
    PartnerType.SYSTEM_INTEGRATOR: (
        "Support technique prioritaire, environnement de démonstration.",
        "Consultants certifiés, méthodologie d'intégration documentée.",
    ),
    PartnerType.TECHNOLOGY_PROVIDER: (
        "Accès aux API et à la feuille de route, co-marketing.",
        "Maintenir les connecteurs à jour, documentation des interfaces.",
    ),
}
COSTS = {
    CostCategory.PROSPECTION: Decimal("60000"),
    CostCategory.RECRUITMENT: Decimal("45000"),
    CostCategory.ONBOARDING: Decimal("80000"),
    CostCategory.SUPPORT: Decimal("120000"),
    CostCategory.ANIMATION: Decimal("50000"),
}
# (name, rank, min revenue, certified per role, margin %, MDF %, protection days, lead weight, locator)
TIERS = [
    ("Silver", 1, Decimal("50000"), {}, Decimal("10"), Decimal("1"), 60, 1, False),
    ("Gold", 2, Decimal("250000"), {"sales": 3, "consultant": 2}, Decimal("20"), Decimal("2"), 90, 2, True),
    (
        "Platinum",
        3,
        Decimal("1000000"),
        {"sales": 5, "consultant": 3},
        Decimal("30"),
        Decimal("3"),
        120,
        3,
        True,
    ),
]
# Share of partners aiming at each band of yearly revenue, then how many certified people they have.
BANDS = [
    (0.30, (5_000, 45_000), (0, 1)),
    (0.40, (55_000, 240_000), (1, 3)),
    (0.22, (260_000, 900_000), (3, 5)),
    (0.08, (1_050_000, 2_400_000), (5, 7)),
]
# Monthly rates into EUR over the last two years: (currency, rate 24 months ago, monthly drift).
RATES = [("USD", Decimal("0.9310"), Decimal("-0.0021")), ("GBP", Decimal("1.1580"), Decimal("0.0017"))]
RATES.append(("CHF", Decimal("1.0240"), Decimal("0.0012")))
# Every n-th channel partnership reports its latest quarter in a foreign currency.
FOREIGN_EVERY = 9
# The most people a partner organisation has once big partners got their certified staff.
MAX_STAFF = max(people[1] for _share, _revenue, people in BANDS) + 2


def populate_demo(rng, today: datetime.date | None = None) -> Program:
    today = today or timezone.localdate()
    program = Program.objects.create(
        name="Programme Partenaires Meute",
        code="partenaires",
        value_proposition=(
            "Vendez la suite Meute avec le soutien de l'éditeur : marges croissantes selon le niveau, "
            "leads qualifiés, support avant-vente et fonds marketing."
        ),
        benefits=BENEFITS,
        segmentation_rules="Revendeurs et intégrateurs par région ; apporteurs d'affaires nationaux.",
        revenue_target=Decimal("25000000"),
        auto_apply=True,  # the first evaluation places everyone; reviews start afterwards
        demotion_grace_days=90,
    )
    for partner_type, (rights, obligations) in PARTNER_TYPES.items():
        ProgramPartnerType.objects.create(
            program=program, partner_type=partner_type, rights=rights, obligations=obligations
        )
    for category, amount in COSTS.items():
        ProgramCost.objects.create(program=program, year=today.year, category=category, amount=amount)
    for name, rank, revenue, certified, margin, mdf, days, weight, listed in TIERS:
        tier = Tier(
            program=program,
            name=name,
            rank=rank,
            min_revenue=revenue,
            min_certified=certified,
            margin_percent=margin,
            mdf_percent=mdf,
            protection_days=days,
            lead_weight=weight,
            locator_listing=listed,
            labels=[f"Partenaire {name}"],
        )
        validate_tier(tier)
        tier.save()
    partnerships = _channel_partnerships()
    members = [PartnerTier(program=program, partnership=p) for p in partnerships]
    insert_objects(PartnerTier, members)
    rates = _exchange_rates(today)
    _revenue_and_people(rng, program, partnerships, today, rates)
    _foreign_revenue(partnerships, rates)
    # Fresh statistics for the rows just written in this transaction: without them the planner met the
    # evaluation's revenue sums with a plan that ran for minutes at the large size.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    run_evaluation(program, today)
    program.auto_apply = False
    program.save(update_fields=["auto_apply", "updated_at"])
    # A few partners grew since: their promotions wait in the review queue.
    for partnership in rng.sample(partnerships, min(4, len(partnerships))):
        RevenueRecord.objects.create(
            partnership=partnership,
            period=today,
            amount=Decimal("1200000"),
            source=RevenueSource.PARTNER_REPORT,
            customer_name="Grand compte",
        )
    run_evaluation(program, today)
    # Revenue partners declared this month: it waits for a channel manager's verification before it counts.
    # (Its own random source: the rest of the data set stays as it was.)
    declaring = random.Random(len(partnerships))
    chosen = declaring.sample(partnerships, min(3, len(partnerships)))
    for partnership, customer in zip(chosen, DECLARED_CUSTOMERS, strict=False):
        RevenueRecord.objects.create(
            partnership=partnership,
            period=today,
            amount=Decimal(declaring.randint(20, 200) * 1000),
            source=RevenueSource.PARTNER_REPORT,
            customer_name=customer,
            status=FigureStatus.DECLARED,
            declared_at=timezone.now(),
        )
    _business_plans(rng, partnerships[:12], today)
    _scheduled_rules(program, today)
    return program


# The customers partners name when they declare revenue (their customers, not a label of the interface).
DECLARED_CUSTOMERS = ["Transports Morel", "Clinique des Alpes", "Menuiserie Roche"]


def _scheduled_rules(program, today):
    """Gold asks a little more from the first day of next quarter, and gives a little more margin: a version
    scheduled for later, shown on the tier's page."""
    year, quarter = quarter_of(today)
    start = datetime.date(year + quarter // 4, quarter % 4 * 3 + 1, 1)
    if start <= timezone.localdate():
        return  # a demo dated in the past: only future dates can be scheduled
    gold = program.tiers.get(name="Gold")
    schedule_version(gold, start, {"min_revenue": Decimal("275000"), "margin_percent": Decimal("22")})


def _exchange_rates(today) -> list[ExchangeRate]:
    """Rates on the first of each month for 24 months (no random draw: the rest of the demo is unchanged)."""
    first = today.replace(day=1)
    months = []
    for back in range(24, -1, -1):
        index = first.year * 12 + first.month - 1 - back
        months.append(datetime.date(index // 12, index % 12 + 1, 1))
    rates = [
        ExchangeRate(from_currency=code, to_currency="EUR", rate=start + drift * step, valid_from=day)
        for code, start, drift in RATES
        for step, day in enumerate(months)
    ]
    insert_objects(ExchangeRate, rates)
    return rates


def _in_foreign_currencies(records, partnerships, rates) -> None:
    """Some partners report their latest quarter in USD, GBP or CHF: the same value, so their tier does
    not change, converted back into EUR by the evaluation. The records are changed before they are
    written (saving them one by one afterwards took most of the programme stage at the large size)."""
    codes = [code for code, _start, _drift in RATES]
    chosen = {p.pk for p in partnerships[1::FOREIGN_EVERY]}
    latest = {}
    for record in records:
        if record.partnership_id in chosen:
            current = latest.get(record.partnership_id)
            if current is None or record.period >= current.period:
                latest[record.partnership_id] = record
    for index, partnership_id in enumerate(sorted(latest)):
        record = latest[partnership_id]
        code = codes[index % len(codes)]
        rate = max(
            (r for r in rates if r.from_currency == code and r.valid_from <= record.period),
            key=lambda r: r.valid_from,
        ).rate
        record.currency = code
        record.amount = (record.amount / rate).quantize(Decimal("0.01"))


def _foreign_revenue(partnerships, rates) -> None:
    """One partner also reports a small sale in CAD, which has no rate: the evaluation leaves it out and
    says so."""
    chosen = [p.pk for p in partnerships[1::FOREIGN_EVERY]]
    if chosen:
        RevenueRecord.objects.create(
            partnership_id=chosen[0],
            period=max(r.valid_from for r in rates),
            amount=Decimal("1500.00"),
            currency="CAD",
            source=RevenueSource.PARTNER_REPORT,
            customer_name="Client canadien",
        )


def _channel_partnerships():
    from meute.partnerships.models import Partnership

    return list(
        Partnership.objects.filter(kind=PartnershipKind.CHANNEL, status=PartnershipStatus.ACTIVE).order_by(
            "pk"
        )
    )


def _revenue_and_people(rng, program, partnerships, today, rates):
    from meute.partnerships.models import PartnershipParty

    partner_of = dict(
        PartnershipParty.objects.filter(
            partnership__in=partnerships, organization__is_operator=False
        ).values_list("partnership_id", "organization_id")
    )
    people = {}
    for person in Person.objects.filter(organization_id__in=partner_of.values()).order_by("pk"):
        people.setdefault(person.organization_id, []).append(person)
    records, certified, metrics, seen, hired = [], [], [], set(), []
    showcase = partnerships[0].pk if partnerships else None  # the demo partner login's: a Gold partner
    for partnership in partnerships:
        (low, high), (few, many) = BANDS[2][1:] if partnership.pk == showcase else _band(rng)
        yearly = Decimal(rng.randint(low, high))
        for quarter in range(4):
            period = today - datetime.timedelta(days=45 + 91 * quarter)
            amount = (yearly / 4 * Decimal(str(rng.uniform(0.7, 1.3)))).quantize(Decimal("1.00"))
            records.append(
                RevenueRecord(
                    partnership=partnership,
                    period=period,
                    amount=amount,
                    source=rng.choice([RevenueSource.PARTNER_REPORT, RevenueSource.IMPORT]),
                    customer_name="",
                )
            )
        organization_id = partner_of.get(partnership.pk)
        staff = people.setdefault(organization_id, [])
        while (
            len(staff) < many + 2 and len(staff) < MAX_STAFF
        ):  # big partners have the people their certifications name
            person = _new_person(rng, organization_id, len(staff))
            staff.append(person)
            hired.append(person)
        sales = [p for p in staff if p.department in (Department.SALES, Department.MANAGEMENT)] or staff
        others = [p for p in staff if p not in sales] or staff
        for role, pool, count in (
            (CertifiedRole.SALES, sales, rng.randint(few, many)),
            (CertifiedRole.CONSULTANT, others, rng.randint(max(0, few - 1), max(0, many - 2))),
        ):
            for person in pool[:count]:
                # One organisation may hold several partnerships. (New people have no key yet: they are
                # written together below, so they are told apart as objects.)
                if (id(person), role) in seen:
                    continue
                seen.add((id(person), role))
                certified.append(
                    PersonCertification(
                        person=person,
                        name=f"Meute {role.label} 2026",
                        role=role,
                        source=CertificationSource.IMPORTED,
                        valid_until=today + datetime.timedelta(days=rng.randint(60, 700)),
                    )
                )
        metrics.append(
            PartnerMetric(
                partnership=partnership,
                metric="satisfaction",
                period=today - datetime.timedelta(days=30),
                value=Decimal(str(round(rng.uniform(6, 9.5), 1))),
            )
        )
        metrics.append(
            PartnerMetric(
                partnership=partnership,
                metric="won_deals",
                period=today - datetime.timedelta(days=60),
                value=Decimal(int(yearly // 100_000)),
            )
        )
    # The people big partners lacked, in one bulk write with their audit entries (one save each took
    # about five minutes at the large size).
    insert_objects(Person, hired)
    log_bulk_create(hired, exclude=["search_text"])
    for certification in certified:
        certification.person_id = certification.person.pk
    _in_foreign_currencies(records, partnerships, rates)
    for model, rows in ((RevenueRecord, records), (PersonCertification, certified), (PartnerMetric, metrics)):
        insert_objects(model, rows)


FIRST_NAMES = ["Camille", "Nicolas", "Julie", "Thomas", "Léa", "Antoine", "Manon", "Hugo", "Chloé", "Lucas"]
LAST_NAMES = ["Marchand", "Faure", "Rousseau", "Blanchard", "Gaillard", "Barbier", "Arnaud", "Lemoine"]


def _new_person(rng, organization_id, index) -> Person:
    department = Department.SALES if index % 2 == 0 else Department.TECHNICAL
    person = Person(
        organization_id=organization_id,
        first_name=rng.choice(FIRST_NAMES),
        last_name=rng.choice(LAST_NAMES),
        department=department,
        job_title="Ingénieur commercial" if department == Department.SALES else "Consultant",
    )
    person.search_text = person.build_search_text()
    return person


def _band(rng):
    roll, cumulated = rng.random(), 0.0
    for share, revenue, people in BANDS:
        cumulated += share
        if roll <= cumulated:
            return revenue, people
    return BANDS[-1][1], BANDS[-1][2]


def _business_plans(rng, partnerships, today):
    year, quarter = quarter_of(today)
    for partnership in partnerships:
        plan = create_plan(
            partnership,
            letter_of_intent_date=today - datetime.timedelta(days=rng.randint(60, 300)),
            summary="Développer les ventes de la suite Meute sur le territoire du partenaire.",
        )
        version = plan.versions.get()
        target = Decimal(rng.randrange(40_000, 160_000, 5_000))
        for step in range(4):
            q = (quarter - 1 + step) % 4 + 1
            y = year + (quarter - 1 + step) // 4
            add_objective(version, year=y, quarter=q, kind=ObjectiveKind.REVENUE, target=target)
            add_objective(
                version, year=y, quarter=q, kind=ObjectiveKind.NEW_CUSTOMERS, target=Decimal(2 + step)
            )
