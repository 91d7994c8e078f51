import datetime
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from meute.core.factories import ProductLineFactory, TerritoryFactory
from meute.deals.workflow import RegistrationData

# The day the deal tests that need a clock live on (a Monday, 09:00 UTC).
FROZEN = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture
def frozen():
    with time_machine.travel(FROZEN, tick=False) as traveller:
        yield traveller


@pytest.fixture
def deals_world(world):
    """The shared world, with product lines and a French territory on both channel partnerships."""
    world.crm = ProductLineFactory(code="crm", name="CRM")
    world.erp = ProductLineFactory(code="erp", name="ERP")
    world.other_line = ProductLineFactory(code="iot", name="IoT")
    world.france = TerritoryFactory(code="fr", name="France", country="FR")
    for partnership in (world.partnership_a, world.partnership_b):
        partnership.product_lines.set([world.crm, world.erp])
        partnership.territories.set([world.france])
    return world


@pytest.fixture
def make_data(deals_world):
    def make(**overrides):
        values = {
            "customer_name": "Dupont Industries SAS",
            "amount": Decimal("25000.00"),
            "expected_close_date": timezone.localdate() + datetime.timedelta(days=60),
            "city": "Lyon",
            "postal_code": "69003",
            "website": "https://www.dupont-industries.fr",
            "contact_name": "Jeanne Dupont",
            "contact_email": "j.dupont@dupont-industries.fr",
            "product_lines": [deals_world.crm],
        }
        values.update(overrides)
        return RegistrationData(**values)

    return make
