"""The partner 360 page: a partner's whole story, to staff and to the partner itself only."""

import datetime
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from meute.core.factories import PersonFactory
from meute.deals.choices import DealStage
from meute.locator.models import Label, LabelAward
from meute.programs.choices import ChangeKind, ChangeStatus
from meute.programs.models import RevenueRecord, TierChange

from .test_homes import deal, offer


def url(organization):
    return reverse("partner360", kwargs={"uuid": organization.uuid})


def quarter_start(day):
    return datetime.date(day.year, (day.month - 1) // 3 * 3 + 1, 1)


def story(world, program):
    today = timezone.localdate()
    this_quarter = quarter_start(today)
    RevenueRecord.objects.create(partnership=world.partnership_a, period=this_quarter, amount=Decimal("1200"))
    RevenueRecord.objects.create(
        partnership=world.partnership_a,
        period=this_quarter + datetime.timedelta(days=5),
        amount=Decimal("300"),
    )
    RevenueRecord.objects.create(
        partnership=world.partnership_b, period=this_quarter, amount=Decimal("999999")
    )
    deal(world.partnership_a, "Brasserie du Port", DealStage.APPROVED, protection_in=30)
    deal(world.partnership_a, "Perrin & Fils", DealStage.WON)
    deal(world.partnership_b, "Customer of B")
    offer(world.partnership_a, "Lead A")
    offer(world.partnership_b, "Lead of B")
    silver, gold = program.tiers.get(name="Silver"), program.tiers.get(name="Gold")
    TierChange.objects.create(
        partnership=world.partnership_a,
        program=program,
        to_tier=silver,
        kind=ChangeKind.choices[0][0],
        status=ChangeStatus.APPROVED,
        as_of=today - datetime.timedelta(days=200),
    )
    TierChange.objects.create(
        partnership=world.partnership_a,
        program=program,
        from_tier=silver,
        to_tier=gold,
        kind=ChangeKind.choices[0][0],
        status=ChangeStatus.AUTO_APPLIED,
        as_of=today - datetime.timedelta(days=20),
    )
    TierChange.objects.create(  # proposed only: not part of the history
        partnership=world.partnership_a,
        program=program,
        from_tier=gold,
        to_tier=program.tiers.get(name="Platinum"),
        kind=ChangeKind.choices[0][0],
        status=ChangeStatus.PROPOSED,
        as_of=today,
    )
    label = Label.objects.create(name="Certified expert", code="expert")
    LabelAward.objects.create(label=label, organization=world.org_a, source=label.kind, reason="7 certified")


def test_staff_see_the_whole_story(client_for, world, program):
    story(world, program)
    response = client_for(world.manager).get(url(world.org_a))
    assert response.status_code == 200
    page = response.content.decode()
    context = response.context
    assert context["deal_total"] == 2 and context["lead_total"] == 1
    # Revenue of the quarter: A's two records only (1,500), never B's.
    assert context["revenue_chart"].rows[-1][1] == "1,500"
    assert "999,999" not in page
    assert [(c.from_tier, c.to_tier.name) for c in context["tier_changes"]][0][1] == "Gold"
    assert len(context["tier_changes"]) == 2
    assert "Alice Arnaud" in page and "Certified expert" in page
    for section in ("p360-partnerships", "p360-tier-history", "p360-revenue", "p360-deals", "p360-leads"):
        assert f'id="{section}"' in page
    assert (
        "<svg" in page and "Alpha channel" in page and "Customer of B" not in page and "Lead of B" not in page
    )


def test_the_partner_sees_its_own_page_and_no_other(client_for, world, program):
    story(world, program)
    client = client_for(world.partner_a_user)
    assert client.get(url(world.org_a)).status_code == 200
    assert client.get(url(world.org_b)).status_code == 404
    assert client.get(url(world.operator)).status_code == 404
    assert client_for(world.partner_b_user).get(url(world.org_a)).status_code == 404
    assert client_for(world.manager).get(url(world.operator)).status_code == 404


def test_anonymous_is_sent_to_log_in(client, world):
    response = client.get(url(world.org_a))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_query_count_does_not_grow_with_history(client_for, world, program):
    client = client_for(world.manager)
    story(world, program)

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url(world.org_a)).status_code == 200
        return len(queries)

    at_n = count()
    for i in range(6):
        deal(world.partnership_a, f"More {i}", DealStage.WON)
        RevenueRecord.objects.create(
            partnership=world.partnership_a, period=timezone.localdate(), amount=Decimal("10")
        )
        PersonFactory(organization=world.org_a)
        offer(world.partnership_a, f"Lead {i}")
    assert count() == at_n
