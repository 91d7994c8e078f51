import ast
from pathlib import Path

import numpy as np
import pytest

from meute.deals import blocking, conflicts, evidence, training
from meute.deals.blocking import blocking_keys, phonetic
from meute.deals.choices import MatchLevel
from meute.deals.conflicts import Record, compare, normalize_name
from meute.deals.customers import save_customer
from meute.deals.evidence import Weights, level_for
from meute.deals.models import Customer, CustomerKey
from meute.deals.records import city_name, phone_key
from meute.deals.workflow import register


def _customer(**values) -> Customer:
    customer = Customer(**values)
    save_customer(customer)
    return customer


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("ACME S.A.S.", "acme"),
        ("SAS Acmé", "acme"),
        ("Acme SARL", "acme"),
        ("acme gmbh", "acme"),
        ("Acme Ltd.", "acme"),
        ("Acme, Inc.", "acme"),
        ("Acme B.V.", "acme"),
        ("Société Électricité Générale et Cie", "electricite generale"),
        ("L'Atelier du Bois", "atelier bois"),
        ("I.B.M. France", "ibm france"),
        ("Dupont-Industries", "dupont industries"),
        ("Dupont & Fils Intl", "dupont fils international"),
    ],
)
def test_normalize_name(name, key):
    assert normalize_name(name) == key


def test_fields_are_prepared_once_for_comparison():
    assert conflicts.siren_from(siret="732 829 320 00074") == "732829320"
    assert conflicts.siren_from(vat="FR44732829320") == "732829320"
    assert conflicts.domain_of("https://www.Acme.fr/contact") == "acme.fr"
    assert conflicts.email_domain_of("jane@gmail.com") == ""
    assert city_name("Paris 8e Arrondissement") == city_name("PARIS") == "paris"
    assert city_name("Lyon Cedex 03") == "lyon"
    assert city_name("St-Étienne") == "saint etienne"
    assert phone_key("+33 4 72 10 20 30") == phone_key("04.72.10.20.30") == "472102030"
    assert phone_key("12") == ""


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Menuiserie", "Menuiseries"),  # a letter added
        ("Menuiserie", "Menuserie"),  # a letter removed
        ("Menuiserie", "Menuizerie"),  # a letter changed
        ("Menuiserie", "Meunisere"),  # two typos: the phonetic key still meets
    ],
)
def test_blocking_keys_survive_one_typo_in_every_word(a, b):
    left = set(blocking_keys(Record(f"Kappa {a}")))
    right = set(blocking_keys(Record(f"Kapa {b}")))
    assert left & right


def test_a_letter_changed_in_a_short_word_keeps_a_key_when_the_common_ones_are_not_read():
    """'Arne Laboratoires' written 'Aene Laboratoires' in Dijon: in a large base the deletion keys of short
    words ("d:ane") and the activity with an initial ("o:laboratoires|a|dijon") are held by hundreds of
    customers and not read; the initial with the word's length still meets."""
    left = set(blocking_keys(Record("Arne Laboratoires SASU", city="Dijon")))
    right = set(blocking_keys(Record("Aene Laboratoires SASU", city="Dijon")))
    shared = left & right
    common = {k for k in shared if k.startswith(("d:", "o:", "f:", "z:"))}
    assert shared - common == {"l:laboratoires|a4|dijon"}
    # A word of another length is another key: the key tells short words apart.
    assert "l:laboratoires|a4|dijon" not in set(blocking_keys(Record("Arnes Laboratoires", city="Dijon")))


def test_phonetic_codes():
    assert phonetic("menuiserie") == phonetic("menuiseries") == phonetic("menuizerie")
    assert phonetic("photographie") == phonetic("fotografie")
    assert phonetic("menuiserie") != phonetic("plomberie")


def test_phone_postcode_domain_and_identifier_keys():
    keys = set(
        blocking_keys(
            Record(
                "Kappa Menuiserie",
                siren="732829320",
                website="www.kappa.fr",
                phone="04 72 10 20 30",
                postal_code="69003",
                address="12 rue des Lilas",
            )
        )
    )
    assert {"s:732829320", "w:kappa.fr", "p:472102030", "z:69003|kap", "a:12|lila"} <= keys


def test_models_import_no_business_rule_module():
    source = Path(__file__).resolve().parent.parent / "models.py"
    imported = set()
    for node in ast.walk(ast.parse(source.read_text())):
        if isinstance(node, ast.ImportFrom):
            imported.add(node.module or "")
    rules = {"conflicts", "workflow", "blocking", "evidence", "training", "customers", "records", "accounts"}
    assert not {name for name in imported if name.split(".")[-1] in rules}


def _level(a: Record, b: Record) -> str:
    return level_for(compare(a, b)[0])


def test_same_company_written_differently_is_same():
    base = {"city": "Lyon", "postal_code": "69003", "address": "12 rue des Lilas"}
    a = Record("Kappa Menuiserie", **base)
    for spelling in (
        "KAPPA MENUISERIE SAS",
        "Kappa Menuiseries",
        "Société Kappa Menuiserie",
        "Menuiserie Kappa",
    ):
        assert _level(a, Record(spelling, **base)) == MatchLevel.SAME, spelling


