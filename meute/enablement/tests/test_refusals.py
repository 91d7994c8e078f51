"""Refusals of enablement workflows answer 409 with a stable code and details."""

import datetime

from django.utils import timezone

from meute.enablement.models import CourseSession, Enrolment, SessionRegistration


def error_of(response, status=409):
    assert response.status_code == status, response.content
    return response.json()["error"]


def test_enrolling_twice_is_refused_and_names_the_enrolment(course_world, api):
    client = api(course_world.world.partner_a_user)
    first = client.post("/api/enrolments/", {"course": str(course_world.course.uuid)}, format="json")
    assert first.status_code == 201
    error = error_of(
        client.post("/api/enrolments/", {"course": str(course_world.course.uuid)}, format="json")
    )
    assert error["code"] == "already_enrolled" and error["details"] == {"enrolment": first.json()["uuid"]}
    assert Enrolment.objects.count() == 1


def _session(course, seats, starts_in_days=10):
    starts = timezone.now() + datetime.timedelta(days=starts_in_days)
    return CourseSession.objects.create(
        course=course, starts_at=starts, ends_at=starts + datetime.timedelta(hours=2), seats=seats
    )


def test_a_full_session_refuses_with_its_seats(course_world, api):
    w = course_world.world
    session = _session(course_world.course, seats=1)
    client = api(w.partner_a_user)
    body = {"session": str(session.uuid)}
    assert client.post("/api/session-registrations/", body, format="json").status_code == 201
    again = error_of(client.post("/api/session-registrations/", body, format="json"))
    assert again["code"] == "already_in_session"
    w.person_a2 = w.person_a.__class__.objects.create(
        organization=w.person_a.organization, first_name="Anne", last_name="Aubert"
    )
    full = error_of(
        client.post("/api/session-registrations/", {**body, "person": str(w.person_a2.uuid)}, format="json")
    )
    assert full["code"] == "session_full" and full["details"] == {"seats": 1}
    assert SessionRegistration.objects.count() == 1


def test_a_started_session_is_closed(course_world, api):
    session = _session(course_world.course, seats=5, starts_in_days=-1)
    response = api(course_world.world.partner_a_user).post(
        "/api/session-registrations/", {"session": str(session.uuid)}, format="json"
    )
    assert error_of(response)["code"] == "session_started"
    assert not SessionRegistration.objects.exists()
