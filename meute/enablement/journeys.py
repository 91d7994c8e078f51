"""Onboarding journeys: the template that fits a partnership, the journey made of it when the partnership
becomes active, its steps updated by their owners, and the steps Meute ticks itself when it sees the
evidence (the agreement signed, a course completed, someone certified, a deal registered).

Who may update a step: the operator's editors any step; a partner user the steps its own side does (or
both sides do) on its own organisation's journeys. The vendor's steps are the vendor's word.
"""

import datetime
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from meute.agreements.models import AgreementAcceptance
from meute.deals.models import DealRegistration
from meute.lib.refusals import Refusal, declare, wrong_state
from meute.notifications.messages import Message, encode
from meute.partnerships.choices import PartnershipStatus, PartyRole
from meute.partnerships.models import Partnership, PartnershipParty
from meute.programs.models import PartnerTier

from .choices import EnrolmentStatus, EvidenceKind, JourneyStatus, StepOwner, StepStatus
from .models import Enrolment, Journey, JourneyStep, JourneyTemplate, PersonCertification

JOURNEY_IN_PROGRESS = declare(
    "journey_in_progress",
    "The partnership already has an onboarding journey in progress (`details.journey`).",
)

CLOSED = (StepStatus.DONE, StepStatus.SKIPPED)


def matching_template(partnership) -> JourneyTemplate | None:
    """The most specific active template for the partnership's programme memberships (programme, partner
    type, tier: each one a template names must be the partnership's; more named, more specific)."""
    memberships = list(
        PartnerTier.objects.filter(partnership=partnership).values_list(
            "program_id", "partner_type", "tier_id"
        )
    )
    best, best_score = None, -1
    for template in JourneyTemplate.objects.filter(is_active=True).order_by("pk"):
        named = [template.program_id, template.partner_type, template.tier_id]
        if not any(named):
            score = 0
        else:
            fits = [
                sum(1 for want, have in zip(named, membership, strict=True) if want)
                for membership in memberships
                if all(not want or want == have for want, have in zip(named, membership, strict=True))
            ]
            if not fits:
                continue
            score = max(fits)
        if score > best_score:
            best, best_score = template, score
    return best


def _seat_managers(partnership) -> dict[str, object]:
    """The alliance manager of each side: the vendor's (operator seat) and the partner's."""
    managers = {}
    for seat in PartnershipParty.objects.filter(partnership=partnership).select_related("alliance_manager"):
        side = StepOwner.VENDOR if seat.role == PartyRole.OPERATOR else StepOwner.PARTNER
        if seat.alliance_manager_id and side not in managers:
            managers[side] = seat.alliance_manager
    return managers


@transaction.atomic
def start_journey(partnership, template: JourneyTemplate | None = None, today=None) -> Journey:
    """Make the partnership's journey from ``template`` (or the one that fits); each step due its number of
    days after today, owned by that side's alliance manager."""
    today = today or timezone.localdate()
    Partnership.objects.select_for_update().filter(pk=partnership.pk).first()
    running = Journey.objects.filter(partnership=partnership, status=JourneyStatus.ACTIVE).first()
    if running is not None:
        raise Refusal(
            _("This partnership already has an onboarding journey in progress."),
            code=JOURNEY_IN_PROGRESS,
            details={"journey": str(running.uuid)},
        )
    template = template or matching_template(partnership)
    if template is None:
        raise ValidationError(
            _(
                "No onboarding journey template fits this partnership: "
                "create one for its programme, partner type or tier."
            )
        )
    if not template.is_active:
        raise ValidationError(_("This journey template is not active."))
    steps = list(template.steps.order_by("position", "pk"))
    if not steps:
        raise ValidationError(_("This journey template has no step."))
    journey = Journey.objects.create(
        partnership=partnership, template=template, name=template.name, started_on=today
    )
    managers = _seat_managers(partnership)
    JourneyStep.objects.bulk_create(
        [
            JourneyStep(
                journey=journey,
                position=index,
                title=step.title,
                description=step.description,
                owner_side=step.owner_side,
                owner=managers.get(
                    StepOwner.VENDOR if step.owner_side == StepOwner.BOTH else step.owner_side
                ),
                due_date=today + datetime.timedelta(days=step.due_days),
                evidence_kind=step.evidence_kind,
                course_id=step.course_id,
                certification_id=step.certification_id,
            )
            for index, step in enumerate(steps, start=1)
        ]
    )
    sync_journey(journey, today)
    return journey


def start_if_due(partnership) -> Journey | None:
    """When a partnership is active, without a journey, and a template fits it: start its journey."""
    if partnership.status != PartnershipStatus.ACTIVE:
        return None
    if not JourneyTemplate.objects.filter(is_active=True).exists():
        return None
    if Journey.objects.filter(partnership=partnership).exists():
        return None
    template = matching_template(partnership)
    if template is None or not template.steps.exists():
        return None
    return start_journey(partnership, template)


def can_update_step(user, step: JourneyStep) -> bool:
    if not (user and user.is_authenticated and user.is_active):
        return False
    if user.can_edit_all:
        return True
    if not user.is_partner_user or step.owner_side == StepOwner.VENDOR:
        return False
    return JourneyStep.objects.visible_to(user).filter(pk=step.pk).exists()


