"""The payout rule versions' own rules with written-out expectations: a deal's margin and steps (who may
set them, the refusals in words, nothing written when refused), deleting a version, a stored rule as data,
the version in force on a day, and the versions as the engine reads them."""

import datetime
from decimal import Decimal as D

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from meute.deals.models import DealRegistration
from meute.lib.refusals import Refusal
from meute.remuneration import engine, payouts, rule_versions
from meute.remuneration.models import DealStepAssignment
from meute.remuneration.tests.fixtures import won_deal

pytestmark = pytest.mark.django_db

Q1 = datetime.date(2027, 1, 1)
POOL = {"kind": "commission_pool", "rate": "10"}


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def deal(pay_world):
    w = pay_world
    w.deal = won_deal(w.pack, [(o, w.member) for o in (w.org_a, w.org_c, w.org_d)], amount="1000.00")
    return w


def _state(deal) -> tuple:
    stored = DealRegistration.objects.get(pk=deal.pk)
    steps = sorted(DealStepAssignment.objects.filter(deal=deal).values_list("step", "organization_id"))
    return stored.margin, stored.margin_declared, steps


@pytest.mark.parametrize(
    ("margin", "words", "code"),
    [
        (D("-0.01"), "The margin cannot be negative.", "negative_margin"),
        (D("1000.01"), "The margin cannot exceed the amount.", "margin_over_amount"),
    ],
)
def test_a_margin_out_of_bounds_is_refused_in_words(deal, margin, words, code):
    w = deal
    before = _state(w.deal)
    with pytest.raises(ValidationError) as refused:
        rule_versions.save_deal_remuneration(
            w.deal, margin=margin, assignments=[("closing", w.org_a.uuid)], user=w.admin
        )
    assert (refused.value.messages, refused.value.code) == ([words], code)
    assert _state(w.deal) == before


def test_a_margin_at_its_bounds_is_kept(deal):
    w = deal
    for margin in (D("0"), D("1000.00")):
        rule_versions.save_deal_remuneration(w.deal, margin=margin, assignments=[], user=w.admin)
        assert _state(w.deal) == (margin, False, [])
    rule_versions.save_deal_remuneration(w.deal, margin=None, assignments=[])
    assert _state(w.deal) == (None, False, [])


def test_steps_unknown_or_of_an_organisation_off_the_deal_are_refused_in_words(deal):
    w = deal
    before = _state(w.deal)
    with pytest.raises(ValidationError) as refused:
        rule_versions.save_deal_remuneration(
            w.deal, margin=D("100"), assignments=[("closing", w.org_a.uuid), ("dancing", w.org_c.uuid)]
        )
    assert (refused.value.messages, refused.value.code) == (
        ["Unknown sales-cycle step “dancing”."],
        "bad_step",
    )
    with pytest.raises(ValidationError) as refused:
        rule_versions.save_deal_remuneration(w.deal, margin=D("100"), assignments=[("closing", w.org_b.uuid)])
    assert refused.value.messages == ["Only an organisation on the deal can carry a step."]
    assert refused.value.code == "not_on_deal"
    assert _state(w.deal) == before


def test_steps_and_margin_saved_once_each_by_the_coordinator(deal):
    w = deal
    rule_versions.save_deal_remuneration(
        w.deal,
        margin=D("300.00"),
        assignments=[("closing", w.org_a.uuid), ("closing", str(w.org_a.uuid)), ("delivery", w.org_d.uuid)],
        user=w.partner_a_user,  # org_a coordinates the pack: its margin counts at once
    )
    assert _state(w.deal) == (D("300.00"), False, sorted([("closing", w.org_a.pk), ("delivery", w.org_d.pk)]))
    rule_versions.save_deal_remuneration(w.deal, margin=D("300.00"), assignments=[("proposal", w.org_c.uuid)])
    assert _state(w.deal) == (D("300.00"), False, [("proposal", w.org_c.pk)])


def test_who_may_set_a_deals_margin_and_steps(deal):
    w = deal
    before = _state(w.deal)
    for user in (w.partner_b_user, w.reader):
        with pytest.raises(PermissionDenied):
            rule_versions.save_deal_remuneration(w.deal, margin=D("1"), assignments=[], user=user)
    assert _state(w.deal) == before


