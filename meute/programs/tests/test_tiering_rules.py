"""The tier engine's rules one by one, through its public functions and no database: requirements read from
their stored form, each requirement met and unmet at its boundary with its exact words (English and
French), the climb, the next tier and what it lacks, contradictory rules and falling benefits in words, the
stored form of figures and results. Every expected value is written out by hand."""

from decimal import Decimal as D
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError
from django.utils import formats, translation

from meute.programs import tiering as t
from meute.programs.tiering import PartnerMetrics, RequirementResult, TierRules

NNBSP = "\u202f"


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def cold_texts():
    """Translations, separators and role names are remembered per language (here and by Django's formats):
    each test looks them up anew, so that what it reads was found by the code under test, not left by an
    earlier test."""
    caches = (t._TRANSLATED, t._SEPARATORS, t._ROLE_TEXTS)
    for cache in caches:
        cache.clear()
    formats.reset_format_cache()
    yield
    for cache in caches:
        cache.clear()
    formats.reset_format_cache()


# Requirements as stored


def test_from_requirements_reads_the_stored_form():
    rules = TierRules.from_requirements(
        name="Gold",
        rank=2,
        id=7,
        requirements={
            "min_revenue": "250000.50",
            "min_certified": {"sales": "3", "consultant": 0, "presales": 1},
            "min_won_deals": 4,
            "min_satisfaction": 7.5,
            "custom_thresholds": {"nps": "30", "csat": 8},
        },
        benefits={"margin_percent": "12.5", "mdf_percent": 3},
    )
    assert rules == TierRules(
        name="Gold",
        rank=2,
        id=7,
        min_revenue=D("250000.50"),
        min_certified={"sales": 3, "presales": 1},
        min_won_deals=4,
        min_satisfaction=D("7.5"),
        custom_thresholds={"nps": D("30"), "csat": D("8")},
        margin_percent=D("12.5"),
        mdf_percent=D("3"),
    )
    assert isinstance(rules.min_certified["sales"], int)
    assert isinstance(rules.custom_thresholds["csat"], D)


def test_from_requirements_with_nothing_set():
    rules = TierRules.from_requirements(
        name="Base", rank=0, requirements={"min_revenue": "", "min_satisfaction": None, "min_certified": None}
    )
    assert rules == TierRules(name="Base", rank=0)
    assert rules.min_revenue is None and rules.min_satisfaction is None and rules.id is None
    assert rules.margin_percent == D("0") and rules.mdf_percent == D("0")
    assert rules.min_certified == {} and rules.custom_thresholds == {}
    empty_benefits = TierRules.from_requirements(
        name="Base", rank=0, requirements={}, benefits={"margin_percent": "", "mdf_percent": None}
    )
    assert empty_benefits.margin_percent == D("0") and empty_benefits.mdf_percent == D("0")
    zero_revenue = TierRules.from_requirements(name="Base", rank=0, requirements={"min_revenue": 0})
    assert zero_revenue.min_revenue == D("0")


def test_from_tier_reads_the_tier():
    tier = SimpleNamespace(
        name="Silver",
        rank=1,
        pk=3,
        requirements=lambda: {"min_revenue": "50000", "min_won_deals": 2},
        benefits=lambda: {"margin_percent": "10"},
    )
    assert TierRules.from_tier(tier) == TierRules(
        name="Silver", rank=1, id=3, min_revenue=D("50000"), min_won_deals=2, margin_percent=D("10")
    )


# Figures and results as stored


def test_metrics_as_json():
    metrics = PartnerMetrics(
        revenue=D("1200.50"),
        certified={"sales": 2, "consultant": 1},
        won_deals=3,
        satisfaction=D("8.5"),
        custom={"nps": D("30"), "csat": D("7.25")},
    )
    data = metrics.as_json()
    assert data == {
        "revenue": "1200.50",
        "certified": {"consultant": 1, "sales": 2},
        "won_deals": 3,
        "satisfaction": "8.5",
        "custom": {"csat": "7.25", "nps": "30"},
    }
    assert list(data["certified"]) == ["consultant", "sales"]
    assert list(data["custom"]) == ["csat", "nps"]


