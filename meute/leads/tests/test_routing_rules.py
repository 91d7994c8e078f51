"""The routing rules as pure functions, at their edges: settings read and their defaults, a weight of zero,
each skip reason with its parameters and its words, and the explanation stored with a decision."""

from fractions import Fraction

import pytest
from django.utils import translation

from meute.leads import routing
from meute.leads.routing import Candidate, LeadFacts, Ranked, Ranking, Skipped


@pytest.mark.parametrize(
    ("function", "setting", "default"),
    [
        (routing.response_hours, "MEUTE_LEADS_RESPONSE_HOURS", 48),
        (routing.default_max_open_leads, "MEUTE_LEADS_MAX_OPEN", 5),
    ],
)
def test_settings_then_environment_then_default(function, setting, default, settings, monkeypatch):
    monkeypatch.delenv(setting, raising=False)
    if hasattr(settings, setting):
        delattr(settings, setting)
    assert function() == default
    monkeypatch.setenv(setting, "7")
    assert function() == 7
    setattr(settings, setting, "3")  # the setting wins over the environment
    assert function() == 3
    setattr(settings, setting, 0)  # zero is a value, not "unset"
    assert function() == 0


def test_score_is_weight_over_one_plus_load_and_never_negative():
    assert routing.score(Candidate(1, "A", weight=3, load=0)) == Fraction(3, 1)
    assert routing.score(Candidate(1, "A", weight=3, load=2)) == Fraction(1, 1)
    assert routing.score(Candidate(1, "A", weight=0, load=0)) == 0
    assert routing.score(Candidate(1, "A", weight=-2, load=0)) == 0


@pytest.mark.parametrize(
    ("lead", "candidate", "expected"),
    [
        (LeadFacts(), Candidate(1, "A", excluded="declined"), ("already_tried", {"outcome": "declined"})),
        (
            LeadFacts(territory_ids=frozenset({1})),
            Candidate(1, "A", territory_ids=frozenset({2})),
            ("territory", {}),
        ),
        (LeadFacts(territory_ids=frozenset({1})), Candidate(1, "A"), None),  # no boundary: anywhere
        (
            LeadFacts(product_line_ids=frozenset({1, 2})),
            Candidate(1, "A", product_line_ids=frozenset({1})),
            ("products", {}),
        ),
        (
            LeadFacts(product_line_ids=frozenset({1})),
            Candidate(1, "A", product_line_ids=frozenset({1, 2})),
            None,
        ),
        (LeadFacts(sector_id=4), Candidate(1, "A", sector_ids=frozenset({5})), ("sector", {})),
        (LeadFacts(sector_id=4), Candidate(1, "A", sector_ids=frozenset({4, 5})), None),
        (LeadFacts(partner_type="reseller"), Candidate(1, "A"), ("partner_type", {"type": "reseller"})),
        (LeadFacts(partner_type="reseller"), Candidate(1, "A", partner_types=frozenset({"reseller"})), None),
        (
            LeadFacts(min_certified=3),
            Candidate(1, "A", certified=2),
            ("certifications", {"count": 2, "required": 3}),
        ),
        (LeadFacts(min_certified=3), Candidate(1, "A", certified=3), None),  # exactly enough
        (LeadFacts(), Candidate(1, "A", load=5, capacity=5), ("capacity", {"load": 5, "capacity": 5})),
        (LeadFacts(), Candidate(1, "A", load=4, capacity=5), None),  # one place left
    ],
)
def test_skip_reason_at_each_rule_edge(lead, candidate, expected):
    assert routing.skip_reason(lead, candidate) == expected


