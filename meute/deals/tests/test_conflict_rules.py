"""The conflict check's remaining rules with written-out expectations: a common name weighs less on a
trained base (its count read from the customers), an explicit name frequency, and the partner's hint about
their own registration in words."""

import dataclasses

import pytest

from meute.deals import conflicts
from meute.deals.choices import MatchLevel
from meute.deals.conflicts import Candidate, CheckResult, Claim, Record
from meute.deals.customers import save_customer
from meute.deals.evidence import Weights
from meute.deals.models import Customer

pytestmark = pytest.mark.django_db


def _customer(**values) -> Customer:
    customer = Customer(**values)
    save_customer(customer)
    return customer


def test_the_name_count_reads_the_customers_of_that_name():
    for city in ("Lyon", "Nantes", "Lille"):
        _customer(name="Boulangerie Martin", city=city)
    _customer(name="Menuiserie Kappa", city="Lyon")
    key = conflicts.normalize_name("Boulangerie Martin")
    assert conflicts._name_count(key) == 3
    assert conflicts._name_count(conflicts.normalize_name("Menuiserie Kappa")) == 1
    assert conflicts._name_count("nobody") == 0


def test_a_common_name_weighs_less_on_a_trained_base():
    trained = dataclasses.replace(Weights.default(), base_size=1000)
    _customer(name="Menuiserie Kappa", city="Lyon")
    rare = conflicts.match_customers(Record(name="Menuiserie Kappa", city="Lyon"), trained)
    for city in ("Nantes", "Lille", "Brest"):
        _customer(name="Menuiserie Kappa", city=city)
    common = conflicts.match_customers(Record(name="Menuiserie Kappa", city="Lyon"), trained)
    lyon = next(m for m in common if m.values["city"] == "Lyon")
    assert rare[0].values["city"] == "Lyon"
    assert lyon.score < rare[0].score
    # The untrained base (no size) does not count names: the same score for one holder or four.
    untrained = conflicts.match_customers(Record(name="Menuiserie Kappa", city="Lyon"), Weights.default())
    assert next(m for m in untrained if m.values["city"] == "Lyon").score == pytest.approx(
        conflicts.compare(
            Record(name="Menuiserie Kappa", city="Lyon"), Record(name="Menuiserie Kappa", city="Lyon")
        )[0]
    )


def test_a_name_frequency_given_to_compare_changes_the_score():
    a, b = Record(name="Menuiserie Kappa", city="Lyon"), Record(name="Menuiserie Kappa", city="Lyon")
    weights = dataclasses.replace(Weights.default(), base_size=1000)
    plain, _ = conflicts.compare(a, b, weights)
    rare, _ = conflicts.compare(a, b, weights, name_frequency=0.0001)
    common, _ = conflicts.compare(a, b, weights, name_frequency=0.2)
    assert common < plain < rare


def _result(*claims, level=MatchLevel.POSSIBLE):
    candidate = Candidate(1, "c-uuid", "Kappa", 0.7, level, [], list(claims))
    return CheckResult(level, 0.7, [candidate], [])


def _claim(kind, own, deal_uuid="d-uuid"):
    return Claim(kind=kind, own=own, deal_uuid=deal_uuid, stage="submitted", partnership="")


def test_the_hint_about_the_partners_own_registration_in_words():
    maybe = conflicts.partner_hint(_result(_claim("registration", True)))
    assert maybe["messages"] == ["You may already have an open registration for this customer."]
    assert maybe["own_registration"] is None and maybe["status"] == MatchLevel.POSSIBLE
    sure = conflicts.partner_hint(_result(_claim("registration", True), level=MatchLevel.SAME))
    assert sure["messages"] == [
        "You already registered this customer: registration will send you to that registration."
    ]
    assert sure["own_registration"] == "d-uuid"
    nothing = conflicts.partner_hint(_result(_claim("direct_account", True)))
    assert nothing["messages"] == []


def test_a_match_nobody_claims_tells_the_partner_nothing():
    hint = conflicts.partner_hint(_result())
    assert hint == {
        "status": MatchLevel.DISTINCT,
        "messages": [],
        "outside_boundaries": False,
        "refused": False,
        "own_registration": None,
    }


def test_a_candidate_as_data():
    candidate = _result(_claim("registration", False)).candidates[0]
    assert candidate.as_dict() == {
        "customer": "c-uuid",
        "customer_name": "Kappa",
        "score": 0.7,
        "level": MatchLevel.POSSIBLE,
        "evidence": [],
        "claims": [
            {
                "kind": "registration",
                "own": False,
                "deal_uuid": "d-uuid",
                "partnership": "",
                "stage": "submitted",
                "protection_end": "",
            }
        ],
    }
