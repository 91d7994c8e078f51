import pytest

from meute.deals import conflicts
from meute.deals.choices import MatchLevel
from meute.deals.conflicts import Record, compare, normalize_name
from meute.deals.models import Customer, CustomerKey
from meute.deals.workflow import register


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("ACME S.A.S.", "acme"),
        ("SAS Acmé", "acme"),
        ("Acme SARL", "acme"),
        ("acme gmbh", "acme"),
        ("Acme Ltd.", "acme"),
        ("Acme, Inc.", "acme"),
        ("Acme LLC", "acme"),
        ("Acme B.V.", "acme"),
        ("Acme SpA", "acme"),
        ("Société Électricité Générale et Cie", "electricite generale"),
        ("L'Atelier du Bois", "atelier bois"),
        ("I.B.M. France", "ibm france"),
        ("Dupont-Industries", "dupont industries"),
        ("Dupont & Fils Intl", "dupont fils international"),
    ],
)
def test_normalize_name(name, key):
    assert normalize_name(name) == key


def test_a_name_made_only_of_generic_words_is_kept():
    assert normalize_name("SA") == "sa"
    assert normalize_name("") == ""


def test_identifiers():
    assert conflicts.siren_from(siret="732 829 320 00074") == "732829320"
    assert conflicts.siren_from(vat="FR44732829320") == "732829320"
    assert conflicts.siren_from(siren="732829320", siret="55203253400646") == "732829320"
    assert conflicts.domain_of("https://www.Acme.fr/contact") == "acme.fr"
    assert conflicts.email_domain_of("jane@acme.fr") == "acme.fr"
    assert conflicts.email_domain_of("jane@gmail.com") == ""
    assert conflicts.email_domain_of("not an address") == ""


def test_blocking_keys_survive_one_typo():
    a = set(conflicts.blocking_keys(normalize_name("Dupont Industries")))
    b = set(conflicts.blocking_keys(normalize_name("Dupond Industrie")))
    assert a & b


def test_compare_explains_every_field():
    score, evidence = compare(
        Record("Dupont Industries SARL", city="Lyon", postal_code="69003", website="dupont.fr"),
        Record("DUPOND INDUSTRIE", city="Lyon", postal_code="69003", email="jo@dupont.fr"),
    )
    fields = {e.field: e.outcome for e in evidence}
    assert score >= conflicts.SAME_THRESHOLD
    assert fields == {"name": "similar", "domain": "match", "city": "match", "postal_code": "match"}


def test_same_siren_is_certain_and_different_sirens_never_same():
    assert compare(Record("A", siren="732829320"), Record("B", siret="73282932000074"))[0] == 1.0
    score, evidence = compare(Record("Acme", siren="732829320"), Record("Acme", siren="552032534"))
    assert conflicts.level_for(score) == MatchLevel.DISTINCT
    assert evidence[0].field == "siren" and evidence[0].outcome == "different"


def test_other_country_and_other_city_lower_the_score():
    same = compare(Record("Acme Conseil", city="Lyon"), Record("Acme Conseil", city="Lyon"))[0]
    other_city = compare(Record("Acme Conseil", city="Lyon"), Record("Acme Conseil", city="Lille"))[0]
    other_country = compare(Record("Acme Conseil", country="FR"), Record("Acme Conseil GmbH", country="DE"))[
        0
    ]
    assert same > other_city
    assert conflicts.level_for(other_country) == MatchLevel.DISTINCT


def test_labelled_set_meets_its_targets():
    from benchmarks.eval_conflicts import evaluate

    result = evaluate()
    assert result["pairs"] >= 300
    assert result["same"]["precision"] >= 0.98
    assert result["same"]["recall"] >= 0.95


def test_customer_keys_are_indexed_and_rewritten(db):
    customer = Customer.objects.create(name="Dupont Industries SAS", city="Lyon")
    assert customer.name_key == "dupont industries"
    assert set(CustomerKey.objects.filter(customer=customer).values_list("key", flat=True)) == set(
        conflicts.blocking_keys("dupont industries", "Lyon")
    )
    assert "c:dupontindustries|lyon" in set(customer.keys.values_list("key", flat=True))
    customer.name = "Martin Transports"
    customer.save()
    assert "t:dupont" not in set(customer.keys.values_list("key", flat=True))
    assert "t:martin" in set(customer.keys.values_list("key", flat=True))


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


def test_direct_account_and_boundaries(deals_world, make_data):
    w = deals_world
    Customer.objects.create(name="Banque Régionale", city="Nantes", is_direct_account=True)
    data = make_data(customer_name="Banque Regionale SA", city="Nantes", website="", contact_email="")
    data.country = "BE"
    data.product_lines = [w.other_line]
    result = conflicts.check(w.partnership_a, data.record(), product_lines=data.product_lines)
    hint = conflicts.partner_hint(result)
    assert result.conflicting[0].claims[0].kind == "direct_account"
    assert "This customer is handled directly by the vendor's sales team." in hint["messages"]
    assert hint["outside_boundaries"]
    assert len(result.boundary_issues) == 2


def test_unclaimed_customer_is_no_conflict(deals_world, make_data):
    Customer.objects.create(name="Dupont Industries", city="Lyon")
    result = conflicts.check(deals_world.partnership_a, make_data().record())
    assert result.level == MatchLevel.DISTINCT
    assert result.candidates  # known, but nobody claims it
    assert conflicts.partner_hint(result)["status"] == MatchLevel.DISTINCT


def test_candidate_query_count_is_fixed(deals_world, make_data, django_assert_max_num_queries):
    for index in range(30):
        Customer.objects.create(name=f"Dupont Industries {index}", city="Lyon")
    with django_assert_max_num_queries(7):
        conflicts.check(deals_world.partnership_a, make_data().record())