def test_metrics_as_json_with_conversions_and_defaults():
    assert PartnerMetrics().as_json() == {
        "revenue": "0",
        "certified": {},
        "won_deals": 0,
        "satisfaction": None,
        "custom": {},
    }
    assert PartnerMetrics(converted=2, unconverted=1).as_json() == {
        "revenue": "0",
        "certified": {},
        "won_deals": 0,
        "satisfaction": None,
        "custom": {},
        "converted_records": 2,
        "unconverted_records": 1,
    }
    assert "unconverted_records" not in PartnerMetrics(converted=1).as_json()
    assert "converted_records" not in PartnerMetrics(unconverted=1).as_json()


def test_requirement_result_as_json_and_message():
    result = RequirementResult("metric:nps", {"a": D("1.50"), "b": 2}, D("3"), False)
    assert result.as_json() == {
        "code": "metric:nps",
        "required": {"a": "1.50", "b": 2},
        "actual": "3",
        "met": False,
    }
    assert result.context == ("", "EUR", 12)
    assert RequirementResult("won_deals", 3, 3, True).as_json() == {
        "code": "won_deals",
        "required": 3,
        "actual": 3,
        "met": True,
    }
    assert (
        RequirementResult("won_deals", 3, 3, True, ("Gold", "EUR", 12)).message == "Gold: 3 won deals ≥ 3 ✓"
    )


# Each requirement at its boundary, in words


def check(tier, metrics, **kwargs):
    return t.check_tier(tier, metrics, **kwargs)


def messages(tier_check):
    return [r.message for r in tier_check.results]


def test_revenue_met_at_the_threshold_and_missed_by_a_cent():
    gold = TierRules(name="Gold", rank=2, min_revenue=D("250000"))
    met = check(gold, PartnerMetrics(revenue=D("250000")))
    assert met.met is True
    assert messages(met) == ["Gold: annual revenue 250,000 € ≥ 250,000 € ✓"]
    short = check(gold, PartnerMetrics(revenue=D("249999.99")))
    assert short.met is False
    assert messages(short) == ["Gold needs annual revenue of 250,000 €: you have 249,999.99 € (0.01 € to go)"]
    assert short.results[0].as_json() == {
        "code": "revenue",
        "required": "250000",
        "actual": "249999.99",
        "met": False,
    }


def test_revenue_over_other_months_in_another_currency_and_converted():
    gold = TierRules(name="Gold", rank=2, min_revenue=D("1500.5"))
    result = check(gold, PartnerMetrics(revenue=D("1000"), converted=1), currency="USD", months=6)
    assert result.results[0].context == ("Gold", "USD", 6, True)
    assert messages(result) == [
        "Gold needs revenue over the last 6 months of 1,500.50 $: "
        "you have 1,000 $ (converted) (500.50 $ to go)"
    ]
    met = check(gold, PartnerMetrics(revenue=D("2000"), converted=0), currency="XYZ", months=1)
    assert met.results[0].context == ("Gold", "XYZ", 1, False)
    assert messages(met) == ["Gold: revenue over the last 1 months 2,000 XYZ ≥ 1,500.50 XYZ ✓"]


def test_certified_people_per_role_in_role_order():
    gold = TierRules(name="Gold", rank=2, min_certified={"sales": 3, "presales": 2, "unknownrole": 1})
    result = check(gold, PartnerMetrics(certified={"sales": 3, "presales": 1}))
    assert [r.code for r in result.results] == [
        "certified:presales",
        "certified:sales",
        "certified:unknownrole",
    ]
    assert [(r.required, r.actual, r.met) for r in result.results] == [
        (2, 1, False),
        (3, 3, True),
        (1, 0, False),
    ]
    assert messages(result) == [
        "Gold needs 2 certified pre-sales people: you have 1",
        "Gold: 3 certified sales people ≥ 3 ✓",
        "Gold needs 1 certified unknownrole people: you have 0",
    ]
    assert [r.code for r in result.missing] == ["certified:presales", "certified:unknownrole"]


