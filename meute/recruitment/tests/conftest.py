from types import SimpleNamespace

import pytest

from meute.core.factories import OrganizationFactory
from meute.core.models import Sector
from meute.recruitment.choices import AttributeKind, Pillar
from meute.recruitment.models import AttributeDefinition, QualificationQuestion


@pytest.fixture
def attrs(db):
    return SimpleNamespace(
        vendors=AttributeDefinition.objects.create(
            code="vendors", label="Vendors carried", kind=AttributeKind.NUMBER, minimum=0, maximum=500
        ),
        typology=AttributeDefinition.objects.create(
            code="typology",
            label="Typology",
            kind=AttributeKind.CHOICE,
            choices=["VAR", "Wholesaler", "Publisher"],
        ),
        offers=AttributeDefinition.objects.create(
            code="offers",
            label="Competing offers carried",
            kind=AttributeKind.MULTI_CHOICE,
            choices=["Sage", "Cegid", "SAP"],
        ),
        expectations=AttributeDefinition.objects.create(
            code="expectations", label="Expectations", kind=AttributeKind.TEXT
        ),
        certified=AttributeDefinition.objects.create(
            code="iso", label="ISO 27001", kind=AttributeKind.BOOLEAN
        ),
    )


@pytest.fixture
def market(world):
    """Three prospects besides the world's two partners, with hand-chosen profiles."""
    retail = Sector.objects.create(code="retail", name="Retail")
    health = Sector.objects.create(code="health", name="Health")
    w = world
    w.org_a.headcount, w.org_a.sales_headcount = 50, 10
    w.org_a.save()
    w.org_a.markets.set([retail, health])
    w.org_b.headcount = 200
    w.org_b.save()
    w.org_b.markets.set([health])
    gamma = OrganizationFactory(name="Gamma", headcount=60)
    gamma.markets.set([retail, health])
    delta = OrganizationFactory(name="Delta", headcount=None)
    epsilon = OrganizationFactory(name="Epsilon", headcount=50)
    epsilon.markets.set([retail])
    return SimpleNamespace(world=w, gamma=gamma, delta=delta, epsilon=epsilon, retail=retail, health=health)


@pytest.fixture
def questions(db):
    return [
        QualificationQuestion.objects.create(pillar=Pillar.TECHNICAL, text="Core business fits", weight=2),
        QualificationQuestion.objects.create(pillar=Pillar.HUMAN, text="Shares the same desire", weight=1),
        QualificationQuestion.objects.create(
            pillar=Pillar.COMMITMENT, text="Builds a common project", weight=1
        ),
    ]
