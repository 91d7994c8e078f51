"""The main list pages read the same number of queries at n and 3n rows: a lost prefetch or a per-row
query fails here whatever cap a single-size test would allow."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from meute.core.factories import (
    OrganizationFactory,
    PersonFactory,
    ProductLineFactory,
    TagFactory,
    TerritoryFactory,
)
from meute.core.organizations import set_partner_types
from meute.deals.workflow import RegistrationData, register
from meute.leads.models import Lead
from meute.partnerships.parties import PartySpec, create_partnership

pytestmark = pytest.mark.django_db

N = 4
WORDS = [
    "Acacia", "Bouleau", "Cèdre", "Daphné", "Érable", "Frêne", "Ginkgo", "Houx", "If", "Jasmin", "Kaki",
    "Laurier", "Magnolia", "Noyer", "Olivier", "Platane",
]  # fmt: skip


def _organizations(world, start, count):
    tags = TagFactory.create_batch(2)
    for _ in range(count):
        org = OrganizationFactory()
        org.tags.set(tags)
        set_partner_types(org, ["reseller", "var"])


def _people(world, start, count):
    for _ in range(count):
        PersonFactory(organization=OrganizationFactory())


def _partnerships(world, start, count):
    for index in range(start, start + count):
        create_partnership([PartySpec(world.operator), PartySpec(OrganizationFactory())], name=f"P{index}")


def _deals(world, start, count):
    crm = getattr(world, "crm", None) or ProductLineFactory(code="crm", name="CRM")
    world.crm = crm
    world.partnership_a.product_lines.set([crm])
    for index in range(start, start + count):
        word = WORDS[index]
        register(
            world.partner_a_user,
            world.partnership_a,
            RegistrationData(
                customer_name=f"{word} Industries",
                amount=Decimal("50000"),
                expected_close_date=timezone.localdate() + datetime.timedelta(days=30),
                city="Lyon",
                website=f"https://www.{word.lower()}-industries.fr",
                product_lines=[crm],
            ),
        )


def _leads(world, start, count):
    territory = getattr(world, "territory", None) or TerritoryFactory(code="fr", name="France", country="FR")
    world.territory = territory
    for index in range(start, start + count):
        Lead.objects.create(company_name=f"{WORDS[index]} SA", city="Lyon", territory=territory)


PAGES = [
    ("/organizations/", _organizations),
    ("/people/", _people),
    ("/partnerships/", _partnerships),
    ("/deals/", _deals),
    ("/leads/", _leads),
]


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize(("url", "add"), PAGES, ids=[page[0] for page in PAGES])
def test_list_page_queries_are_the_same_at_n_and_3n_rows(world, client_for, url, add):
    client = client_for(world.manager)
    add(world, 0, N)
    client.get(url)  # the first request of a test warms caches (content types, translations)
    at_n = _count(client, url)
    add(world, N, 2 * N)
    assert _count(client, url) == at_n
