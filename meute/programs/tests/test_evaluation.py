"""Batch evaluation: figures gathered set-based, proposals, approval, auto-apply, grace period, history."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from meute.core.factories import OrganizationFactory, PersonFactory
from meute.enablement.models import PersonCertification
from meute.partnerships.choices import PartyRole
from meute.partnerships.parties import PartySpec, create_partnership
from meute.programs import rule_versions
from meute.programs.choices import ChangeKind, ChangeStatus
from meute.programs.evaluation import (
    NoTiersError,
    approve_change,
    collect_metrics,
    reject_change,
    run_evaluation,
)
from meute.programs.models import (
    PartnerMetric,
    PartnerTier,
    Program,
    RevenueRecord,
    Tier,
    TierChange,
)
from meute.programs.tests.fixtures import AS_OF, tier

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def revenue(partnership, amount, period=datetime.date(2026, 3, 1), **extra):
    return RevenueRecord.objects.create(
        partnership=partnership, period=period, amount=Decimal(amount), **extra
    )


def certify(organization, role, count, valid_until=None):
    for n in range(count):
        person = PersonFactory(organization=organization)
        PersonCertification.objects.create(
            person=person, name=f"Cert {role} {n}", role=role, valid_until=valid_until
        )


def member(world, program, partnership=None):
    return PartnerTier.objects.get(partnership=partnership or world.partnership_a, program=program)


class TestCollectMetrics:
    def test_figures_per_partnership_in_a_fixed_number_of_queries(self, world, program):
        revenue(world.partnership_a, "300000")
        revenue(world.partnership_a, "-20000", is_credit_note=True)
        revenue(world.partnership_a, "999999", period=datetime.date(2025, 6, 30))  # outside 12 months
        revenue(world.partnership_a, "5000", currency="USD")  # other currency without a rate: not counted
        revenue(world.partnership_b, "60000")
        certify(world.org_a, "sales", 3)
        certify(world.org_a, "consultant", 1)
        certify(world.org_a, "consultant", 1, valid_until=datetime.date(2026, 1, 1))  # expired
        certify(world.operator, "sales", 4)  # the operator's people do not count for partners
        PartnerMetric.objects.create(
            partnership=world.partnership_a, metric="won_deals", period=AS_OF, value=2
        )
        PartnerMetric.objects.create(
            partnership=world.partnership_a, metric="won_deals", period=datetime.date(2026, 1, 1), value=3
        )
        PartnerMetric.objects.create(
            partnership=world.partnership_a, metric="satisfaction", period=AS_OF, value=8
        )
        PartnerMetric.objects.create(
            partnership=world.partnership_a, metric="satisfaction", period=datetime.date(2026, 1, 1), value=7
        )
        with CaptureQueriesContext(connection) as queries:
            figures = collect_metrics(program, AS_OF)
        assert len(queries) <= 6  # one more to name the currencies left out for lack of a rate
        a, b = figures[world.partnership_a.pk], figures[world.partnership_b.pk]
        assert a.revenue == Decimal("280000")
        assert a.certified == {"sales": 3, "consultant": 1}
        assert a.won_deals == 5
        assert a.satisfaction == Decimal("7.5")
        assert b.revenue == Decimal("60000") and b.certified == {}


class TestRunEvaluation:
    def test_promotions_are_proposed_with_evidence_then_approved(self, world, program):
        revenue(world.partnership_a, "412000")
        certify(world.org_a, "sales", 2)
        certify(world.org_a, "consultant", 2)
        summary = run_evaluation(program, AS_OF)
        assert summary.count("promote") == 1  # partnership_b has no revenue: no tier, nothing to propose
        change = TierChange.objects.get(partnership=world.partnership_a)
        assert change.status == ChangeStatus.PROPOSED
        assert change.kind == ChangeKind.PROMOTION and change.to_tier == tier(program, "Silver")
        assert change.evidence["metrics"]["revenue"] == "412000.00"
        assert change.evidence["eligible"] == "Silver"
        assert "Gold needs 3 certified sales people: you have 2" in change.explanation
        assert "Gold: annual revenue 412,000 € ≥ 250,000 € ✓" in change.explanation
        assert member(world, program).tier is None  # waits for approval

        # Evaluating again keeps the single open proposal.
        run_evaluation(program, AS_OF)
        assert TierChange.objects.filter(partnership=world.partnership_a).count() == 1

        approve_change(change, world.manager, "Welcome")
        held = member(world, program)
        assert held.tier == tier(program, "Silver")
        assert held.valid_until == held.valid_from + datetime.timedelta(days=365)
        change.refresh_from_db()
        assert change.status == ChangeStatus.APPROVED and change.decided_by == world.manager
        with pytest.raises(ValidationError):
            approve_change(change, world.manager)

    def test_auto_apply_gives_the_tier_at_once(self, world, program):
        program.auto_apply = True
        program.save()
        revenue(world.partnership_a, "300000")
        certify(world.org_a, "sales", 3)
        certify(world.org_a, "consultant", 2)
        run_evaluation(program, AS_OF)
        assert member(world, program).tier == tier(program, "Gold")
        change = TierChange.objects.get(partnership=world.partnership_a)
        assert change.status == ChangeStatus.AUTO_APPLIED

    def test_rejected_promotion_keeps_the_tier(self, world, program):
        revenue(world.partnership_a, "60000")
        run_evaluation(program, AS_OF)
        change = TierChange.objects.get(partnership=world.partnership_a)
        reject_change(change, world.manager, "Wait for the contract")
        assert member(world, program).tier is None
        change.refresh_from_db()
        assert change.status == ChangeStatus.REJECTED

    def test_grace_period_before_demotion(self, world, program):
        gold = tier(program, "Gold")
        held = member(world, program)
        held.tier = gold
        held.save()
        revenue(world.partnership_a, "300000")  # Gold revenue, but nobody certified: only Silver
        first = run_evaluation(program, AS_OF)
        assert [o.action for o in first.outcomes if o.member.partnership_id == world.partnership_a.pk] == [
            "grace_started"
        ]
        held.refresh_from_db()
        assert held.tier == gold and held.grace_until == AS_OF + datetime.timedelta(days=60)
        assert not TierChange.objects.filter(partnership=world.partnership_a).exists()

        # Still short during the grace period: nothing proposed.
        run_evaluation(program, AS_OF + datetime.timedelta(days=30))
        assert not TierChange.objects.filter(partnership=world.partnership_a).exists()

        # Past the grace period: demotion proposed.
        run_evaluation(program, AS_OF + datetime.timedelta(days=60))
        change = TierChange.objects.get(partnership=world.partnership_a)
        assert change.kind == ChangeKind.DEMOTION
        assert change.from_tier == gold and change.to_tier == tier(program, "Silver")

    def test_requalifying_during_grace_clears_it(self, world, program):
        held = member(world, program)
        held.tier = tier(program, "Silver")
        held.save()
        run_evaluation(program, AS_OF)  # no revenue at all: grace starts
        held.refresh_from_db()
        assert held.grace_until is not None
        revenue(world.partnership_a, "70000", period=AS_OF)
        summary = run_evaluation(program, AS_OF + datetime.timedelta(days=10))
        held.refresh_from_db()
        assert held.grace_until is None
        assert "grace_cleared" in [o.action for o in summary.outcomes]

    def test_dry_run_writes_nothing(self, world, program):
        revenue(world.partnership_a, "60000")
        summary = run_evaluation(program, AS_OF, write=False)
        assert summary.count("promote") == 1
        assert not TierChange.objects.exists()
        assert member(world, program).last_evaluated is None

    def test_programme_without_tiers_says_so(self, world):
        empty = Program.objects.create(name="Empty", code="empty")
        with pytest.raises(NoTiersError, match="has no tiers"):
            run_evaluation(empty, AS_OF)

    def test_rules_in_force_at_the_evaluation_date(self, world, program):
        silver = tier(program, "Silver")
        # Yesterday's rules (recorded as the first version) asked 50,000; a version from AS_OF asks 80,000.
        from meute.programs.models import record_rule_version

        silver.min_revenue = Decimal("80000")
        Tier.objects.filter(pk=silver.pk).update(min_revenue=silver.min_revenue)
        record_rule_version(silver, effective_from=AS_OF)
        silver.versions.exclude(effective_from=AS_OF).update(effective_from=datetime.date(2020, 1, 1))
        revenue(world.partnership_a, "60000", period=datetime.date(2026, 1, 1))
        before = run_evaluation(program, datetime.date(2026, 6, 1), write=False)
        after = run_evaluation(program, AS_OF, write=False)
        assert [o.action for o in before.outcomes][0] == "promote"
        assert [o.action for o in after.outcomes][0] == "keep"

    def test_written_changes_match_what_was_computed_and_are_audited(self, world, program):
        """The batch write (COPY on PostgreSQL) stores every field as computed, with one audit entry each."""
        import gc

        from auditlog.models import LogEntry

        program.auto_apply = True
        program.save()
        silver = tier(program, "Silver")
        silver.name = 'Silver "Ä\\1"\tplus'  # quotes, a backslash and a tab: escaped in the COPY stream
        silver.save()
        revenue(world.partnership_a, "412000")
        revenue(world.partnership_b, "60000")
        with translation.override("fr"):
            summary = run_evaluation(program, AS_OF, actor=world.manager)
        assert gc.isenabled()
        for computed in summary.proposals:
            stored = TierChange.objects.get(pk=computed.pk)
            assert stored.uuid == computed.uuid
            assert stored.evidence == computed.evidence
            assert stored.explanation == computed.explanation and "\n" in stored.explanation
            assert "chiffre d’affaires annuel" in stored.explanation  # rendered in the active language
            assert (stored.status, stored.kind, stored.as_of) == ("auto_applied", "promotion", AS_OF)
            assert stored.decided_at is not None and stored.decided_by is None
            entry = LogEntry.objects.get_for_object(stored).get()
            assert entry.actor == world.manager and entry.action == LogEntry.Action.CREATE
            assert "to_tier" in entry.changes_dict and "evidence" not in entry.changes_dict
            assert stored.to_tier == silver and stored.evidence["eligible"] == silver.name
        assert member(world, program).tier == silver


class TestModelRules:
    def test_contradictory_tier_is_refused_by_validation(self, world, program):
        easy = Tier(program=program, name="Diamond", rank=4, min_revenue=Decimal("10"))
        with pytest.raises(ValidationError) as exc:
            rule_versions.validate_tier(easy)
        assert "Diamond is easier than Platinum" in " ".join(exc.value.messages)

    def test_negative_revenue_needs_credit_note_flag(self, world):
        record = RevenueRecord(partnership=world.partnership_a, period=AS_OF, amount=Decimal("-5"))
        with pytest.raises(ValidationError):
            record.full_clean()
        with pytest.raises(IntegrityError), transaction.atomic():
            record.save()

    def test_unknown_currency_is_refused(self, world):
        record = RevenueRecord(
            partnership=world.partnership_a, period=AS_OF, amount=Decimal("5"), currency="XYZ"
        )
        with pytest.raises(ValidationError, match="Unknown currency"):
            record.full_clean()

    def test_one_tier_per_partner_and_programme(self, world, program):
        with pytest.raises(IntegrityError), transaction.atomic():
            PartnerTier.objects.create(partnership=world.partnership_a, program=program)

    def test_partners_see_only_their_own_rows(self, world, program):
        revenue(world.partnership_a, "1")
        revenue(world.partnership_b, "2")
        rows = RevenueRecord.objects.visible_to(world.partner_a_user)
        assert [r.partnership_id for r in rows] == [world.partnership_a.pk]
        assert list(PartnerTier.objects.visible_to(world.partner_a_user)) == [member(world, program)]
        assert RevenueRecord.objects.visible_to(world.reader).count() == 2

    def test_grouping_member_certifications_count_once_per_partnership(self, world, program):
        other = OrganizationFactory()
        grouping = create_partnership(
            [PartySpec(world.org_a, role=PartyRole.COORDINATOR), PartySpec(other, role=PartyRole.MEMBER)],
            name="Pack",
        )
        PartnerTier.objects.create(partnership=grouping, program=program)
        certify(world.org_a, "sales", 1)
        certify(other, "sales", 2)
        figures = collect_metrics(program, AS_OF)
        assert figures[grouping.pk].certified == {"sales": 3}
        assert figures[world.partnership_a.pk].certified == {"sales": 1}


def test_what_if_simulation_counts_moves_and_cost(world, program):
    from meute.programs.evaluation import program_tier_rules, simulate
    from meute.programs.tiering import TierRules

    revenue(world.partnership_a, "60000", period=datetime.date.today() - datetime.timedelta(days=5))
    revenue(world.partnership_b, "45000", period=datetime.date.today() - datetime.timedelta(days=5))
    silver = tier(program, "Silver")
    silver.min_revenue = Decimal("40000")
    silver.mdf_percent = Decimal("2")
    result = simulate(program, program_tier_rules(program, replacing=silver))
    assert (result.evaluated, result.up, result.down) == (2, 1, 0)
    assert result.margin_before == Decimal("6000.00") and result.margin_after == Decimal("10500.00")
    assert result.mdf_before == Decimal("0.00") and result.mdf_after == Decimal("2100.00")
    with pytest.raises(ValidationError, match="easier"):
        simulate(
            program, [TierRules(name="A", rank=1, min_revenue=Decimal("5")), TierRules(name="B", rank=2)]
        )
    assert not TierChange.objects.exists()
