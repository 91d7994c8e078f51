"""Satisfaction surveys (seed 001, section 6), twice a year: questions, invitations to partner contacts by
e-mail with a unique link (no login, one answer per link, expiring when the survey closes), reminders, and
the results — an NPS-style score per partner, per tier, per question.

Links carry a random token that is never stored (only its SHA-256): an unknown, tampered or guessed token
finds nothing; a reminder issues a new link and the previous one stops working.
"""

import datetime
import secrets
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mass_mail
from django.db import transaction
from django.db.models import Avg, Count
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from meute.core.models import Person
from meute.partnerships.choices import PartnershipKind, PartnershipStatus, PartyRole
from meute.partnerships.models import PartnershipParty
from meute.programs.models import PartnerTier

from .choices import QuestionKind, SurveyStatus
from .models import Survey, SurveyAnswer, SurveyInvitation, SurveyQuestion, token_digest

DEFAULT_QUESTIONS = (
    (
        QuestionKind.RECOMMEND,
        gettext_lazy("How likely are you to recommend our partner programme to a peer?"),
    ),
    (QuestionKind.SCALE, gettext_lazy("How satisfied are you with the support of your alliance manager?")),
    (QuestionKind.SCALE, gettext_lazy("How useful are the trainings and certifications?")),
    (QuestionKind.SCALE, gettext_lazy("How well does deal registration protect your opportunities?")),
    (QuestionKind.SCALE, gettext_lazy("How close do you feel to our teams (sales, marketing, technical…)?")),
    (QuestionKind.TEXT, gettext_lazy("What should we improve first?")),
)


class SurveyLinkError(Exception):
    """A link that cannot be answered: ``code`` is "unknown", "answered" or "expired"."""

    def __init__(self, code, message):
        super().__init__(message)
        self.code = code


def create_survey(*, title, opens_on, closes_on, user=None, questions=DEFAULT_QUESTIONS) -> Survey:
    survey = Survey(title=title, opens_on=opens_on, closes_on=closes_on, created_by=user)
    with transaction.atomic():
        survey.full_clean()
        survey.save()
        SurveyQuestion.objects.bulk_create(
            SurveyQuestion(survey=survey, position=i, kind=kind, text=str(text))
            for i, (kind, text) in enumerate(questions, start=1)
        )
    return survey


def add_question(survey, *, text, kind) -> SurveyQuestion:
    if survey.status != SurveyStatus.DRAFT:
        raise ValidationError(_("Questions cannot change once the survey is sent."))
    position = (survey.questions.order_by("-position").values_list("position", flat=True).first() or 0) + 1
    question = SurveyQuestion(survey=survey, position=position, text=text, kind=kind)
    question.full_clean()
    question.save()
    return question


def recipients():
    """Active partner contacts with an e-mail, with their active channel partnership with the vendor."""
    seats = PartnershipParty.objects.filter(
        partnership__kind=PartnershipKind.CHANNEL,
        partnership__status=PartnershipStatus.ACTIVE,
    ).exclude(role=PartyRole.OPERATOR)
    partnership_of = {}
    for org, pid in seats.order_by("partnership_id").values_list("organization_id", "partnership_id"):
        partnership_of.setdefault(org, pid)
    people = Person.objects.filter(organization_id__in=partnership_of.keys(), is_active=True).exclude(
        email=""
    )
    return [(person, partnership_of[person.organization_id]) for person in people.order_by("pk")]


def _link(request_base: str, token: str) -> str:
    return request_base.rstrip("/") + reverse("insights:survey-answer", kwargs={"token": token})


def _message(survey, person, link, reminder=False):
    subject = (_("Reminder: %(title)s") if reminder else "%(title)s") % {"title": survey.title}
    body = _(
        "Hello %(name)s,\n\nTell us how our partnership works for you: it takes three minutes."
        "\n\n%(link)s\n\n"
        "This link is yours alone, works once, and expires after %(date)s."
    ) % {"name": person.first_name, "link": link, "date": survey.closes_on}
    return (subject, body, settings.DEFAULT_FROM_EMAIL, [person.email])


