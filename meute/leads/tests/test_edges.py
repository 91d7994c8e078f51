"""Lead routing at its edges: the tier's weight counts only while the tier is in force (from its first day
to its last), and a read-only member of staff offers, answers and closes nothing."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied

from meute.leads import routing, workflow
from meute.leads.choices import LeadStatus
from meute.leads.models import Lead, LeadOffer
from meute.programs.models import PartnerTier, Program, Tier

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 3, 2)


def _weights(lead) -> dict:
    return {c.name: c.weight for c in routing.load_candidates(lead, TODAY).candidates}


@pytest.mark.parametrize(
    ("valid_from", "valid_until", "weight"),
    [
        (None, None, 3),
        (TODAY, TODAY, 3),  # first and last day
        (TODAY - datetime.timedelta(days=30), TODAY - datetime.timedelta(days=1), 1),  # expired yesterday
        (TODAY + datetime.timedelta(days=1), None, 1),  # not yet in force
        (TODAY - datetime.timedelta(days=365), TODAY + datetime.timedelta(days=1), 3),
    ],
)
def test_tier_weight_counts_only_while_the_tier_is_in_force(
    leads_world, make_lead, valid_from, valid_until, weight
):
    w = leads_world
    program = Program.objects.create(name="Programme", code="main")
    gold = Tier.objects.create(program=program, name="Gold", rank=2, lead_weight=3)
    PartnerTier.objects.create(
        partnership=w.partnership_b,
        program=program,
        tier=gold,
        valid_from=valid_from,
        valid_until=valid_until,
    )
    assert _weights(make_lead()) == {"Alpha channel": 1, "Bêta channel": weight}


def test_an_expired_tier_does_not_win_the_lead(leads_world, make_lead):
    w = leads_world
    program = Program.objects.create(name="Programme", code="main")
    gold = Tier.objects.create(program=program, name="Gold", rank=2, lead_weight=3)
    PartnerTier.objects.create(
        partnership=w.partnership_b,
        program=program,
        tier=gold,
        valid_from=datetime.date(2025, 1, 1),
        valid_until=TODAY - datetime.timedelta(days=1),
    )
    ranking = routing.rank_lead(make_lead(), today=TODAY)
    # Equal weights (1 and 1), equal loads: both score 1, so B no longer comes first by its expired tier.
    assert sorted((r.candidate.name, r.candidate.weight) for r in ranking.ranked) == [
        ("Alpha channel", 1),
        ("Bêta channel", 1),
    ]


def test_read_only_staff_route_and_close_nothing(leads_world, make_lead):
    w = leads_world
    lead = make_lead()
    with pytest.raises(PermissionDenied):
        workflow.route(lead, w.reader)
    assert not LeadOffer.objects.exists()
    offer = workflow.route(lead, w.manager)
    for act in (
        lambda: workflow.accept(offer, w.reader),
        lambda: workflow.decline(offer, w.reader, "non"),
        lambda: workflow.close(lead, w.reader, "non"),
    ):
        with pytest.raises(PermissionDenied):
            act()
    offer.refresh_from_db()
    lead = Lead.objects.get(pk=lead.pk)
    assert offer.status == "pending" and lead.status == LeadStatus.OFFERED
