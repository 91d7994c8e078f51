"""The test world every access test uses: an operator, two partner organisations and users of each role.

``partner_a_user`` must never see ``org_b``'s data: tests call it the outsider check.
"""

from types import SimpleNamespace

import pytest

from meute.core.choices import UserRole
from meute.core.factories import OrganizationFactory, PersonFactory, UserFactory
from meute.partnerships.choices import LifecycleStage, PartnershipStatus, PartyRole
from meute.partnerships.parties import PartySpec, create_partnership

# Fixtures that the tests of several apps share: the seed's programme, a grouping with payouts.
pytest_plugins = ["meute.programs.tests.fixtures", "meute.remuneration.tests.fixtures"]

PASSWORD = "correct-horse-battery"  # noqa: S105


@pytest.fixture(autouse=True)
def _default_language():
    """A request in French leaves French active in the thread (LocaleMiddleware activates, nothing
    deactivates): each test starts, and ends, in the configured language."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate-limit counters live in the cache: each test starts with none."""
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture
def world(db):
    operator = OrganizationFactory(name="Vendeur Logiciel", is_operator=True)
    org_a = OrganizationFactory(name="Alpha Intégration", city="Lyon")
    org_b = OrganizationFactory(name="Bêta Conseil", city="Nantes")
    person_a = PersonFactory(organization=org_a, first_name="Alice", last_name="Arnaud")
    person_b = PersonFactory(organization=org_b, first_name="Bruno", last_name="Bernard")
    partnership_a = create_partnership(
        [PartySpec(operator, role=PartyRole.OPERATOR), PartySpec(org_a)],
        name="Alpha channel",
        stage=LifecycleStage.ONBOARDING,
        status=PartnershipStatus.ACTIVE,
    )
    partnership_b = create_partnership(
        [PartySpec(operator, role=PartyRole.OPERATOR), PartySpec(org_b)],
        name="Bêta channel",
        stage=LifecycleStage.RECRUITMENT,
        status=PartnershipStatus.PROSPECT,
    )
    return SimpleNamespace(
        operator=operator,
        org_a=org_a,
        org_b=org_b,
        person_a=person_a,
        person_b=person_b,
        partnership_a=partnership_a,
        partnership_b=partnership_b,
        admin=UserFactory(username="admin", role=UserRole.ADMIN),
        manager=UserFactory(username="manager", role=UserRole.CHANNEL_MANAGER),
        reader=UserFactory(username="reader", role=UserRole.READ_ONLY),
        partner_a_user=UserFactory(username="alice", role=UserRole.PARTNER, organization=org_a),
        partner_b_user=UserFactory(username="bruno", role=UserRole.PARTNER, organization=org_b),
    )


@pytest.fixture
def api():
    """``api(user)`` returns a DRF test client authenticated as ``user`` (anonymous without one)."""
    from rest_framework.test import APIClient

    def as_user(user=None):
        client = APIClient()
        if user is not None:
            client.force_authenticate(user)
        return client

    return as_user


@pytest.fixture
def client_for(client):
    """``client_for(user)`` returns Django's test client logged in as ``user``."""

    def login(user):
        client.force_login(user)
        return client

    return login