def send_survey(survey, *, base_url: str, now=None) -> int:
    """Invite every partner contact not invited yet; returns how many were invited. A closed or expired
    survey is refused."""
    now = now or timezone.now()
    if survey.status == SurveyStatus.CLOSED or survey.closes_on < timezone.localdate(now):
        raise ValidationError(_("This survey is closed: it cannot be sent."))
    if not survey.questions.exists():
        raise ValidationError(_("Add at least one question before sending the survey."))
    invited = set(survey.invitations.values_list("person_id", flat=True))
    rows, messages = [], []
    for person, pid in recipients():
        if person.pk in invited:
            continue
        token = secrets.token_urlsafe(32)
        rows.append(
            SurveyInvitation(
                survey=survey,
                partnership_id=pid,
                person=person,
                token_sha256=token_digest(token),
                sent_at=now,
            )
        )
        messages.append(_message(survey, person, _link(base_url, token)))
    with transaction.atomic():
        SurveyInvitation.objects.bulk_create(rows, batch_size=2000)
        if survey.status == SurveyStatus.DRAFT:
            survey.status = SurveyStatus.SENT
            survey.save(update_fields=["status", "updated_at"])
    send_mass_mail(messages, fail_silently=True)
    return len(rows)


def remind(survey, *, base_url: str, now=None) -> int:
    """A new link to each contact who has not answered; the previous link stops working."""
    now = now or timezone.now()
    if survey.status != SurveyStatus.SENT or survey.closes_on < timezone.localdate(now):
        raise ValidationError(_("Only a survey that is sent and still open can be reminded."))
    messages = []
    with transaction.atomic():
        for invitation in (
            survey.invitations.filter(answered_at__isnull=True).select_related("person").select_for_update()
        ):
            token = secrets.token_urlsafe(32)
            invitation.token_sha256 = token_digest(token)
            invitation.reminded_at = now
            invitation.save(update_fields=["token_sha256", "reminded_at", "updated_at"])
            messages.append(_message(survey, invitation.person, _link(base_url, token), reminder=True))
    send_mass_mail(messages, fail_silently=True)
    return len(messages)


def close_survey(survey) -> None:
    survey.status = SurveyStatus.CLOSED
    survey.save(update_fields=["status", "updated_at"])


def open_invitation(token: str, today: datetime.date | None = None) -> SurveyInvitation:
    """The invitation behind a link, if it may still be answered (else ``SurveyLinkError``)."""
    today = today or timezone.localdate()
    invitation = (
        SurveyInvitation.objects.select_related("survey", "person", "partnership")
        .filter(token_sha256=token_digest(token or ""))
        .first()
    )
    if invitation is None:
        raise SurveyLinkError("unknown", _("This link is not valid."))
    if invitation.answered_at is not None:
        raise SurveyLinkError(
            "answered", _("This survey has already been answered through this link. Thank you!")
        )
    survey = invitation.survey
    if survey.status == SurveyStatus.CLOSED or survey.closes_on < today or survey.opens_on > today:
        raise SurveyLinkError("expired", _("This survey is closed: the link has expired."))
    return invitation


