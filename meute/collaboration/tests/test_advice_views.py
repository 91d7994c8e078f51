"""Advice pages: answering, the recommendation, adopting, the playbook and term sheet downloads; outsiders
get 404 everywhere."""

import pytest
from django.urls import reverse

from meute.collaboration import assessments as workflow
from meute.collaboration import playbooks
from meute.collaboration.models import AssessmentResponse, PlaybookItem
from meute.collaboration.tests.advice_helpers import advice_world_fixture, answers  # noqa: F401
from meute.partnerships.choices import CollaborationModel as M

COOP = {"marketing": 2, "horizon": 2}


def _post_answers(client, grouping, values, **extra):
    return client.post(reverse("groupings:assessment", kwargs={"uuid": grouping.uuid}), {**values, **extra})


def test_member_answers_the_assessment_through_the_form(advice_world, client_for):
    w = advice_world
    client = client_for(w.partner_b_user)
    page = client.get(reverse("groupings:assessment", kwargs={"uuid": w.grouping.uuid}))
    assert page.status_code == 200 and "Bêta Conseil" in page.content.decode()
    response = _post_answers(client, w.grouping, answers(**COOP))
    assert response.status_code == 302
    assert AssessmentResponse.objects.get().organization == w.org_b


def test_missing_answers_are_refused_clearly(advice_world, client_for):
    w = advice_world
    values = answers()
    del values["share_capital"]
    response = _post_answers(client_for(w.partner_b_user), w.grouping, values)
    assert response.status_code == 422
    assert "This question needs an answer." in response.content.decode()
    assert not AssessmentResponse.objects.exists()


def test_member_cannot_answer_for_another_member(advice_world, client_for):
    w = advice_world
    response = _post_answers(client_for(w.partner_b_user), w.grouping, answers(), member=str(w.org_a.uuid))
    assert response.status_code == 404
    assert not AssessmentResponse.objects.exists()
    assert (
        client_for(w.reader)
        .get(reverse("groupings:assessment", kwargs={"uuid": w.grouping.uuid}))
        .status_code
        == 403
    )


def test_coordinator_sees_recommendation_and_adopts_it(advice_world, client_for):
    w = advice_world
    workflow.submit_assessment(w.partner_a_user, w.grouping, w.org_a, answers(**COOP))
    workflow.submit_assessment(w.partner_b_user, w.grouping, w.org_b, answers(**COOP | {"marketing": 0}))
    client = client_for(w.partner_a_user)
    page = client.get(reverse("groupings:advice", kwargs={"uuid": w.grouping.uuid})).content.decode()
    assert 'id="recommended-model">Referral<' in page
    assert 'id="disagreements"' in page and "Alpha Intégration" in page
    assert 'id="adopt-form"' in page
    # A plain member sees the recommendation but no adopt form, and only their own answers.
    member_page = client_for(w.partner_b_user).get(
        reverse("groupings:advice", kwargs={"uuid": w.grouping.uuid})
    )
    assert 'id="adopt-form"' not in member_page.content.decode()
    assert [r.organization for r in member_page.context["responses"]] == [w.org_b]
    assert (
        client_for(w.partner_b_user)
        .post(reverse("groupings:adopt", kwargs={"uuid": w.grouping.uuid}))
        .status_code
        == 403
    )
    client = client_for(w.partner_a_user)
    response = client.post(reverse("groupings:adopt", kwargs={"uuid": w.grouping.uuid}), {"model": ""})
    assert response.status_code == 302 and response.url.endswith("/playbook/")
    w.grouping.refresh_from_db()
    assert w.grouping.collaboration_model == M.REFERRAL


def test_playbook_page_updates_items_and_refuses_bad_rates(advice_world, client_for):
    w = advice_world
    workflow.adopt_model(w.manager, w.grouping, M.REFERRAL)
    item = PlaybookItem.objects.get(partnership=w.grouping, key="referral_rate")
    client = client_for(w.partner_a_user)
    url = reverse("groupings:playbook-item", kwargs={"uuid": w.grouping.uuid, "item": item.uuid})
    prefix = f"item-{item.pk}-"
    bad = client.post(url, {prefix + "status": "done", prefix + "rate_percent": "25"})
    assert bad.status_code == 422 and "between 5 % and 20 %" in bad.content.decode()
    good = client.post(
        url,
        {prefix + "status": "done", prefix + "rate_percent": "10", prefix + "owner_organization": w.org_b.pk},
    )
    assert good.status_code == 302
    item.refresh_from_db()
    assert item.status == "done" and item.owner_organization == w.org_b
    page = client.get(reverse("groupings:playbook", kwargs={"uuid": w.grouping.uuid})).content.decode()
    assert "1 of 3 items settled" in page
    document_url = reverse("groupings:playbook-document", kwargs={"uuid": w.grouping.uuid, "item": item.uuid})
    client.post(
        document_url,
        {f"doc-{item.pk}-title": "Contrat de courtage", f"doc-{item.pk}-url": "https://x.example/c"},
    )
    assert item.documents.get().title == "Contrat de courtage"


