"""Lists of the groupings area run a fixed number of queries, whatever the number of rows they show.

Each list is read with 2 groupings (and their profiles, proposals, checklist, playbook, rule versions and
payouts), then again with 10: the number of queries must not change.
"""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from meute.collaboration import playbooks
from meute.core.factories import OrganizationFactory, PersonFactory
from meute.deals.choices import DealPartyRole
from meute.groupings import groupings, pillars
from meute.groupings.choices import PillarStatus
from meute.groupings.models import GroupingCharter, MatchProposal, MemberProfile
from meute.partnerships.choices import GroupingLevel, PartnershipKind, PartyRole
from meute.partnerships.parties import PartySpec, create_partnership
from meute.remuneration import payouts, rule_versions
from meute.remuneration.models import Payout
from meute.remuneration.tests.fixtures import won_deal

pytestmark = pytest.mark.django_db

POOL = {"kind": "commission_pool", "rate": "10"}

LISTS = [
    "/api/groupings/",
    "/api/grouping-pillars/",
    "/api/member-profiles/",
    "/api/match-proposals/",
    "/api/playbook-items/",
    "/api/model-decisions/",
    "/api/assessment-responses/",
    "/api/remuneration-versions/",
    "/api/payouts/?period=2027",
    "/groupings/",
    "/groupings/profiles/",
    "/groupings/proposals/",
    "/groupings/payouts/?period=2027",
]


def add_groupings(world, start, stop):
    """Groupings ``start``..``stop - 1``, all coordinated by org_a (so its user sees every row)."""
    MemberProfile.objects.get_or_create(organization=world.org_a)
    for i in range(start, stop):
        c = OrganizationFactory(name=f"Membre C{i:02}")
        d = OrganizationFactory(name=f"Membre D{i:02}")
        PersonFactory(organization=c)
        MemberProfile.objects.create(organization=c, offers=["Audit"], looking_for="Formation")
        MemberProfile.objects.create(organization=d, offers=["Formation"], looking_for="Audit")
        grouping = create_partnership(
            [
                PartySpec(world.org_a, role=PartyRole.COORDINATOR),
                PartySpec(c, role=PartyRole.MEMBER),
                PartySpec(d, role=PartyRole.PROJECT_LEAD),
            ],
            name=f"Meute {i:02}",
            kind=PartnershipKind.GROUPING,
            grouping_level=GroupingLevel.PACK,
        )
        if i % 2:  # every other grouping has no charter row yet
            groupings.charter_of(grouping)
        playbooks.instantiate(grouping, "referral")
        MatchProposal.objects.create(proposer=c, recipient=world.org_a)
        rule_versions.save_version(grouping, valid_from=datetime.date(2027, 1, 1), rules=[POOL])
        rule_versions.save_version(grouping, valid_from=datetime.date(2027, 7, 1), rules=[POOL])
        won_deal(
            grouping,
            [(org, DealPartyRole.GROUPING_MEMBER) for org in (world.org_a, c, d)],
            title=f"Affaire {i}",
        )
    payouts.compute_payouts("2027")


def count_queries(client, url):
    client.get(url)  # warm caches (session, content types) so both readings compare like with like
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(queries)


@pytest.mark.parametrize("who", ["admin", "partner_a_user"])
def test_lists_do_not_query_per_row(world, client_for, who):
    client = client_for(getattr(world, who))
    add_groupings(world, 0, 2)
    few = {url: count_queries(client, url) for url in LISTS}
    add_groupings(world, 2, 10)
    assert Payout.objects.filter(organization=world.org_a).count() == 10
    many = {url: count_queries(client, url) for url in LISTS}
    grown = {url: (few[url], many[url]) for url in LISTS if many[url] != few[url]}
    assert not grown, f"queries grow with the rows (2 groupings → 10): {grown}"


def test_grouping_list_api_gives_what_the_detail_gives(world, api):
    """The list reads the prefetched seats, charter and checklist: same figures as the detail, and reading
    does not create the missing charters."""
    add_groupings(world, 0, 3)
    first = groupings.groupings_for(world.admin).get(name="Meute 00")
    item = pillars.checklist(first)[0]
    pillars.assess(item, world.admin, PillarStatus.MET, "Signed by all")
    charters = GroupingCharter.objects.count()
    client = api(world.partner_a_user)
    rows = {row["name"]: row for row in client.get("/api/groupings/").json()["results"]}
    assert set(rows) == {"Meute 00", "Meute 01", "Meute 02"}
    assert GroupingCharter.objects.count() == charters
    for name, row in rows.items():
        detail = client.get(row["url"]).json()
        assert row["pillars"] == detail["pillars"] and row["criteria"] == detail["criteria"], name
    assert rows["Meute 00"]["pillars"]["text"] == "1 of 9 met"
    assert rows["Meute 01"]["pillars"]["text"] == "0 of 9 met"
    members = next(c for c in rows["Meute 00"]["criteria"] if c["key"] == "min_members")
    assert members == {"key": "min_members", "label": "At least 3 members", "met": True, "current": "3"}
    assert rows["Meute 00"]["shared_ambition"] in ("", None)


def test_version_list_says_until_when_each_version_is_in_force(world, api):
    add_groupings(world, 0, 1)
    rows = api(world.admin).get("/api/remuneration-versions/").json()["results"]
    assert [(r["valid_from"], r["in_force_until"]) for r in rows] == [
        ("2027-07-01", None),
        ("2027-01-01", "2027-07-01"),
    ]
    one = api(world.admin).get(f"/api/remuneration-versions/{rows[1]['uuid']}/").json()
    assert one["in_force_until"] == "2027-07-01"