def test_won_deals_at_the_threshold():
    gold = TierRules(name="Gold", rank=2, min_won_deals=3)
    assert messages(check(gold, PartnerMetrics(won_deals=3))) == ["Gold: 3 won deals ≥ 3 ✓"]
    assert messages(check(gold, PartnerMetrics(won_deals=2))) == ["Gold needs 3 won deals: you have 2"]
    zero = TierRules(name="Base", rank=0, min_won_deals=0)
    assert check(zero, PartnerMetrics()).met is True


def test_satisfaction_at_the_threshold_and_without_a_score():
    gold = TierRules(name="Gold", rank=2, min_satisfaction=D("7.50"))
    assert messages(check(gold, PartnerMetrics(satisfaction=D("7.5")))) == [
        "Gold: customer satisfaction 7.5/10 ≥ 7.5/10 ✓"
    ]
    assert messages(check(gold, PartnerMetrics(satisfaction=D("7.49")))) == [
        "Gold needs a customer satisfaction of 7.5/10: yours is 7.49/10"
    ]
    none = check(gold, PartnerMetrics())
    assert none.met is False
    assert messages(none) == ["Gold needs a customer satisfaction of 7.5/10: no score recorded yet"]
    zero = check(TierRules(name="Base", rank=0, min_satisfaction=D("0")), PartnerMetrics(satisfaction=D("0")))
    assert zero.met is True


def test_custom_metrics_at_the_threshold_in_code_order():
    gold = TierRules(name="Gold", rank=2, custom_thresholds={"nps": D("30"), "csat": D("8.25")})
    result = check(gold, PartnerMetrics(custom={"nps": D("30"), "csat": D("8.2")}))
    assert [r.code for r in result.results] == ["metric:csat", "metric:nps"]
    assert messages(result) == ["Gold needs csat of 8.25: you have 8.2", "Gold: nps 30 ≥ 30 ✓"]
    missing = check(TierRules(name="Gold", rank=2, custom_thresholds={"nps": D("1000.5")}), PartnerMetrics())
    assert missing.results[0].actual == D("0")
    assert messages(missing) == ["Gold needs nps of 1,000.5: you have 0"]


def test_requirements_in_their_order():
    gold = TierRules(
        name="Gold",
        rank=2,
        min_revenue=D("1"),
        min_certified={"sales": 1},
        min_won_deals=1,
        min_satisfaction=D("1"),
        custom_thresholds={"nps": D("1")},
    )
    result = check(gold, PartnerMetrics())
    assert [r.code for r in result.results] == [
        "revenue",
        "certified:sales",
        "won_deals",
        "satisfaction",
        "metric:nps",
    ]
    assert check(TierRules(name="Empty", rank=0), PartnerMetrics()).results == ()
    assert check(TierRules(name="Empty", rank=0), PartnerMetrics()).met is True


def test_explanations_in_french_then_english():
    gold = TierRules(
        name="Or",
        rank=2,
        min_revenue=D("250000"),
        min_certified={"presales": 2},
        min_satisfaction=D("7.5"),
        custom_thresholds={"nps": D("1000.5")},
    )
    metrics = PartnerMetrics(revenue=D("1234.5"), certified={"presales": 2}, satisfaction=D("7"))
    with translation.override("fr"):
        french = messages(check(gold, metrics))
    english = messages(check(gold, metrics))
    assert french == [
        f"Or exige un chiffre d’affaires annuel de 250{NNBSP}000 € : vous avez 1{NNBSP}234,50 € "
        f"(il manque 248{NNBSP}765,50 €)",
        "Or : 2 personnes certifiées (avant-vente) ≥ 2 ✓",
        "Or exige une satisfaction client de 7,5/10 : la vôtre est de 7/10",
        f"Or exige 1{NNBSP}000,5 en nps : vous avez 0",
    ]
    assert english == [
        "Or needs annual revenue of 250,000 €: you have 1,234.50 € (248,765.50 € to go)",
        "Or: 2 certified pre-sales people ≥ 2 ✓",
        "Or needs a customer satisfaction of 7.5/10: yours is 7/10",
        "Or needs nps of 1,000.5: you have 0",
    ]


