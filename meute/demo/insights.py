"""Demo data of insights: governance meetings and exchanges with the vendor for a sample of active channel
partnerships (some levels overdue, some departments one-way only), last half-year's satisfaction survey
with its answers and the next one in draft, and weekly health snapshots so the trend has a history.

Deterministic (its own random generator), written in bulk; the health snapshots go through the same
function as the weekly task.
"""

import datetime
import hashlib
import random

from django.utils import timezone

from meute.core.models import Person
from meute.insights.choices import DEPARTMENT_OF_PERSON, GovernanceLevel, InteractionKind, QuestionKind, Side
from meute.insights.models import GovernanceMeeting, Interaction, SurveyAnswer, SurveyInvitation
from meute.insights.snapshots import take_snapshots
from meute.insights.surveys import create_survey
from meute.partnerships.choices import PartnershipKind, PartnershipStatus, PartyRole
from meute.partnerships.models import Partnership, PartnershipParty

TITLES = {
    GovernanceLevel.EXECUTIVE: "Comité exécutif",
    GovernanceLevel.ALLIANCE: "Revue d'alliance trimestrielle",
    GovernanceLevel.OPERATIONAL: "Point opérationnel",
}
DECISIONS = (
    "Événement client commun à l'automne.",
    "Objectifs du semestre confirmés ; plan d'action marketing à finaliser.",
    "Deux commerciaux à certifier avant la fin du trimestre.",
    "",
)


def populate_demo(seed: int = 19, partnerships: int = 150, history_weeks: int = 4, today=None) -> dict:
    rng = random.Random(seed)
    today = today or timezone.localdate()
    now = timezone.now()
    sample = list(
        Partnership.objects.filter(kind=PartnershipKind.CHANNEL, status=PartnershipStatus.ACTIVE)
        .order_by("pk")
        .values_list("pk", flat=True)[:partnerships]
    )
    seats = PartnershipParty.objects.filter(partnership_id__in=sample)
    partner_org = dict(
        seats.exclude(role=PartyRole.OPERATOR).values_list("partnership_id", "organization_id")
    )
    operator_org = dict(
        seats.filter(role=PartyRole.OPERATOR).values_list("partnership_id", "organization_id")
    )
    people = {}
    for pk, org, department in Person.objects.filter(
        organization_id__in=set(partner_org.values()) | set(operator_org.values()), is_active=True
    ).values_list("pk", "organization_id", "department"):
        people.setdefault(org, []).append((pk, department))

    meetings, interactions, attendees = [], [], []
    for pid in sample:
        quality = rng.random()  # some partnerships are looked after, others are not
        for level, every in (
            (GovernanceLevel.EXECUTIVE, 183),
            (GovernanceLevel.ALLIANCE, 92),
            (GovernanceLevel.OPERATIONAL, 31),
        ):
            if rng.random() > quality + 0.2:
                continue
            day = today - datetime.timedelta(days=rng.randint(3, int(every * (0.8 + 1.2 * (1 - quality)))))
            meetings.append(
                GovernanceMeeting(
                    partnership_id=pid,
                    level=level,
                    held_on=day,
                    title=TITLES[level],
                    decisions=rng.choice(DECISIONS),
                )
            )
        partner_people = [p for p in people.get(partner_org.get(pid), []) if DEPARTMENT_OF_PERSON.get(p[1])]
        vendor_people = people.get(operator_org.get(pid), [])
        if not partner_people or not vendor_people:
            continue
        for _i in range(int(quality * 10)):
            contact, department = rng.choice(partner_people)
            interactions.append(
                Interaction(
                    partnership_id=pid,
                    occurred_on=today - datetime.timedelta(days=rng.randint(1, 330)),
                    kind=rng.choice(InteractionKind.values),
                    initiated_by=rng.choice(Side.values),
                    department=DEPARTMENT_OF_PERSON[department],
                    partner_contact_id=contact,
                    vendor_contact_id=rng.choice(vendor_people)[0],
                )
            )
    GovernanceMeeting.objects.bulk_create(meetings, batch_size=2000)
    through = GovernanceMeeting.attendees.through
    for meeting in meetings:
        for org in (partner_org.get(meeting.partnership_id), operator_org.get(meeting.partnership_id)):
            if people.get(org):
                attendees.append(
                    through(governancemeeting_id=meeting.pk, person_id=rng.choice(people[org])[0])
                )
    through.objects.bulk_create(attendees, batch_size=2000, ignore_conflicts=True)
    Interaction.objects.bulk_create(interactions, batch_size=2000)

    answered = _survey(rng, sample, partner_org, people, today, now)
    snapshots = 0
    for weeks in range(history_weeks, -1, -1):
        written, _drops = take_snapshots(today - datetime.timedelta(weeks=weeks))
        snapshots += written
    return {
        "meetings": len(meetings),
        "interactions": len(interactions),
        "answers": answered,
        "snapshots": snapshots,
    }


# Surveys the operator titled in its own language (records, not the interface).
SURVEY_TITLE = "Enquête de satisfaction partenaires"


def _survey(rng, sample, partner_org, people, today, now) -> int:
    half = 1 if today.month <= 6 else 2
    last_year = today.year if half == 2 else today.year - 1
    last = create_survey(
        title=f"{SURVEY_TITLE} S{3 - half} {last_year}",
        opens_on=today - datetime.timedelta(days=150),
        closes_on=today - datetime.timedelta(days=120),
    )
    create_survey(
        title=f"{SURVEY_TITLE} S{half} {today.year}",
        opens_on=today + datetime.timedelta(days=7),
        closes_on=today + datetime.timedelta(days=37),
    )
    questions = list(last.questions.order_by("position"))
    invitations, answers, invited = [], [], set()
    for pid in sample:
        mood = rng.random()
        for person_pk, _department in people.get(partner_org.get(pid), [])[:2]:
            if person_pk in invited:  # a partner with two partnerships is asked once
                continue
            invited.add(person_pk)
            token = f"demo-{last.pk}-{person_pk}-{rng.random()}"
            responded = rng.random() < 0.6
            invitation = SurveyInvitation(
                survey=last,
                partnership_id=pid,
                person_id=person_pk,
                token_sha256=hashlib.sha256(token.encode()).hexdigest(),
                sent_at=now - datetime.timedelta(days=150),
                answered_at=now - datetime.timedelta(days=rng.randint(121, 149)) if responded else None,
            )
            invitations.append(invitation)
            if not responded:
                continue
            for question in questions:
                if question.kind == QuestionKind.TEXT:
                    if rng.random() < 0.3:
                        answers.append(
                            SurveyAnswer(
                                invitation=invitation, question=question, text="Plus de leads partagés."
                            )
                        )
                    continue
                value = max(0, min(10, round(rng.gauss(4 + 6 * mood, 1.5))))
                answers.append(SurveyAnswer(invitation=invitation, question=question, score=value))
    SurveyInvitation.objects.bulk_create(invitations, batch_size=2000)
    SurveyAnswer.objects.bulk_create(answers, batch_size=2000)
    last.status = "closed"
    last.save(update_fields=["status"])
    return len({a.invitation_id for a in answers})
