"""Onboarding journeys in the dashboard's enablement coverage: counted by hand over a small network,
pre-aggregated by the weekly job, shown as a chart and its table, in the JSON and the exports (staff only)."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from meute.core.factories import OrganizationFactory
from meute.enablement.choices import JourneyStatus, StepStatus
from meute.enablement.factories import JourneyFactory, JourneyStepFactory
from meute.insights import aggregates, dashboard
from meute.insights.alerts import snapshot_and_alert
from meute.insights.choices import FigureDimension
from meute.insights.models import NetworkFigure
from meute.partnerships.choices import PartnershipKind, PartnershipStatus, PartyRole
from meute.partnerships.models import Partnership
from meute.partnerships.parties import PartySpec, create_partnership

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 6, 30)
PAST, LATER = datetime.date(2026, 6, 15), datetime.date(2026, 7, 31)


def active_channel(world, name):
    return create_partnership(
        [PartySpec(world.operator, role=PartyRole.OPERATOR), PartySpec(OrganizationFactory())],
        name=name,
        status=PartnershipStatus.ACTIVE,
    )


def steps(journey, *statuses, due=LATER):
    for status in statuses:
        JourneyStepFactory(journey=journey, status=status, due_date=due)


@pytest.fixture
def journeys(world):
    """Five active channel partnerships (A and four more) and one prospect (B):

    - A: a journey of 4 steps, 1 done, 1 skipped, 2 to do of which one overdue -> in progress, 50 %, overdue;
    - P1: a journey of 3 steps, none touched, one overdue -> not started, 0 %, overdue;
    - P2: a completed journey (its steps left as they were) -> completed, 100 %;
    - P3: a cancelled journey, then a newer one of 3 steps, 1 in progress -> in progress, 0 %;
    - P4: no journey (only a cancelled one);
    - B (prospect, not active): a journey, left out.
    Median of 50, 0, 100, 0 = 25.0 %; 4 of the 5 active partnerships have a journey, 2 are overdue.
    """
    p1, p2, p3, p4 = (active_channel(world, f"Partner {n}") for n in range(1, 5))
    a = JourneyFactory(partnership=world.partnership_a)
    steps(a, StepStatus.DONE, StepStatus.SKIPPED, StepStatus.TODO)
    steps(a, StepStatus.TODO, due=PAST)
    steps(JourneyFactory(partnership=p1), StepStatus.TODO, StepStatus.TODO)
    steps(JourneyFactory(partnership=p1, status=JourneyStatus.CANCELLED, started_on=PAST), StepStatus.TODO)
    JourneyStepFactory(journey=p1.journeys.get(status=JourneyStatus.ACTIVE), due_date=PAST)
    steps(
        JourneyFactory(partnership=p2, status=JourneyStatus.COMPLETED, completed_on=PAST),
        StepStatus.DONE,
        StepStatus.TODO,
    )
    JourneyFactory(partnership=p3, status=JourneyStatus.CANCELLED, started_on=datetime.date(2026, 1, 5))
    steps(JourneyFactory(partnership=p3), StepStatus.IN_PROGRESS, StepStatus.TODO, StepStatus.TODO)
    JourneyFactory(partnership=p4, status=JourneyStatus.CANCELLED)
    steps(JourneyFactory(partnership=world.partnership_b), StepStatus.DONE)
    return world


EXPECTED = {
    "partnerships": 5,
    "with_journey": 4,
    "not_started": 1,
    "in_progress": 2,
    "completed": 1,
    "overdue": 2,
    "median_percent": Decimal("25.0"),
}


def test_journey_progress_counted_by_hand(journeys):
    assert dashboard.journey_progress(TODAY) == EXPECTED


def test_the_median_of_an_odd_count_and_steps_due_today_are_not_overdue(world):
    a = JourneyFactory(partnership=world.partnership_a)
    steps(a, StepStatus.DONE, StepStatus.TODO, StepStatus.TODO, due=TODAY)
    progress = dashboard.journey_progress(TODAY)
    assert progress["median_percent"] == Decimal("33.0")  # round(100 * 1 / 3)
    assert progress["overdue"] == 0 and progress["in_progress"] == 1


def test_groupings_and_journeys_without_steps(world):
    grouping = create_partnership(
        [PartySpec(world.operator, role=PartyRole.OPERATOR), PartySpec(OrganizationFactory())],
        name="A grouping",
        kind=PartnershipKind.GROUPING,
        status=PartnershipStatus.ACTIVE,
    )
    JourneyFactory(partnership=grouping)
    JourneyFactory(partnership=world.partnership_a)  # no step yet: not started, 0 %, no division by zero
    progress = dashboard.journey_progress(TODAY)
    assert progress == {
        "partnerships": 1,
        "with_journey": 1,
        "not_started": 1,
        "in_progress": 0,
        "completed": 0,
        "overdue": 0,
        "median_percent": Decimal("0.0"),
    }


def test_no_journey_gives_no_median_and_no_division(world):
    progress = dashboard.journey_progress(TODAY)
    assert progress["partnerships"] == 1 and progress["with_journey"] == 0
    assert progress["median_percent"] is None


def test_an_empty_network_shows_the_empty_state(db, client_for):
    from meute.core.factories import UserFactory

    assert dashboard.journey_progress(TODAY)["partnerships"] == 0
    figures = aggregates.network_figures(TODAY)
    assert figures["journeys"] == {**dict.fromkeys(dashboard.JOURNEY_KEYS, 0), "median_percent": None}
    admin = UserFactory(role="admin", is_superuser=True)
    page = client_for(admin).get(reverse("insights:network")).content.decode()
    assert 'id="onboarding-journeys"' in page and "No active partnership yet." in page
    assert 'id="journey-progress"' not in page


def test_the_weekly_job_stores_them_and_the_page_reads_them(journeys):
    snapshot_and_alert(TODAY)
    stored = {
        row.key: (row.count, row.amount)
        for row in NetworkFigure.objects.filter(dimension=FigureDimension.JOURNEY)
    }
    assert stored["with_journey"] == (4, Decimal("0.00"))
    assert stored["median_percent"] == (0, Decimal("25.00"))
    assert aggregates.network_figures(TODAY)["journeys"] == EXPECTED

    # Until the next weekly job, the page shows what was stored.
    JourneyFactory(partnership=Partnership.objects.get(name="Partner 4"))
    assert aggregates.network_figures(TODAY)["journeys"]["with_journey"] == 4
    snapshot_and_alert(TODAY)
    assert aggregates.network_figures(TODAY)["journeys"]["with_journey"] == 5


def test_the_page_the_json_and_the_exports(journeys, client_for, api):
    snapshot_and_alert(TODAY)
    client = client_for(journeys.admin)
    page = client.get(reverse("insights:network")).content.decode()
    section = page[page.index('id="onboarding-journeys"') :]
    section = section[: section.index("</section>")]
    assert "Onboarding journeys of active partnerships" in section  # the chart's title
    assert "<svg" in section
    assert 'id="journey-progress"' in section and "25&nbsp;%" not in section and "25.0&nbsp;%" in section

    data = api(journeys.admin).get("/api/insights/network/").json()
    assert data["onboarding_journeys"] == {
        "partnerships": 5,
        "with_journey": 4,
        "not_started": 1,
        "in_progress": 2,
        "completed": 1,
        "overdue": 2,
        "median_completion_percent": 25.0,
    }

    url = reverse("insights:network-export", kwargs={"figure": "journeys", "fmt": "csv"})
    lines = client.get(url).content.decode("utf-8-sig").splitlines()
    assert lines == [
        "Onboarding journey,Partnerships",
        "Active partnerships,5",
        "With a journey,4",
        "Not started,1",
        "In progress,2",
        "Completed,1",
        "No journey,1",
        "Overdue,2",
        "Median completion (%),25.00",
    ]
    xlsx = client.get(reverse("insights:network-export", kwargs={"figure": "journeys", "fmt": "xlsx"}))
    assert xlsx.status_code == 200 and xlsx.content.startswith(b"PK")


def test_in_french(journeys, client_for):
    snapshot_and_alert(TODAY)
    client = client_for(journeys.admin)
    with translation.override("fr"):
        page = client.get(reverse("insights:network"), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
        csv = client.get(
            reverse("insights:network-export", kwargs={"figure": "journeys", "fmt": "csv"}),
            HTTP_ACCEPT_LANGUAGE="fr",
        ).content.decode("utf-8-sig")
    assert "Parcours d’intégration" in page
    assert "Partenariats actifs" in page and "Achèvement médian" in page
    assert csv.splitlines()[0] == "Parcours d’intégration,Partenariats"
    assert "Sans parcours;1" in csv or "Sans parcours,1" in csv


def test_a_partner_is_refused_the_figures(journeys, client_for, api):
    url = reverse("insights:network-export", kwargs={"figure": "journeys", "fmt": "csv"})
    for user in (journeys.partner_a_user, journeys.partner_b_user):
        assert client_for(user).get(url).status_code == 403
        assert client_for(user).get(reverse("insights:network")).status_code == 403
        assert api(user).get("/api/insights/network/").status_code == 403
