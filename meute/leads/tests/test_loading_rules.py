"""The loader read field by field: each candidate's boundaries, partner types, certified people, capacity,
load, weight, last offer and exclusion, written out by hand for a world where every rule has something to
tell apart — and the same candidates when the loader names them by subquery instead of by id."""

import datetime

import pytest

from meute.core.choices import PartnerType
from meute.core.factories import OrganizationFactory, PersonFactory, SectorFactory
from meute.core.models import OrganizationPartnerType
from meute.enablement.models import PersonCertification
from meute.leads import routing
from meute.leads.choices import LeadStatus, OfferStatus
from meute.leads.models import Lead, LeadCapacity, LeadOffer
from meute.partnerships.choices import PartnershipKind, PartnershipStatus, PartyRole
from meute.partnerships.parties import PartySpec, create_partnership
from meute.programs.models import PartnerTier, Program, Tier

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 3, 2)
T0 = datetime.datetime(2026, 3, 1, 9, 0, tzinfo=datetime.UTC)


def _offer(lead, partnership, status, hours):
    when = T0 + datetime.timedelta(hours=hours)
    return LeadOffer.objects.create(
        lead=lead,
        partnership=partnership,
        status=status,
        offered_at=when,
        deadline=when + datetime.timedelta(2),
    )


@pytest.fixture
def rich(leads_world, make_lead):
    w = leads_world
    w.retail = SectorFactory(code="retail", name="Retail")
    a, b = w.partnership_a, w.partnership_b
    a.sectors.set([w.retail])
    OrganizationPartnerType.objects.create(organization=w.org_a, partner_type=PartnerType.RESELLER)
    OrganizationPartnerType.objects.create(organization=w.org_a, partner_type=PartnerType.REFERRER)
    OrganizationPartnerType.objects.create(organization=w.org_b, partner_type=PartnerType.SYSTEM_INTEGRATOR)
    # Certified people: two valid at A (any certification), one at B, one expired at B.
    for person, name, until in (
        (w.person_a, "CRM expert", None),
        (PersonFactory(organization=w.org_a), "ERP basics", TODAY),
        (w.person_b, "ERP basics", None),
        (PersonFactory(organization=w.org_b), "CRM expert", TODAY - datetime.timedelta(days=1)),
    ):
        PersonCertification.objects.create(person=person, name=name, role="sales", valid_until=until)
    # A's tier weighs 3 today; B's tier of weight 4 ended yesterday, its next one starts tomorrow.
    program = Program.objects.create(name="Programme", code="main")
    gold = Tier.objects.create(program=program, name="Gold", rank=2, lead_weight=3)
    platinum = Tier.objects.create(program=program, name="Platinum", rank=3, lead_weight=4)
    PartnerTier.objects.create(partnership=a, program=program, tier=gold, valid_from=TODAY, valid_until=TODAY)
    other = Program.objects.create(name="Autre", code="other")
    late = Tier.objects.create(program=other, name="Late", rank=1, lead_weight=5)
    PartnerTier.objects.create(
        partnership=b, program=program, tier=platinum, valid_until=TODAY - datetime.timedelta(days=1)
    )
    PartnerTier.objects.create(
        partnership=b, program=other, tier=late, valid_from=TODAY + datetime.timedelta(days=1)
    )
    LeadCapacity.objects.create(partnership=a, max_open_leads=4)
    # Loads: A holds one pending offer and one accepted lead; B two pending offers (one declined and one
    # closed lead do not count).
    other_lead = make_lead(company_name="Autre client")
    _offer(other_lead, a, OfferStatus.PENDING, 1)
    _offer(make_lead(company_name="Client 2"), b, OfferStatus.PENDING, 2)
    _offer(make_lead(company_name="Client 3"), b, OfferStatus.PENDING, 5)
    _offer(make_lead(company_name="Client 4"), a, OfferStatus.DECLINED, 3)
    Lead.objects.create(company_name="Gagné", partnership=a, status=LeadStatus.ACCEPTED)
    Lead.objects.create(company_name="Fini", partnership=b, status=LeadStatus.CLOSED)
    # Not candidates: a grouping that seats the operator, a channel partnership without the operator, a
    # suspended one, and one without a partner seat.
    gamma = OrganizationFactory(name="Gamma")
    create_partnership(
        [PartySpec(w.operator, role=PartyRole.OPERATOR), PartySpec(gamma)],
        name="Grouping with the operator",
        kind=PartnershipKind.GROUPING,
        status=PartnershipStatus.ACTIVE,
    )
    create_partnership(
        [PartySpec(w.org_a), PartySpec(gamma)],
        name="Channel between partners",
        kind=PartnershipKind.CHANNEL,
        status=PartnershipStatus.ACTIVE,
    )
    create_partnership(
        [PartySpec(w.operator, role=PartyRole.OPERATOR), PartySpec(gamma)],
        name="Suspended channel",
        status=PartnershipStatus.SUSPENDED,
    )
    return w


