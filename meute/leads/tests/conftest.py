import datetime

import pytest
import time_machine

from meute.core.factories import ProductLineFactory, SectorFactory, TerritoryFactory
from meute.leads.models import Lead
from meute.partnerships.choices import PartnershipStatus

FROZEN = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture
def frozen():
    with time_machine.travel(FROZEN, tick=False) as traveller:
        yield traveller


@pytest.fixture
def leads_world(world, settings):
    """Two active channel partnerships: A covers Auvergne-Rhône-Alpes, B the whole of France."""
    settings.MEUTE_LEADS_MAX_OPEN = 5
    settings.MEUTE_LEADS_RESPONSE_HOURS = 48
    w = world
    w.france = TerritoryFactory(code="fr", name="France", country="FR")
    w.ara = TerritoryFactory(code="ara", name="Auvergne-Rhône-Alpes", parent=w.france)
    w.bzh = TerritoryFactory(code="bzh", name="Bretagne", parent=w.france)
    w.crm = ProductLineFactory(code="crm", name="CRM")
    w.erp = ProductLineFactory(code="erp", name="ERP")
    w.health = SectorFactory(code="health", name="Health")
    w.partnership_b.status = PartnershipStatus.ACTIVE
    w.partnership_b.save()
    w.partnership_a.territories.set([w.ara])
    w.partnership_b.territories.set([w.france])
    for partnership in (w.partnership_a, w.partnership_b):
        partnership.product_lines.set([w.crm, w.erp])
    return w


@pytest.fixture
def make_lead(leads_world):
    def make(**fields):
        product_lines = fields.pop("product_lines", [])
        values = {"company_name": "Dupont Industries", "city": "Lyon", "territory": leads_world.ara}
        values.update(fields)
        lead = Lead.objects.create(**values)
        lead.product_lines.set(product_lines)
        return lead

    return make
