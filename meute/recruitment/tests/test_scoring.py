"""The scoring engine against hand-computed figures (no database)."""

import math

import numpy as np
import pytest

from meute.recruitment import scoring
from meute.recruitment.scoring import Criterion, Group, ScoringError

NAN = float("nan")


@pytest.fixture
def columns():
    # Four organisations: headcounts 10, 20, 40 and unknown; markets {a,b}, {a}, {c}, none;
    # growth growing, stable, growing, unknown.
    return {
        "headcount": scoring.number_column([10, 20, 40, None]),
        "markets": scoring.pack_sets([["a", "b"], ["a"], ["c"], []]),
        "growth": scoring.choice_column(["growing", "stable", "growing", None]),
    }


GROUPS = [
    Group("Strength", 1, (Criterion("headcount"),)),
    Group("Customers", 3, (Criterion("markets"), Criterion("growth"))),
]


def test_lookalike_of_one_partner(columns):
    result = scoring.score(columns, GROUPS, references=[0])
    # headcount: scale = 40 − 10 = 30 → 1, 1 − 10/30, 0, missing 0.
    # markets (Jaccard with {a,b}): 1, 1/2, 0, 0; growth: 1, 0, 1, 0.
    # score = 100·(1·strength + 3·customers)/4
    expected = [100.0, 100 * (2 / 3 + 3 * 0.25) / 4, 100 * (0 + 3 * 0.5) / 4, 0.0]
    assert result.scores == pytest.approx(expected)
    assert result.contributions[1] == pytest.approx([100 * (2 / 3) / 4, 100 * 0.75 / 4])
    assert list(result.ranking()) == [0, 2, 1, 3]


def test_a_partner_is_most_similar_to_itself(columns):
    for row in range(3):
        result = scoring.score(columns, GROUPS, references=[row])
        assert result.ranking()[0] == row
        assert result.scores[row] == pytest.approx(100.0)


def test_contributions_add_up_to_the_score(columns):
    result = scoring.score(columns, GROUPS, references=[1])
    assert result.contributions.sum(axis=1) == pytest.approx(result.scores)


def test_centre_of_several_references(columns):
    result = scoring.score(columns, GROUPS, references=[0, 1])
    # headcount vs mean 15, scale 30: 1 − 5/30 for rows 0 and 1, 1 − 25/30 for row 2.
    assert result.criteria["headcount"] == pytest.approx([25 / 30, 25 / 30, 5 / 30, 0])
    # growth: share of the two references with the same value.
    assert result.criteria["growth"] == pytest.approx([0.5, 0.5, 0.5, 0])
    # markets: mean Jaccard with {a,b} and {a}.
    assert result.criteria["markets"] == pytest.approx([0.75, 0.75, 0, 0])


def test_ideal_profile_targets(columns):
    groups = [
        Group("Strength", 1, (Criterion("headcount", target={"min": 15, "max": 30}, scale=10),)),
        Group(
            "Customers", 1, (Criterion("markets", target=["a", "c"]), Criterion("growth", target=["growing"]))
        ),
    ]
    result = scoring.score(columns, groups)
    assert result.criteria["headcount"] == pytest.approx([0.5, 1, 0, 0])
    assert result.criteria["markets"] == pytest.approx([0.5, 0.5, 0.5, 0])
    assert result.criteria["growth"] == pytest.approx([1, 0, 1, 0])
    assert result.scores == pytest.approx([100 * (0.5 + 0.75) / 2, 100 * (1 + 0.25) / 2, 100 * 0.75 / 2, 0])


def test_ties_keep_the_column_order():
    columns = {"size": scoring.number_column([5, 7, 5, 7])}
    result = scoring.score(columns, [Group("G", 1, (Criterion("size", target={"min": 7}),))])
    assert list(result.ranking()) == [1, 3, 0, 2]


def test_missing_reference_value_scores_nothing():
    columns = {"size": scoring.number_column([None, 3, 4])}
    result = scoring.score(columns, [Group("G", 1, (Criterion("size"),))], references=[0])
    assert list(result.scores) == [0, 0, 0]
    assert not any(math.isnan(value) for value in result.scores)


def test_weights_inside_a_group():
    columns = {"x": scoring.number_column([0, 10]), "y": scoring.choice_column(["a", "b"])}
    group = Group(
        "G", 2, (Criterion("x", weight=3, target={"min": 10}, scale=10), Criterion("y", weight=1, target="a"))
    )
    result = scoring.score(columns, [group])
    # row 0: (3·0 + 1·1)/4 = 25; row 1: (3·1 + 1·0)/4 = 75
    assert result.scores == pytest.approx([25, 75])


@pytest.mark.parametrize(
    "groups, references, message",
    [
        ([Group("G", 0, (Criterion("x"),))], [0], "add up to zero"),
        ([], [0], "at least one group"),
        ([Group("G", 1, (Criterion("x", weight=0),))], [0], "no weighted criterion"),
        ([Group("G", 1, (Criterion("nope"),))], [0], "Unknown attribute"),
        ([Group("G", 1, (Criterion("x"),))], [], "reference"),
        ([Group("G", 1, (Criterion("x", target=5),))], None, "range"),
        ([Group("G", 1, (Criterion("y", target=[]),))], None, "at least one value"),
        ([Group("G", -1, (Criterion("x"),)), Group("H", 2, (Criterion("x"),))], [0], "negative"),
    ],
)
def test_bad_profiles_are_refused(groups, references, message):
    columns = {"x": scoring.number_column([1, 2]), "y": scoring.choice_column(["a", "b"])}
    with pytest.raises(ScoringError, match=message):
        scoring.score(columns, groups, references=references)


def test_sets_beyond_64_values():
    labels = [f"v{i}" for i in range(130)]
    column = scoring.pack_sets([["v0", "v129"], ["v129"], ["v64", "v0"]], labels)
    assert column.bits.shape == (3, 3)
    result = scoring.score({"s": column}, [Group("G", 1, (Criterion("s"),))], references=[0])
    assert result.scores == pytest.approx([100, 50, 100 / 3])
    ideal = scoring.score({"s": column}, [Group("G", 1, (Criterion("s", target=["v129", "v64"]),))])
    assert ideal.scores == pytest.approx([50, 50, 50])
    assert np.all(ideal.scores >= 0)
