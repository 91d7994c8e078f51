"""A partner cannot open another partner's people, progress, certificates or journeys, through pages or
the API, and nothing is written when it tries."""

import pytest
from django.urls import reverse

from meute.enablement import learning
from meute.enablement.models import Enrolment, JourneyStep, PersonCertification

from .conftest import right_answers

pytestmark = pytest.mark.django_db


def test_pages_and_api_of_another_partners_records(course_world, client_for, api):
    cw = course_world
    w = cw.world
    w.person_b.user = w.partner_b_user
    w.person_b.save()
    enrolment = learning.enrol(w.partner_b_user, cw.course)
    attempt = learning.start_attempt(w.partner_b_user, enrolment, cw.quiz)
    record = PersonCertification.objects.create(person=w.person_b, name="B cert", role="sales")
    client = client_for(w.partner_a_user)
    assert client.get(reverse("enablement:certificate", args=[record.uuid])).status_code == 404
    assert client.get(reverse("enablement:certificate-pdf", args=[record.uuid])).status_code == 404
    assert client.get(reverse("enablement:partner", args=[w.org_b.uuid])).status_code == 404
    assert "B cert" not in client.get(reverse("certified-list")).content.decode()
    assert client.post(reverse("enablement:quiz-submit", args=[attempt.uuid]), {}).status_code == 404
    assert client.post(reverse("enablement:enrolment-withdraw", args=[enrolment.uuid])).status_code == 404
    rest = api(w.partner_a_user)
    assert rest.get(f"/api/certified-people/{record.uuid}/").status_code == 404
    assert rest.get(f"/api/enrolments/{enrolment.uuid}/").status_code == 404
    assert (
        rest.post(f"/api/quiz-attempts/{attempt.uuid}/submit/", {"answers": {}}, format="json").status_code
        == 404
    )
    assert (
        rest.post(
            "/api/enrolments/", {"course": str(cw.course.uuid), "person": str(w.person_b.uuid)}
        ).status_code
        == 400
    )
    assert (
        rest.post(
            "/api/certified-people/", {"person": str(w.person_a.uuid), "certification": "X", "role": "sales"}
        ).status_code
        == 403
    )
    attempt.refresh_from_db()
    assert attempt.submitted_at is None
    assert Enrolment.objects.count() == 1 and PersonCertification.objects.count() == 1


def test_quiz_page_and_api_never_show_the_right_answers(course_world, client_for, api):
    cw = course_world
    user = cw.world.partner_a_user
    client = client_for(user)
    client.post(reverse("enablement:course-enrol", args=[cw.course.uuid]))
    client.post(reverse("enablement:quiz-start", args=[cw.exam.uuid]))
    page = client.get(reverse("enablement:quiz", args=[cw.exam.uuid])).content.decode()
    assert "Capital of France?" in page and "Paris" in page
    assert "is_correct" not in page and "✓" not in page and "Right answer" not in page
    attempt = api(user).get("/api/quiz-attempts/").json()["results"][0]
    assert set(attempt["questions"][0]["choices"][0]) == {"uuid", "text"}
    # Tampered through the API: refused with 400 and the attempt stays open.
    bad = api(user).post(
        f"/api/quiz-attempts/{attempt['uuid']}/submit/", {"answers": {"nope": ["x"]}}, format="json"
    )
    assert bad.status_code == 400 and bad.json()["error"]["code"] == "invalid"
    good = api(user).post(
        f"/api/quiz-attempts/{attempt['uuid']}/submit/",
        {"answers": right_answers(cw.questions)},
        format="json",
    )
    assert good.status_code == 200 and good.json()["passed"] is True


def test_partner_updates_its_side_of_the_journey_only(world, client_for, api):
    from meute.enablement.journeys import start_journey
    from meute.enablement.models import JourneyTemplate, TemplateStep

    template = JourneyTemplate.objects.create(name="Welcome")
    TemplateStep.objects.create(template=template, position=1, title="Sign", owner_side="partner")
    TemplateStep.objects.create(template=template, position=2, title="Meet support", owner_side="vendor")
    journey_a = start_journey(world.partnership_a, template)
    journey_b = start_journey(world.partnership_b, template)
    partner_step, vendor_step = journey_a.steps.order_by("position")
    rest = api(world.partner_a_user)
    assert rest.patch(f"/api/journey-steps/{partner_step.uuid}/", {"status": "done"}).status_code == 200
    assert rest.patch(f"/api/journey-steps/{vendor_step.uuid}/", {"status": "done"}).status_code == 403
    other = journey_b.steps.first()
    assert rest.patch(f"/api/journey-steps/{other.uuid}/", {"status": "done"}).status_code == 404
    assert (
        client_for(world.partner_a_user)
        .get(reverse("enablement:journey-detail", args=[journey_b.uuid]))
        .status_code
        == 404
    )
    assert list(JourneyStep.objects.filter(status="done").values_list("pk", flat=True)) == [partner_step.pk]
