"""The deterministic demo data generator.

A French software vendor (the operator) runs a partner programme: partner organisations with their
contacts, one channel partnership each with the operator (some have a second one), and a few groupings of
independent members (pack, tribe, extended organisation). Everything derives from one seed: the same seed
gives the same names, identifiers and numbers.

Rows are produced and written by chunks with ``bulk_create`` (no per-row query), so the large size
(100,000 organisations, 300,000 people, 120,000 partnerships) stays fast and its memory bounded.
"""

import math
import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db import connection, transaction
from django.test.utils import override_settings
from django.utils.text import slugify
from faker import Faker

from meute.core.audit import log_bulk_create
from meute.core.choices import CompanySize, GrowthTrend, PartnerType, TerritoryKind
from meute.core.models import (
    Organization,
    OrganizationPartnerType,
    Person,
    ProductLine,
    Sector,
    Tag,
    Territory,
)
from meute.core.progress import progress_bar
from meute.demo import identifiers, reference
from meute.partnerships.choices import (
    CollaborationModel,
    GroupingLevel,
    InvolvementLevel,
    LifecycleStage,
    PartnershipKind,
    PartnershipStatus,
    PartyRole,
)
from meute.partnerships.models import Partnership, PartnershipParty
from meute.partnerships.summary import refresh_partnership_summary

DEMO_SEED = 20_250_601
REFERENCE_DATE = date(2025, 6, 30)
CHUNK = 1000
BATCH_SIZE = 2000


@dataclass(frozen=True)
class DemoSize:
    organizations: int  # partner organisations, independent members included
    people: tuple  # contacts per partner organisation (min, max)
    partnerships: int  # channel partnerships and groupings together (approximate)
    groupings: int
    members: tuple  # members per grouping (min, max)
    audit: bool = True


SIZES = {
    # "tiny" is for tests; the documented sizes are small, medium and large.
    "tiny": DemoSize(12, (2, 3), 14, 1, (3, 3)),
    "small": DemoSize(200, (2, 5), 220, 4, (3, 6)),
    "medium": DemoSize(5_000, (2, 5), 5_500, 20, (3, 6)),
    "large": DemoSize(100_000, (2, 4), 120_000, 200, (3, 6), audit=False),
}
PUBLIC_SIZES = ("small", "medium", "large")


@dataclass
class DemoResult:
    organizations: int = 0
    people: int = 0
    partnerships: int = 0
    groupings: int = 0
    deals: int = 0
    partner_organization: Organization | None = None