def test_numbers_in_names_and_different_domains_tell_companies_apart():
    one = Record("Omega Atelier 1", website="omega-atelier-1.fr", city="Lyon", postal_code="69003")
    two = Record("Omega Atelier 2", website="omega-atelier-2.fr", city="Lyon", postal_code="69003")
    score, found = compare(one, two)
    assert level_for(score) != MatchLevel.SAME
    outcomes = {e.field: e.level for e in found}
    assert outcomes["name_numbers"] == "different" and outcomes["domain"] == "different"
    assert all(e.weight < 0 for e in found if e.field in ("name_numbers", "domain"))


def test_namesake_in_another_city_is_not_same():
    here = Record("Kappa Menuiserie", city="Lyon", postal_code="69003")
    there = Record("Kappa Menuiserie", city="Lille", postal_code="59000")
    assert _level(here, there) != MatchLevel.SAME
    assert (
        compare(here, there)[0]
        < compare(here, Record("Kappa Menuiserie", city="Lyon", postal_code="69003"))[0]
    )


def test_district_of_a_city_is_the_same_city():
    found = compare(Record("Kappa", city="Paris"), Record("Kappa", city="Paris 8e Arrondissement"))[1]
    assert {e.field: e.level for e in found}["city"] == "exact"


def test_a_name_contained_in_another_is_weak_evidence():
    score, found = compare(Record("Atelier", city="Lyon"), Record("Atelier Martin Menuiserie", city="Lyon"))
    assert {e.field: e.level for e in found}["name"] == "contained"
    assert level_for(score) != MatchLevel.SAME


def test_phone_and_address_carry_a_match_and_a_different_phone_counts_against():
    a = Record("Kappa Menuiserie", city="Lyon", phone="04 72 10 20 30", address="12 rue des Lilas")
    same_phone = compare(a, Record("Kappa Menuiseries", city="Lyon", phone="+33 4 72 10 20 30"))
    other_phone = compare(a, Record("Kappa Menuiseries", city="Lyon", phone="04 78 99 99 99"))
    assert same_phone[0] > compare(a, Record("Kappa Menuiseries", city="Lyon"))[0] > other_phone[0]
    assert {e.field: e.weight for e in other_phone[1]}["phone"] < 0
    address = compare(a, Record("Kappa Menuiseries", city="Lyon", address="12 Rue des Lilas"))[1]
    assert {e.field: e.weight for e in address}["address"] > 5


def test_evidence_is_explained_in_words():
    found = compare(Record("Kappa Menuiserie", city="Lyon"), Record("Kappa Menuiseries", city="Lyon"))[1]
    texts = {e.field: e.text for e in found}
    assert texts["name"] == "Nearly the same name (a typo, a letter or the word order)"
    assert texts["city"] == "Same city"


def test_same_siren_is_certain_and_different_sirens_never_same():
    assert compare(Record("A", siren="732829320"), Record("B", siret="73282932000074"))[0] == 1.0
    score, found = compare(
        Record("Acme", siren="732829320", city="Lyon"), Record("Acme", siren="552032534", city="Lyon")
    )
    assert level_for(score) != MatchLevel.SAME
    assert found[0].field == "siren" and found[0].outcome == "different"


def test_a_common_name_counts_less():
    weights = Weights(Weights.default().parameters, base_size=10_000)
    a, b = Record("Boulangerie Martin", city="Lyon"), Record("Boulangerie Martin", city="Lyon")
    rare = compare(a, b, weights, name_frequency=1 / 10_000)
    common = compare(a, b, weights, name_frequency=300 / 10_000)
    assert rare[0] > common[0]
    assert "common name" in {e.field: e.text for e in common[1]}["name"]


def test_em_learns_m_from_unlabelled_pairs():
    rng = np.random.default_rng(3)
    true_m = np.array([0.05, 0.9])
    u = np.array([0.95, 0.05])
    # Two binary fields (the other fields missing): 20 % matches.
    n = 5000
    is_match = rng.random(n) < 0.2
    levels = np.full((n, len(evidence.FIELDS)), evidence.NULL, dtype=np.int8)
    for f in (evidence.FIELDS.index("domain"), evidence.FIELDS.index("country")):
        p_agree = np.where(is_match, true_m[1], u[1])
        levels[:, f] = (rng.random(n) < p_agree).astype(np.int8)
    m0 = np.full((len(evidence.FIELDS), evidence.MAX_LEVELS), 0.5)
    u_all = np.full((len(evidence.FIELDS), evidence.MAX_LEVELS), 0.5)
    for f in (evidence.FIELDS.index("domain"), evidence.FIELDS.index("country")):
        u_all[f, :2] = u
    m, share = training.em(levels, m0, u_all)
    domain = evidence.FIELDS.index("domain")
    assert abs(m[domain, 1] - 0.9) < 0.05
    assert abs(share - 0.2) < 0.05


