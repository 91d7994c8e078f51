"""Retraining the matcher's weights (CLI), versions shown to staff (page and API), hidden from partners."""

import contextlib

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from meute.cli import main
from meute.deals import training
from meute.deals.models import MatcherWeights
from meute.deals.workflow import register

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_weights():
    training.forget_cached_weights()
    yield
    training.forget_cached_weights()


def _base(deals_world, make_data):
    w = deals_world
    for index, (name, city) in enumerate(
        [("Dupont Industries", "Lyon"), ("Martin Transports", "Nantes"), ("Atelier Roux", "Grenoble")] * 3
    ):
        user, partnership = (
            (w.partner_a_user, w.partnership_a) if index % 2 else (w.partner_b_user, w.partnership_b)
        )
        with contextlib.suppress(ValidationError):  # a second registration of one partner is refused
            register(
                user,
                partnership,
                make_data(
                    customer_name=f"{name} {'SAS' if index > 2 else ''}",
                    city=city,
                    website="",
                    contact_email="",
                ),
            )


def test_retrain_stores_a_version_in_force_and_checks_use_it(deals_world, make_data, capsys):
    _base(deals_world, make_data)
    assert training.weights_in_force().version == 0
    assert main(["deals", "retrain", "--seed", "1"]) == 0
    out = capsys.readouterr().out
    assert "Weights version 1 in force" in out and "Same name" in out
    assert main(["deals", "retrain"]) == 0
    versions = list(MatcherWeights.objects.order_by("version").values_list("version", "is_active"))
    assert versions == [(1, False), (2, True)]
    assert training.weights_in_force().version == 2
    assert training.weights_in_force().base_size == 3


def test_retrain_refuses_a_bad_limit(capsys):
    assert main(["deals", "retrain", "--limit", "1"]) == 2
    assert "--limit must be at least 2" in capsys.readouterr().err
    assert not MatcherWeights.objects.exists()


def test_staff_read_the_weights_page_and_api(deals_world, client_for):
    w = deals_world
    MatcherWeights.objects.create(
        version=1, parameters=training.weights_in_force().parameters, base_size=42, is_active=True
    )
    training.forget_cached_weights()
    client = client_for(w.manager)
    page = client.get(reverse("deal-matcher-weights"))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Version 1 in force, learnt from a base of 42 customers." in text
    assert "The names carry different numbers" in text
    current = client.get("/api/deal-matcher-weights/current/").json()
    assert current["version"] == 1 and current["base_size"] == 42
    rows = {(row["field"], row["level"]): row for row in current["weights"]}
    assert rows[("phone", "exact")]["weight"] > 0 > rows[("phone", "different")]["weight"]
    listing = client.get("/api/deal-matcher-weights/").json()
    assert listing["count"] == 1 and listing["results"][0]["is_active"] is True


def test_weights_page_in_french(deals_world, client_for):
    client = client_for(deals_world.manager)
    page = client.get(reverse("deal-matcher-weights"), HTTP_ACCEPT_LANGUAGE="fr")
    text = page.content.decode()
    assert "Poids du détecteur de conflits" in text and "Même nom" in text


def test_partners_are_refused(deals_world, client_for):
    version = MatcherWeights.objects.create(version=1, parameters={}, is_active=False)
    client = client_for(deals_world.partner_a_user)
    assert client.get(reverse("deal-matcher-weights")).status_code == 403
    assert client.get("/api/deal-matcher-weights/current/").status_code == 403
    assert client.get("/api/deal-matcher-weights/").json()["count"] == 0
    assert client.get(f"/api/deal-matcher-weights/{version.uuid}/").status_code == 404
    assert client.post("/api/deal-matcher-weights/", {}, content_type="application/json").status_code in (
        403,
        405,
    )
    assert MatcherWeights.objects.count() == 1


def test_rekey_rewrites_every_customers_keys(deals_world, make_data, capsys):
    from meute.deals.blocking import blocking_keys, customer_record
    from meute.deals.models import Customer, CustomerKey

    _base(deals_world, make_data)
    customers = list(Customer.objects.all())
    assert customers
    # Keys of an older scheme: one stale key per customer, the current ones missing.
    CustomerKey.objects.all().delete()
    CustomerKey.objects.bulk_create([CustomerKey(customer=c, key=f"old:{c.pk}") for c in customers])
    assert main(["deals", "rekey"]) == 0
    assert f"Blocking keys rewritten for {len(customers)} customer(s)." in capsys.readouterr().out
    for customer in customers:
        stored = set(CustomerKey.objects.filter(customer=customer).values_list("key", flat=True))
        assert stored == set(blocking_keys(customer_record(customer)))