def _fields(candidate) -> tuple:
    return (
        candidate.name,
        candidate.territory_ids,
        candidate.product_line_ids,
        candidate.sector_ids,
        candidate.partner_types,
        candidate.certified,
        candidate.capacity,
        candidate.load,
        candidate.weight,
        candidate.last_offered_at,
        candidate.excluded,
    )


def _expected(w, *, excluded_b="", last_b=None):
    return [
        (
            "Alpha channel",
            frozenset({w.ara.pk}),
            frozenset({w.crm.pk, w.erp.pk}),
            frozenset({w.retail.pk}),
            frozenset({PartnerType.RESELLER, PartnerType.REFERRER}),
            2,
            4,
            2,
            3,
            T0 + datetime.timedelta(hours=3),
            "",
        ),
        (
            "Bêta channel",
            frozenset({w.france.pk}),
            frozenset({w.crm.pk, w.erp.pk}),
            frozenset(),
            frozenset({PartnerType.SYSTEM_INTEGRATOR}),
            1,
            5,
            2,
            1,
            last_b or T0 + datetime.timedelta(hours=5),
            excluded_b,
        ),
    ]


def test_every_field_of_every_candidate(rich, make_lead):
    lead = make_lead()
    loaded = routing.load_candidates(lead, today=TODAY)
    assert [_fields(c) for c in loaded.candidates] == _expected(rich)
    assert (loaded.outside_territory, loaded.outside_sample) == (0, [])


def test_the_same_candidates_when_named_by_subquery(rich, make_lead, monkeypatch):
    lead = make_lead()
    monkeypatch.setattr(routing, "ID_LIST_LIMIT", 1)
    loaded = routing.load_candidates(lead, today=TODAY)
    assert [_fields(c) for c in loaded.candidates] == _expected(rich)


def test_a_named_certification_counts_only_its_holders(rich, make_lead):
    lead = make_lead(required_certification="CRM expert")
    certified = {c.name: c.certified for c in routing.load_candidates(lead, today=TODAY).candidates}
    assert certified == {"Alpha channel": 1, "Bêta channel": 0}


def test_answered_offers_of_this_lead_exclude_their_partnership(rich, make_lead):
    w = rich
    lead = make_lead()
    _offer(lead, w.partnership_b, OfferStatus.EXPIRED, 6)
    _offer(lead, w.partnership_b, OfferStatus.DECLINED, 7)
    _offer(lead, w.partnership_a, OfferStatus.PENDING, 8)  # awaiting: not an exclusion
    loaded = routing.load_candidates(lead, today=TODAY)
    expected = _expected(w, excluded_b=OfferStatus.DECLINED, last_b=T0 + datetime.timedelta(hours=7))
    expected[0] = (*expected[0][:7], 3, 3, T0 + datetime.timedelta(hours=8), "")
    assert [_fields(c) for c in loaded.candidates] == expected
    ranking = routing.rank_lead(lead, today=TODAY)
    assert [(s.candidate.name, s.code, s.params) for s in ranking.skipped] == [
        ("Bêta channel", routing.ALREADY_TRIED, {"outcome": OfferStatus.DECLINED})
    ]
    assert routing.describe_skip(routing.ALREADY_TRIED, ranking.skipped[0].params) == (
        "already offered this lead (declined)"
    )


