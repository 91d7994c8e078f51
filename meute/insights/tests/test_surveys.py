"""Satisfaction surveys: invitations by e-mail with single-use, expiring links; answers validated; NPS per
partner, per tier and per question."""

import datetime
import re

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from meute.core.factories import PersonFactory
from meute.insights import surveys
from meute.insights.choices import QuestionKind
from meute.insights.models import SurveyAnswer, SurveyInvitation
from meute.partnerships.choices import PartnershipStatus
from meute.programs.tests.fixtures import tier

pytestmark = pytest.mark.django_db

BASE = "https://prm.example.com"


@pytest.fixture
def survey_world(world):
    for partnership in (world.partnership_a, world.partnership_b):
        partnership.status = PartnershipStatus.ACTIVE
        partnership.save()
    survey = surveys.create_survey(
        title="Spring 2026", opens_on=datetime.date(2026, 3, 1), closes_on=datetime.date(2026, 3, 31)
    )
    return survey


def _links():
    return {m.to[0]: re.search(r"https://\S+", m.body).group(0) for m in mail.outbox}


def _path(link):
    return link.removeprefix(BASE)


def _answers(survey, recommend, others=7, text=""):
    values = {}
    for question in survey.questions.all():
        if question.kind == QuestionKind.RECOMMEND:
            values[str(question.uuid)] = str(recommend)
        elif question.kind == QuestionKind.SCALE:
            values[str(question.uuid)] = str(others)
        else:
            values[str(question.uuid)] = text
    return values


@time_machine.travel(datetime.datetime(2026, 3, 2, 9, 0), tick=False)
def test_send_invites_each_partner_contact_once_by_email(world, survey_world):
    count = surveys.send_survey(survey_world, base_url=BASE)
    assert count == 2  # Alice (partner A) and Bruno (partner B); nobody of the vendor
    assert sorted(m.to[0] for m in mail.outbox) == sorted([world.person_a.email, world.person_b.email])
    assert surveys.send_survey(survey_world, base_url=BASE) == 0  # idempotent
    token = _links()[world.person_a.email].rstrip("/").rsplit("/", 1)[1]
    # The token itself is never stored.
    assert not SurveyInvitation.objects.filter(token_sha256=token).exists()


@time_machine.travel(datetime.datetime(2026, 3, 2, 9, 0), tick=False)
def test_a_link_answers_once_without_login(client, world, survey_world):
    surveys.send_survey(survey_world, base_url=BASE)
    path = _path(_links()[world.person_a.email])
    page = client.get(path)
    assert page.status_code == 200
    assert "How likely are you to recommend" in page.content.decode()
    response = client.post(path, _answers(survey_world, 9, text="More webinars"))
    assert response.status_code == 200
    assert "Thank you" in response.content.decode()
    assert SurveyAnswer.objects.count() == 6
    again = client.post(path, _answers(survey_world, 0))
    assert again.status_code == 410
    assert SurveyAnswer.objects.count() == 6
    assert SurveyAnswer.objects.filter(score=0).count() == 0


@time_machine.travel(datetime.datetime(2026, 3, 2, 9, 0), tick=False)
def test_tampered_and_unknown_links_find_nothing(client, world, survey_world):
    surveys.send_survey(survey_world, base_url=BASE)
    path = _path(_links()[world.person_a.email])
    tampered = path[:-3] + ("aaa" if not path.endswith("aaa/") else "bbb") + "/"
    assert client.get(tampered).status_code == 404
    assert client.post(tampered, _answers(survey_world, 10)).status_code == 404
    assert client.get(reverse("insights:survey-answer", kwargs={"token": "1"})).status_code == 404
    assert SurveyAnswer.objects.count() == 0


def test_links_expire_when_the_survey_closes(client, world, survey_world):
    with time_machine.travel(datetime.datetime(2026, 3, 2, 9, 0), tick=False):
        surveys.send_survey(survey_world, base_url=BASE)
    path = _path(_links()[world.person_a.email])
    with time_machine.travel(datetime.datetime(2026, 4, 1, 9, 0), tick=False):
        assert client.get(path).status_code == 410
        assert client.post(path, _answers(survey_world, 10)).status_code == 410
    assert SurveyAnswer.objects.count() == 0


@time_machine.travel(datetime.datetime(2026, 3, 2, 9, 0), tick=False)
@pytest.mark.parametrize("bad", ["11", "-1", "7.5", "seven", ""])
def test_scores_out_of_range_are_refused_and_nothing_is_written(client, world, survey_world, bad):
    surveys.send_survey(survey_world, base_url=BASE)
    path = _path(_links()[world.person_a.email])
    answers = _answers(survey_world, 8)
    recommend = survey_world.questions.get(kind=QuestionKind.RECOMMEND)
    answers[str(recommend.uuid)] = bad
    response = client.post(path, answers)
    assert response.status_code == 422
    assert "0 to 10" in response.content.decode()
    assert SurveyAnswer.objects.count() == 0
    assert SurveyInvitation.objects.filter(answered_at__isnull=False).count() == 0
    # The link still works for a corrected answer.
    assert client.post(path, _answers(survey_world, 8)).status_code == 200


@time_machine.travel(datetime.datetime(2026, 3, 2, 9, 0), tick=False)
def test_a_reminder_replaces_the_link(client, world, survey_world):
    surveys.send_survey(survey_world, base_url=BASE)
    old = _path(_links()[world.person_a.email])
    mail.outbox.clear()
    assert surveys.remind(survey_world, base_url=BASE) == 2
    new = _path(_links()[world.person_a.email])
    assert new != old
    assert client.get(old).status_code == 404
    assert client.get(new).status_code == 200


@time_machine.travel(datetime.datetime(2026, 3, 2, 9, 0), tick=False)
def test_nps_per_partner_per_tier_per_question(world, program, survey_world):
    colleague = PersonFactory(organization=world.org_a, first_name="Anne")
    surveys.send_survey(survey_world, base_url=BASE)
    links = _links()
    world.partnership_a.program_tiers.update(tier=tier(program, "Gold"))
    token = {email: link.rstrip("/").rsplit("/", 1)[1] for email, link in links.items()}
    surveys.submit_answers(token[world.person_a.email], _answers(survey_world, 10, others=8))
    surveys.submit_answers(token[colleague.email], _answers(survey_world, 5, others=4))
    surveys.submit_answers(token[world.person_b.email], _answers(survey_world, 9, others=6))
    result = surveys.results(survey_world)
    # 3 answers: 2 promoters (10, 9), 1 detractor (5): (2 - 1) / 3 = 33 %.
    assert result["nps"].score == 33
    assert (result["invited"], result["answered"]) == (3, 3)
    per_partner = {name: nps.score for name, nps in result["per_partner"]}
    assert per_partner == {"Alpha channel": 0, "Bêta channel": 100}
    per_tier = {str(t): nps.score for t, nps in result["per_tier"]}
    assert per_tier == {"Gold": 0, "No tier": 100}
    scale = next(r for r in result["questions"] if r["question"].kind == QuestionKind.SCALE)
    assert scale["average"] == 6.0  # (8 + 4 + 6) / 3
    assert scale["answers"] == 3


def test_empty_results_are_an_empty_state(survey_world):
    result = surveys.results(survey_world)
    assert result["nps"].score is None
    assert result["per_tier"] == []
    assert all(r["average"] is None for r in result["questions"])