def test_explanations_in_the_language_given_while_another_is_active():
    """A partner's explanation is written in French while staff work in English, and the other way round;
    what one language remembered is never served to the other."""
    gold = TierRules(
        name="Or",
        rank=2,
        min_revenue=D("250000"),
        min_certified={"presales": 2},
        min_won_deals=4,
        min_satisfaction=D("7.5"),
        custom_thresholds={"nps": D("1000.5")},
    )
    metrics = PartnerMetrics(revenue=D("1234.5"), certified={"presales": 2}, won_deals=4, converted=1)
    result = check(gold, metrics, currency="EUR", months=6)
    french = [
        f"Or exige un chiffre d’affaires des 6 derniers mois de 250{NNBSP}000 € : vous avez "
        f"1{NNBSP}234,50 € (converti) (il manque 248{NNBSP}765,50 €)",
        "Or : 2 personnes certifiées (avant-vente) ≥ 2 ✓",
        "Or : 4 affaires gagnées ≥ 4 ✓",
        "Or exige une satisfaction client de 7,5/10 : aucune note enregistrée pour l’instant",
        f"Or exige 1{NNBSP}000,5 en nps : vous avez 0",
    ]
    english = [
        "Or needs revenue over the last 6 months of 250,000 €: you have 1,234.50 € (converted) "
        "(248,765.50 € to go)",
        "Or: 2 certified pre-sales people ≥ 2 ✓",
        "Or: 4 won deals ≥ 4 ✓",
        "Or needs a customer satisfaction of 7.5/10: no score recorded yet",
        "Or needs nps of 1,000.5: you have 0",
    ]
    assert [t.explain(r, "fr") for r in result.results] == french
    assert [t.explain(r) for r in result.results] == english
    with translation.override("fr"):
        assert [t.explain(r, "en") for r in result.results] == english
        assert [t.explain(r) for r in result.results] == french
    scored = check(
        TierRules(name="Or", rank=2, min_satisfaction=D("7.5")), PartnerMetrics(satisfaction=D("8.25"))
    )
    assert t.explain(scored.results[0], "fr") == "Or : satisfaction client 8,25/10 ≥ 7,5/10 ✓"
    assert t.explain(scored.results[0]) == "Or: customer satisfaction 8.25/10 ≥ 7.5/10 ✓"
    yearly = check(TierRules(name="Or", rank=2, min_revenue=D("10")), PartnerMetrics(revenue=D("10")))
    assert t.explain(yearly.results[0], "fr") == "Or : chiffre d’affaires annuel 10 € ≥ 10 € ✓"
    evaluation = t.evaluate(PartnerMetrics(won_deals=3), [TierRules(name="Or", rank=1, min_won_deals=3)])
    assert evaluation.summary("fr") == "Or : 3 affaires gagnées ≥ 3 ✓"
    assert evaluation.explanation("fr") == "Or : 3 affaires gagnées ≥ 3 ✓"
    assert evaluation.summary() == "Or: 3 won deals ≥ 3 ✓"
    assert t.format_money(D("1234567.5"), "EUR", "fr") == f"1{NNBSP}234{NNBSP}567,50 €"
    assert t.format_money(D("1234567.5")) == "1,234,567.50 €"


def test_unmet_requirements_in_the_language_given_while_another_is_active():
    gold = TierRules(
        name="Or",
        rank=2,
        min_certified={"sales": 3},
        min_won_deals=5,
        min_satisfaction=D("7.5"),
        custom_thresholds={"ca_services": D("1000"), "nps": D("30")},
    )
    metrics = PartnerMetrics(
        certified={"sales": 1},
        won_deals=2,
        satisfaction=D("6.25"),
        custom={"ca_services": D("1234.5"), "nps": 2000},
    )
    results = check(gold, metrics).results
    assert [t.explain(r, "fr") for r in results] == [
        "Or exige 3 personnes certifiées (ventes) : vous en avez 1",
        "Or exige 5 affaires gagnées : vous en avez 2",
        "Or exige une satisfaction client de 7,5/10 : la vôtre est de 6,25/10",
        f"Or : ca_services 1{NNBSP}234,5 ≥ 1{NNBSP}000 ✓",
        f"Or : nps 2{NNBSP}000 ≥ 30 ✓",
    ]
    assert [t.explain(r) for r in results] == [
        "Or needs 3 certified sales people: you have 1",
        "Or needs 5 won deals: you have 2",
        "Or needs a customer satisfaction of 7.5/10: yours is 6.25/10",
        "Or: ca_services 1,234.5 ≥ 1,000 ✓",
        "Or: nps 2,000 ≥ 30 ✓",
    ]


