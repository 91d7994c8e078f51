"""An erasure reaches every app: after it, no text column of any table holds the person's name, e-mail or
phone. The person signs an agreement, writes to a partner through the locator, answers a survey, applies
through the public form, trains, gives feedback, registers for a session, is a lead's contact and a support
contact; then every model's text fields are scanned."""

import datetime

import pytest
from django.apps import apps
from django.db import models
from django.db.models import Q, TextField
from django.db.models.functions import Cast
from django.utils import timezone

from meute.core import privacy
from meute.core.choices import UserRole
from meute.core.factories import PersonFactory, UserFactory

pytestmark = pytest.mark.django_db

FIRST, LAST = "Zéphyrine", "Quillebeuf"
EMAIL = "zephyrine.quillebeuf@client-quillebeuf.fr"
PHONE = "+33 5 56 00 00 42"
TRACES = [f"{FIRST} {LAST}", LAST, EMAIL, PHONE]


def tables_holding(values) -> dict[str, int]:
    """Every model whose text columns (JSON included) hold one of ``values``: label → rows."""
    found = {}
    for model in apps.get_models():
        fields = [
            f
            for f in model._meta.concrete_fields
            if isinstance(f, models.CharField | models.TextField | models.JSONField)
        ]
        if not fields:
            continue
        match = Q()
        annotations = {}
        for f in fields:
            name = f.attname
            if isinstance(f, models.JSONField):
                annotations[f"_{name}_text"] = Cast(name, TextField())
                name = f"_{name}_text"
            for value in values:
                match |= Q(**{f"{name}__icontains": value})
        count = model._default_manager.annotate(**annotations).filter(match).count()
        if count:
            found[model._meta.label] = count
    return found


@pytest.fixture
def subject(world, program):
    from meute.agreements.models import Agreement, AgreementAcceptance
    from meute.enablement.models import (
        Course,
        CourseSession,
        Enrolment,
        Module,
        ModuleFeedback,
        SessionRegistration,
        SupportContact,
    )
    from meute.insights import surveys
    from meute.insights.models import SurveyAnswer, SurveyInvitation
    from meute.leads.models import Lead
    from meute.locator.models import Enquiry
    from meute.recruitment import applications

    user = UserFactory(
        username="zquillebeuf", first_name=FIRST, last_name=LAST, email=EMAIL, role=UserRole.PARTNER,
        organization=world.org_a,
    )  # fmt: skip
    person = PersonFactory(
        organization=world.org_a, first_name=FIRST, last_name=LAST, email=EMAIL, phone=PHONE, user=user
    )
    agreement = Agreement.objects.create(program=program, version=1, title="Charter", text="We agree.")
    AgreementAcceptance.objects.create(
        agreement=agreement,
        organization=world.org_a,
        user=user,
        signer_name=f"{FIRST} {LAST}",
        signer_title="Director",
        version=1,
        ip_address="203.0.113.9",
    )
    Enquiry.objects.create(
        organization=world.org_b,
        name=f"{FIRST} {LAST}",
        email=EMAIL,
        phone=PHONE,
        message=f"Call me on {PHONE}. {FIRST} {LAST}",
        ip_address="203.0.113.9",
    )
    survey = surveys.create_survey(
        title="Spring", opens_on=datetime.date(2026, 3, 1), closes_on=datetime.date(2099, 3, 31)
    )
    invitation = SurveyInvitation.objects.create(
        survey=survey, partnership=world.partnership_a, person=person, token_sha256="1" * 64
    )
    SurveyAnswer.objects.create(
        invitation=invitation, question=survey.questions.first(), text=f"Ask {LAST} for the figures"
    )
    applications.apply(
        company="Garonne Conseil SAS",
        siren="",
        website="",
        city="Bordeaux",
        contact=f"{FIRST} {LAST}",
        email=EMAIL,
        phone=PHONE,
        message="We would like to resell.",
    )
    course = Course.objects.create(code="basics", title="Basics")
    module = Module.objects.create(course=course, title="One", body="Text")
    Enrolment.objects.create(course=course, person=person)
    ModuleFeedback.objects.create(module=module, person=person, rating=4, comment=f"{LAST} liked it")
    starts = timezone.now() + datetime.timedelta(days=3)
    session = CourseSession.objects.create(
        course=course, starts_at=starts, ends_at=starts + datetime.timedelta(hours=2), seats=5
    )
    SessionRegistration.objects.create(session=session, person=person)
    SupportContact.objects.create(kind="sales", name=f"{FIRST} {LAST}", email=EMAIL, phone=PHONE)
    Lead.objects.create(company_name="Garonne Achats", contact_name=f"{FIRST} {LAST}", contact_email=EMAIL)
    return privacy.find_subject(EMAIL)