STATUS_WEIGHTS = {
    PartnershipStatus.ACTIVE: 46,
    PartnershipStatus.PROSPECT: 18,
    PartnershipStatus.TRIAL: 12,
    PartnershipStatus.SUSPENDED: 8,
    PartnershipStatus.ENDED: 16,
}
STAGES_BY_STATUS = {
    PartnershipStatus.PROSPECT: [LifecycleStage.PROFILING, LifecycleStage.DESIGN, LifecycleStage.RECRUITMENT],
    PartnershipStatus.TRIAL: [LifecycleStage.RECRUITMENT, LifecycleStage.ONBOARDING],
    PartnershipStatus.ACTIVE: [
        LifecycleStage.ONBOARDING,
        LifecycleStage.SUPPORT,
        LifecycleStage.SUPPORT,
        LifecycleStage.SUPPORT,
        LifecycleStage.EXTENDED_ENTERPRISE,
    ],
    PartnershipStatus.SUSPENDED: [LifecycleStage.SUPPORT, LifecycleStage.ONBOARDING],
    PartnershipStatus.ENDED: [LifecycleStage.SUPPORT, LifecycleStage.EXTENDED_ENTERPRISE],
}
PARTNER_TYPE_WEIGHTS = {
    PartnerType.RESELLER: 30,
    PartnerType.SYSTEM_INTEGRATOR: 22,
    PartnerType.REFERRER: 14,
    PartnerType.VAR: 12,
    PartnerType.TECHNOLOGY_PROVIDER: 8,
    PartnerType.SOFTWARE_PUBLISHER: 7,
    PartnerType.DISTRIBUTOR: 4,
    PartnerType.MANUFACTURER: 3,
}
MODEL_BY_TYPE = {
    PartnerType.REFERRER: CollaborationModel.REFERRAL,
    PartnerType.TECHNOLOGY_PROVIDER: CollaborationModel.TECHNOLOGY_INTEGRATION,
    PartnerType.SOFTWARE_PUBLISHER: CollaborationModel.TECHNOLOGY_INTEGRATION,
    PartnerType.MANUFACTURER: CollaborationModel.OEM,
}
EXTRA_MODELS = [
    CollaborationModel.JOINT_CAMPAIGN,
    CollaborationModel.MARKETING_COOPERATION,
    CollaborationModel.TECHNOLOGY_INTEGRATION,
    CollaborationModel.PARTIAL_SALES_INTEGRATION,
    CollaborationModel.REFERRAL,
]
GROUPING_MODELS = [
    CollaborationModel.REFERRAL,
    CollaborationModel.JOINT_CAMPAIGN,
    CollaborationModel.MARKETING_COOPERATION,
    CollaborationModel.PARTIAL_SALES_INTEGRATION,
    CollaborationModel.GIE,
    CollaborationModel.CROSS_SHAREHOLDING,
]
GROUPING_LEVELS = [GroupingLevel.PACK, GroupingLevel.TRIBE, GroupingLevel.EXTENDED_ORGANIZATION]
GROWTH_WEIGHTS = {
    GrowthTrend.STABLE: 40,
    GrowthTrend.GROWING: 33,
    GrowthTrend.STRONG_GROWTH: 10,
    GrowthTrend.DECLINING: 14,
    "": 3,
}
CONTACT_ROLES = ["sales_rep", "consultant", "engineer", "marketer", "trainer", "assistant", "manager"]
INDEPENDENT_TITLES = [
    "Consultant indépendant",
    "Coach de dirigeants",
    "Manager de transition",
    "Experte en stratégie commerciale",
    "Directeur financier à temps partagé",
    "Consultante RH",
]


def _weighted(rng, weights: dict):
    return rng.choices(list(weights), weights=list(weights.values()), k=1)[0]


