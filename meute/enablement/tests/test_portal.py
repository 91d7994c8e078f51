"""The partner portal's cards on the home page: what they show, a query count that does not grow with
the data, the digest of announcements and the answers to feedback."""

import datetime

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from meute.core.factories import PersonFactory
from meute.enablement import learning, library
from meute.enablement.journeys import start_journey
from meute.enablement.models import (
    ContentItem,
    JourneyTemplate,
    PersonCertification,
    SupportContact,
    TemplateStep,
)
from meute.notifications.models import Notification

pytestmark = pytest.mark.django_db


def news(title, kind="announcement"):
    return ContentItem.objects.create(
        kind=kind, title=title, publish_at=timezone.now() - datetime.timedelta(hours=2)
    )


def home_queries(client) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/").status_code == 200
    return len(captured.captured_queries)


def test_cards_show_the_partners_own_and_stay_within_a_query_budget(course_world, client_for):
    cw = course_world
    w = cw.world
    template = JourneyTemplate.objects.create(name="Welcome")
    TemplateStep.objects.create(
        template=template, position=1, title="Meet the support team", owner_side="vendor"
    )
    start_journey(w.partnership_a, template)
    start_journey(w.partnership_b, template)
    learning.enrol(w.partner_a_user, cw.course, due_date=datetime.date.today() + datetime.timedelta(days=9))
    ending = timezone.localdate() + datetime.timedelta(days=20)
    PersonCertification.objects.create(person=w.person_a, name="Ends soon", role="sales", valid_until=ending)
    PersonCertification.objects.create(
        person=w.person_b, name="Other partner", role="sales", valid_until=ending
    )
    SupportContact.objects.create(kind="technical", name="Hotline", email="hotline@vendor.example")
    news("Version 5")
    client = client_for(w.partner_a_user)
    page = client.get("/").content.decode()
    for fragment in ("Welcome", "Meet the support team", "Sales basics", "Ends soon", "Version 5", "Hotline"):
        assert fragment in page
    assert "Other partner" not in page
    before = home_queries(client)
    # Ten times more of everything: the same number of queries.
    for n in range(10):
        news(f"News {n}")
        PersonCertification.objects.create(
            person=PersonFactory(organization=w.org_a), name=f"C{n}", role="sales", valid_until=ending
        )
        SupportContact.objects.create(kind="sales", name=f"Desk {n}")
    assert home_queries(client) == before
    assert before <= 80


def test_staff_home_has_no_portal_cards(world, client_for):
    assert 'id="partner-portal"' not in client_for(world.manager).get("/").content.decode()


def test_digest_sends_what_is_new_once(world):
    world.partner_a_user.email = "alice@alpha.example"
    world.partner_a_user.save()
    news("Spring promotion", kind="promotion")
    assert library.send_digests() == 2  # both partner users
    assert any("Spring promotion" in m.body for m in mail.outbox)
    mail.outbox.clear()
    assert library.send_digests() == 0 and not mail.outbox


def test_feedback_is_answered_and_the_learner_notified(course_world, client_for):
    from django.urls import reverse

    cw = course_world
    learning.enrol(cw.world.partner_a_user, cw.course)
    client = client_for(cw.world.partner_a_user)
    client.post(
        reverse("enablement:module-feedback", args=[cw.reading.uuid]), {"rating": "2", "comment": "Too short"}
    )
    feedback = cw.reading.feedback.get()
    assert (feedback.rating, feedback.comment) == (2, "Too short")
    # The learner sees its feedback but does not answer it.
    refused = client.post(reverse("enablement:feedback-reply", args=[feedback.uuid]), {"reply": "x"})
    assert refused.status_code == 403
    staff = client_for(cw.world.manager)
    assert "Too short" in staff.get(reverse("enablement:feedback-list")).content.decode()
    staff.post(
        reverse("enablement:feedback-reply", args=[feedback.uuid]), {"reply": "A longer one is coming."}
    )
    feedback.refresh_from_db()
    assert feedback.reply == "A longer one is coming."
    assert Notification.objects.filter(recipient=cw.world.partner_a_user, kind="feedback").exists()


def test_contacts_name_the_ambassadors_of_the_partners_markets(world, program, client_for):
    from meute.core.choices import UserRole
    from meute.core.factories import UserFactory
    from meute.core.models import Territory
    from meute.programs import ambassadors
    from meute.programs.models import Ambassador

    europe = Territory.objects.create(code="eu", name="Europe", kind="zone")
    spain = Territory.objects.create(code="es", name="Spain", kind="country", country="ES", parent=europe)
    lyon = Territory.objects.create(code="lyon", name="Lyon", kind="region", parent=europe)
    world.org_a.region = lyon
    world.org_a.save()
    for name, territory in (("Erika", europe), ("Sergio", spain)):
        Ambassador.objects.create(
            user=UserFactory(username=name, first_name=name, role=UserRole.CHANNEL_MANAGER),
            territory=territory,
        )
    expected = {a.display_name for a in ambassadors.for_user(world.partner_a_user)}
    assert expected == {"Erika"}
    page = client_for(world.partner_a_user).get("/").content.decode()
    assert "Erika" in page and "Sergio" not in page