@pytest.mark.parametrize(
    ("code", "params", "english", "french"),
    [
        ("territory", {}, "outside territory", "hors territoire"),
        ("products", {}, "product lines outside its boundaries", None),
        ("sector", {}, "outside sector", None),
        ("partner_type", {"type": "reseller"}, "not a reseller", None),
        ("partner_type", {"type": "unknown-type"}, "not a unknown-type", None),
        ("certifications", {"count": 2, "required": 3}, "2 certified people, 3 required", None),
        ("capacity", {"load": 5, "capacity": 5}, "at capacity 5/5", None),
        ("already_tried", {"outcome": "declined"}, "already offered this lead (declined)", None),
        ("something-else", {}, "something-else", "something-else"),
    ],
)
def test_each_skip_reason_in_words(code, params, english, french):
    with translation.override("en"):
        assert routing.describe_skip(code, params) == english
    with translation.override("fr"):
        said = routing.describe_skip(code, params)
    if french is not None:
        assert said == french
    elif code != "something-else":
        assert said != english  # every reason has its French words


def test_the_stored_explanation_counts_and_orders_what_it_keeps():
    best = Candidate(2, "Best", weight=3, load=1, capacity=5)
    other = Candidate(1, "Other", weight=1, load=0, capacity=4)
    ranking = Ranking(
        ranked=[Ranked(best, Fraction(3, 2)), Ranked(other, Fraction(1, 1))],
        skipped=[
            Skipped(Candidate(9, "Far"), "territory", {}),
            Skipped(Candidate(8, "Tried"), "already_tried", {"outcome": "declined"}),
            Skipped(Candidate(3, "Full"), "capacity", {"load": 5, "capacity": 5}),
        ],
        unlisted={"territory": 4},
    )
    explained = ranking.as_dict()
    assert explained["considered"] == 2 + 3 + 4
    assert explained["eligible"] == 2
    assert explained["ranked"][0] == {
        "partnership": 2,
        "name": "Best",
        "weight": 3,
        "load": 1,
        "capacity": 5,
        "score": "1.500",
    }
    assert [r["partnership"] for r in explained["ranked"]] == [2, 1]
    # Already-tried partnerships first, then by partnership.
    assert [s["partnership"] for s in explained["skipped"]] == [8, 3, 9]
    assert explained["skipped"][0] == {
        "partnership": 8,
        "name": "Tried",
        "code": "already_tried",
        "params": {"outcome": "declined"},
    }
    assert explained["skipped_counts"] == {"territory": 5, "already_tried": 1, "capacity": 1}
    assert ranking.best is best
    assert Ranking([], []).best is None


@pytest.mark.parametrize(
    ("code", "english", "french"),
    [
        ("territory", "outside territory", "hors territoire"),
        ("products", "product lines outside its boundaries", "gammes de produits hors de son périmètre"),
        ("sector", "outside sector", "hors secteur"),
        ("partner_type", "not of the required partner type", "pas du type de partenaire requis"),
        ("certifications", "not enough certified people", "pas assez de personnes certifiées"),
        ("capacity", "at capacity", "capacité atteinte"),
        ("already_tried", "already offered this lead", "lead déjà proposé"),
        ("something-else", "something-else", "something-else"),
    ],
)
def test_each_counted_reason_in_words(code, english, french):
    with translation.override("en"):
        assert routing.describe_reason(code) == english
    with translation.override("fr"):
        assert routing.describe_reason(code) == french


@pytest.mark.parametrize(
    ("outcome", "english", "french"),
    [
        ("expired", "already offered this lead (timed out)", "lead déjà proposé (délai dépassé)"),
        ("declined", "already offered this lead (declined)", "lead déjà proposé (refusée)"),
        ("gone", "already offered this lead (gone)", "lead déjà proposé (gone)"),
    ],
)
def test_an_earlier_offer_is_named_by_its_outcome_label(outcome, english, french):
    with translation.override("en"):
        assert routing.describe_skip("already_tried", {"outcome": outcome}) == english
    with translation.override("fr"):
        assert routing.describe_skip("already_tried", {"outcome": outcome}) == french


def test_a_ranked_partner_in_words():
    entry = {"weight": 3, "load": 1, "score": "3/2", "capacity": 5}
    with translation.override("en"):
        assert routing.describe_ranked(entry) == "weight 3 × 1/(1 + load 1) = 3/2, capacity 1/5"
    with translation.override("fr"):
        assert routing.describe_ranked(entry) == "poids 3 × 1/(1 + charge 1) = 3/2, capacité 1/5"
