"""Each role's home answers "what needs me now", with counters linking to their filtered lists."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from meute.agreements.models import Agreement
from meute.collaboration.choices import PlaybookItemStatus
from meute.collaboration.models import PlaybookItem
from meute.core.factories import OrganizationFactory
from meute.deals.choices import DealStage, MatchLevel
from meute.deals.customers import save_customer
from meute.deals.models import Customer, DealRegistration
from meute.groupings.choices import ProposalStatus
from meute.groupings.models import MatchProposal
from meute.leads.choices import LeadStatus
from meute.leads.models import Lead, LeadOffer
from meute.partnerships.choices import CollaborationModel, PartnershipKind, PartyRole
from meute.partnerships.parties import PartySpec, create_partnership
from meute.programs.choices import ChangeKind, ChangeStatus
from meute.programs.models import TierChange
from meute.remuneration.models import Payout, RemunerationVersion

TODAY = timezone.localdate


def deal(partnership, name, stage=DealStage.SUBMITTED, *, days_ago=0, protection_in=None, **fields):
    customer = Customer(name=name)
    save_customer(customer)
    submitted = timezone.now() - datetime.timedelta(days=days_ago)
    return DealRegistration.objects.create(
        partnership=partnership,
        customer=customer,
        amount=Decimal("1000.00"),
        expected_close_date=TODAY() + datetime.timedelta(days=90),
        stage=stage,
        submitted_at=submitted,
        protection_start=TODAY() if protection_in is not None else None,
        protection_end=TODAY() + datetime.timedelta(days=protection_in)
        if protection_in is not None
        else None,
        **fields,
    )


def offer(partnership, company, hours=24):
    lead = Lead.objects.create(company_name=company, city="Lyon", status=LeadStatus.OFFERED)
    now = timezone.now()
    return LeadOffer.objects.create(
        lead=lead, partnership=partnership, offered_at=now, deadline=now + datetime.timedelta(hours=hours)
    )


def html_of(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


class TestPartnerHome:
    def test_own_deals_offers_and_counters_linking_to_filtered_lists(self, client_for, world):
        deal(world.partnership_a, "Brasserie du Port", DealStage.APPROVED, protection_in=10)
        deal(world.partnership_a, "Perrin & Fils", DealStage.APPROVED, protection_in=80)
        deal(world.partnership_a, "Garage Martin")
        deal(world.partnership_b, "Secret Customer of B", DealStage.APPROVED, protection_in=5)
        offer(world.partnership_a, "Boulangerie Dumas")
        offer(world.partnership_b, "Lead of B")

        response = client_for(world.partner_a_user).get("/")
        page = html_of(response)
        assert response.templates[0].name == "home/partner.html"
        counters = {c.key: c for c in response.context["deals"]["counters"]}
        assert (counters["submitted"].count, counters["approved"].count, counters["ending"].count) == (
            1,
            2,
            1,
        )
        soon = (TODAY() + datetime.timedelta(days=30)).isoformat()
        assert counters["ending"].url == f"/deals/?stage=approved&protection_ends_before={soon}"
        assert f'href="/deals/?stage=approved&amp;protection_ends_before={soon}"' in page
        # The protection ending first comes first.
        assert [d.customer.name for d in response.context["deals"]["rows"]][0] == "Brasserie du Port"
        assert "Boulangerie Dumas" in page and 'id="counter-ending"' in page
        # Nothing of the other partner.
        assert "Secret Customer of B" not in page and "Lead of B" not in page
        assert response.context["offers"]["counter"].count == 1

    def test_counters_count_every_open_deal_and_offer_beyond_the_short_lists(self, client_for, world):
        for n in range(5):
            deal(world.partnership_a, f"Submitted {n}")
        for n in range(4):
            deal(world.partnership_a, f"Protected {n}", DealStage.APPROVED, protection_in=10 + 30 * n)
        deal(world.partnership_a, "Lost one", DealStage.LOST)
        deal(world.partnership_b, "Of B", DealStage.APPROVED, protection_in=3)
        for n in range(8):
            offer(world.partnership_a, f"Lead {n}")
        offer(world.partnership_b, "Lead of B")
        response = client_for(world.partner_a_user).get("/")
        counters = {c.key: c.count for c in response.context["deals"]["counters"]}
        assert counters == {"submitted": 5, "approved": 4, "ending": 1}
        assert len(response.context["deals"]["rows"]) == 6
        assert response.context["offers"]["counter"].count == 8
        assert len(response.context["offers"]["rows"]) == 6

    def test_agreement_to_sign_is_listed_until_signed(self, client_for, world, program):
        Agreement.objects.create(program=program, title="Programme agreement", text="Terms", version=1)
        page = html_of(client_for(world.partner_a_user).get("/"))
        assert 'id="agreements-to-sign"' in page and "Programme agreement" in page

    def test_tier_progress_is_drawn_as_bars(self, client_for, world, program):
        page = html_of(client_for(world.partner_a_user).get("/"))
        assert 'id="tier-progress"' in page
        assert 'role="progressbar"' in page and 'aria-valuenow="0"' in page

    def test_a_partner_without_grouping_gets_no_member_part(self, client_for, world):
        response = client_for(world.partner_a_user).get("/")
        assert "member" not in response.context


class TestMemberHome:
    @pytest.fixture
    def grouping(self, world):
        world.org_c = OrganizationFactory(name="Gamma Coaching")
        world.pack = create_partnership(
            [
                PartySpec(world.org_a, role=PartyRole.COORDINATOR),
                PartySpec(world.org_c, role=PartyRole.MEMBER),
            ],
            name="Meute Lyon",
            kind=PartnershipKind.GROUPING,
            grouping_level="pack",
        )
        return world

    def test_proposals_playbook_and_payouts(self, client_for, grouping):
        w = grouping
        MatchProposal.objects.create(proposer=w.org_c, recipient=w.org_a, status=ProposalStatus.PENDING)
        MatchProposal.objects.create(proposer=w.org_a, recipient=w.org_c, status=ProposalStatus.PENDING)
        PlaybookItem.objects.create(
            partnership=w.pack,
            model=CollaborationModel.choices[0][0],
            key="kick-off",
            status=PlaybookItemStatus.TODO,
            owner_organization=w.org_a,
        )
        PlaybookItem.objects.create(
            partnership=w.pack,
            model=CollaborationModel.choices[0][0],
            key="done-thing",
            status=PlaybookItemStatus.DONE,
            owner_organization=w.org_a,
        )
        won = deal(w.pack, "Client gagné", DealStage.WON)
        version = RemunerationVersion.objects.create(partnership=w.pack, valid_from=datetime.date(2020, 1, 1))
        Payout.objects.create(
            deal=won,
            partnership=w.pack,
            organization=w.org_a,
            version=version,
            deal_date=TODAY(),
            amount=Decimal("123.45"),
        )
        response = client_for(w.partner_a_user).get("/")
        page = html_of(response)
        member = response.context["member"]
        assert member["proposals"].count == 1  # only the one it received
        assert member["playbook"].count == 1  # the done item is not a to-do
        assert [(row["status"], row["total"]) for row in member["payouts"]] == [
            ("computed", Decimal("123.45"))
        ]
        assert 'id="member-payouts"' in page and f"?period={TODAY().year}&amp;status=computed" in page


class TestManagerHome:
    def test_review_queue_follow_ups_and_links(self, client_for, world, program):
        deal(world.partnership_a, "Old claim", days_ago=9, conflict_level=MatchLevel.SAME)
        deal(world.partnership_b, "New claim", days_ago=1, conflict_level=MatchLevel.POSSIBLE)
        deal(world.partnership_a, "Ending soon", DealStage.APPROVED, protection_in=3)
        deal(world.partnership_a, "Ending later", DealStage.APPROVED, protection_in=60)
        Lead.objects.create(company_name="Back in queue", status=LeadStatus.UNASSIGNED)
        TierChange.objects.create(
            partnership=world.partnership_a,
            program=program,
            to_tier=program.tiers.get(name="Silver"),
            kind=ChangeKind.choices[0][0],
            status=ChangeStatus.PROPOSED,
            as_of=TODAY(),
        )
        response = client_for(world.manager).get("/")
        page = html_of(response)
        assert response.templates[0].name == "home/manager.html"
        queue = {c.key: c for c in response.context["queue"]["counters"]}
        assert queue["queue"].count == 2 and "9" in str(queue["queue"].note)
        assert queue["conflicts"].count == 1 and queue["possible"].count == 1
        assert queue["conflicts"].url == "/deals/?stage=submitted&conflict_level=same"
        assert [d.customer.name for d in response.context["queue"]["rows"]] == ["Old claim", "New claim"]
        follow = {c.key: c for c in response.context["follow_ups"]["counters"]}
        assert follow["tier_changes"].count == 1
        assert follow["tier_changes"].url == f"/programs/{program.uuid}/evaluation/"
        assert follow["unassigned"].count == 1 and follow["unassigned"].url == "/leads/?status=unassigned"
        assert follow["expiring"].count == 1
        expiring = page[page.index('id="expiring-protections"') :]
        expiring = expiring[: expiring.index("</section>")]
        assert "Ending soon" in expiring and "Ending later" not in expiring
        assert 'id="tier-progress"' not in page and response.context["recent_changes"]


class TestAdministratorHome:
    def test_network_overview_with_the_queue(self, client_for, world):
        deal(world.partnership_a, "Waiting claim", days_ago=2)
        response = client_for(world.admin).get("/")
        page = html_of(response)
        assert response.templates[0].name == "home/dashboard.html"
        assert response.context["organization_count"] == 3
        assert 'id="review-queue"' in page and 'id="counter-queue"' in page


class TestQueriesDoNotGrowWithHistory:
    def _count(self, client, url="/"):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    def _history(self, world, n, start):
        for i in range(n):
            deal(world.partnership_a, f"Client {start + i}", days_ago=i % 7)
            deal(world.partnership_a, f"Protected {start + i}", DealStage.APPROVED, protection_in=i % 40)
            offer(world.partnership_a, f"Lead {start + i}")

    @pytest.mark.parametrize("who", ["partner_a_user", "manager", "admin"])
    def test_home_at_n_and_3n_rows(self, client_for, world, program, who):
        client = client_for(getattr(world, who))
        self._history(world, 4, 0)
        at_n = self._count(client)
        self._history(world, 8, 100)
        assert self._count(client) == at_n

    def test_member_home_at_n_and_3n_rows(self, client_for, world, program):
        """A grouping member's home: more proposals, playbook items, payouts, deals and offers, and a second
        grouping, cost no query more."""
        org_c = OrganizationFactory(name="Gamma Coaching")
        pack = create_partnership(
            [PartySpec(world.org_a, role=PartyRole.COORDINATOR), PartySpec(org_c, role=PartyRole.MEMBER)],
            name="Meute Lyon",
            kind=PartnershipKind.GROUPING,
            grouping_level="pack",
        )
        version = RemunerationVersion.objects.create(partnership=pack, valid_from=datetime.date(2020, 1, 1))
        start = iter(range(0, 1000, 100))

        def grow(n):
            first = next(start)
            self._history(world, n, first)
            for i in range(first, first + n):
                MatchProposal.objects.create(
                    proposer=OrganizationFactory(), recipient=world.org_a, status=ProposalStatus.PENDING
                )
                PlaybookItem.objects.create(
                    partnership=pack,
                    model=CollaborationModel.choices[0][0],
                    key=f"item-{i}",
                    status=PlaybookItemStatus.TODO,
                    owner_organization=world.org_a,
                )
                Payout.objects.create(
                    deal=deal(pack, f"Won {i}", DealStage.WON),
                    partnership=pack,
                    organization=world.org_a,
                    version=version,
                    deal_date=TODAY(),
                    amount=Decimal("10.00"),
                )

        client = client_for(world.partner_a_user)
        grow(2)
        response = client.get("/")
        assert response.context["member"]["proposals"].count == 2
        at_n = self._count(client)
        grow(6)
        create_partnership(
            [PartySpec(world.org_a, role=PartyRole.MEMBER), PartySpec(org_c, role=PartyRole.COORDINATOR)],
            name="Meute Annecy",
            kind=PartnershipKind.GROUPING,
            grouping_level="pack",
        )
        response = client.get("/")
        member = response.context["member"]
        assert member["proposals"].count == 8 and member["playbook"].count == 8
        assert [g.name for g in member["groupings"]] == ["Meute Annecy", "Meute Lyon"]
        assert [(row["count"], row["total"]) for row in member["payouts"]] == [(8, Decimal("80.00"))]
        assert self._count(client) == at_n
