"""Partners register and staff approve the same company at the same moment: exactly one is protected.

Each thread has its own database connection. PostgreSQL runs them truly in parallel (the company's advisory
locks decide); SQLite serialises writing transactions and must reach the same outcome.
"""

import datetime
import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import close_old_connections, connection
from django.utils import timezone

from meute.core.choices import UserRole
from meute.core.factories import OrganizationFactory, UserFactory
from meute.deals.choices import DealStage
from meute.deals.models import Customer, DealRegistration
from meute.deals.workflow import RegistrationData, approve, register
from meute.partnerships.choices import PartyRole
from meute.partnerships.parties import PartySpec, create_partnership

# One company, ten spellings (one with the website, some with the phone), all in the same street.
SPELLINGS = [
    ("Kappa Menuiserie", ""),
    ("KAPPA MENUISERIE SAS", ""),
    ("Kappa Menuiseries", ""),
    ("Société Kappa Menuiserie", ""),
    ("Kappa-Menuiserie", "https://www.kappa-menuiserie.fr"),
    ("Menuiserie Kappa", ""),
    ("SARL Kappa Menuiserie", ""),
    ("kappa menuiserie", ""),
    ("Kappa Menuiserie Lyon", ""),
    ("Ets Kappa Menuiserie", ""),
]
REGISTRATIONS = 50
THREADS = 25 if connection.vendor == "postgresql" else 10


def _data(index: int, product_line) -> RegistrationData:
    name, website = SPELLINGS[index % len(SPELLINGS)]
    return RegistrationData(
        customer_name=name,
        amount=Decimal("50000"),
        expected_close_date=timezone.localdate() + datetime.timedelta(days=60),
        website=website,
        address="12 rue des Lilas",
        postal_code="69003",
        city="Lyon",
        contact_phone="04 72 10 20 30" if index % 3 == 0 else "",
        product_lines=[product_line],
    )


def _run_in_threads(function, items, threads):
    """``function(item)`` for every item, ``threads`` at a time, each thread on its own connection."""
    barrier = threading.Barrier(threads)
    outcomes, errors = [], []
    chunks = [items[i::threads] for i in range(threads)]

    def work(chunk):
        try:
            barrier.wait()
            for item in chunk:
                try:
                    outcomes.append(function(item))
                except ValidationError as exc:
                    outcomes.append(exc.code or "refused")
        except Exception as exc:  # noqa: BLE001 - reported by the test below
            errors.append(repr(exc))
        finally:
            close_old_connections()
            connection.close()

    workers = [threading.Thread(target=work, args=(chunk,)) for chunk in chunks]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return outcomes, errors


@pytest.fixture
def fifty_partners(deals_world):
    w = deals_world
    users, partnerships = [], []
    for index in range(REGISTRATIONS):
        org = OrganizationFactory(name=f"Partner {index}")
        partnership = create_partnership(
            [PartySpec(w.operator, role=PartyRole.OPERATOR), PartySpec(org)], name=f"Channel {index}"
        )
        partnership.product_lines.set([w.crm])
        partnerships.append(partnership)
        users.append(UserFactory(username=f"partner{index}", role=UserRole.PARTNER, organization=org))
    return w, users, partnerships


@pytest.mark.django_db(transaction=True)
def test_one_company_in_ten_spellings_is_protected_once(fifty_partners):
    w, users, partnerships = fifty_partners

    def registration(index):
        deal, _created = register(users[index], partnerships[index], _data(index, w.crm))
        return deal.pk

    outcomes, errors = _run_in_threads(registration, list(range(REGISTRATIONS)), THREADS)
    assert errors == []
    assert len(outcomes) == REGISTRATIONS
    deals = list(DealRegistration.objects.all())
    assert len(deals) == REGISTRATIONS
    # Every spelling was recognised as the same company: one customer record.
    assert Customer.objects.count() == 1
    assert all(deal.stage == DealStage.SUBMITTED for deal in deals)

    def approval(deal_pk):
        return approve(DealRegistration.objects.get(pk=deal_pk), w.manager, "first come").stage

    outcomes, errors = _run_in_threads(approval, [deal.pk for deal in deals], THREADS)
    assert errors == []
    assert sorted(outcomes).count(DealStage.APPROVED) == 1
    assert outcomes.count("already_protected") == REGISTRATIONS - 1
    assert DealRegistration.objects.filter(stage=DealStage.APPROVED).count() == 1


@pytest.mark.django_db(transaction=True)
def test_parallel_registrations_auto_approve_exactly_one(deals_world, make_data):
    w = deals_world

    def run(args):
        user, partnership = args
        deal, _ = register(user, partnership, make_data(amount="5000"))
        return deal.stage

    outcomes, errors = _run_in_threads(
        run, [(w.partner_a_user, w.partnership_a), (w.partner_b_user, w.partnership_b)], 2
    )
    assert errors == []
    assert sorted(outcomes) == [DealStage.APPROVED, DealStage.SUBMITTED]
    assert DealRegistration.objects.filter(stage=DealStage.APPROVED).count() == 1
    assert Customer.objects.count() == 1
