"""The set-based loader: every rule's data read from the database in a fixed number of queries."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from meute.core.choices import PartnerType
from meute.core.factories import OrganizationFactory, PersonFactory
from meute.core.models import OrganizationPartnerType
from meute.enablement.models import PersonCertification
from meute.leads import routing
from meute.leads.models import LeadCapacity
from meute.partnerships.choices import PartnershipKind, PartnershipStatus, PartyRole
from meute.partnerships.parties import PartySpec, create_partnership
from meute.programs.models import PartnerTier, Program, Tier

pytestmark = pytest.mark.django_db


def by_name(ranking):
    return [r.candidate.name for r in ranking.ranked]


def test_only_active_channel_partnerships_of_the_operator_are_candidates(leads_world, make_lead):
    w = leads_world
    other = OrganizationFactory(name="Gamma")
    create_partnership(
        [PartySpec(w.operator, role=PartyRole.OPERATOR), PartySpec(other)],
        name="Gamma channel",
        status=PartnershipStatus.SUSPENDED,
    )
    create_partnership(
        [PartySpec(w.org_a), PartySpec(other)],
        name="Members",
        kind=PartnershipKind.GROUPING,
        status=PartnershipStatus.ACTIVE,
    )
    names = {c.name for c in routing.load_candidates(make_lead()).candidates}
    assert names == {"Alpha channel", "Bêta channel"}


def test_territory_type_certifications_and_weight_from_the_database(leads_world, make_lead):
    w = leads_world
    lead = make_lead(territory=w.bzh)
    ranking = routing.rank_lead(lead)
    assert by_name(ranking) == ["Bêta channel"]
    assert ranking.skipped[0].candidate.name == "Alpha channel" and ranking.skipped[0].code == "territory"

    lead = make_lead(territory=w.ara, required_partner_type=PartnerType.SYSTEM_INTEGRATOR)
    assert by_name(routing.rank_lead(lead)) == []
    OrganizationPartnerType.objects.create(organization=w.org_b, partner_type=PartnerType.SYSTEM_INTEGRATOR)
    assert by_name(routing.rank_lead(lead)) == ["Bêta channel"]

    lead = make_lead(required_certification="CRM expert", min_certified_people=2)
    today = datetime.date(2026, 3, 2)
    for person, until in (
        (w.person_a, None),
        (PersonFactory(organization=w.org_a), today),
        (PersonFactory(organization=w.org_b), today - datetime.timedelta(days=1)),  # expired
        (w.person_b, None),
    ):
        PersonCertification.objects.create(person=person, name="CRM expert", role="sales", valid_until=until)
    PersonCertification.objects.create(person=PersonFactory(organization=w.org_b), name="Other", role="sales")
    ranking = routing.rank_lead(lead, today=today)
    assert by_name(ranking) == ["Alpha channel"]
    assert ranking.skipped[0].params == {"count": 1, "required": 2}

    program = Program.objects.create(name="Programme", code="main")
    gold = Tier.objects.create(program=program, name="Gold", rank=2, lead_weight=3)
    PartnerTier.objects.create(partnership=w.partnership_b, program=program, tier=gold)
    ranking = routing.rank_lead(make_lead())
    assert [(r.candidate.name, r.candidate.weight) for r in ranking.ranked] == [
        ("Bêta channel", 3),
        ("Alpha channel", 1),
    ]


def test_capacity_from_the_partnership_or_the_default(leads_world, make_lead, settings):
    w = leads_world
    settings.MEUTE_LEADS_MAX_OPEN = 7
    LeadCapacity.objects.create(partnership=w.partnership_a, max_open_leads=2)
    capacities = {c.name: c.capacity for c in routing.load_candidates(make_lead()).candidates}
    assert capacities == {"Alpha channel": 2, "Bêta channel": 7}


def test_loading_takes_the_same_queries_for_two_or_twenty_partnerships(leads_world, make_lead):
    w = leads_world
    lead = make_lead(required_certification="X")
    with CaptureQueriesContext(connection) as few:
        routing.load_candidates(lead)
    for number in range(18):
        org = OrganizationFactory(name=f"Partner {number}")
        OrganizationPartnerType.objects.create(organization=org, partner_type=PartnerType.RESELLER)
        p = create_partnership(
            [PartySpec(w.operator, role=PartyRole.OPERATOR), PartySpec(org)],
            name=f"Channel {number}",
            status=PartnershipStatus.ACTIVE,
        )
        p.territories.set([w.france])
    with CaptureQueriesContext(connection) as many:
        candidates = routing.load_candidates(lead).candidates
    assert len(candidates) == 20
    assert len(many) == len(few)


def test_partnerships_outside_the_territory_are_counted_not_loaded(leads_world, make_lead):
    w = leads_world
    for number in range(60):
        org = OrganizationFactory(name=f"Breton {number}")
        p = create_partnership(
            [PartySpec(w.operator, role=PartyRole.OPERATOR), PartySpec(org)],
            name=f"Breizh {number:02d}",
            status=PartnershipStatus.ACTIVE,
        )
        p.territories.set([w.bzh])
    lead = make_lead(territory=w.ara)
    loaded = routing.load_candidates(lead)
    assert {c.name for c in loaded.candidates} == {"Alpha channel", "Bêta channel"}
    assert loaded.outside_territory == 60 and len(loaded.outside_sample) == 50
    stored = routing.rank_lead(lead).as_dict()
    assert stored["considered"] == 62 and stored["eligible"] == 2
    assert stored["skipped_counts"] == {"territory": 60}
    assert len(stored["skipped"]) == 50
    assert stored["skipped"][0]["name"] == "Breizh 00"
