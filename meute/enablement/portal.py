"""What the partner portal's cards show a partner user now: its onboarding journey, its trainings due,
the certifications of its organisation ending soon, the announcements and promotions for its tier and
languages, and its contacts at the vendor. A fixed number of queries per card, whatever the data size."""

import datetime

from django.db.models import Count, Q
from django.utils import timezone

from meute.partnerships.choices import PartyRole
from meute.partnerships.models import PartnershipParty
from meute.programs import ambassadors
from meute.programs.models import Ambassador

from . import contacts as support_contacts
from .choices import JourneyStatus, RegistrationStatus, StepOwner
from .journeys import CLOSED, progress_by_journey
from .learning import learner_of
from .library import NEWS, items_for, reader_languages
from .models import (
    Enrolment,
    Journey,
    JourneyStep,
    ModuleProgress,
    PersonCertification,
    SessionRegistration,
    audience_facts,
)

EXPIRING_DAYS = 90


def facts_for(request):
    """The requesting partner's audience facts, computed once per request."""
    user = request.user
    if not getattr(user, "is_partner_user", False) or not user.organization_id:
        return None
    if not hasattr(request, "_enablement_facts"):
        request._enablement_facts = audience_facts(user.organization_id)
        facts = request._enablement_facts
        ambassadors.remember_markets(
            request, user.organization_id, facts.market_ids, programs=facts.member_program_ids
        )
    return request._enablement_facts


def journeys(user, today=None) -> list[dict]:
    today = today or timezone.localdate()
    found = list(
        Journey.objects.visible_to(user)
        .filter(status=JourneyStatus.ACTIVE)
        .select_related("partnership")
        .order_by("started_on")[:3]
    )
    progress = progress_by_journey([j.pk for j in found], today)
    steps = {}
    for step in (
        JourneyStep.objects.filter(journey__in=found)
        .exclude(status__in=CLOSED)
        .select_related("owner")
        .order_by("due_date", "position")
    ):
        steps.setdefault(step.journey_id, []).append(step)
    return [
        {
            "journey": journey,
            "progress": progress.get(journey.pk),
            # The partner's own steps first: those are the ones it acts on.
            "next_steps": sorted(steps.get(journey.pk, []), key=lambda s: s.owner_side == StepOwner.VENDOR)[
                :4
            ],
            "today": today,
        }
        for journey in found
    ]


def trainings(user, now=None) -> dict:
    now = now or timezone.now()
    person = learner_of(user)
    if person is None:
        return {"enrolments": [], "sessions": [], "certified": [], "person": None}
    enrolments = list(
        Enrolment.objects.open()
        .filter(person=person)
        .select_related("course")
        .annotate(modules=Count("course__modules", distinct=True))
        .order_by(models_nulls_last("due_date"), "created_at")[:5]
    )
    done = dict(
        ModuleProgress.objects.filter(enrolment__in=enrolments, completed_at__isnull=False)
        .order_by()
        .values_list("enrolment_id")
        .annotate(n=Count("pk"))
    )
    for enrolment in enrolments:
        enrolment.done = done.get(enrolment.pk, 0)
        enrolment.percent = round(100 * enrolment.done / enrolment.modules) if enrolment.modules else 0
        enrolment.overdue = bool(enrolment.due_date and enrolment.due_date < timezone.localdate(now))
    sessions = list(
        SessionRegistration.objects.filter(
            person=person, status=RegistrationStatus.REGISTERED, session__starts_at__gte=now
        )
        .select_related("session", "session__course")
        .order_by("session__starts_at")[:3]
    )
    certified = list(
        PersonCertification.objects.valid_on(timezone.localdate(now))
        .filter(person=person)
        .order_by("name")[:5]
    )
    return {"enrolments": enrolments, "sessions": sessions, "certified": certified, "person": person}


def models_nulls_last(field: str):
    from django.db.models import F

    return F(field).asc(nulls_last=True)


def expiring(user, today=None, days: int = EXPIRING_DAYS) -> list[PersonCertification]:
    today = today or timezone.localdate()
    return list(
        PersonCertification.objects.visible_to(user)
        .expiring_between(today, today + datetime.timedelta(days=days))
        .filter(person__is_active=True)
        .select_related("person")
        .order_by("valid_until", "person__last_name")[:8]
    )


def news(request, limit: int = 5) -> list:
    facts = facts_for(request)
    if facts is None:
        return []
    return items_for(facts, kinds=NEWS, languages=reader_languages(facts), limit=limit)


def _ambassadors(user, facts) -> list:
    """The ambassadors of the partner's markets (``programs.ambassadors.for_user``), from the facts the
    portal has already read: one query instead of reading the markets again."""
    if facts is None:
        return list(ambassadors.for_user(user)[:3])
    return list(
        Ambassador.objects.filter(is_active=True, territory_id__in=facts.market_ids)
        .filter(Q(program__isnull=True) | Q(program_id__in=facts.program_ids))
        .select_related("user", "territory")
        .order_by("territory__name", "user__last_name", "user__username")[:3]
    )


def contacts(request) -> dict:
    user = request.user
    facts = facts_for(request)
    # The partner's partnerships first (a few), then their operator seats: an index look-up each.
    partnerships = list(
        PartnershipParty.objects.filter(organization_id=user.organization_id)
        .order_by("partnership_id")
        .values_list("partnership_id", flat=True)[:50]
    )
    managers = {}
    for seat in (
        PartnershipParty.objects.filter(
            partnership_id__in=partnerships, role=PartyRole.OPERATOR, alliance_manager__isnull=False
        )
        .select_related("alliance_manager")
        .order_by("partnership_id")[:20]
    ):
        managers.setdefault(seat.alliance_manager_id, seat.alliance_manager)
    support = support_contacts.for_card(partnerships, facts) if facts is not None else []
    return {
        "alliance_managers": list(managers.values())[:3],
        "ambassadors": _ambassadors(user, facts),
        "support": support,
    }