@pytest.mark.parametrize(
    ("value", "currency", "text"),
    [
        (D("250000"), "EUR", "250,000 €"),
        (D("250000.00"), "EUR", "250,000 €"),
        (D("1234567.5"), "USD", "1,234,567.50 $"),
        (D("0.05"), "EUR", "0.05 €"),
        (D("-1500"), "EUR", "-1,500 €"),
        (D("12"), "ABC", "12 ABC"),
    ],
)
def test_format_money(value, currency, text):
    assert t.format_money(value, currency) == text


def test_format_money_in_french_and_by_language_given():
    with translation.override("fr"):
        assert t.format_money(D("1234567.5")) == f"1{NNBSP}234{NNBSP}567,50 €"
        assert t.format_money(D("1234567.5"), "EUR", "fr") == f"1{NNBSP}234{NNBSP}567,50 €"
    assert t.format_money(D("1234567.5")) == "1,234,567.50 €"


def test_format_numbers_of_a_language_without_grouping():
    assert t.format_money(D("1234567.5"), "EUR", "vi") == "1234567,50 €"
    assert t.format_money(D("1234567"), "EUR", "br") == "1234567 €"


# The climb, the next tier and what it lacks


SILVER = TierRules(name="Silver", rank=1, min_revenue=D("50000"))
GOLD = TierRules(name="Gold", rank=2, min_revenue=D("250000"), min_won_deals=3)
PLATINUM = TierRules(name="Platinum", rank=3, min_revenue=D("1000000"), min_won_deals=5)


def test_evaluation_in_the_middle():
    result = t.evaluate(PartnerMetrics(revenue=D("300000"), won_deals=3), [PLATINUM, SILVER, GOLD])
    assert result.tier == GOLD
    assert [c.tier.name for c in result.checks] == ["Silver", "Gold", "Platinum"]
    assert result.next_tier == PLATINUM
    assert result.next_check is result.checks[2]
    assert [r.code for r in result.missing] == ["revenue", "won_deals"]
    assert result.explanation() == "\n".join(
        [
            "Silver: annual revenue 300,000 € ≥ 50,000 € ✓",
            "Gold: annual revenue 300,000 € ≥ 250,000 € ✓",
            "Gold: 3 won deals ≥ 3 ✓",
            "Platinum needs annual revenue of 1,000,000 €: you have 300,000 € (700,000 € to go)",
            "Platinum needs 5 won deals: you have 3",
        ]
    )
    assert result.summary() == "\n".join(
        [
            "Gold: annual revenue 300,000 € ≥ 250,000 € ✓",
            "Gold: 3 won deals ≥ 3 ✓",
            "Platinum needs annual revenue of 1,000,000 €: you have 300,000 € (700,000 € to go)",
            "Platinum needs 5 won deals: you have 3",
        ]
    )
    assert result.as_json() == {
        "eligible": "Gold",
        "tiers": [
            {
                "tier": "Silver",
                "rank": 1,
                "met": True,
                "requirements": [{"code": "revenue", "required": "50000", "actual": "300000", "met": True}],
            },
            {
                "tier": "Gold",
                "rank": 2,
                "met": True,
                "requirements": [
                    {"code": "revenue", "required": "250000", "actual": "300000", "met": True},
                    {"code": "won_deals", "required": 3, "actual": 3, "met": True},
                ],
            },
            {
                "tier": "Platinum",
                "rank": 3,
                "met": False,
                "requirements": [
                    {"code": "revenue", "required": "1000000", "actual": "300000", "met": False},
                    {"code": "won_deals", "required": 5, "actual": 3, "met": False},
                ],
            },
        ],
    }