def test_a_version_with_payouts_stays_and_one_without_goes(pay_world):
    w = pay_world
    used = rule_versions.save_version(w.pack, valid_from=Q1, rules=[POOL], user=w.admin)
    later = rule_versions.save_version(
        w.pack, valid_from=datetime.date(2027, 6, 1), rules=[dict(POOL, rate="20")], user=w.admin
    )
    won_deal(w.pack, [(o, w.member) for o in (w.org_a, w.org_c, w.org_d)], amount="1000.00")
    payouts.compute_payouts("2027-Q1")
    with pytest.raises(PermissionDenied):
        rule_versions.delete_version(later, user=w.partner_b_user)
    with pytest.raises(Refusal) as refused:
        rule_versions.delete_version(used, user=w.admin)
    assert refused.value.code == "version_used"
    assert refused.value.messages == ["Payouts were computed with this version: it cannot be deleted."]
    rule_versions.delete_version(later, user=w.partner_a_user)  # the coordinator
    assert list(type(used).objects.filter(partnership=w.pack).values_list("pk", flat=True)) == [used.pk]


def test_a_stored_rule_as_data_and_the_version_in_force_on_a_day(pay_world):
    w = pay_world
    first = rule_versions.save_version(
        w.pack,
        valid_from=Q1,
        rules=[{"kind": "referral_fee", "rate": "15", "basis": "margin", "party_role": "referrer"}],
        user=w.admin,
    )
    second = rule_versions.save_version(
        w.pack, valid_from=datetime.date(2027, 4, 1), rules=[POOL], user=w.admin
    )
    rule = first.rules.get()
    assert rule_versions.rule_data(rule) == {
        "kind": "referral_fee",
        "basis": "margin",
        "rate": rule.rate,
        "fixed_amount": None,
        "party_role": "",  # a referral fee pays the referrer: no role to name
        "steps": rule.steps,
        "weight_source": rule.weight_source,
        "weights": rule.weights,
    }
    assert rule.rate == D("15")
    assert rule_versions.rules_in_force(w.pack, datetime.date(2026, 12, 31)) is None
    assert rule_versions.rules_in_force(w.pack, Q1) == first
    assert rule_versions.rules_in_force(w.pack, datetime.date(2027, 3, 31)) == first
    assert rule_versions.rules_in_force(w.pack, datetime.date(2027, 4, 1)) == second
    assert rule_versions.rules_in_force(w.partnership_a, Q1) is None


def test_versions_as_the_engine_reads_them(pay_world):
    w = pay_world
    weights = {str(w.org_c.uuid): "3", str(w.org_d.uuid): "1"}
    explicit = {"kind": "commission_pool", "rate": "10", "weight_source": "explicit", "weights": weights}
    old = rule_versions.save_version(w.pack, valid_from=Q1, rules=[explicit], user=w.admin)
    new = rule_versions.save_version(w.pack, valid_from=datetime.date(2027, 4, 1), rules=[POOL], user=w.admin)
    other = rule_versions.save_version(w.partnership_a, valid_from=Q1, rules=[POOL], user=w.admin)
    loaded = rule_versions.load_versions()
    assert set(loaded) == {w.pack.pk, w.partnership_a.pk}
    assert [v.key for v in loaded[w.pack.pk]] == [old.pk, new.pk]
    assert [v.valid_from for v in loaded[w.pack.pk]] == [Q1, datetime.date(2027, 4, 1)]
    (weighted,) = loaded[w.pack.pk][0].rules
    assert (weighted.kind, weighted.rate, weighted.weight_source) == ("commission_pool", D("10"), "explicit")
    assert dict(weighted.weights) == {w.org_c.pk: D("3"), w.org_d.pk: D("1")}
    (pool,) = loaded[w.pack.pk][1].rules
    assert (pool.kind, pool.rate, pool.weight_source, pool.weights) == (
        "commission_pool",
        D("10"),
        "involvement",
        (),
    )
    assert loaded[w.partnership_a.pk][0].rules[0] is pool  # equal rules are one engine object
    version = loaded[w.pack.pk][0]
    assert (version.referral_min, version.referral_max) == (
        engine.DEFAULT_REFERRAL_MIN,
        engine.DEFAULT_REFERRAL_MAX,
    )
    only = rule_versions.load_versions([w.partnership_a.pk])
    assert set(only) == {w.partnership_a.pk} and [v.key for v in only[w.partnership_a.pk]] == [other.pk]


