"""Exchange rates: the rate in force, conversion and rounding, the evaluation over mixed currencies, plan
actuals, and the rules of the model."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from meute.locator.choices import LabelKind
from meute.locator.labels import evaluate_label
from meute.locator.models import Label
from meute.money.exchange import ConversionReport, convert, rate_in_force, round_cents
from meute.money.models import ExchangeRate
from meute.programs.evaluation import collect_figures, explain_evidence, run_evaluation
from meute.programs.models import Objective, Program, RevenueRecord, Tier
from meute.programs.plans import create_plan, objective_rows
from meute.programs.tests.fixtures import AS_OF

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def rate(code, value, day, into="EUR"):
    return ExchangeRate.objects.create(
        from_currency=code, to_currency=into, rate=Decimal(value), valid_from=day
    )


def revenue(partnership, amount, currency="EUR", period=datetime.date(2026, 3, 1)):
    amount = Decimal(amount)
    return RevenueRecord.objects.create(
        partnership=partnership, period=period, amount=amount, currency=currency, is_credit_note=amount < 0
    )


class TestRateInForce:
    def test_latest_rate_on_or_before_the_day(self, db):
        rate("USD", "0.80", datetime.date(2025, 1, 1))
        rate("USD", "0.90", datetime.date(2026, 2, 1))
        rate("USD", "0.95", datetime.date(2026, 6, 1))
        rate("USD", "1.50", datetime.date(2026, 2, 1), into="CHF")  # another pair
        assert rate_in_force("USD", "EUR", datetime.date(2026, 1, 31)) == Decimal("0.80")
        assert rate_in_force("USD", "EUR", datetime.date(2026, 2, 1)) == Decimal("0.90")
        assert rate_in_force("USD", "EUR", datetime.date(2026, 5, 31)) == Decimal("0.90")
        assert rate_in_force("USD", "EUR", datetime.date(2027, 1, 1)) == Decimal("0.95")

    def test_no_rate_before_the_first_one_nor_for_another_pair(self, db):
        rate("USD", "0.80", datetime.date(2025, 1, 1))
        assert rate_in_force("USD", "EUR", datetime.date(2024, 12, 31)) is None
        assert rate_in_force("GBP", "EUR", datetime.date(2026, 1, 1)) is None
        # The inverse pair counts as 1 / rate (a central bank's EUR → USD reference rate converts USD too).
        assert rate_in_force("EUR", "USD", datetime.date(2026, 1, 1)) == Decimal("1.25")
        assert rate_in_force("EUR", "USD", datetime.date(2024, 12, 31)) is None
        assert convert(Decimal("10"), "GBP", "EUR", datetime.date(2026, 1, 1)) is None

    def test_same_currency_is_untouched_even_without_any_rate(self, db):
        assert rate_in_force("EUR", "EUR", datetime.date(2026, 1, 1)) == 1
        assert convert(Decimal("1234.567"), "EUR", "EUR", datetime.date(2026, 1, 1)) == Decimal("1234.567")

    def test_conversion_is_rounded_half_up_to_the_cent(self, db):
        rate("USD", "0.5", datetime.date(2025, 1, 1))
        day = datetime.date(2026, 1, 1)
        assert convert(Decimal("1.01"), "USD", "EUR", day) == Decimal("0.51")  # 0.505: half up, not even
        assert convert(Decimal("-1.01"), "USD", "EUR", day) == Decimal("-0.51")
        assert convert(Decimal("100"), "USD", "EUR", day) == Decimal("50.00")
        assert round_cents(None) == Decimal("0.00")
        assert round_cents(Decimal("2.345")) == Decimal("2.35")
        assert round_cents(0.125) == Decimal("0.13")


class TestModel:
    def test_codes_are_normalised_and_rules_are_explained(self, db):
        ok = ExchangeRate(from_currency=" usd", to_currency="eur", rate=Decimal("0.9"), valid_from=AS_OF)
        ok.full_clean()
        ok.save()
        assert (ok.from_currency, ok.to_currency) == ("USD", "EUR")
        for value in ("0", "-1"):
            with pytest.raises(ValidationError) as exc:
                ExchangeRate(from_currency="GBP", rate=Decimal(value), valid_from=AS_OF).full_clean()
            assert "rate" in exc.value.message_dict
        with pytest.raises(ValidationError) as exc:
            ExchangeRate(from_currency="USD", rate=Decimal("0.91"), valid_from=AS_OF).full_clean()
        assert "already has a rate from this date" in str(exc.value)
        with pytest.raises(ValidationError) as exc:
            ExchangeRate(from_currency="EUR", to_currency="EUR", rate=1, valid_from=AS_OF).full_clean()
        assert "two different currencies" in str(exc.value)
        with pytest.raises(ValidationError) as exc:
            ExchangeRate(from_currency="ZZZ", rate=1, valid_from=AS_OF).full_clean()
        assert "Unknown currency" in str(exc.value)

    def test_partner_users_see_no_rate(self, world):
        rate("USD", "0.9", AS_OF)
        assert ExchangeRate.objects.visible_to(world.reader).count() == 1
        assert not ExchangeRate.objects.visible_to(world.partner_a_user).exists()


@pytest.fixture
def mixed(world, program):
    """Partnership a: 200,000 EUR, 50,000 USD after the March rate, 10,000 USD under the older rate,
    1,000 GBP (no GBP rate) and 500 JPY (a JPY rate, but only from after the record)."""
    rate("USD", "0.80", datetime.date(2025, 1, 1))
    rate("USD", "0.90", datetime.date(2026, 2, 1))
    rate("JPY", "0.0061", datetime.date(2026, 5, 1))
    revenue(world.partnership_a, "200000")
    revenue(world.partnership_a, "50000", "USD", datetime.date(2026, 3, 1))
    revenue(world.partnership_a, "10000", "USD", datetime.date(2026, 1, 15))
    revenue(world.partnership_a, "1000", "GBP")
    revenue(world.partnership_a, "500", "JPY", datetime.date(2026, 4, 30))
    revenue(world.partnership_b, "60000")
    return program


class TestEvaluationInMixedCurrencies:
    def test_figures_count_converted_revenue_and_report_what_was_left_out(self, world, mixed):
        figures, report = collect_figures(mixed, AS_OF)
        a = figures[world.partnership_a.pk]
        assert a.revenue == Decimal("253000.00")  # 200,000 + 50,000 × 0.90 + 10,000 × 0.80
        assert (a.converted, a.unconverted) == (2, 2)
        b = figures[world.partnership_b.pk]
        assert (b.revenue, b.converted, b.unconverted) == (Decimal("60000.00"), 0, 0)
        assert report.converted == 2
        assert report.missing == {"GBP": 1, "JPY": 1}
        assert report.missing_records == 2
        lines = report.lines()
        assert lines[0].startswith("2 revenue records in other currencies were converted into EUR")
        assert "2 revenue records were not counted" in lines[1]
        assert "GBP (1), JPY (1)" in lines[1]

    def test_credit_notes_in_another_currency_are_converted_too(self, world, program):
        rate("USD", "0.90", datetime.date(2025, 1, 1))
        revenue(world.partnership_a, "100000", "USD")
        revenue(world.partnership_a, "-10000", "USD")
        figures, report = collect_figures(program, AS_OF)
        assert figures[world.partnership_a.pk].revenue == Decimal("81000.00")
        assert report.missing == {}

    def test_rounding_is_on_the_total_not_per_record(self, world, program):
        rate("USD", "0.5", datetime.date(2025, 1, 1))
        for _ in range(3):
            revenue(world.partnership_a, "0.01", "USD")  # 0.005 each: 0.015 in all
        figures, _report = collect_figures(program, AS_OF)
        assert figures[world.partnership_a.pk].revenue == Decimal("0.02")  # per record it would be 0.03

    def test_run_summary_evidence_and_explanation_say_it(self, world, mixed):
        summary = run_evaluation(mixed, AS_OF)
        assert summary.conversion.missing == {"GBP": 1, "JPY": 1}
        change = next(c for c in summary.proposals if c.partnership_id == world.partnership_a.pk)
        assert change.to_tier.name == "Silver"
        assert change.evidence["metrics"]["revenue"] == "253000.00"
        assert change.evidence["metrics"]["converted_records"] == 2
        assert change.evidence["metrics"]["unconverted_records"] == 2
        assert "annual revenue 253,000 € (converted) ≥ 50,000 €" in change.explanation
        messages = [r["message"] for check in explain_evidence(change.evidence) for r in check["results"]]
        assert any("253,000 € (converted)" in m for m in messages)
        other = next(c for c in summary.proposals if c.partnership_id == world.partnership_b.pk)
        assert "converted" not in other.explanation
        assert "converted_records" not in other.evidence["metrics"]

    def test_programme_currency_records_are_not_looked_up(self, world, db):
        """A USD programme counts USD as is, and EUR converted with the EUR → USD rate, or else with the
        inverse of USD → EUR."""
        program = Program.objects.create(name="US", code="us", currency="USD")
        Tier.objects.create(program=program, name="Silver", rank=1, min_revenue=Decimal("1000"))
        program.members.create(partnership=world.partnership_a)
        revenue(world.partnership_a, "1000", "USD")
        revenue(world.partnership_a, "100", "EUR")
        figures, report = collect_figures(program, AS_OF)
        assert figures[world.partnership_a.pk].revenue == Decimal("1000.00")
        assert report.missing == {"EUR": 1}
        rate("USD", "0.5", datetime.date(2025, 1, 1))  # the inverse pair: 1 EUR = 2 USD
        figures, report = collect_figures(program, AS_OF)
        assert figures[world.partnership_a.pk].revenue == Decimal("1200.00")
        # The pair itself wins over the inverse as soon as it exists.
        rate("EUR", "1.10", datetime.date(2025, 1, 1), into="USD")
        figures, report = collect_figures(program, AS_OF)
        assert figures[world.partnership_a.pk].revenue == Decimal("1110.00")
        assert (report.converted, report.missing) == (1, {})

    def test_large_counts_are_grouped(self):
        report = ConversionReport("EUR", converted=245545, missing={"JPY": 5051})
        assert report.missing_records == 5051
        assert report.lines()[0].startswith("245,545 revenue records in other currencies")
        assert "for JPY (5,051)." in report.lines()[1]

    def test_without_foreign_revenue_the_summary_says_nothing(self, world, program):
        revenue(world.partnership_a, "60000")
        summary = run_evaluation(program, AS_OF, write=False)
        assert summary.conversion == ConversionReport("EUR")
        assert summary.conversion.lines() == []


class TestOtherUses:
    def test_business_plan_actuals_are_converted(self, world, db):
        rate("USD", "0.90", datetime.date(2026, 1, 1))
        plan = create_plan(world.partnership_a, letter_of_intent_date=datetime.date(2026, 1, 2))
        Objective.objects.create(
            version=plan.current_version, year=2026, quarter=1, kind="revenue", target=Decimal("1000")
        )
        revenue(world.partnership_a, "500", "EUR", datetime.date(2026, 2, 1))
        revenue(world.partnership_a, "1000.01", "USD", datetime.date(2026, 2, 1))  # 900.009
        revenue(world.partnership_a, "700", "GBP", datetime.date(2026, 2, 1))  # no rate
        row = objective_rows(plan.current_version, today=datetime.date(2026, 6, 1))[0]
        assert row.actual == Decimal("1400.01")
        assert row.unconverted == 1
        assert row.status == "achieved"

    def test_revenue_labels_count_converted_revenue(self, world, db):
        program = Program.objects.create(name="Main", code="labels-main")
        label = Label.objects.create(
            name="Big seller", kind=LabelKind.RULE, program=program, min_revenue=Decimal("100000")
        )
        rate("USD", "0.90", datetime.date(2020, 1, 1))
        today = timezone.localdate()
        revenue(world.partnership_a, "60000", "EUR", today)
        revenue(world.partnership_a, "50000", "USD", today)  # 45,000 EUR: 105,000 in all
        revenue(world.partnership_b, "60000", "EUR", today)
        revenue(world.partnership_b, "50000", "GBP", today)  # no rate: 60,000
        evaluate_label(label, today)
        holders = set(label.awards.values_list("organization_id", flat=True))
        assert holders == {world.org_a.pk}


def test_demo_data_converts_foreign_revenue(db):
    from meute.demo.dataset import generate

    generate("small")
    program = Program.objects.get(code="partenaires")
    assert set(ExchangeRate.objects.values_list("from_currency", flat=True)) == {"USD", "GBP", "CHF"}
    foreign = set(RevenueRecord.objects.exclude(currency="EUR").values_list("currency", flat=True))
    assert foreign == {"USD", "GBP", "CHF", "CAD"}
    summary = run_evaluation(program, write=False)
    assert summary.conversion.converted >= 3
    assert summary.conversion.missing == {"CAD": 1}
    # Converted back at the rate it was written with, the latest quarter keeps its value: no tier moves.
    assert summary.count("promote") == summary.count("demote") == 0


class TestInverseAndPivot:
    """Rates published the other way (EUR → X, as the ECB does) and pairs through the pivot currency."""

    @pytest.fixture
    def ecb(self, db):
        # 1 EUR = 0.80 GBP and 1 EUR = 1.10 USD from January; 1 EUR = 0.85 GBP from April.
        rate("EUR", "0.80", datetime.date(2026, 1, 1), into="GBP")
        rate("EUR", "0.85", datetime.date(2026, 4, 1), into="GBP")
        rate("EUR", "1.10", datetime.date(2026, 1, 1), into="USD")

    def test_rates_resolved_in_python(self, ecb):
        march, may = datetime.date(2026, 3, 1), datetime.date(2026, 5, 1)
        assert rate_in_force("GBP", "EUR", march) == Decimal("1.25")
        # GBP → EUR → USD: 1.25 × 1.10.
        assert rate_in_force("GBP", "USD", march) == Decimal("1.375")
        assert convert(Decimal("100"), "GBP", "USD", march) == Decimal("137.50")
        assert convert(Decimal("100"), "USD", "GBP", may) == Decimal("77.27")  # 100 / 1.10 × 0.85
        assert rate_in_force("GBP", "USD", datetime.date(2025, 12, 31)) is None

    def test_pair_and_inverse_win_over_the_pivot(self, ecb):
        rate("GBP", "1.50", datetime.date(2026, 1, 1), into="USD")
        assert rate_in_force("GBP", "USD", datetime.date(2026, 3, 1)) == Decimal("1.50")
        assert rate_in_force("USD", "GBP", datetime.date(2026, 3, 1)) == 1 / Decimal("1.50")

    def test_evaluation_converts_through_the_pivot_in_sql(self, world, ecb):
        program = Program.objects.create(name="UK", code="uk", currency="GBP")
        Tier.objects.create(program=program, name="Silver", rank=1, min_revenue=Decimal("1000"))
        program.members.create(partnership=world.partnership_a)
        revenue(world.partnership_a, "1000", "GBP")
        revenue(world.partnership_a, "110", "USD", datetime.date(2026, 3, 1))  # 100 EUR = 80 GBP
        revenue(world.partnership_a, "110", "USD", datetime.date(2026, 5, 1))  # 100 EUR = 85 GBP
        revenue(world.partnership_a, "100", "EUR", datetime.date(2026, 5, 1))  # the pair itself: 85 GBP
        revenue(world.partnership_a, "100", "CHF", datetime.date(2026, 5, 1))  # no CHF rate at all
        figures, report = collect_figures(program, AS_OF)
        assert figures[world.partnership_a.pk].revenue == Decimal("1250.00")
        assert (report.converted, report.missing) == (3, {"CHF": 1})

    def test_another_pivot_currency(self, world, settings):
        settings.MEUTE_EXCHANGE_PIVOT = "USD"
        rate("USD", "0.90", datetime.date(2026, 1, 1), into="EUR")
        rate("USD", "0.75", datetime.date(2026, 1, 1), into="GBP")
        assert rate_in_force("GBP", "EUR", datetime.date(2026, 3, 1)) == Decimal("0.90") / Decimal("0.75")
        revenue(world.partnership_a, "75", "GBP")  # 100 USD = 90 EUR
        program = Program.objects.create(name="Main", code="pivot-usd")
        Tier.objects.create(program=program, name="Silver", rank=1, min_revenue=Decimal("1"))
        program.members.create(partnership=world.partnership_a)
        figures, _ = collect_figures(program, AS_OF)
        assert figures[world.partnership_a.pk].revenue == Decimal("90.00")
        settings.MEUTE_EXCHANGE_PIVOT = "EUR"
        figures, report = collect_figures(program, AS_OF)
        assert figures[world.partnership_a.pk].revenue == Decimal("0.00") and report.missing == {"GBP": 1}