def test_evaluation_with_no_tier_reached():
    result = t.evaluate(
        PartnerMetrics(revenue=D("49999.99"), won_deals=9), [GOLD, SILVER], currency="USD", months=3
    )
    assert result.tier is None
    assert result.next_tier == SILVER
    assert [r.code for r in result.missing] == ["revenue"]
    assert result.summary() == (
        "Silver needs revenue over the last 3 months of 50,000 $: you have 49,999.99 $ (0.01 $ to go)"
    )
    assert result.as_json()["eligible"] is None
    assert [c.met for c in result.checks] == [False, False]


def test_evaluation_at_the_top():
    result = t.evaluate(PartnerMetrics(revenue=D("1000000"), won_deals=5), [SILVER, PLATINUM, GOLD])
    assert result.tier == PLATINUM
    assert result.next_check is None and result.next_tier is None and result.missing == []
    assert result.summary() == "\n".join(
        ["Platinum: annual revenue 1,000,000 € ≥ 1,000,000 € ✓", "Platinum: 5 won deals ≥ 5 ✓"]
    )


def test_evaluation_without_tiers():
    result = t.evaluate(PartnerMetrics(), [])
    assert result.tier is None and result.checks == () and result.next_tier is None and result.missing == []
    assert result.explanation() == "" and result.summary() == ""
    assert result.as_json() == {"eligible": None, "tiers": []}


def test_summary_and_explanation_in_the_language_given():
    result = t.evaluate(PartnerMetrics(won_deals=3), [TierRules(name="Or", rank=1, min_won_deals=3)])
    with translation.override("fr"):
        assert result.summary("fr") == "Or : 3 affaires gagnées ≥ 3 ✓"
        assert result.explanation() == "Or : 3 affaires gagnées ≥ 3 ✓"
    assert result.summary() == "Or: 3 won deals ≥ 3 ✓"
    assert result.explanation("en") == "Or: 3 won deals ≥ 3 ✓"


# Contradictory rules, in words

EASIER = "A higher tier must ask at least as much."


def test_same_rank_refused_in_words():
    errors = t.validate_tiers(
        [TierRules(name="Gold", rank=2), TierRules(name="Silver", rank=1), TierRules(name="Or", rank=2)]
    )
    assert errors == ["Gold and Or have the same rank 2."]
    errors = t.validate_tiers(
        [
            TierRules(name="A", rank=1, min_revenue=D("5")),
            TierRules(name="B", rank=1, min_revenue=D("1")),
            TierRules(name="C", rank=1, min_revenue=D("1")),
        ]
    )
    assert errors == ["A and B have the same rank 1.", "B and C have the same rank 1."]


def test_a_higher_tier_dropping_each_requirement_in_words():
    lower = TierRules(
        name="Silver",
        rank=1,
        min_revenue=D("50000"),
        min_certified={"sales": 2},
        min_won_deals=3,
        min_satisfaction=D("7.5"),
        custom_thresholds={"nps": D("30")},
    )
    errors = t.validate_tiers([TierRules(name="Gold", rank=2), lower])
    assert errors == [
        f"Gold is easier than Silver: Silver requires certified sales people (2) and Gold does not. {EASIER}",
        f"Gold is easier than Silver: Silver requires metric nps (30) and Gold does not. {EASIER}",
        f"Gold is easier than Silver: Silver requires minimum revenue (50,000) and Gold does not. {EASIER}",
        f"Gold is easier than Silver: Silver requires minimum satisfaction (7.5) and Gold does not. {EASIER}",
        f"Gold is easier than Silver: Silver requires minimum won deals (3) and Gold does not. {EASIER}",
    ]


def test_a_higher_tier_asking_less_in_words():
    lower = TierRules(
        name="Silver",
        rank=1,
        min_revenue=D("50000"),
        min_certified={"presales": 2},
        min_won_deals=3,
        min_satisfaction=D("7.5"),
        custom_thresholds={"nps": D("30")},
    )
    higher = TierRules(
        name="Gold",
        rank=2,
        min_revenue=D("49999.99"),
        min_certified={"presales": 1},
        min_won_deals=2,
        min_satisfaction=D("7.4"),
        custom_thresholds={"nps": D("29.5")},
    )
    assert t.validate_tiers([higher, lower]) == [
        f"Gold is easier than Silver: certified pre-sales people 1 is below 2. {EASIER}",
        f"Gold is easier than Silver: metric nps 29.5 is below 30. {EASIER}",
        f"Gold is easier than Silver: minimum revenue 49,999.99 is below 50,000. {EASIER}",
        f"Gold is easier than Silver: minimum satisfaction 7.4 is below 7.5. {EASIER}",
        f"Gold is easier than Silver: minimum won deals 2 is below 3. {EASIER}",
    ]


