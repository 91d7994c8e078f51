"""The routing rules on plain data: no database."""

import datetime
from fractions import Fraction

from meute.leads import routing
from meute.leads.routing import Candidate, LeadFacts, evaluate

T0 = datetime.datetime(2026, 3, 1, 9, 0, tzinfo=datetime.UTC)


def cand(pk, **fields):
    return Candidate(partnership_id=pk, name=f"P{pk}", **fields)


def order(ranking):
    return [r.candidate.partnership_id for r in ranking.ranked]


def skipped(ranking):
    return {s.candidate.partnership_id: s.code for s in ranking.skipped}


def test_territory_boundary_with_the_territories_containing_the_lead():
    lead = LeadFacts(territory_ids=frozenset({10, 1}))  # a region (10) inside France (1)
    ranking = evaluate(
        lead,
        [
            cand(1, territory_ids=frozenset({10})),
            cand(2, territory_ids=frozenset({1})),
            cand(3, territory_ids=frozenset({11})),
            cand(4),  # no boundary: no restriction
        ],
    )
    assert sorted(order(ranking)) == [1, 2, 4]
    assert skipped(ranking) == {3: routing.OUTSIDE_TERRITORY}
    assert routing.describe_skip(routing.OUTSIDE_TERRITORY, {}) == "outside territory"


def test_a_lead_without_territory_is_not_restricted():
    ranking = evaluate(LeadFacts(), [cand(1, territory_ids=frozenset({11}))])
    assert order(ranking) == [1]


def test_product_lines_must_all_be_covered_and_sector_too():
    lead = LeadFacts(product_line_ids=frozenset({1, 2}), sector_id=7)
    ranking = evaluate(
        lead,
        [
            cand(1, product_line_ids=frozenset({1})),
            cand(2, product_line_ids=frozenset({1, 2, 3}), sector_ids=frozenset({8})),
            cand(3, product_line_ids=frozenset({1, 2}), sector_ids=frozenset({7})),
        ],
    )
    assert order(ranking) == [3]
    assert skipped(ranking) == {1: routing.OUTSIDE_PRODUCTS, 2: routing.OUTSIDE_SECTOR}


def test_required_partner_type():
    lead = LeadFacts(partner_type="system_integrator")
    ranking = evaluate(
        lead,
        [
            cand(1, partner_types=frozenset({"reseller"})),
            cand(2, partner_types=frozenset({"system_integrator"})),
        ],
    )
    assert order(ranking) == [2]
    assert skipped(ranking) == {1: routing.WRONG_TYPE}
    assert (
        routing.describe_skip(routing.WRONG_TYPE, {"type": "system_integrator"}) == "not a system integrator"
    )


def test_required_certified_people():
    ranking = evaluate(LeadFacts(min_certified=2), [cand(1, certified=1), cand(2, certified=2)])
    assert order(ranking) == [2]
    assert ranking.skipped[0].params == {"count": 1, "required": 2}
    assert routing.describe_skip(routing.NOT_CERTIFIED, ranking.skipped[0].params) == (
        "1 certified people, 2 required"
    )


def test_capacity_left_is_required():
    ranking = evaluate(LeadFacts(), [cand(1, load=5, capacity=5), cand(2, load=4, capacity=5)])
    assert order(ranking) == [2]
    assert routing.describe_skip(routing.AT_CAPACITY, ranking.skipped[0].params) == "at capacity 5/5"


def test_tier_weight_over_current_load():
    # Gold (weight 3) with one open lead scores 3/2 and beats an idle silver (1/1), but not with 2 leads (1).
    ranking = evaluate(LeadFacts(), [cand(1, weight=1, load=0), cand(2, weight=3, load=1)])
    assert order(ranking) == [2, 1]
    assert [r.score for r in ranking.ranked] == [Fraction(3, 2), Fraction(1)]
    ranking = evaluate(LeadFacts(), [cand(1, weight=1, load=0), cand(2, weight=3, load=3)])
    assert order(ranking) == [1, 2]


def test_ties_go_round_robin_least_recently_offered_first_then_stable_id():
    candidates = [
        cand(1, last_offered_at=T0 + datetime.timedelta(hours=2)),
        cand(2, last_offered_at=T0),
        cand(3),  # never offered a lead: first
        cand(4),
    ]
    assert order(evaluate(LeadFacts(), candidates)) == [3, 4, 2, 1]
    # Same data, any input order: the same ranking.
    assert order(evaluate(LeadFacts(), list(reversed(candidates)))) == [3, 4, 2, 1]


def test_partners_already_tried_are_skipped_first():
    ranking = evaluate(LeadFacts(), [cand(1, excluded="declined"), cand(2)])
    assert order(ranking) == [2]
    assert skipped(ranking) == {1: routing.ALREADY_TRIED}
    assert ranking.as_dict()["skipped"][0] == {
        "partnership": 1,
        "name": "P1",
        "code": "already_tried",
        "params": {"outcome": "declined"},
    }


def test_nobody_eligible():
    ranking = evaluate(LeadFacts(partner_type="var"), [cand(1)])
    assert ranking.best is None and ranking.ranked == []


def test_the_stored_explanation_is_bounded_and_counts_every_reason():
    candidates = [cand(pk, territory_ids=frozenset({99})) for pk in range(1, 121)]
    candidates += [cand(200 + pk) for pk in range(15)]
    candidates.append(cand(500, excluded="expired"))
    stored = evaluate(LeadFacts(territory_ids=frozenset({1})), candidates).as_dict()
    assert stored["considered"] == 136 and stored["eligible"] == 15
    assert len(stored["ranked"]) == 10 and len(stored["skipped"]) == 50  # the 10 best, the first 50 skipped
    assert stored["skipped"][0]["partnership"] == 500  # the partners already tried come first
    assert stored["skipped_counts"] == {"territory": 120, "already_tried": 1}


def test_unassigned_summary_names_few_partners_and_counts_many():
    from meute.leads.workflow import unassigned_summary

    few = evaluate(LeadFacts(), [cand(1, load=2, capacity=2)]).as_dict()
    assert unassigned_summary(few) == "No eligible partner left. P1: at capacity 2/2."
    many = evaluate(
        LeadFacts(territory_ids=frozenset({1})),
        [cand(pk, territory_ids=frozenset({2})) for pk in range(12)] + [cand(50, load=1, capacity=1)],
    ).as_dict()
    assert unassigned_summary(many) == "No eligible partner left. 12 outside territory; 1 at capacity."