def test_term_sheet_downloads(advice_world, client_for):
    w = advice_world
    workflow.adopt_model(w.manager, w.grouping, M.GIE)
    client = client_for(w.partner_b_user)
    for language in ("fr", "en"):
        for fmt, start in (("pdf", b"%PDF"), ("docx", b"PK"), ("md", b"# ")):
            url = reverse(
                "groupings:termsheet", kwargs={"uuid": w.grouping.uuid, "language": language, "fmt": fmt}
            )
            response = client.get(url)
            assert response.status_code == 200 and response.content.startswith(start)
            assert "attachment" in response["Content-Disposition"]
    url = reverse("groupings:termsheet", kwargs={"uuid": w.grouping.uuid, "language": "de", "fmt": "pdf"})
    assert client.get(url).status_code == 404


def test_advice_panel_fragment(advice_world, client_for):
    from django.template.loader import render_to_string

    w = advice_world
    workflow.submit_assessment(w.partner_a_user, w.grouping, w.org_a, answers())
    html = render_to_string("collaboration/_advice_panel.html", {"grouping": w.grouping})
    assert (
        "waiting for 1 member" in html
        and reverse("groupings:advice", kwargs={"uuid": w.grouping.uuid}) in html
    )
    workflow.submit_assessment(w.partner_b_user, w.grouping, w.org_b, answers())
    workflow.adopt_model(w.manager, w.grouping)
    w.grouping.refresh_from_db()
    item = playbooks.items_for(w.grouping)[1]
    playbooks.update_item(w.manager, item, status="done")
    html = render_to_string("collaboration/_advice_panel.html", {"grouping": w.grouping})
    assert "Referral" in html and "1 of 3 items settled" in html
    assert reverse("groupings:playbook", kwargs={"uuid": w.grouping.uuid}) in html


@pytest.mark.parametrize("user_name", ["partner_c_user"])
def test_outsider_gets_404_on_every_page(advice_world, client_for, user_name):
    w = advice_world
    workflow.adopt_model(w.manager, w.grouping, M.REFERRAL)
    item = PlaybookItem.objects.filter(partnership=w.grouping).first()
    client = client_for(getattr(w, user_name))
    uuid = w.grouping.uuid
    gets = [
        reverse("groupings:advice", kwargs={"uuid": uuid}),
        reverse("groupings:assessment", kwargs={"uuid": uuid}),
        reverse("groupings:playbook", kwargs={"uuid": uuid}),
        reverse("groupings:termsheet", kwargs={"uuid": uuid, "language": "fr", "fmt": "pdf"}),
    ]
    for url in gets:
        assert client.get(url).status_code == 404, url
    posts = [
        reverse("groupings:assessment", kwargs={"uuid": uuid}),
        reverse("groupings:adopt", kwargs={"uuid": uuid}),
        reverse("groupings:new-round", kwargs={"uuid": uuid}),
        reverse("groupings:playbook-item", kwargs={"uuid": uuid, "item": item.uuid}),
        reverse("groupings:playbook-document", kwargs={"uuid": uuid, "item": item.uuid}),
    ]
    for url in posts:
        assert client.post(url, {}).status_code == 404, url
    # An item of another grouping through one's own grouping's address is a 404 too.
    own = reverse("groupings:playbook-item", kwargs={"uuid": w.other_grouping.uuid, "item": item.uuid})
    assert client.post(own, {}).status_code == 404
    # Anonymous users are sent to the login page.
    client.logout()
    assert client.get(gets[0]).status_code == 302


def test_playbook_page_queries_do_not_grow_with_items(
    advice_world, client_for, django_assert_max_num_queries
):
    w = advice_world
    workflow.adopt_model(w.manager, w.grouping, M.PARTIAL_SALES_INTEGRATION)  # 9 items
    client = client_for(w.partner_a_user)
    url = reverse("groupings:playbook", kwargs={"uuid": w.grouping.uuid})
    with django_assert_max_num_queries(20):
        assert client.get(url).status_code == 200


def test_a_channel_partnership_has_no_advice_pages(advice_world, client_for):
    w = advice_world
    url = reverse("groupings:advice", kwargs={"uuid": w.partnership_a.uuid})
    assert client_for(w.partner_a_user).get(url).status_code == 404
    assert (
        client_for(w.partner_a_user).get(f"/api/grouping-advice/{w.partnership_a.uuid}/").status_code == 404
    )