def test_same_requirements_refused_and_asking_more_of_one_is_enough():
    silver = TierRules(name="Silver", rank=1, min_revenue=D("50000"), min_won_deals=3)
    same = TierRules(name="Gold", rank=2, min_revenue=D("50000"), min_won_deals=3)
    assert t.validate_tiers([silver, same]) == [
        "Gold and Silver have the same requirements: nobody could stay in Silver. Make Gold ask more."
    ]
    more = TierRules(name="Gold", rank=2, min_revenue=D("50000"), min_won_deals=4)
    assert t.validate_tiers([silver, more]) == []
    extra = TierRules(name="Gold", rank=2, min_revenue=D("50000"), min_won_deals=3, min_satisfaction=D("1"))
    assert t.validate_tiers([silver, extra]) == []
    # two tiers asking nothing are not the same requirements
    assert t.validate_tiers([TierRules(name="A", rank=1), TierRules(name="B", rank=2)]) == []


def test_only_neighbours_are_compared_and_same_ranks_skipped():
    low = TierRules(name="Low", rank=1, min_revenue=D("100"))
    middle = TierRules(name="Middle", rank=2, min_revenue=D("200"))
    high = TierRules(name="High", rank=3, min_revenue=D("150"))
    assert t.validate_tiers([high, middle, low]) == [
        f"High is easier than Middle: minimum revenue 150 is below 200. {EASIER}"
    ]
    twin = TierRules(name="Twin", rank=1, min_revenue=D("100"))
    assert t.validate_tiers([low, twin]) == ["Low and Twin have the same rank 1."]


def test_check_tiers_raises_every_contradiction():
    with pytest.raises(ValidationError) as refused:
        t.check_tiers(
            [TierRules(name="A", rank=1, min_won_deals=2), TierRules(name="B", rank=2, min_won_deals=1)]
        )
    assert refused.value.messages == [f"B is easier than A: minimum won deals 1 is below 2. {EASIER}"]
    assert t.check_tiers([SILVER, GOLD, PLATINUM]) is None


def test_contradictions_in_french():
    with translation.override("fr"):
        errors = t.validate_tiers(
            [TierRules(name="Argent", rank=1, min_revenue=D("1500.5")), TierRules(name="Or", rank=2)]
        )
    assert errors == [
        f"Or est plus facile que Argent : Argent exige chiffre d’affaires minimal (1{NNBSP}500,5) et Or non. "
        "Un niveau supérieur doit exiger au moins autant."
    ]


# Benefits that fall as the tier rises


def test_each_falling_benefit_in_words():
    low = (
        "Silver",
        1,
        {
            "margin_percent": "10",
            "mdf_percent": "5.5",
            "protection_days": 90,
            "lead_weight": "2",
            "locator_listing": True,
        },
    )
    high = (
        "Gold",
        2,
        {
            "margin_percent": "9.5",
            "mdf_percent": "5",
            "protection_days": 60,
            "lead_weight": "1.5",
            "locator_listing": False,
        },
    )
    warnings = t.falling_benefits([high, low])
    assert [(w.lower, w.higher, w.benefit) for w in warnings] == [
        ("Silver", "Gold", "margin_percent"),
        ("Silver", "Gold", "mdf_percent"),
        ("Silver", "Gold", "protection_days"),
        ("Silver", "Gold", "lead_weight"),
        ("Silver", "Gold", "locator_listing"),
    ]
    assert [str(w) for w in warnings] == [
        "Gold grants less than Silver: margin (%) 9.5 is below 10.",
        "Gold grants less than Silver: MDF share (%) 5 is below 5.5.",
        "Gold grants less than Silver: deal protection (days) 60 is below 90.",
        "Gold grants less than Silver: lead distribution weight 1.5 is below 2.",
        "Gold grants less than Silver: Silver is listed in the partner locator and Gold is not.",
    ]
    assert [w.message for w in warnings] == [str(w) for w in warnings]