def test_a_fixed_amount_rule_kept_as_stored_and_read_by_the_engine(pay_world):
    w = pay_world
    fixed = {"kind": "fixed_amount", "fixed_amount": "500", "rate": "7", "party_role": "referrer"}
    version = rule_versions.save_version(w.partnership_a, valid_from=Q1, rules=[fixed], user=w.admin)
    stored = version.rules.get()
    assert (stored.kind, stored.fixed_amount, stored.rate, stored.party_role) == (
        "fixed_amount",
        D("500"),
        None,  # a fixed amount has no rate
        "referrer",
    )
    (rule,) = rule_versions.load_versions([w.partnership_a.pk])[w.partnership_a.pk][0].rules
    assert (rule.kind, rule.fixed_amount, rule.rate, rule.party_role) == (
        "fixed_amount",
        D("500"),
        None,
        "referrer",
    )


def test_a_rule_read_from_a_form_with_empty_fields():
    rule = rule_versions.engine_rule({"fixed_amount": "", "rate": None, "party_role": None}, key=7)
    assert (rule.kind, rule.basis, rule.rate, rule.fixed_amount, rule.party_role, rule.key) == (
        "",
        "amount",
        None,
        None,
        "",
        7,
    )
    assert (rule.steps, rule.weight_source, rule.weights) == ((), "involvement", ())
    full = rule_versions.engine_rule(
        {"kind": "fixed_amount", "fixed_amount": "12.50", "party_role": "reseller"}
    )
    assert (full.fixed_amount, full.party_role, full.key) == (D("12.50"), "reseller", None)


def test_a_version_refused_in_words_with_nothing_written(pay_world):
    from meute.remuneration.models import RemunerationVersion

    w = pay_world
    with pytest.raises(ValidationError) as refused:
        rule_versions.save_version(w.pack, valid_from=None, rules=[POOL], user=w.admin)
    assert refused.value.messages == ["Say from which day the rules are in force."]
    first = rule_versions.save_version(w.pack, valid_from=Q1, rules=[POOL], user=w.admin, notes="Start")
    assert (first.created_by, first.notes, [r.position for r in first.rules.all()]) == (w.admin, "Start", [0])
    explicit = {
        "kind": "commission_pool",
        "rate": "10",
        "weight_source": "explicit",
        "weights": {"nobody": "1"},
    }
    with pytest.raises(ValidationError) as refused:
        rule_versions.save_version(w.pack, valid_from=Q1, rules=[explicit], user=w.admin)
    assert refused.value.messages == [
        "Another version of these rules starts on 2027-01-01: the rules in force would be ambiguous.",
        "The weight “nobody” is not for a member of this partnership.",
    ]
    same = rule_versions.save_version(w.pack, valid_from=Q1, rules=[POOL], user=w.admin, version=first)
    assert same.pk == first.pk and same.notes == ""
    won_deal(w.pack, [(o, w.member) for o in (w.org_a, w.org_c, w.org_d)], amount="1000.00")
    payouts.compute_payouts("2027-Q1")
    from meute.remuneration.choices import PayoutStatus
    from meute.remuneration.models import Payout

    payouts.change_status(list(Payout.objects.all()), PayoutStatus.APPROVED, user=w.admin)
    with pytest.raises(ValidationError) as refused:
        rule_versions.save_version(w.pack, valid_from=Q1, rules=[dict(POOL, rate="20")], version=first)
    assert refused.value.messages == [
        "Payouts computed with this version are already approved, paid or on hold: its rules can no longer "
        "change. Add a new version in force from a later date."
    ]
    assert RemunerationVersion.objects.filter(partnership=w.pack).count() == 1
    assert first.rules.get().rate == D("10")
    with pytest.raises(ValidationError) as refused:
        rule_versions.save_version(w.pack, valid_from=Q1, rules=[{"kind": "commission_pool", "rate": "ten"}])
    assert refused.value.messages == ["“ten” is not a number."]