def test_every_table_holds_the_person_before_and_none_after(subject):
    before = tables_holding(TRACES)
    for label in (
        "core.Person",
        "core.User",
        "agreements.AgreementAcceptance",
        "locator.Enquiry",
        "insights.SurveyAnswer",
        "recruitment.Activity",
        "enablement.ModuleFeedback",
        "enablement.SupportContact",
        "leads.Lead",
    ):
        assert label in before, label  # the scan sees what the erasure must remove
    record = privacy.erase(subject)
    assert tables_holding(TRACES) == {}
    assert record.counts["agreement_signatures"] == 1
    assert record.counts["locator_enquiries"] == 1


def test_the_records_stay_with_the_tombstone(subject):
    from meute.agreements.models import AgreementAcceptance
    from meute.enablement.models import Enrolment, SessionRegistration
    from meute.insights.models import SurveyAnswer
    from meute.locator.models import Enquiry

    privacy.erase(subject)
    signature = AgreementAcceptance.objects.get()
    assert (signature.signer_name, signature.signer_title, signature.ip_address) == (
        privacy.TOMBSTONE,
        "",
        None,
    )
    assert signature.text_sha256 == AgreementAcceptance.objects.get().text_sha256
    enquiry = Enquiry.objects.get()
    assert (enquiry.email, enquiry.phone, enquiry.ip_address) == ("", "", None)
    answer = SurveyAnswer.objects.get()
    assert answer.text == privacy.TOMBSTONE
    assert Enrolment.objects.count() == 1 and SessionRegistration.objects.count() == 1


def test_the_export_names_every_source(subject):
    data = privacy.export(subject)["data"]
    assert data["agreement_signatures"][0]["signer_name"] == f"{FIRST} {LAST}"
    assert data["locator_enquiries"][0]["email"] == EMAIL
    assert data["survey_answers"][0]["answers"][0]["text"] == f"Ask {LAST} for the figures"
    assert EMAIL in data["recruitment_activities"][0]["summary"]
    assert data["lead_contacts"][0]["contact_email"] == EMAIL
    training = data["enablement"][0]
    assert [row["course"] for row in training["enrolments"]] == ["Basics"]
    assert training["feedback"][0]["comment"] == f"{LAST} liked it"
    assert len(training["session_registrations"]) == 1
    assert training["support_contact"][0]["email"] == EMAIL


def test_e_mail_choices_and_second_factor_go_with_the_login(subject):
    """A login with history is deactivated, not deleted: what hangs on it must be removed by hand."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from meute.notifications import unsubscribe
    from meute.notifications.models import EmailOptOut

    user = subject.users[0]
    unsubscribe.opt_out(user, "digest")
    TOTPDevice.objects.create(user=user, name="TOTP", confirmed=True)
    other = UserFactory(username="keeps-hers")
    unsubscribe.opt_out(other, "digest")
    TOTPDevice.objects.create(user=other, name="TOTP", confirmed=True)

    exported = privacy.export(subject)["data"]
    assert exported["email_choices"] == [{"kind": "digest"}]
    assert [device["confirmed"] for device in exported["logins"][0]["second_factor_devices"]] == [True]

    record = privacy.erase(subject)
    assert record.counts["email_choices"] == 1
    assert not EmailOptOut.objects.filter(user=user).exists()
    assert not TOTPDevice.objects.filter(user=user).exists()
    # Someone else's choices and device are untouched.
    assert EmailOptOut.objects.filter(user=other).count() == 1
    assert TOTPDevice.objects.filter(user=other).count() == 1
