"""Two rules of the name comparison: one name contained in the other survives a typo in a long word, and
a customer known by its name alone is never "same" on that name but never let through unseen either."""

import dataclasses

import pytest
from django.utils import translation

from meute.deals import conflicts, evidence
from meute.deals.choices import MatchLevel
from meute.deals.conflicts import Record, compare
from meute.deals.customers import save_customer
from meute.deals.evidence import DEFAULT_PARAMETERS, Weights
from meute.deals.models import Customer
from meute.deals.workflow import register


def _name_level(a: Record, b: Record) -> str:
    return {e.field: e.level for e in compare(a, b)[1]}["name"]


@pytest.mark.parametrize(
    ("shorter", "longer"),
    [
        ("Waller", "Jamilla Wallner"),  # a letter added in a word of the longer name
        ("Dupont Plomberie", "Établissements Dupont Plombrie Chauffage Sanitaire"),  # a letter left out
        ("Plomberie Dupont", "Chauffage Sanitaire Dupont Plomberei Services"),  # two letters swapped
        ("Atelier", "Atelier Martin Menuiserie"),  # contained as written
    ],
)
def test_a_name_contained_in_another_with_a_typo(shorter, longer):
    assert _name_level(Record(shorter, city="Lyon"), Record(longer, city="Lyon")) == "contained"
    assert _name_level(Record(longer, city="Lyon"), Record(shorter, city="Lyon")) == "contained"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        # Short words must be written alike: "Kapa" is not "Kappa".
        ("Kapa Lyon", "Kappa Lyon Bâtiment Services"),
        # A word two letters away is another word.
        ("Waler", "Jamilla Wallner"),
        # One restaurant of a hotel is not another one of the same hotel.
        ("Café Ritz-Carlton Buckhead", "Ritz-Carlton Dining Room (Buckhead)"),
    ],
)
def test_a_word_missing_or_written_otherwise_is_no_containment(a, b):
    assert _name_level(Record(a, city="Lyon"), Record(b, city="Lyon")) == "different"


def test_the_containment_level_carries_its_own_weight():
    weights = Weights.default()
    contained = compare(Record("Waller", city="Sydney"), Record("Jamilla Wallner", city="Sydney"), weights)
    different = compare(Record("Fleet", city="Sydney"), Record("Jamilla Wallner", city="Sydney"), weights)
    name = {e.field: e.weight for e in contained[1]}["name"]
    assert name == pytest.approx(
        weights.table[evidence.NAME, evidence.FIELD_LEVELS["name"].index("contained")]
    )
    assert name > 0 > {e.field: e.weight for e in different[1]}["name"]
    assert contained[0] > different[0]


CHECKED = Record("Garcia Agencement", address="143 rue Pasteur", postal_code="44000", city="Nantes")


@pytest.mark.parametrize("stored", ["Garcia Agencement SARL", "SARL Garcia Agencemnet"])
def test_a_customer_known_by_its_name_alone_is_possible(stored):
    score, found = compare(CHECKED, Record(stored))
    assert evidence.POSSIBLE_THRESHOLD <= score < evidence.SAME_THRESHOLD
    assert conflicts.level_for(score) == MatchLevel.POSSIBLE
    assert found[-1].field == "name_only"
    assert found[-1].text == "Nothing but the name can be compared: a channel manager should look"
    assert {e.field for e in found} == {"name", "name_only"}


def test_a_name_alone_is_never_same_however_rare():
    # A name a thousand times rarer than one customer in the base outweighs the prior: still not "same".
    weights = dataclasses.replace(Weights.default(), base_size=1000)
    base = compare(CHECKED, Record("Garcia Agencement"), weights, name_frequency=1 / 1000)[0]
    rare = compare(CHECKED, Record("Garcia Agencement"), weights, name_frequency=1e-6)[0]
    assert base == pytest.approx(evidence.POSSIBLE_THRESHOLD)
    assert rare == pytest.approx(evidence.SAME_THRESHOLD * 0.999)
    # The same name with the same city is no longer a name alone: it can be "same".
    located = compare(CHECKED, Record("Garcia Agencement", city="Nantes"), weights, name_frequency=1e-9)
    assert conflicts.level_for(located[0]) == MatchLevel.SAME
    assert "name_only" not in {e.field for e in located[1]}


@pytest.mark.parametrize(
    "stored",
    [
        Record("Garcia Agencement", city="Marseille"),  # a namesake elsewhere: the city tells them apart
        Record("Garcia Agencements Ouest Bretagne"),  # only a similar name
        Record("Agencement Martin"),  # another name
    ],
)
def test_the_floor_needs_the_name_and_nothing_else(stored):
    score, found = compare(CHECKED, stored)
    assert "name_only" not in {e.field for e in found}
    assert conflicts.level_for(score) == MatchLevel.DISTINCT


def test_names_with_other_numbers_are_not_raised():
    score, found = compare(Record("Omega Atelier 2", city="Lyon"), Record("Omega Atelier 1"))
    assert "name_only" not in {e.field for e in found}
    assert score < evidence.POSSIBLE_THRESHOLD


def test_an_identifier_decides_before_the_name_alone():
    score, found = compare(
        Record("Garcia Agencement", siren="732829320", city="Nantes"),
        Record("Garcia Agencement", siren="552100554"),
    )
    assert score < evidence.POSSIBLE_THRESHOLD
    assert "name_only" not in {e.field for e in found}


def test_the_name_alone_is_explained_in_the_readers_language():
    item = compare(CHECKED, Record("Garcia Agencement SARL"))[1][-1].as_dict()
    with translation.override("fr"):
        assert evidence.describe(item) == (
            "Seul le nom peut être comparé : un responsable de canal doit vérifier"
        )
    with translation.override("en"):
        assert evidence.describe(item) == (
            "Nothing but the name can be compared: a channel manager should look"
        )