def test_benefits_equal_or_rising_or_unset_warn_nothing():
    low = ("Silver", 1, {"margin_percent": "10", "protection_days": 30, "locator_listing": False})
    high = (
        "Gold",
        2,
        {"margin_percent": "10", "protection_days": 31, "locator_listing": True, "mdf_percent": "1"},
    )
    assert t.falling_benefits([low, high]) == []
    assert t.falling_benefits([("A", 1, {}), ("B", 2, {})]) == []
    assert t.falling_benefits([("A", 1, {"margin_percent": None}), ("B", 2, {"margin_percent": ""})]) == []
    assert t.falling_benefits([]) == []


def test_default_protection_is_not_compared():
    # 0 days means "the default protection": compared only when both tiers set one
    assert t.falling_benefits([("A", 1, {"protection_days": 90}), ("B", 2, {"protection_days": 0})]) == []
    assert t.falling_benefits([("A", 1, {"protection_days": 0}), ("B", 2, {"protection_days": 30})]) == []
    assert t.falling_benefits([("A", 1, {"protection_days": 90}), ("B", 2, {})]) == []
    warned = t.falling_benefits([("A", 1, {"protection_days": 2}), ("B", 2, {"protection_days": 1})])
    assert [str(w) for w in warned] == ["B grants less than A: deal protection (days) 1 is below 2."]


def test_falling_margin_from_unset():
    warned = t.falling_benefits([("A", 1, {"margin_percent": "0.5"}), ("B", 2, {})])
    assert [str(w) for w in warned] == ["B grants less than A: margin (%) 0 is below 0.5."]


def test_benefits_only_between_neighbours_of_different_ranks():
    tiers = [
        ("C", 3, {"margin_percent": "4"}),
        ("A", 1, {"margin_percent": "10"}),
        ("B", 2, {"margin_percent": "20"}),
        ("B2", 2, {"margin_percent": "5"}),
    ]
    assert [(w.lower, w.higher) for w in t.falling_benefits(tiers)] == [("B2", "C")]


def test_falling_benefits_in_french():
    with translation.override("fr"):
        warned = t.falling_benefits(
            [("A", 1, {"lead_weight": "2", "locator_listing": True}), ("B", 2, {"lead_weight": "1.5"})]
        )
        texts = [str(w) for w in warned]
    assert texts == [
        "B accorde moins que A : poids dans la distribution des leads 1,5 est inférieur à 2.",
        "B accorde moins que A : A figure dans l'annuaire des partenaires et B non.",
    ]


def test_a_listing_kept_by_the_higher_tier_warns_nothing():
    tiers = [("A", 1, {"locator_listing": True}), ("B", 2, {"locator_listing": True})]
    assert t.falling_benefits(tiers) == []


def test_requirement_codes_with_a_colon_are_named_whole():
    lower = TierRules(
        name="Silver", rank=1, min_certified={"sales:eu": 2}, custom_thresholds={"nps:b2b:eu": D("30")}
    )
    assert t.validate_tiers([lower, TierRules(name="Gold", rank=2)]) == [
        "Gold is easier than Silver: Silver requires certified sales:eu people (2) and Gold does not. "
        + EASIER,
        f"Gold is easier than Silver: Silver requires metric nps:b2b:eu (30) and Gold does not. {EASIER}",
    ]


def test_role_names_in_refusals_follow_the_language():
    tiers = [TierRules(name="A", rank=1, min_certified={"presales": 2}), TierRules(name="B", rank=2)]
    with translation.override("fr"):
        french = t.validate_tiers(tiers)
    english = t.validate_tiers(tiers)
    assert french == [
        "B est plus facile que A : A exige personnes certifiées (avant-vente) (2) et B non. "
        "Un niveau supérieur doit exiger au moins autant."
    ]
    assert english == [
        f"B is easier than A: A requires certified pre-sales people (2) and B does not. {EASIER}"
    ]
