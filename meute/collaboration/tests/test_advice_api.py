"""Advice API: answering, the recommendation, adopting, playbook items, documents and the term sheet;
outsiders get 404 and see nothing in lists."""

import io

from docx import Document

from meute.collaboration import assessments as workflow
from meute.collaboration.models import AssessmentResponse, PlaybookItem
from meute.collaboration.tests.advice_helpers import advice_world_fixture, answers  # noqa: F401
from meute.partnerships.choices import CollaborationModel as M

TECH = {"technology": 2, "legal": 1, "share_data": 1, "horizon": 2}


def test_answer_recommend_adopt_through_the_api(advice_world, client_for):
    w = advice_world
    base = f"/api/grouping-advice/{w.grouping.uuid}/"
    member = client_for(w.partner_b_user)
    created = member.post(base + "assessment/", {"answers": answers(**TECH)}, content_type="application/json")
    assert created.status_code == 201, created.json()
    assert created.json()["organization"] == str(w.org_b.uuid)
    status = member.get(base).json()
    assert status["recommendation"] is None and status["missing"] == [str(w.org_a.uuid)]
    coordinator = client_for(w.partner_a_user)
    coordinator.post(base + "assessment/", {"answers": answers(**TECH)}, content_type="application/json")
    status = coordinator.get(base).json()
    assert status["recommendation"]["model"] == M.TECHNOLOGY_INTEGRATION
    assert status["recommendation"]["next_model"] == M.OEM and status["recommendation"]["reasons"]
    member = client_for(w.partner_b_user)  # one test client: log in again as the member
    assert member.post(base + "adopt/", {}, content_type="application/json").status_code == 403
    coordinator = client_for(w.partner_a_user)
    wrong = coordinator.post(base + "adopt/", {"model": "channel_agreement"}, content_type="application/json")
    assert wrong.status_code == 400 and "model" in wrong.json()["error"]["fields"]
    adopted = coordinator.post(base + "adopt/", {}, content_type="application/json")
    assert adopted.status_code == 200 and adopted.json()["collaboration_model"] == M.TECHNOLOGY_INTEGRATION
    assert adopted.json()["playbook"]["total"] == 6
    sheet = coordinator.get(base + "term-sheet/?language=en&file_format=md").content.decode()
    assert "**Recommended by the involvement assessment**: Technology integration" in sheet


def test_missing_answers_and_answers_for_others_are_refused(advice_world, client_for):
    w = advice_world
    base = f"/api/grouping-advice/{w.grouping.uuid}/assessment/"
    incomplete = answers()
    del incomplete["tech_roadmap"]
    client = client_for(w.partner_b_user)
    response = client.post(base, {"answers": incomplete}, content_type="application/json")
    assert response.status_code == 400
    assert "tech_roadmap" in response.json()["error"]["fields"]
    other = client.post(
        base, {"member": str(w.org_a.uuid), "answers": answers()}, content_type="application/json"
    )
    assert other.status_code == 403
    staff = client_for(w.manager).post(base, {"answers": answers()}, content_type="application/json")
    assert staff.status_code == 400 and "member" in staff.json()["error"]["fields"]
    assert not AssessmentResponse.objects.exists()