@pytest.mark.django_db
def test_a_direct_account_imported_with_its_name_alone_is_flagged(world):
    account = Customer(name="Garcia Agencement SARL", is_direct_account=True)
    save_customer(account)
    # Weights learnt on a base of a thousand customers: the name counts by its frequency there.
    trained = dataclasses.replace(Weights.default(), base_size=1000)
    result = conflicts.check(world.partnership_a, CHECKED, weights=trained)
    assert result.level == MatchLevel.POSSIBLE
    assert [c.customer_id for c in result.conflicting] == [account.pk]
    hint = conflicts.partner_hint(result)
    assert hint["status"] == MatchLevel.POSSIBLE
    assert "handled directly by the vendor's sales team" in hint["messages"][0]
    # Once the account carries its city, a registration in another city is no longer flagged.
    account.city = "Marseille"
    save_customer(account)
    assert conflicts.check(world.partnership_a, CHECKED, weights=trained).level == MatchLevel.DISTINCT


def test_meutes_own_pairs_meet_the_target_and_their_names_alone_are_flagged():
    from benchmarks.eval_conflicts import evaluate

    result = evaluate("customer_pairs")
    assert result["true_pairs"] == 256
    assert result["same"]["precision"] >= 0.99
    assert result["located"]["tp"] + result["located"]["fn"] == 224
    assert result["located"]["recall"] >= 0.95
    alone = result["name_only"]
    assert alone["true"] == 32
    assert alone["same"] == 0
    assert alone["flagged"] >= 29


@pytest.mark.django_db
def test_a_registration_does_not_list_its_own_customer_as_evidence(deals_world, make_data, client_for):
    account = Customer(name="Garcia Agencement SARL", is_direct_account=True)
    save_customer(account)
    data = make_data(
        customer_name="Garcia Agencement",
        address="143 rue Pasteur",
        postal_code="44000",
        city="Nantes",
        website="",
        contact_email="luc@garcia-agencement.fr",
    )
    deal, _created = register(deals_world.partner_a_user, deals_world.partnership_a, data)
    listed = [c["customer"] for c in deal.conflict_evidence["candidates"]]
    # The direct account known by its name alone is listed; the registration's own new customer is not.
    assert deal.customer_id != account.pk
    assert listed == [str(account.uuid)]
    assert deal.conflict_level == MatchLevel.POSSIBLE
    page = client_for(deals_world.manager).get(f"/deals/{deal.uuid}/", HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    assert "Nothing but the name can be compared: a channel manager should look" in page.text
    assert page.text.count('badge--conflict-same"') == 0


@pytest.mark.django_db
def test_the_own_customer_stays_listed_when_another_registration_claims_it(deals_world, make_data):
    first, _ = register(deals_world.partner_b_user, deals_world.partnership_b, make_data(amount="50000"))
    second, _ = register(deals_world.partner_a_user, deals_world.partnership_a, make_data(amount="50000"))
    assert second.customer_id == first.customer_id
    candidates = second.conflict_evidence["candidates"]
    assert [c["customer"] for c in candidates] == [str(first.customer.uuid)]
    assert [claim["deal_uuid"] for claim in candidates[0]["claims"]] == [str(first.uuid)]
    assert second.conflict_level == MatchLevel.SAME


@pytest.mark.parametrize(
    ("item", "english", "french"),
    [
        ({"field": "siren", "outcome": "match"}, "Same identifier", "Même identifiant"),
        ({"field": "vat_number", "outcome": "match"}, "Same identifier", "Même identifiant"),
        ({"field": "siren", "outcome": "different"}, "Different identifiers", "Identifiants différents"),
        ({"field": "city", "level": "exact", "text": "stored words"}, "Same city", "Même ville"),
        # Items of another version: their own words, else the field's name, never an internal name.
        ({"field": "website", "outcome": "match", "text": "Same website"}, "Same website", "Same website"),
        ({"field": "phone", "level": "gone", "outcome": "match"}, "Phone", "Téléphone"),
        ({"field": "fax", "outcome": "different"}, "—", "—"),
    ],
)
def test_stored_evidence_is_read_in_words(item, english, french):
    with translation.override("en"):
        assert evidence.describe(item) == english
    with translation.override("fr"):
        assert evidence.describe(item) == french


def test_the_weights_page_rows_are_rounded_and_in_words():
    parameters = {
        f: {level: list(mu) for level, mu in levels.items()} for f, levels in DEFAULT_PARAMETERS.items()
    }
    parameters["name"]["exact"] = [0.1234567, 0.0123456789]
    weights = Weights(parameters)
    with translation.override("fr"):
        rows = weights.rows()
    exact = next(row for row in rows if (row["field"], row["level"]) == ("name", "exact"))
    assert exact == {
        "field": "name",
        "field_label": "Nom",
        "level": "exact",
        "meaning": "Même nom",
        "m": 0.123457,
        "u": 0.012346,
        "weight": 3.32,  # log2(0.1234567 / 0.0123456789) = 3.3219…
    }
    assert len(rows) == sum(len(levels) for levels in evidence.FIELD_LEVELS.values())


def test_a_stored_evidence_item_keeps_its_outcome():
    item = compare(CHECKED, Record("Garcia Agencement SARL"))[1][0].as_dict()
    assert item == {
        "field": "name",
        "outcome": "match",
        "similarity": 1.0,
        "detail": "",
        "level": "exact",
        "weight": item["weight"],
        "text": "Same name",
    }