@transaction.atomic
def update_step(user, step: JourneyStep, *, status: str, evidence: str = "", today=None) -> JourneyStep:
    today = today or timezone.localdate()
    if not can_update_step(user, step):
        raise PermissionDenied(_("Only the side that does this step, or the operator, may update it."))
    if status not in StepStatus.values:
        raise ValidationError({"status": _("Unknown status.")})
    step = JourneyStep.objects.select_for_update().select_related("journey").get(pk=step.pk)
    if step.journey.status != JourneyStatus.ACTIVE:
        raise wrong_state(
            _("This journey is no longer in progress."), step.journey.status, JourneyStatus.ACTIVE
        )
    if status == StepStatus.SKIPPED and not user.can_edit_all:
        raise PermissionDenied(_("Only the operator may mark a step as not applicable."))
    step.status = status
    if evidence:
        step.evidence = evidence.strip()[:2000]
    if status in CLOSED:
        step.completed_on, step.completed_by = today, user
    else:
        step.completed_on, step.completed_by = None, None
    step.save()
    _close_if_done(step.journey, today)
    return step


def _close_if_done(journey: Journey, today) -> None:
    if journey.status != JourneyStatus.ACTIVE:
        return
    if not journey.steps.exclude(status__in=CLOSED).exists():
        journey.status, journey.completed_on = JourneyStatus.COMPLETED, today
        journey.save(update_fields=["status", "completed_on", "updated_at"])


def _partner_orgs(journey) -> list[int]:
    return list(
        PartnershipParty.objects.filter(partnership_id=journey.partnership_id)
        .exclude(role=PartyRole.OPERATOR)
        .values_list("organization_id", flat=True)
    )


def _evidence(step: JourneyStep, journey: Journey, orgs: list[int], today) -> Message | None:
    """What proves an automatic step done (a message, written in each reader's language), or None."""
    kind = step.evidence_kind
    if kind == EvidenceKind.AGREEMENT:
        signed = AgreementAcceptance.objects.filter(organization_id__in=orgs).order_by("accepted_at").first()
        if signed:
            return Message(
                gettext_noop("Agreement signed by %(name)s on %(date)s."),
                name=signed.signer_name,
                date=signed.accepted_at,
            )
    elif kind == EvidenceKind.COURSE:
        rows = Enrolment.objects.filter(person__organization_id__in=orgs, status=EnrolmentStatus.COMPLETED)
        if step.course_id:
            rows = rows.filter(course_id=step.course_id)
        done = rows.select_related("person", "course").order_by("completed_at").first()
        if done:
            return Message(
                gettext_noop("%(person)s completed “%(course)s”."),
                person=str(done.person),
                course=str(done.course),
            )
    elif kind == EvidenceKind.CERTIFICATION:
        rows = PersonCertification.objects.valid_on(today).filter(person__organization_id__in=orgs)
        if step.certification_id:
            rows = rows.filter(certification_id=step.certification_id)
        held = rows.select_related("person").order_by("issued_on", "pk").first()
        if held:
            return Message(
                gettext_noop("%(person)s is certified “%(name)s”."), person=str(held.person), name=held.name
            )
    elif kind == EvidenceKind.DEAL:
        deal = (
            DealRegistration.objects.filter(partnership_id=journey.partnership_id, submitted_at__isnull=False)
            .order_by("submitted_at")
            .first()
        )
        if deal:
            return Message(gettext_noop("Deal registered on %(date)s."), date=deal.submitted_at.date())
    return None


@transaction.atomic
def sync_journey(journey: Journey, today=None) -> int:
    """Tick the open automatic steps whose evidence now exists; returns how many were ticked."""
    today = today or timezone.localdate()
    if journey.status != JourneyStatus.ACTIVE:
        return 0
    steps = list(
        journey.steps.select_for_update()
        .exclude(status__in=CLOSED)
        .exclude(evidence_kind=EvidenceKind.MANUAL)
    )
    if not steps:
        return 0
    orgs = _partner_orgs(journey)
    ticked = 0
    for step in steps:
        message = _evidence(step, journey, orgs, today)
        if message:
            step.status, step.evidence, step.completed_on = StepStatus.DONE, str(message), today
            step.evidence_parts = encode(message)
            step.save(update_fields=["status", "evidence", "evidence_parts", "completed_on", "updated_at"])
            ticked += 1
    if ticked:
        _close_if_done(journey, today)
    return ticked


def sync_organization(organization_id: int) -> None:
    """Tick what a partner's new evidence proves on every journey in progress of its partnerships."""
    seats = PartnershipParty.objects.filter(organization_id=organization_id).values("partnership_id")
    for journey in Journey.objects.filter(partnership_id__in=seats, status=JourneyStatus.ACTIVE):
        sync_journey(journey)


def sync_partnership(partnership_id: int) -> None:
    for journey in Journey.objects.filter(partnership_id=partnership_id, status=JourneyStatus.ACTIVE):
        sync_journey(journey)


@dataclass
class Progress:
    total: int
    closed: int
    overdue: int

    @property
    def percent(self) -> int:
        return round(100 * self.closed / self.total) if self.total else 0


def progress_of(steps, today=None) -> Progress:
    today = today or timezone.localdate()
    steps = list(steps)
    closed = sum(1 for s in steps if s.status in CLOSED)
    overdue = sum(1 for s in steps if s.status not in CLOSED and s.due_date and s.due_date < today)
    return Progress(len(steps), closed, overdue)


def progress_by_journey(journey_ids, today=None) -> dict[int, Progress]:
    """Progress of many journeys in one query (portal, partnership pages)."""
    from django.db.models import Count

    today = today or timezone.localdate()
    rows = (
        JourneyStep.objects.filter(journey_id__in=list(journey_ids))
        .order_by()
        .values("journey_id")
        .annotate(
            total=Count("pk"),
            closed=Count("pk", filter=Q(status__in=CLOSED)),
            overdue=Count("pk", filter=~Q(status__in=CLOSED) & Q(due_date__lt=today)),
        )
    )
    return {r["journey_id"]: Progress(r["total"], r["closed"], r["overdue"]) for r in rows}
