"""Scoring profiles on the database: the ranking, look-alikes, pages, API, export and CLI."""

import csv
import io

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from meute.recruitment import profiles
from meute.recruitment.choices import ProfileKind
from meute.recruitment.models import CriteriaGroup, Criterion, ScoringProfile
from meute.recruitment.scoring import ScoringError

pytestmark = pytest.mark.django_db


def _ideal(name="Ideal"):
    profile = ScoringProfile.objects.create(name=name, kind=ProfileKind.IDEAL)
    size = CriteriaGroup.objects.create(profile=profile, name="Size", weight=1)
    customers = CriteriaGroup.objects.create(profile=profile, name="Customers", weight=3)
    Criterion.objects.create(group=size, attribute="headcount", target={"min": 40, "max": 100}, scale=20)
    Criterion.objects.create(group=customers, attribute="markets", target=["retail"])
    return profile


def test_ideal_ranking_by_hand(market):
    ranking = profiles.rank(_ideal())
    scores = {row.organization.name: row.score for row in ranking.rows}
    # headcount in 40..100 (scale 20): Alpha 50 → 1, Bêta 200 → 0, Gamma 60 → 1, Delta none → 0,
    # Epsilon 50 → 1; retail held: Alpha, Gamma, Epsilon. Score = 100·(1·size + 3·retail)/4.
    assert scores == {"Alpha Intégration": 100, "Gamma": 100, "Epsilon": 100, "Bêta Conseil": 0, "Delta": 0}
    assert [row.organization.name for row in ranking.rows[:3]] == ["Alpha Intégration", "Epsilon", "Gamma"]
    assert ranking.rows[0].contributions == [("Size", 25.0), ("Customers", 75.0)]
    assert ranking.total == 5  # the operator is not scored


def test_lookalike_of_a_partner(market):
    ranking = profiles.lookalike(market.world.org_a, top=10)
    assert ranking.rows[0].organization == market.world.org_a and ranking.rows[0].is_reference
    names = [row.organization.name for row in ranking.rows]
    # Gamma has Alpha's markets and a close headcount: it comes first after Alpha itself.
    assert names[1] == "Gamma"
    assert names[-1] == "Delta"


def test_profile_with_unknown_attribute_or_no_target_is_refused(market):
    profile = _ideal()
    Criterion.objects.create(group=profile.groups.first(), attribute="attr:nope", target=[1])
    with pytest.raises(ScoringError, match="Unknown attribute"):
        profiles.rank(profile)
    profile2 = _ideal("Other")
    Criterion.objects.create(group=profile2.groups.first(), attribute="sales_headcount", target=None)
    with pytest.raises(ScoringError, match="no target"):
        profiles.rank(profile2)


def test_custom_attributes_are_scored(market, attrs):
    from meute.recruitment import attributes

    attributes.save_values(market.gamma, {attrs.typology: "VAR", attrs.offers: ["Sage"]})
    attributes.save_values(market.epsilon, {attrs.typology: "Publisher", attrs.offers: ["Sage", "SAP"]})
    profile = ScoringProfile.objects.create(name="Custom", kind=ProfileKind.IDEAL)
    group = CriteriaGroup.objects.create(profile=profile, name="Fit", weight=1)
    Criterion.objects.create(group=group, attribute="attr:typology", target=["VAR"])
    Criterion.objects.create(group=group, attribute="attr:offers", target=["Sage", "SAP"])
    scores = {row.organization.name: row.score for row in profiles.rank(profile).rows}
    assert scores["Gamma"] == 75.0  # (1 + 1/2) / 2
    assert scores["Epsilon"] == 50.0  # (0 + 2/2) / 2
    assert scores["Delta"] == 0.0


def test_parse_target():
    options = {
        key: profiles.Option(key, key, kind, choices)
        for key, kind, choices in [
            ("n", "number", []),
            ("c", "choice", ["a", "b"]),
            ("t", "text", []),
            ("b", "choice", [True, False]),
        ]
    }
    assert profiles.parse_target(options["n"], "10..50") == {"min": 10, "max": 50}
    assert profiles.parse_target(options["n"], "..50") == {"max": 50}
    assert profiles.parse_target(options["n"], "7") == {"min": 7, "max": 7}
    assert profiles.parse_target(options["c"], "a, b") == ["a", "b"]
    assert profiles.parse_target(options["t"], "Logiciel de gestion") == ["gestion", "logiciel"]
    assert profiles.parse_target(options["b"], "oui") == [True]
    for option, text in [("n", "50..10"), ("n", "abc"), ("c", "z"), ("t", "a de"), ("b", "peut-être")]:
        with pytest.raises(Exception, match="."):
            profiles.parse_target(options[option], text)


def test_pages_build_a_profile_and_rank(market, client_for):
    client = client_for(market.world.manager)
    response = client.post(reverse("recruitment:scoring-list"), {"name": "Retailers", "kind": "ideal"})
    profile = ScoringProfile.objects.get(name="Retailers")
    assert response.status_code == 302
    url = profile.get_absolute_url()
    assert client.post(url, {"action": "group", "name": "Customers", "weight": "0"}).status_code == 302
    page = client.get(url).content.decode()
    assert "add up to zero" in page
    group = profile.groups.get()
    bad = client.post(
        url, {"action": "criterion", "group": group.pk, "attribute": "markets", "weight": 1, "target": "mars"}
    )
    assert bad.status_code == 422 and not Criterion.objects.exists()
    client.post(
        url,
        {"action": "criterion", "group": group.pk, "attribute": "markets", "weight": 1, "target": "retail"},
    )
    group.weight = 1
    group.save()
    page = client.get(url).content.decode()
    assert page.index("Alpha Intégration") < page.index("Delta")
    export = client.get(reverse("recruitment:scoring-export", args=[profile.uuid, "csv"]))
    rows = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig"))))
    assert rows[0] == ["Rank", "Organisation", "Score", "Customers"]
    assert rows[1] == ["1", "Alpha Intégration", "100.0", "100.0"]
    xlsx = client.get(reverse("recruitment:scoring-export", args=[profile.uuid, "xlsx"]))
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    look = client.get(reverse("recruitment:lookalike", args=[market.gamma.uuid]))
    assert look.status_code == 200 and "Gamma" in look.content.decode()


