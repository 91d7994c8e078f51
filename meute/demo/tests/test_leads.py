"""The demo leads: every state, some offered to the demo partner, deterministic and idempotent."""

import pytest

from meute.demo.dataset import ensure_demo_logins, generate
from meute.demo.leads import populate_demo
from meute.leads.choices import LeadStatus, OfferStatus
from meute.leads.models import Lead, LeadOffer, RoutingDecision

pytestmark = pytest.mark.django_db


def test_demo_leads_in_every_state():
    generate("small")  # the generator runs the leads demo
    logins = {login.username: login for login in ensure_demo_logins("pw-demo-123")}
    counts = {}
    for status in Lead.objects.values_list("status", flat=True):
        counts[status] = counts.get(status, 0) + 1
    assert sum(counts.values()) == 20
    assert {LeadStatus.NEW, LeadStatus.OFFERED, LeadStatus.ACCEPTED, LeadStatus.CLOSED} <= set(counts)
    assert counts.get(LeadStatus.UNASSIGNED, 0) >= 2
    assert LeadOffer.objects.filter(status=OfferStatus.EXPIRED).count() == 2
    assert LeadOffer.objects.filter(status=OfferStatus.DECLINED).count() >= 1
    assert RoutingDecision.objects.count() >= 18
    assert (
        LeadOffer.objects.filter(status=OfferStatus.PENDING).count()
        == Lead.objects.filter(status=LeadStatus.OFFERED).count()
    )
    # The demo partner login sees offers waiting for its answer and an accepted lead.
    from meute.core.models import User

    partner = User.objects.get(username=logins["partner"].username)
    visible = LeadOffer.objects.visible_to(partner)
    assert visible.filter(status=OfferStatus.PENDING).count() >= 3
    assert visible.filter(status=OfferStatus.ACCEPTED).exists()
    assert populate_demo() == {}  # idempotent
    assert Lead.objects.count() == 20
