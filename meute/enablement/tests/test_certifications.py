"""Certification validity on dates (frozen clock), renewal, reminders once, and the counting interface."""

import datetime

import pytest
import time_machine
from django.core import mail

from meute.core.factories import PersonFactory
from meute.enablement import certifications
from meute.enablement.models import CertificationReminder, Enrolment, PersonCertification
from meute.programs import certifications as interface

pytestmark = pytest.mark.django_db

D = datetime.date


def cert(person, **kwargs):
    values = {"name": "Meute Sales", "role": "sales"}
    values.update(kwargs)
    return PersonCertification.objects.create(person=person, **values)


def test_validity_on_a_date(world):
    record = cert(world.person_a, issued_on=D(2026, 1, 10), valid_until=D(2026, 12, 31))
    valid = PersonCertification.objects.valid_on
    assert not valid(D(2026, 1, 9)).exists()
    assert valid(D(2026, 1, 10)).exists() and valid(D(2026, 12, 31)).exists()
    assert not valid(D(2027, 1, 1)).exists()
    record.revoked_on = D(2026, 6, 1)
    record.save()
    assert valid(D(2026, 5, 31)).exists() and not valid(D(2026, 6, 1)).exists()


def test_interface_counts_people_per_role_and_partnership(world):
    # Two sales and one consultant at A (one of the sales also a consultant), one at B expired.
    other = PersonFactory(organization=world.org_a)
    cert(world.person_a, valid_until=D(2026, 12, 31))
    cert(world.person_a, name="Meute Consulting", role="consultant")
    cert(other)
    cert(PersonFactory(organization=world.org_a, is_active=False))  # inactive: not counted
    cert(world.person_b, valid_until=D(2026, 1, 1))
    counts = interface.count_by_partnership([world.partnership_a.pk, world.partnership_b.pk], D(2026, 6, 30))
    assert counts == {world.partnership_a.pk: {"sales": 2, "consultant": 1}}
    people = interface.count_people([world.org_a.pk, world.org_b.pk], D(2026, 6, 30))
    assert people == {world.org_a.pk: 2}
    assert interface.count_people([world.org_a.pk], D(2026, 6, 30), certification="meute consulting") == {
        world.org_a.pk: 1
    }


def test_without_a_registered_source_nobody_counts(world):
    cert(world.person_a)
    try:
        interface.reset_source()
        assert interface.count_by_partnership([world.partnership_a.pk], D(2026, 6, 30)) == {}
    finally:
        interface.register_source(certifications.CertifiedPeople())


def test_renewal_within_the_window_extends_from_the_end(course_world):
    cw = course_world
    person = cw.world.person_a
    record = cert(
        person,
        name=cw.certification.name,
        certification=cw.certification,
        source="earned",
        issued_on=D(2025, 6, 1),
        valid_until=D(2026, 6, 1),
    )
    enrolment = Enrolment.objects.create(course=cw.course, person=person, status="completed")
    with time_machine.travel(datetime.datetime(2026, 1, 10, 12, tzinfo=datetime.UTC), tick=False):
        Enrolment.objects.filter(pk=enrolment.pk).update(
            completed_at=datetime.datetime(2026, 1, 10, 12, tzinfo=datetime.UTC)
        )
        # 142 days before the end: too early to renew.
        assert certifications.earn(person, cw.certification, D(2026, 1, 10)) is None
    Enrolment.objects.filter(pk=enrolment.pk).update(
        completed_at=datetime.datetime(2026, 4, 20, 12, tzinfo=datetime.UTC)
    )
    award = certifications.earn(person, cw.certification, D(2026, 4, 20))
    assert award.action == "renewed"
    record.refresh_from_db()
    assert record.valid_until == D(2027, 6, 1) and record.renewed_on == D(2026, 4, 20)


def test_reminders_are_sent_once_per_delay(world, settings):
    settings.MEUTE_CERTIFICATION_REMINDER_DAYS = [60, 14]
    world.person_a.user = world.partner_a_user
    world.person_a.save()
    world.partner_a_user.email = "alice@alpha.example"
    world.partner_a_user.save()
    record = cert(world.person_a, valid_until=D(2026, 7, 31))
    cert(world.person_b, valid_until=D(2026, 12, 31))  # far away: nothing yet
    run = certifications.remind_expiring(D(2026, 6, 10))  # 51 days left: the 60-day reminder
    assert (run.sent, run.skipped) == (1, 0)
    assert len(mail.outbox) == 1 and "31 July 2026" in mail.outbox[0].subject  # the reader's date format
    again = certifications.remind_expiring(D(2026, 6, 11))
    assert (again.sent, again.skipped) == (0, 1)
    last = certifications.remind_expiring(D(2026, 7, 20))  # 11 days left: the 14-day one
    assert last.sent == 1
    assert list(
        CertificationReminder.objects.values_list("days_before", flat=True).order_by("-days_before")
    ) == [
        60,
        14,
    ]
    # A renewal (new end date) gets its own reminders.
    record.valid_until = D(2026, 8, 15)
    record.save()
    assert certifications.remind_expiring(D(2026, 7, 20)).sent == 1


def test_cli_remind(world, capsys):
    from meute.cli import main

    cert(world.person_b, valid_until=D(2026, 7, 1))
    assert main(["certifications", "remind", "--today", "2026-06-20", "--dry-run"]) == 0
    assert "1 reminders would be sent" in capsys.readouterr().out
    assert not CertificationReminder.objects.exists()
    assert main(["certifications", "remind", "--today", "2026-06-20"]) == 0
    assert CertificationReminder.objects.count() == 1
    assert main(["certifications", "remind", "--today", "june"]) == 2