class _Pools:
    """Names, streets and cities drawn once per locale from Faker, then combined at random (fast)."""

    def __init__(self, seed: int):
        self.by_locale = {}
        locales = ["fr_FR"] + [spec[0] for spec in reference.FOREIGN.values()]
        for index, locale in enumerate(locales):
            fake = Faker(locale)
            fake.seed_instance(seed + index)
            size = 600 if locale == "fr_FR" else 150
            self.by_locale[locale] = {
                "first": list(dict.fromkeys(fake.first_name() for _ in range(size))),
                "last": list(dict.fromkeys(fake.last_name() for _ in range(size))),
                "street": list(dict.fromkeys(fake.street_name() for _ in range(size // 2))),
                "city": [(fake.city(), fake.postcode()) for _ in range(40)],
            }


class DemoGenerator:
    def __init__(self, size: str = "small", seed: int = DEMO_SEED, progress: bool = False, audit=None):
        self.spec = SIZES[size]
        self.size = size
        self.seed = seed
        self.rng = random.Random(seed)
        self.progress = progress
        self.audit = self.spec.audit if audit is None else audit
        self.pools = _Pools(seed)
        self.identifier_offset = self.rng.randrange(10**7, 9 * 10**7)
        self.used_domains = set()
        self.result = DemoResult()

    # ------------------------------------------------------------------ reference data and operator

    def _write(self, model, objects):
        model.objects.bulk_create(objects, batch_size=BATCH_SIZE)
        if self.audit and objects:
            log_bulk_create(objects)
        return objects

    def create_reference_data(self):
        def countries_in(language):
            from django.utils import translation
            from django_countries import countries

            with translation.override(language):
                return {code: str(name) for code, name in countries}

        europe = self._write(
            Territory, [Territory(code=c, name=n, kind=TerritoryKind.ZONE) for c, n in reference.ZONES]
        )[0]
        countries = self._write(
            Territory,
            [
                Territory(
                    code=c,
                    name=n,
                    name_en=str(countries_in("en").get(iso, "")),
                    kind=TerritoryKind.COUNTRY,
                    country=iso,
                    parent=europe,
                )
                for c, n, iso in reference.COUNTRIES
            ],
        )
        self.country_territory = {t.country.code: t for t in countries}
        france = self.country_territory["FR"]
        regions = self._write(
            Territory,
            [
                Territory(code=c, name=n, kind=TerritoryKind.REGION, country="FR", parent=france)
                for c, n in reference.FRENCH_REGIONS
            ],
        )
        self.regions = {t.code: t for t in regions}
        self.product_lines = self._write(
            ProductLine, [ProductLine(code=c, name=n, description=d) for c, n, d in reference.PRODUCT_LINES]
        )
        self.sectors = self._write(
            Sector,
            [Sector(code=c, name=n, name_en=reference.SECTOR_NAMES_EN[c]) for c, n in reference.SECTORS],
        )
        self.tags = self._write(
            Tag, [Tag(code=c, name=n, name_en=reference.TAG_NAMES_EN[c]) for c, n in reference.TAGS]
        )

    def create_operator(self):
        data = dict(reference.OPERATOR)
        siren = identifiers.siren(0, self.identifier_offset)
        region = self.regions[data.pop("region")]
        operator = Organization(
            is_operator=True,
            siren=siren,
            siret=identifiers.siret(siren, 12),
            vat_number=identifiers.french_vat(siren),
            country="FR",
            region=region,
            growth_trend=GrowthTrend.GROWING,
            company_sizes=[CompanySize.SME, CompanySize.MID_MARKET],
            annual_revenue=Decimal(data.pop("annual_revenue")),
            market_share=Decimal(data.pop("market_share")),
            **data,
        )
        operator.search_text = operator.build_search_text()
        self._write(Organization, [operator])
        self.used_domains.add(operator.email_domain)
        staff = []
        for first, last, role, title in reference.OPERATOR_STAFF:
            department = reference.JOB_TITLES[role][0]
            staff.append(
                self._person(operator, first, last, role, department, title, operator.email_domain, set())
            )
        self._write(Person, staff)
        self.operator = operator
        self.operator_alliance_managers = [p for p in staff if p.role == "alliance_manager"]

    # ------------------------------------------------------------------ partner organisations

    def _country(self):
        weights = {"FR": reference.FRENCH_WEIGHT, **reference.FOREIGN_WEIGHTS}
        return _weighted(self.rng, weights)

    def _domain(self, name, tld):
        base = slugify(name)[:40].strip("-") or "partenaire"
        domain, counter = f"{base}.{tld}", 1
        while domain in self.used_domains:
            counter += 1
            domain = f"{base}-{counter}.{tld}"
        self.used_domains.add(domain)
        return domain

    def _organization(self, index: int, independent: bool):
        rng = self.rng
        country = "FR" if independent else self._country()
        locale = "fr_FR" if country == "FR" else reference.FOREIGN[country][0]
        pool = self.pools.by_locale[locale]
        last = rng.choice(pool["last"])
        first = rng.choice(pool["first"])
        if country == "FR":
            city, postal_code, region_code, area = rng.choice(reference.FRENCH_CITIES)
            region = self.regions[region_code]
            tld, legal_forms = "fr", reference.FRENCH_LEGAL_FORMS
            phone = f"+33 {area} " + " ".join(f"{rng.randrange(100):02d}" for _ in range(4))
            activity = rng.choice(reference.ACTIVITY_WORDS)
            patterns = reference.INDEPENDENT_PATTERNS if independent else reference.NAME_PATTERNS
        else:
            city, postal_code = rng.choice(pool["city"])
            region = self.country_territory[country]
            _locale, legal_forms, tld, prefix = reference.FOREIGN[country]
            phone = f"{prefix} " + " ".join(f"{rng.randrange(1000):03d}" for _ in range(3))
            activity = rng.choice(reference.ACTIVITY_WORDS_EN)
            patterns = reference.FOREIGN_NAME_PATTERNS
        name = rng.choice(patterns).format(
            first=first,
            last=last,
            activity=activity,
            activity_en=activity,
            city_word=city.split()[0].split("-")[0],
            initials="".join(rng.choice("ABCDEFGHIJKLMNOPRSTV") for _ in range(rng.choice((2, 3)))),
        )[:200]
        legal_name = "EI " + f"{first} {last}" if independent else f"{name} {rng.choice(legal_forms)}"
        siren = siret = vat = ""
        if country == "FR":
            siren = identifiers.siren(index, self.identifier_offset)
            if rng.random() < 0.9:
                siret = identifiers.siret(siren, rng.randint(1, 80))
            vat = identifiers.french_vat(siren)
        else:
            vat = identifiers.foreign_vat(country, index, self.identifier_offset)
        domain = self._domain(name, tld)
        if independent:
            headcount, sales, engineers = 1, rng.choice((0, 1)), 0
            partner_types = [PartnerType.INDEPENDENT]
            revenue = Decimal(rng.randrange(60, 250) * 1000)
            share = None
        else:
            headcount = max(2, min(8000, int(math.exp(rng.gauss(3.2, 1.2)))))
            sales = rng.randint(1, max(1, headcount // 3))
            engineers = rng.randint(0, headcount - sales)
            partner_types = self._partner_types()
            revenue = Decimal(headcount * rng.randint(70, 190) * 1000 + rng.randrange(100) * 10)
            share = Decimal(rng.randint(1, 600)) / 100 if rng.random() < 0.7 else None
        organization = Organization(
            name=name,
            legal_name=legal_name[:200],
            siren=siren,
            siret=siret,
            vat_number=vat,
            website=f"https://www.{domain}",
            email_domain=domain,
            phone=phone,
            address=f"{rng.randint(1, 180)} {rng.choice(pool['street'])}"[:255],
            postal_code=postal_code[:12],
            city=city[:100],
            country=country,
            region=region,
            headcount=headcount,
            sales_headcount=sales,
            engineer_headcount=engineers,
            annual_revenue=revenue.quantize(Decimal("0.01")),
            market_share=share.quantize(Decimal("0.01")) if share is not None else None,
            growth_trend=_weighted(rng, GROWTH_WEIGHTS),
            company_sizes=self._company_sizes(),
        )
        organization.search_text = organization.build_search_text()
        relations = {
            "partner_types": partner_types,
            "tags": rng.sample(self.tags, rng.choice((0, 0, 1, 1, 2))),
            "markets": rng.sample(self.sectors, rng.randint(1, 3)),
            "geographies": [region],
            "offerings": rng.sample(self.product_lines, rng.randint(1, 3)),
        }
        if independent:
            relations["tags"] = [t for t in self.tags if t.code == "reseau-independants"]
        organization.description = self._description(organization, relations, independent)
        return organization, relations, first, last

    def _partner_types(self):
        first = _weighted(self.rng, PARTNER_TYPE_WEIGHTS)
        types = [first]
        if self.rng.random() < 0.3:
            second = _weighted(self.rng, PARTNER_TYPE_WEIGHTS)
            if second != first:
                types.append(second)
        return types

    def _company_sizes(self):
        sizes = [CompanySize.SME]
        for size, chance in (
            (CompanySize.MICRO, 0.3),
            (CompanySize.MID_MARKET, 0.4),
            (CompanySize.PUBLIC, 0.15),
        ):
            if self.rng.random() < chance:
                sizes.append(size)
        if self.rng.random() < 0.05:
            sizes.append(CompanySize.LARGE)
        return [s.value for s in CompanySize if s in sizes]

    def _description(self, organization, relations, independent):
        offerings = " et ".join(p.name for p in relations["offerings"][:2])
        place = organization.region.name if organization.region else organization.city
        if independent:
            return f"Professionnel indépendant membre du réseau, basé à {organization.city}."
        labels = {
            PartnerType.RESELLER: "Revendeur",
            PartnerType.SYSTEM_INTEGRATOR: "Intégrateur",
            PartnerType.REFERRER: "Apporteur d'affaires",
            PartnerType.VAR: "Revendeur à valeur ajoutée",
            PartnerType.TECHNOLOGY_PROVIDER: "Fournisseur de technologie",
            PartnerType.SOFTWARE_PUBLISHER: "Éditeur partenaire",
            PartnerType.DISTRIBUTOR: "Grossiste",
            PartnerType.MANUFACTURER: "Constructeur",
        }
        kind = labels.get(relations["partner_types"][0], "Partenaire")
        return f"{kind} des solutions {offerings} ({place})."

    def _person(self, organization, first, last, role, department, title, domain, used_emails):
        local = f"{slugify(first)}.{slugify(last)}".replace("-", "") or "contact"
        email, counter = f"{local}@{domain}", 1
        while email in used_emails:
            counter += 1
            email = f"{local}{counter}@{domain}"
        used_emails.add(email)
        phone = organization.phone
        if organization.country.code == "FR":
            phone = f"+33 {self.rng.choice('67')} " + " ".join(
                f"{self.rng.randrange(100):02d}" for _ in range(4)
            )
        person = Person(
            organization=organization,
            first_name=first[:80],
            last_name=last[:80],
            email=email,
            phone=phone,
            job_title=title,
            role=role,
            department=department,
            linkedin_url=(
                f"https://www.linkedin.com/in/{slugify(first)}-{slugify(last)}-{self.rng.randrange(16**6):06x}"
                if self.rng.random() < 0.35
                else ""
            ),
            is_active=self.rng.random() > 0.04,
        )
        person.search_text = person.build_search_text()
        return person

    def _contacts(self, organization, first, last, independent):
        rng = self.rng
        locale = "fr_FR"
        if organization.country.code != "FR":
            locale = reference.FOREIGN[organization.country.code][0]
        pool = self.pools.by_locale[locale]
        used = set()
        domain = organization.email_domain
        if independent:
            title = rng.choice(INDEPENDENT_TITLES)
            return [self._person(organization, first, last, "executive", "management", title, domain, used)]
        count = rng.randint(*self.spec.people)
        roles = ["executive", "alliance_manager"] + [rng.choice(CONTACT_ROLES) for _ in range(count - 2)]
        people = []
        for index, role in enumerate(roles[:count]):
            department, titles = reference.JOB_TITLES[role]
            if index == 0:
                person_first, person_last = first, last
            else:
                person_first, person_last = rng.choice(pool["first"]), rng.choice(pool["last"])
            people.append(
                self._person(
                    organization,
                    person_first,
                    person_last,
                    role,
                    department,
                    rng.choice(titles),
                    domain,
                    used,
                )
            )
        return people

    # ------------------------------------------------------------------ partnerships

    def _dates(self, status):
        rng = self.rng
        if status == PartnershipStatus.PROSPECT:
            return None, None
        if status == PartnershipStatus.TRIAL:
            return REFERENCE_DATE - timedelta(days=rng.randint(20, 120)), None
        start = REFERENCE_DATE - timedelta(days=rng.randint(120, 3200))
        if status == PartnershipStatus.ENDED:
            end = min(REFERENCE_DATE, start + timedelta(days=rng.randint(180, 1500)))
            return start, end
        return start, None

    def _channel_partnership(self, organization, relations, alliance_manager, model=None, status=None):
        rng = self.rng
        if model is None:
            model = CollaborationModel.CHANNEL_AGREEMENT
            for partner_type in relations["partner_types"]:
                if partner_type in MODEL_BY_TYPE and rng.random() < 0.7:
                    model = MODEL_BY_TYPE[partner_type]
                    break
        status = status or _weighted(rng, STATUS_WEIGHTS)
        stage = rng.choice(STAGES_BY_STATUS[status])
        start, end = self._dates(status)
        offerings = relations["offerings"]
        partnership = Partnership(
            # Named after the partner and the year it began: a name reads the same in every language (the
            # collaboration model is shown beside it, translated).
            name=f"{organization.name} {start.year}"[:200] if start else organization.name[:200],
            kind=PartnershipKind.CHANNEL,
            collaboration_model=model,
            stage=stage,
            status=status,
            start_date=start,
            end_date=end,
            objectives=(
                f"Chiffre d'affaires annuel de {rng.randint(2, 60) * 10} k€ sur "
                f"{', '.join(p.name for p in offerings)} ; {rng.randint(1, 5)} personnes certifiées."
            ),
        )
        parties = [
            PartnershipParty(
                organization=self.operator,
                role=PartyRole.OPERATOR,
                involvement=InvolvementLevel.COMMITTED,
                alliance_manager=rng.choice(self.operator_alliance_managers),
            ),
            PartnershipParty(
                organization=organization,
                role=PartyRole.PARTNER,
                involvement=_weighted(
                    rng,
                    {
                        InvolvementLevel.OCCASIONAL: 20,
                        InvolvementLevel.REGULAR: 45,
                        InvolvementLevel.COMMITTED: 25,
                        InvolvementLevel.INTEGRATED: 10,
                    },
                ),
                alliance_manager=alliance_manager,
            ),
        ]
        boundaries = {
            "territories": relations["geographies"],
            "product_lines": offerings,
            "sectors": relations["markets"][:2],
        }
        return partnership, parties, boundaries

    def _write_partnerships(self, items):
        partnerships = [item[0] for item in items]
        self._write(Partnership, partnerships)
        parties = []
        through_rows = {name: [] for name in ("territories", "product_lines", "sectors")}
        columns = {"territories": "territory_id", "product_lines": "productline_id", "sectors": "sector_id"}
        for partnership, seats, boundaries in items:
            for seat in seats:
                seat.partnership = partnership
                parties.append(seat)
            for name, targets in boundaries.items():
                model = getattr(Partnership, name).through
                for target in targets:
                    through_rows[name].append(
                        model(partnership_id=partnership.pk, **{columns[name]: target.pk})
                    )
        self._write(PartnershipParty, parties)
        for name, rows in through_rows.items():
            getattr(Partnership, name).through.objects.bulk_create(rows, batch_size=BATCH_SIZE)
        self.result.partnerships += len(partnerships)

    # ------------------------------------------------------------------ main loop

    def _write_organizations(self, batch):
        organizations = [item[0] for item in batch]
        self._write(Organization, organizations)
        types, links = [], {name: [] for name in ("tags", "markets", "geographies", "offerings")}
        columns = {
            "tags": "tag_id",
            "markets": "sector_id",
            "geographies": "territory_id",
            "offerings": "productline_id",
        }
        for organization, relations, *_rest in batch:
            for partner_type in relations["partner_types"]:
                types.append(
                    OrganizationPartnerType(organization_id=organization.pk, partner_type=partner_type)
                )
            for name in links:
                model = getattr(Organization, name).through
                for target in relations[name]:
                    links[name].append(model(organization_id=organization.pk, **{columns[name]: target.pk}))
        OrganizationPartnerType.objects.bulk_create(types, batch_size=BATCH_SIZE)
        for name, rows in links.items():
            getattr(Organization, name).through.objects.bulk_create(rows, batch_size=BATCH_SIZE)
        self.result.organizations += len(organizations)

    def create_partners(self):
        spec = self.spec
        n_members = min(spec.organizations // 4, spec.groupings * 4)
        n_partners = spec.organizations - n_members
        extra = max(0, spec.partnerships - spec.groupings - n_partners)
        extra_chance = extra / n_partners if n_partners else 0
        self.members = []  # (organization, person)
        bar = progress_bar(total=spec.organizations, desc="Demo data", enabled=self.progress, unit="orgs")
        for start in range(0, spec.organizations, CHUNK):
            batch = []
            for index in range(start, min(start + CHUNK, spec.organizations)):
                independent = index >= n_partners
                batch.append((*self._organization(index + 1, independent), independent))
            self._write_organizations(batch)
            people, partnerships = [], []
            for organization, relations, first, last, independent in batch:
                contacts = self._contacts(organization, first, last, independent)
                people.extend(contacts)
                if independent:
                    self.members.append((organization, contacts[0]))
                    continue
                manager = next((p for p in contacts if p.role == "alliance_manager"), contacts[0])
                forced = PartnershipStatus.ACTIVE if self.result.partner_organization is None else None
                partnerships.append(
                    self._channel_partnership(organization, relations, manager, status=forced)
                )
                if forced:
                    self.result.partner_organization = organization
                if self.rng.random() < extra_chance:
                    model = self.rng.choice(EXTRA_MODELS)
                    partnerships.append(
                        self._channel_partnership(organization, relations, manager, model=model)
                    )
            self._write(Person, people)
            self.result.people += len(people)
            self._write_partnerships(partnerships)
            bar.update(len(batch))
        bar.close()

    def create_groupings(self):
        rng = self.rng
        if not self.members:
            return
        items = []
        for number in range(self.spec.groupings):
            size = min(len(self.members), rng.randint(*self.spec.members))
            chosen = rng.sample(self.members, size)
            level = GROUPING_LEVELS[number % len(GROUPING_LEVELS)]
            model = rng.choice(GROUPING_MODELS)
            status = rng.choice([PartnershipStatus.ACTIVE, PartnershipStatus.ACTIVE, PartnershipStatus.TRIAL])
            start, end = self._dates(status)
            base = reference.GROUPING_NAMES[number % len(reference.GROUPING_NAMES)]
            name = (
                base
                if number < len(reference.GROUPING_NAMES)
                else f"{base} {number // len(reference.GROUPING_NAMES) + 1}"
            )
            partnership = Partnership(
                name=name,
                kind=PartnershipKind.GROUPING,
                grouping_level=level,
                collaboration_model=model,
                stage={
                    GroupingLevel.PACK: LifecycleStage.RECRUITMENT,
                    GroupingLevel.TRIBE: LifecycleStage.SUPPORT,
                    GroupingLevel.EXTENDED_ORGANIZATION: LifecycleStage.EXTENDED_ENTERPRISE,
                }[level],
                status=status,
                start_date=start,
                end_date=end,
                objectives=(
                    "Ambition commune : répondre ensemble aux appels d'offres des ETI de la région ; "
                    f"{rng.randint(3, 12)} missions communes par an."
                ),
            )
            seats = []
            for position, (organization, person) in enumerate(chosen):
                seats.append(
                    PartnershipParty(
                        organization=organization,
                        role=PartyRole.COORDINATOR if position == 0 else PartyRole.MEMBER,
                        involvement=(
                            InvolvementLevel.INTEGRATED
                            if position == 0
                            else rng.choice(
                                [
                                    InvolvementLevel.OCCASIONAL,
                                    InvolvementLevel.REGULAR,
                                    InvolvementLevel.COMMITTED,
                                ]
                            )
                        ),
                        alliance_manager=person,
                    )
                )
            territories = [chosen[0][0].region] if chosen[0][0].region else []
            items.append(
                (partnership, seats, {"territories": territories, "product_lines": [], "sectors": []})
            )
        self._write_partnerships(items)
        self.result.groupings = len(items)

    def create_activity(self):
        """What the capabilities built on the directory hold: the programme, deals and their events.

        Demo events notify in-app as usual but are not e-mailed (nobody is on the other end).
        """
        from meute.demo import campaigns as campaigns_demo
        from meute.demo import collaboration as collaboration_demo
        from meute.demo import deals as deals_demo
        from meute.demo import enablement as enablement_demo
        from meute.demo import funds as funds_demo
        from meute.demo import groupings as groupings_demo
        from meute.demo import insights as insights_demo
        from meute.demo import leads as leads_demo
        from meute.demo import programs as programs_demo
        from meute.demo import recruitment as recruitment_demo
        from meute.demo import remuneration as remuneration_demo

        rng = random.Random(self.seed + 1)
        people = Person.objects.count()
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
            programs_demo.populate_demo(rng)
            self.result.deals = deals_demo.populate_demo(rng)
            leads_demo.populate_demo()
            groupings_demo.populate_demo(rng, proposals=20)
            collaboration_demo.populate_demo()
            remuneration_demo.populate_demo()
            enablement_demo.populate_demo(journeys=40 if self.size == "large" else 20)
            funds_demo.populate_demo()
            campaigns_demo.populate_demo()
            insights_demo.populate_demo(history_weeks=1 if self.size == "large" else 4)
            recruitment_demo.populate_demo()
        self.result.people += Person.objects.count() - people  # certified staff of big partners

    @staticmethod
    def _analyze():
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

    @transaction.atomic
    def run(self) -> DemoResult:
        self.create_reference_data()
        self.create_operator()
        self.create_partners()
        self.create_groupings()
        # The tables were empty when this transaction began: without fresh statistics the planner would
        # scan the parties once per organisation in the summary below (hours at the large size).
        self._analyze()
        # Partnerships were written in bulk (no signals): compute every organisation's summary once.
        refresh_partnership_summary()
        self.create_activity()
        # Fresh statistics, so the query planner knows the tables' new sizes from the first request.
        self._analyze()
        self.result.organizations += 1  # the operator
        self.result.people += len(reference.OPERATOR_STAFF)
        return self.result
