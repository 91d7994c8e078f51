"""The demo data generator: counts, determinism, valid identifiers, logins."""

import pytest
from django.db import transaction
from stdnum.eu import vat
from stdnum.fr import siren, siret

from meute.core.choices import UserRole
from meute.core.models import Organization, Person, User
from meute.demo import identifiers as ids
from meute.demo import programs as programs_demo
from meute.demo.dataset import SIZES, ensure_demo_logins, generate
from meute.partnerships.choices import PartnershipKind, PartyRole
from meute.partnerships.models import Partnership, PartnershipParty


def test_identifier_helpers_are_valid_and_unique():
    sirens = [ids.siren(i, 1234567) for i in range(5000)]
    assert len(set(sirens)) == len(sirens)
    assert all(siren.is_valid(s) for s in sirens)
    assert all(siret.is_valid(ids.siret(s, 7)) for s in sirens[:500])
    assert all(vat.is_valid(ids.french_vat(s)) for s in sirens[:500])
    for country in ("BE", "DE", "IT"):
        numbers = [ids.foreign_vat(country, i, 99) for i in range(300)]
        assert len(set(numbers)) == 300
        assert all(vat.is_valid(n) for n in numbers), country


@pytest.mark.django_db
def test_tiny_demo_counts_and_coherence():
    spec = SIZES["tiny"]
    result = generate("tiny")
    assert Organization.objects.count() == result.organizations == spec.organizations + 1
    operator = Organization.objects.get(is_operator=True)
    assert operator.legal_name == "Logiciels Meute SAS"
    assert Partnership.objects.count() == result.partnerships
    assert Partnership.objects.filter(kind=PartnershipKind.GROUPING).count() == spec.groupings
    assert abs(result.partnerships - spec.partnerships) <= 3
    assert Person.objects.count() == result.people
    for org in Organization.objects.filter(is_operator=False).prefetch_related("people"):
        # Contacts, plus the certified staff the programme's demo gives its biggest partners.
        assert 1 <= org.people.count() <= max(spec.people[1], programs_demo.MAX_STAFF)
        if org.headcount is not None and org.sales_headcount is not None:
            assert org.sales_headcount <= org.headcount
        if org.siren:
            assert siren.is_valid(org.siren)
            assert not org.siret or siret.is_valid(org.siret)
        if org.vat_number:
            assert vat.is_valid(org.vat_number)
    for party in PartnershipParty.objects.select_related("alliance_manager"):
        assert party.alliance_manager.organization_id == party.organization_id
    channel = Partnership.objects.filter(kind=PartnershipKind.CHANNEL).first()
    assert set(channel.parties.values_list("role", flat=True)) == {PartyRole.OPERATOR, PartyRole.PARTNER}


def snapshot():
    return (
        list(Organization.objects.order_by("pk").values_list("name", "siren", "city", "headcount")),
        list(Person.objects.order_by("pk").values_list("first_name", "last_name", "email")),
        list(Partnership.objects.order_by("pk").values_list("name", "status", "stage")),
    )


@pytest.mark.django_db
def test_same_seed_gives_the_same_data():
    with transaction.atomic():
        generate("tiny", seed=7)
        first = snapshot()
        transaction.set_rollback(True)
    assert Organization.objects.count() == 0
    with transaction.atomic():
        generate("tiny", seed=8)
        other_seed = snapshot()
        transaction.set_rollback(True)
    assert other_seed[0] != first[0]
    generate("tiny", seed=7)
    assert snapshot() == first


@pytest.mark.django_db
def test_demo_logins_are_created_and_printed():
    generate("tiny")
    logins = {login.username: login for login in ensure_demo_logins()}
    assert set(logins) == {"admin", "manager", "partner", "member"}
    partner = User.objects.get(username="partner")
    assert partner.role == UserRole.PARTNER and partner.organization is not None
    assert partner.check_password(logins["partner"].password)
    member = User.objects.get(username="member")
    assert member.organization.party_seats.filter(role="coordinator", partnership__kind="grouping").exists()
    assert User.objects.get(username="admin").role == UserRole.ADMIN
    users = User.objects.count()
    again = {login.username: login for login in ensure_demo_logins(password="fixed-password-1")}
    assert User.objects.count() == users  # the logins are reused, not created twice
    assert User.objects.get(username="admin").check_password("fixed-password-1")
    assert again["admin"].password == "fixed-password-1"
    # The demo's other users (requesters of fund requests …) are not logins: nobody can sign in as them.
    for other in User.objects.exclude(username__in=logins):
        assert not other.check_password("") and not other.check_password("fixed-password-1")