def submit_answers(token: str, answers: dict, now=None) -> SurveyInvitation:
    """Record the answers of one link, once. ``answers``: ``{question uuid (str): value}``; scores are
    whole numbers 0–10 and required; text is optional. Bad input raises ValidationError, writes nothing."""
    now = now or timezone.now()
    with transaction.atomic():
        invitation = open_invitation(token, timezone.localdate(now))
        invitation = SurveyInvitation.objects.select_for_update().get(pk=invitation.pk)
        if invitation.answered_at is not None:  # a concurrent submission won
            raise SurveyLinkError(
                "answered", _("This survey has already been answered through this link. Thank you!")
            )
        errors, rows = {}, []
        for question in invitation.survey.questions.order_by("position"):
            raw = answers.get(str(question.uuid))
            raw = "" if raw is None else str(raw).strip()
            if question.kind == QuestionKind.TEXT:
                if raw:
                    rows.append(SurveyAnswer(invitation=invitation, question=question, text=raw[:5000]))
                continue
            if not raw:
                errors[str(question.uuid)] = _("Choose a score from 0 to 10.")
                continue
            if not raw.isdigit() or int(raw) > 10:
                errors[str(question.uuid)] = _("A score is a whole number from 0 to 10.")
                continue
            rows.append(SurveyAnswer(invitation=invitation, question=question, score=int(raw)))
        if errors:
            raise ValidationError(errors)
        SurveyAnswer.objects.bulk_create(rows)
        invitation.answered_at = now
        invitation.save(update_fields=["answered_at", "updated_at"])
    return invitation


@dataclass
class Nps:
    responses: int = 0
    promoters: int = 0
    detractors: int = 0

    @property
    def score(self) -> int | None:
        """Promoters (9–10) minus detractors (0–6), in % of the answers; None without any answer."""
        if not self.responses:
            return None
        return round(100 * (self.promoters - self.detractors) / self.responses)

    def add(self, value: int):
        self.responses += 1
        if value >= 9:
            self.promoters += 1
        elif value <= 6:
            self.detractors += 1


def _tier_names(partnership_ids) -> dict:
    names = {}
    for pid, tier in PartnerTier.objects.filter(
        partnership_id__in=partnership_ids, tier__isnull=False
    ).values_list("partnership_id", "tier__name"):
        names.setdefault(pid, tier)
    return names


def results(survey, answers=None) -> dict:
    """NPS overall, per partner and per tier, and per question the count and average score.
    ``answers`` narrows to a visible subset (a partner sees its own)."""
    answers = SurveyAnswer.objects.filter(question__survey=survey) if answers is None else answers
    recommend = answers.filter(question__kind=QuestionKind.RECOMMEND, score__isnull=False).values_list(
        "invitation__partnership_id", "invitation__partnership__name", "score"
    )
    overall, per_partner, names = Nps(), defaultdict(Nps), {}
    for pid, name, value in recommend:
        overall.add(value)
        per_partner[pid].add(value)
        names[pid] = name
    tiers = _tier_names(per_partner.keys())
    per_tier = defaultdict(Nps)
    for pid, nps in per_partner.items():
        group = per_tier[tiers.get(pid, _("No tier"))]
        group.responses += nps.responses
        group.promoters += nps.promoters
        group.detractors += nps.detractors
    questions = []
    stats = {
        row["question_id"]: row
        for row in answers.filter(score__isnull=False)
        .values("question_id")
        .annotate(n=Count("pk"), avg=Avg("score"))
    }
    texts = defaultdict(list)
    for qid, text in answers.exclude(text="").values_list("question_id", "text")[:500]:
        texts[qid].append(text)
    for question in survey.questions.order_by("position"):
        row = stats.get(question.pk, {})
        questions.append(
            {
                "question": question,
                "answers": row.get("n", 0) if question.kind != QuestionKind.TEXT else len(texts[question.pk]),
                "average": round(row["avg"], 1) if row.get("avg") is not None else None,
                "texts": texts[question.pk],
            }
        )
    invitations = survey.invitations.count()
    answered = survey.invitations.filter(answered_at__isnull=False).count()
    return {
        "nps": overall,
        "per_partner": sorted(((names[pid], nps) for pid, nps in per_partner.items()), key=lambda r: r[0]),
        "per_tier": sorted(per_tier.items(), key=lambda r: str(r[0])),
        "questions": questions,
        "invited": invitations,
        "answered": answered,
    }