def test_estimate_keeps_previous_values_when_the_data_cannot_tell():
    result = training.estimate([Record("Alpha", city="Lyon"), Record("Beta", city="Nantes")])
    assert "Too few pairs" in result["notes"]
    assert result["parameters"]["name"]["exact"][0] == evidence.DEFAULT_PARAMETERS["name"]["exact"][0]


def test_blocking_alone_finds_every_labelled_duplicate_of_the_restaurant_guides():
    from benchmarks.eval_conflicts import load_restaurants

    records, true, keep = load_restaurants()
    found = {pair for pair in blocking.MemoryBlocker(records).pairs() if keep(*pair)}
    assert len(true) == 112
    assert len(true & found) / len(true) >= 0.995


def test_customer_keys_are_written_and_rewritten(db):
    customer = _customer(name="Dupont Industries SAS", city="Lyon", phone="04 72 10 20 30")
    assert customer.name_key == "dupont industries"
    keys = set(CustomerKey.objects.filter(customer=customer).values_list("key", flat=True))
    assert keys == set(blocking.blocking_keys(blocking.customer_record(customer)))
    assert {"c:dupontindustries|lyon", "p:472102030"} <= keys
    customer.name = "Martin Transports"
    save_customer(customer)
    keys = set(customer.keys.values_list("key", flat=True))
    assert "d:dupont" not in keys and "d:martin" in keys


def test_candidates_are_ranked_before_the_cap(db, monkeypatch):
    # Many customers share the word "industries"; the one sharing the rare words comes first.
    for index in range(30):
        _customer(name=f"Zeta{index} Industries", city="Lyon")
    target = _customer(name="Dupont Industries", city="Lyon")
    monkeypatch.setattr(blocking, "KEY_FREQUENCY_CAP", 20)
    found = blocking.find_candidates(Record("Dupond Industries", city="Lyon"), limit=3)
    assert found[0]["id"] == target.pk


def test_check_finds_another_partners_claim(deals_world, make_data):
    w = deals_world
    deal_b, _created = register(w.partner_b_user, w.partnership_b, make_data())
    result = conflicts.check(w.partnership_a, make_data(customer_name="DUPOND INDUSTRIE").record())
    assert result.level == MatchLevel.SAME
    claim = result.conflicting[0].claims[0]
    assert claim.kind == "registration" and not claim.own and claim.deal_uuid == str(deal_b.uuid)
    assert {e.field for e in result.best.evidence} >= {"name", "domain", "city"}


def test_partner_hint_reveals_nobody(deals_world, make_data):
    w = deals_world
    deal_b, _created = register(w.partner_b_user, w.partnership_b, make_data(amount="4321.00"))
    result = conflicts.check(w.partnership_a, make_data(customer_name="Dupont Industries").record())
    hint = conflicts.partner_hint(result)
    assert hint["status"] == MatchLevel.SAME
    assert hint["messages"] == ["This customer may already be registered by another partner."]
    text = repr(hint)
    for secret in (w.org_b.name, w.partnership_b.name, str(deal_b.uuid), "4321", str(deal_b.customer.uuid)):
        assert secret not in text


def test_check_says_what_registration_does_with_each_boundary(deals_world, make_data):
    w = deals_world
    _customer(name="Banque Régionale", city="Nantes", country="BE", is_direct_account=True)
    data = make_data(customer_name="Banque Regionale SA", city="Nantes", website="", contact_email="")
    data.country = "BE"
    data.product_lines = [w.other_line]
    result = conflicts.check(w.partnership_a, data.record(), product_lines=data.product_lines)
    hint = conflicts.partner_hint(result)
    assert result.conflicting[0].claims[0].kind == "direct_account"
    assert "This customer is handled directly by the vendor's sales team." in hint["messages"]
    assert (
        "Some products are outside the partnership's product lines. Registration will refuse this."
        in hint["messages"]
    )
    assert (
        "The customer's country is outside the partnership's territories. "
        "The registration will wait for a channel manager's review." in hint["messages"]
    )
    assert hint["refused"] and hint["outside_boundaries"]


def test_unclaimed_customer_is_no_conflict(deals_world, make_data):
    _customer(name="Dupont Industries", city="Lyon")
    result = conflicts.check(deals_world.partnership_a, make_data().record())
    assert result.level == MatchLevel.DISTINCT
    assert result.candidates  # known, but nobody claims it
    assert conflicts.partner_hint(result)["status"] == MatchLevel.DISTINCT


def test_candidate_query_count_is_fixed(deals_world, make_data, django_assert_max_num_queries):
    for index in range(30):
        _customer(name=f"Dupont Industries {index}", city="Lyon")
    with django_assert_max_num_queries(7):
        conflicts.check(deals_world.partnership_a, make_data().record())


def test_restaurant_guides_meet_the_targets_at_the_default_thresholds():
    from benchmarks.eval_conflicts import evaluate

    result = evaluate("restaurants")
    assert result["true_pairs"] == 112
    assert result["blocking_recall"] >= 0.995
    assert result["same"]["precision"] >= 0.99
    assert result["same"]["recall"] >= 0.97