def test_api_profile_and_ranking(market, api):
    client = api(market.world.manager)
    body = {
        "name": "API",
        "kind": "ideal",
        "groups": [
            {"name": "Customers", "weight": 1, "criteria": [{"attribute": "markets", "target": ["retail"]}]}
        ],
    }
    created = client.post("/api/scoring-profiles/", body, format="json")
    assert created.status_code == 201, created.json()
    uuid = created.json()["uuid"]
    ranking = client.get(f"/api/scoring-profiles/{uuid}/ranking/?top=2").json()
    assert [row["name"] for row in ranking] == ["Alpha Intégration", "Epsilon"]
    assert ranking[0]["contributions"] == {"Customers": 100.0}
    for bad_groups, message in [
        ([{"name": "G", "weight": 0, "criteria": [{"attribute": "markets", "target": ["retail"]}]}], "zero"),
        (
            [{"name": "G", "weight": 1, "criteria": [{"attribute": "nope", "target": [1]}]}],
            "Unknown attribute",
        ),
        ([{"name": "G", "weight": 1, "criteria": [{"attribute": "headcount", "target": 5}]}], "range"),
        (
            [{"name": "G", "weight": 1, "criteria": [{"attribute": "growth_trend", "target": ["boom"]}]}],
            "Unknown values",
        ),
    ]:
        refused = client.post(
            "/api/scoring-profiles/", {**body, "name": "Bad", "groups": bad_groups}, format="json"
        )
        assert refused.status_code == 400 and message in str(refused.json())
    empty = client.post("/api/scoring-profiles/", {**body, "name": "Bad", "kind": "lookalike"}, format="json")
    assert empty.status_code == 400 and "reference" in str(empty.json())
    assert ScoringProfile.objects.count() == 1
    look = client.get(f"/api/lookalikes/{market.world.org_b.uuid}/?top=3").json()
    assert look[0]["name"] == "Bêta Conseil" and look[0]["is_reference"]


def test_cli_prints_the_ranking(market, tmp_path):
    _ideal("Ideal")
    out = io.StringIO()
    call_command("score", "--profile", "Ideal", "--top", "2", stdout=out)
    target = tmp_path / "r.csv"
    call_command("score", "--profile", "Ideal", "--top", "2", "--output", str(target))
    rows = list(csv.reader(io.StringIO(target.read_text())))
    assert rows[0] == ["Rank", "Organisation", "Score", "Size", "Customers"]
    assert len(rows) == 3 and rows[1][1] == "Alpha Intégration"
    with pytest.raises(CommandError, match="No scoring profile"):
        call_command("score", "--profile", "Nope")


def test_lookalike_profile_from_the_page_names_its_references(market, client_for):
    client = client_for(market.world.manager)
    url = reverse("recruitment:scoring-list")
    refused = client.post(url, {"name": "Like", "kind": "lookalike", "references": "Gamma\nNobody"})
    assert refused.status_code == 422 and "Nobody" in refused.content.decode()
    assert not ScoringProfile.objects.exists()
    empty = client.post(url, {"name": "Like", "kind": "lookalike", "references": ""})
    assert empty.status_code == 422 and not ScoringProfile.objects.exists()
    assert client.post(url, {"name": "Like", "kind": "lookalike", "references": "gamma\n"}).status_code == 302
    profile = ScoringProfile.objects.get()
    assert list(profile.references.all()) == [market.gamma]
    group = CriteriaGroup.objects.create(profile=profile, name="Customers", weight=1)
    Criterion.objects.create(group=group, attribute="markets")
    ranking = profiles.rank(profile)
    # Alpha holds exactly Gamma's markets: a tie at 100, broken by name.
    assert [(row.organization.name, row.score, row.is_reference) for row in ranking.rows[:2]] == [
        ("Alpha Intégration", 100.0, False),
        ("Gamma", 100.0, True),
    ]


def test_ranking_page_query_count_does_not_grow_with_the_rows_shown(
    market, client_for, django_assert_max_num_queries
):
    """Only the shown page of the ranking reaches the database, in one look-up for all its rows: five rows
    or twenty-five cost the same queries (the columns are loaded once and reused)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from meute.core.factories import OrganizationFactory

    profile = _ideal()
    client = client_for(market.world.manager)
    url = reverse("recruitment:scoring-detail", args=[profile.uuid])
    client.get(url)  # loads the columns
    with CaptureQueriesContext(connection) as captured:
        page = client.get(url).content.decode()
    before = len(captured.captured_queries)  # now: the next request empties the log
    assert page.count('class="table__primary"') == 5
    for n in range(20):
        OrganizationFactory(name=f"Prospect {n:02d}", headcount=50 + n).markets.set([market.retail])
    client.get(url)  # the directory changed: the columns are loaded again
    with django_assert_max_num_queries(before):
        page = client.get(url).content.decode()
    assert page.count('class="table__primary"') == 25
    assert "Prospect 19" in page