def test_playbook_items_patch_documents_and_term_sheet(advice_world, client_for):
    w = advice_world
    workflow.adopt_model(w.manager, w.grouping, M.REFERRAL)
    client = client_for(w.partner_a_user)
    items = client.get(f"/api/playbook-items/?grouping={w.grouping.uuid}").json()["results"]
    assert [i["key"] for i in items] == ["referral_rate", "referral_obligation", "referral_contract"]
    rate = items[0]
    bad = client.patch(
        f"/api/playbook-items/{rate['uuid']}/", {"rate_percent": "30"}, content_type="application/json"
    )
    assert bad.status_code == 400 and "rate_percent" in bad.json()["error"]["fields"]
    outsider_owner = client.patch(
        f"/api/playbook-items/{rate['uuid']}/",
        {"owner_organization": str(w.org_c.uuid)},
        content_type="application/json",
    )
    assert outsider_owner.status_code == 400
    ok = client.patch(
        f"/api/playbook-items/{rate['uuid']}/",
        {
            "rate_percent": "15.00",
            "status": "done",
            "owner_organization": str(w.org_b.uuid),
            "notes": "Sur la marge",
        },
        content_type="application/json",
    )
    assert ok.status_code == 200, ok.json()
    assert ok.json()["status"] == "done" and ok.json()["owner_organization"] == str(w.org_b.uuid)
    assert (
        client_for(w.partner_b_user)
        .patch(
            f"/api/playbook-items/{items[1]['uuid']}/", {"status": "done"}, content_type="application/json"
        )
        .status_code
        == 403
    )
    document = client.post(
        f"/api/playbook-items/{rate['uuid']}/documents/",
        {"title": "Contrat de courtage", "url": "https://docs.example.org/courtage.pdf"},
        content_type="application/json",
    )
    assert document.status_code == 201
    sheet = client.get(f"/api/grouping-advice/{w.grouping.uuid}/term-sheet/?language=en&file_format=docx")
    assert sheet.status_code == 200
    text = "\n".join(p.text for p in Document(io.BytesIO(sheet.content)).paragraphs)
    assert "Sur la marge" in text and "Rate: 15 %" in text and "Contrat de courtage" in text
    bad_format = client.get(f"/api/grouping-advice/{w.grouping.uuid}/term-sheet/?language=de&file_format=odt")
    assert bad_format.status_code == 400 and set(bad_format.json()["error"]["fields"]) == {
        "language",
        "file_format",
    }


def test_outsider_gets_404_and_sees_nothing(advice_world, client_for):
    w = advice_world
    workflow.submit_assessment(w.partner_a_user, w.grouping, w.org_a, answers())
    workflow.submit_assessment(w.partner_b_user, w.grouping, w.org_b, answers())
    workflow.adopt_model(w.manager, w.grouping)
    item = PlaybookItem.objects.filter(partnership=w.grouping).first()
    response = AssessmentResponse.objects.filter(organization=w.org_a).first()
    client = client_for(w.partner_c_user)
    base = f"/api/grouping-advice/{w.grouping.uuid}/"
    assert client.get(base).status_code == 404
    assert client.get(base + "term-sheet/").status_code == 404
    assert (
        client.post(base + "assessment/", {"answers": answers()}, content_type="application/json").status_code
        == 404
    )
    assert client.post(base + "adopt/", {}, content_type="application/json").status_code == 404
    assert client.get(f"/api/playbook-items/{item.uuid}/").status_code == 404
    assert (
        client.patch(
            f"/api/playbook-items/{item.uuid}/", {"status": "done"}, content_type="application/json"
        ).status_code
        == 404
    )
    assert (
        client.post(
            f"/api/playbook-items/{item.uuid}/documents/", {}, content_type="application/json"
        ).status_code
        == 404
    )
    assert client.get(f"/api/assessment-responses/{response.uuid}/").status_code == 404
    for url in ("/api/playbook-items/", "/api/assessment-responses/", "/api/model-decisions/"):
        assert client.get(url).json()["results"] == [], url
    # A plain member lists only their own answers; the coordinator lists both.
    member = client_for(w.partner_b_user).get("/api/assessment-responses/").json()["results"]
    assert [r["organization"] for r in member] == [str(w.org_b.uuid)]
    assert len(client_for(w.partner_a_user).get("/api/assessment-responses/").json()["results"]) == 2
    assert len(client_for(w.partner_b_user).get("/api/model-decisions/").json()["results"]) == 1


def test_new_round_through_the_api(advice_world, client_for):
    w = advice_world
    base = f"/api/grouping-advice/{w.grouping.uuid}/new-round/"
    assert client_for(w.partner_b_user).post(base).status_code == 403
    assert client_for(w.partner_c_user).post(base).status_code == 404
    response = client_for(w.partner_a_user).post(base)
    assert response.status_code == 200 and response.json()["round"] == 1
    assert client_for(w.partner_a_user).post(base).json()["round"] == 2