def test_partner_home_query_count_does_not_grow_with_the_partners_partnerships(
    course_world, program, client_for, django_assert_max_num_queries
):
    """The whole partner home (portal cards, programme standings, metrics, waiting records): a partner
    with four memberships, journeys, enrolments and certifications costs the same queries as with one."""
    from decimal import Decimal

    from meute.partnerships.choices import PartnershipStatus, PartyRole
    from meute.partnerships.parties import PartySpec, create_partnership
    from meute.programs.choices import FigureStatus
    from meute.programs.models import PartnerMetric, PartnerTier, RevenueRecord

    cw = course_world
    w = cw.world
    template = JourneyTemplate.objects.create(name="Welcome")
    TemplateStep.objects.create(template=template, position=1, title="First deal", owner_side="partner")
    today = timezone.localdate()
    ending = today + datetime.timedelta(days=20)

    def grow(partnership, n):
        if not partnership.journeys.filter(status="active").exists():  # an active partnership starts its own
            start_journey(partnership, template)
        PartnerMetric.objects.create(partnership=partnership, metric="won_deals", period=today, value=n + 1)
        RevenueRecord.objects.create(
            partnership=partnership,
            period=today,
            amount=Decimal("1200.50"),
            status=FigureStatus.DECLARED,
            reference=f"R{n}",
        )
        PersonCertification.objects.create(
            person=PersonFactory(organization=w.org_a), name=f"Cert {n}", role="sales", valid_until=ending
        )
        SupportContact.objects.create(kind="sales", name=f"Desk {n}")
        news(f"News {n}")

    grow(w.partnership_a, 0)
    learning.enrol(w.partner_a_user, cw.course, due_date=today + datetime.timedelta(days=9))
    client = client_for(w.partner_a_user)
    page = client.get("/").content.decode()
    assert "First deal" in page and "Cert 0" in page and "Partner programme" in page
    assert 'id="waiting-' in page  # the declared record is shown as waiting
    before = home_queries(client)
    for n in range(1, 4):
        partnership = create_partnership(
            [PartySpec(w.operator, role=PartyRole.OPERATOR), PartySpec(w.org_a)],
            name=f"Alpha line {n}",
            status=PartnershipStatus.ACTIVE,
        )
        PartnerTier.objects.create(partnership=partnership, program=program)
        grow(partnership, n)
    with django_assert_max_num_queries(before):
        page = client.get("/").content.decode()
    # The new memberships are on the page, each with its own figures.
    assert page.count('id="waiting-') == 4
    assert "Alpha line 3" in page


def test_partner_home_reads_the_partners_markets_once(world, client_for):
    """The portal's audience facts and the labels card's ambassadors both need the partner's markets: the
    request keeps them, so the organisation's geographies are read once."""
    from meute.core.models import Territory
    from meute.programs.models import Ambassador

    lyon = Territory.objects.create(name="Rhône Nord", kind="region")
    world.org_a.geographies.add(lyon)
    Ambassador.objects.create(user=world.manager, territory=lyon)
    client = client_for(world.partner_a_user)
    with CaptureQueriesContext(connection) as captured:
        page = client.get("/").content.decode()
    geographies = [q for q in captured.captured_queries if "core_organization_geographies" in q["sql"]]
    assert len(geographies) == 1
    # The labels card still finds the ambassador of the partner's market.
    labels = page[page.index('id="partner-labels"') :]
    assert "Rhône Nord" in labels


def test_a_certification_earned_after_midnight_local_time_shows_the_same_night(world):
    """At 00:30 in Paris it is still the day before in UTC: a certification issued today (local date) is
    valid today on the portal card, not tomorrow."""
    import time_machine

    from meute.enablement import portal

    world.person_a.user = world.partner_a_user
    world.person_a.save()
    late = datetime.datetime(2027, 3, 1, 23, 30, tzinfo=datetime.UTC)  # 00:30 on 2 March in Paris
    with time_machine.travel(late, tick=False):
        today = timezone.localdate()
        assert today == datetime.date(2027, 3, 2)
        PersonCertification.objects.create(
            person=world.person_a, name="Night owl", role="sales", issued_on=today, source="earned"
        )
        certified = portal.trainings(world.partner_a_user)["certified"]
    assert [c.name for c in certified] == ["Night owl"]