def test_partnerships_outside_the_territory_are_named_in_the_ranking(rich, make_lead):
    w = rich
    lead = make_lead(territory=w.bzh)
    ranking = routing.rank_lead(lead, today=TODAY)
    assert [r.candidate.name for r in ranking.ranked] == ["Bêta channel"]
    assert [(s.candidate.partnership_id, s.candidate.name, s.code, s.params) for s in ranking.skipped] == [
        (w.partnership_a.pk, "Alpha channel", routing.OUTSIDE_TERRITORY, {})
    ]
    assert ranking.unlisted == {}


def test_the_lead_facts_read_from_the_database(rich, make_lead):
    w = rich
    lead = make_lead(
        territory=w.ara,
        product_lines=[w.crm],
        sector=w.retail,
        required_partner_type=PartnerType.RESELLER,
        required_certification="CRM expert",
    )
    assert routing.lead_facts(lead) == routing.LeadFacts(
        territory_ids=frozenset({w.ara.pk, w.france.pk}),
        product_line_ids=frozenset({w.crm.pk}),
        sector_id=w.retail.pk,
        partner_type=PartnerType.RESELLER,
        min_certified=1,  # a named certification without a number: one holder
    )
    lead = make_lead(territory=None, required_certification="CRM expert", min_certified_people=3)
    assert routing.lead_facts(lead) == routing.LeadFacts(min_certified=3)
    unsaved = Lead(company_name="Pas encore", territory=w.bzh)
    assert routing.lead_facts(unsaved) == routing.LeadFacts(territory_ids=frozenset({w.bzh.pk, w.france.pk}))


def test_a_territory_loop_is_read_once(rich):
    w = rich
    w.france.parent = w.ara  # a mistaken loop: France inside its own region
    w.france.save()
    assert routing.territory_ancestry(w.ara) == frozenset({w.ara.pk, w.france.pk})
    assert routing.territory_ancestry(w.france) == frozenset({w.ara.pk, w.france.pk})


def test_current_loads_count_pending_offers_and_accepted_leads(rich):
    w = rich
    loads = routing.current_loads([w.partnership_a.pk, w.partnership_b.pk])
    assert loads == {w.partnership_a.pk: 2, w.partnership_b.pk: 2}
    assert routing.current_loads([w.partnership_b.pk]) == {w.partnership_b.pk: 2}
    assert routing.current_loads([]) == {}


def test_a_partnership_without_a_partner_seat_is_passed_over_not_the_rest(rich, make_lead):
    from meute.partnerships.models import PartnershipParty

    w = rich
    lonely = create_partnership(
        [PartySpec(w.operator, role=PartyRole.OPERATOR), PartySpec(OrganizationFactory(name="Parti"))],
        name="Operator alone",
        status=PartnershipStatus.ACTIVE,
    )
    PartnershipParty.objects.filter(partnership=lonely).exclude(organization=w.operator).delete()
    delta = create_partnership(
        [PartySpec(w.operator, role=PartyRole.OPERATOR), PartySpec(OrganizationFactory(name="Delta"))],
        name="Delta channel",
        status=PartnershipStatus.ACTIVE,
    )
    assert lonely.pk < delta.pk
    loaded = routing.load_candidates(make_lead(), today=TODAY)
    assert [_fields(c) for c in loaded.candidates] == [
        *_expected(w),
        ("Delta channel", frozenset(), frozenset(), frozenset(), frozenset(), 0, 5, 0, 1, None, ""),
    ]


def test_no_channel_partnership_no_candidate(leads_world, make_lead):
    from meute.partnerships.models import Partnership

    Partnership.objects.update(status=PartnershipStatus.SUSPENDED)
    loaded = routing.load_candidates(make_lead(), today=TODAY)
    assert (loaded.candidates, loaded.outside_territory, loaded.outside_sample) == ([], 0, [])
