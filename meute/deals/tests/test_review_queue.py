"""The review queue: claims on one customer read together, evidence in words before the decision, distinct
colours, search on the customer's full name."""

from django.urls import reverse
from django.utils import translation

from meute.deals.choices import DealStage, MatchLevel
from meute.deals.models import DealRegistration
from meute.deals.workflow import approve, register


def two_claims(w, make_data):
    first, _ = register(w.partner_b_user, w.partnership_b, make_data(amount="50000"))
    second, _ = register(
        w.partner_a_user, w.partnership_a, make_data(customer_name="DUPOND INDUSTRIE", amount="60000")
    )
    assert first.stage == second.stage == DealStage.SUBMITTED
    return first, second


def test_claims_on_one_customer_are_shown_together_before_the_decision(deals_world, make_data, client_for):
    first, second = two_claims(deals_world, make_data)
    html = client_for(deals_world.manager).get(second.get_absolute_url()).content.decode()
    claims = html.index('id="customer-claims"')
    assert claims < html.index('id="conflict-evidence"') < html.index('id="review-form"')
    table = html[claims : html.index("</section>", claims)]
    assert "Bêta channel" in table and "Alpha channel" in table
    # Who registered first, and when.
    first_row = table[table.index("Bêta channel") :]
    assert first_row.index("registered first") < first_row.index("</tr>")
    assert first.submitted_at.strftime("%Y") in table
    # Evidence in words, no raw keys.
    evidence = html[html.index('id="conflict-evidence"') : html.index('id="review-form"')]
    assert "(same)" not in evidence and "(possible)" not in evidence and "name: match" not in evidence
    assert 'class="badge badge--conflict-' in evidence and 'class="badge badge--deal-submitted"' in evidence


def test_evidence_reads_in_french(deals_world, make_data, client_for):
    _first, second = two_claims(deals_world, make_data)
    client = client_for(deals_world.manager)
    with translation.override("fr"):
        html = client.get(second.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "2 enregistrements sur ce client" in html and "enregistré en premier" in html
    assert "Submitted" not in html[html.index('id="customer-claims"') :]


def test_partners_do_not_see_each_others_claims(deals_world, make_data, client_for):
    _first, second = two_claims(deals_world, make_data)
    html = client_for(deals_world.partner_a_user).get(second.get_absolute_url()).content.decode()
    assert 'id="customer-claims"' not in html and "Bêta channel" not in html
    assert client_for(deals_world.partner_a_user).get(_first.get_absolute_url()).status_code == 404


def test_approving_one_claim_marks_the_others_in_conflict(deals_world, make_data):
    first, second = two_claims(deals_world, make_data)
    approve(first, deals_world.manager)
    second.refresh_from_db()
    assert second.conflict_level == MatchLevel.SAME and second.stage == DealStage.SUBMITTED


def test_stages_and_conflicts_have_their_own_colours(deals_world, make_data, client_for):
    first, _second = two_claims(deals_world, make_data)
    approve(first, deals_world.manager)
    html = client_for(deals_world.manager).get(reverse("deal-list")).content.decode()
    assert "badge--deal-approved" in html and "badge--deal-submitted" in html
    assert "badge--conflict-same" in html


def test_search_on_the_customers_full_name(deals_world, make_data, client_for):
    w = deals_world
    for name, siren in (
        ("Brasserie du Port", "732829320"),
        ("Perrin & Fils", "552100554"),
        ("Hôtels Lambert SARL", ""),
    ):
        register(
            w.partner_a_user,
            w.partnership_a,
            make_data(
                customer_name=name, siren=siren, website="", contact_email="", city="Brest", amount="50000"
            ),
        )
    client = client_for(w.manager)

    def found(query):
        response = client.get(reverse("deal-list"), {"q": query})
        return sorted(d.customer.name for d in response.context["object_list"])

    assert found("Brasserie du Port") == ["Brasserie du Port"]
    assert found("BRASSERIE DU PORT") == ["Brasserie du Port"]
    assert found("Perrin & Fils") == ["Perrin & Fils"]
    assert found("perrin et fils") == ["Perrin & Fils"]
    assert found("hotels lambert") == ["Hôtels Lambert SARL"]
    assert found("Hôtels Lambert SARL") == ["Hôtels Lambert SARL"]
    assert found("Brest") == ["Brasserie du Port", "Hôtels Lambert SARL", "Perrin & Fils"]
    assert found("Brasserie Perrin") == []
    assert DealRegistration.objects.count() == 3
