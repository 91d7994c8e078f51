"""Business rules of the advice area: who may answer, who decides, and what answering or deciding does.

- Every member of a grouping answers the assessment for their own organisation only; staff editors may
  record answers on a member's behalf; read-only staff and outsiders may not.
- The coordinator (or project lead) of the grouping, or staff editors, adopt a collaboration model: the
  recommended one or another. The grouping's ``collaboration_model`` changes (audited) and the model's
  playbook is instantiated.
"""

from dataclasses import dataclass

from auditlog.context import set_actor
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from meute.collaboration import advisor, playbooks
from meute.collaboration.models import AssessmentResponse, AssessmentRound, ModelDecision
from meute.lib.refusals import Refusal, declare
from meute.partnerships.choices import CollaborationModel
from meute.partnerships.models import Partnership

from .roles import is_lead, members, seat_of

ROUND_CLOSED = declare("round_closed", "The grouping's assessment round is closed.")
NO_RECOMMENDATION = declare(
    "no_recommendation",
    "No model is recommended until every member answered (`details.missing`: the members still to answer).",
)

GROUPING_MODELS = [
    value for value in CollaborationModel.values if value != CollaborationModel.CHANNEL_AGREEMENT
]


def current_round(grouping, create=False) -> AssessmentRound | None:
    latest = AssessmentRound.objects.filter(partnership=grouping).order_by("-number").first()
    if latest is None and create:
        latest, _created = AssessmentRound.objects.get_or_create(partnership=grouping, number=1)
    return latest


def answerable_organizations(user, grouping) -> list:
    """The members this user may answer for: their own organisation, or any member for staff editors."""
    if user.is_authenticated and user.can_edit_all:
        return [seat.organization for seat in members(grouping)]
    seat = seat_of(user, grouping)
    return [seat.organization] if seat else []


@transaction.atomic
def submit_assessment(user, grouping, organization, answers: dict) -> AssessmentResponse:
    """Record (or replace) one member's complete answers for the current round."""
    if organization not in answerable_organizations(user, grouping):
        raise PermissionDenied(_("You may answer the assessment only for your own organisation."))
    problems = advisor.answer_problems(answers)
    if problems:
        raise ValidationError({key: [message] for key, message in problems.items()}, code="incomplete")
    assessment_round = current_round(grouping, create=True)
    if not assessment_round.is_open:
        raise Refusal(_("This assessment round is closed."), code=ROUND_CLOSED)
    with set_actor(user):
        response, _created = AssessmentResponse.objects.update_or_create(
            round=assessment_round,
            organization=organization,
            defaults={"answers": dict(answers), "submitted_by": user},
        )
    return response


@transaction.atomic
def open_new_round(user, grouping) -> AssessmentRound:
    """Close the current round and open the next one: every member answers again (earlier rounds stay)."""
    if not is_lead(user, grouping):
        raise PermissionDenied(_("Only the coordinator of the grouping (or staff) opens a new round."))
    Partnership.objects.select_for_update().get(pk=grouping.pk)
    latest = current_round(grouping)
    with set_actor(user):
        if latest is None:
            return AssessmentRound.objects.create(partnership=grouping, number=1)
        latest.is_open = False
        latest.save(update_fields=["is_open", "updated_at"])
        return AssessmentRound.objects.create(partnership=grouping, number=latest.number + 1)


@dataclass
class AdviceStatus:
    """Where a grouping stands: who answered, and the recommendation once every member has."""

    round: AssessmentRound | None
    answered: list  # organisations
    missing: list  # organisations
    recommendation: advisor.Recommendation | None

    @property
    def complete(self) -> bool:
        return self.round is not None and not self.missing


def advice_status(grouping) -> AdviceStatus:
    assessment_round = current_round(grouping)
    seats = members(grouping)
    responses = {}
    if assessment_round is not None:
        responses = {
            response.organization_id: response
            for response in AssessmentResponse.objects.filter(round=assessment_round).select_related(
                "organization"
            )
        }
    answered = [seat.organization for seat in seats if seat.organization_id in responses]
    missing = [seat.organization for seat in seats if seat.organization_id not in responses]
    recommendation = None
    if assessment_round is not None and not missing:
        recommendation = advisor.recommend(
            {
                seat.organization.name: responses[seat.organization_id].answers
                for seat in seats
                if seat.organization_id in responses
            }
        )
    return AdviceStatus(assessment_round, answered, missing, recommendation)


@transaction.atomic
def adopt_model(user, grouping, model: str = "", reason: str = "") -> ModelDecision:
    """Adopt the recommended model (``model`` empty) or another; instantiate its playbook."""
    if not is_lead(user, grouping):
        raise PermissionDenied(_("Only the coordinator of the grouping (or staff) chooses its model."))
    grouping = Partnership.objects.select_for_update().get(pk=grouping.pk)
    status = advice_status(grouping)
    recommended = status.recommendation.model if status.recommendation else ""
    chosen = model or recommended
    if not chosen:
        raise Refusal(
            {"model": [_("There is no recommendation yet: every member must answer, or pick a model.")]},
            code=NO_RECOMMENDATION,
            details={"missing": [organization.name for organization in status.missing]},
        )
    if chosen not in GROUPING_MODELS:
        raise ValidationError({"model": [_("Choose one of the 8 collaboration models.")]}, code="invalid")
    with set_actor(user):
        grouping.collaboration_model = chosen
        grouping.save(update_fields=["collaboration_model", "updated_at"])
        decision = ModelDecision.objects.create(
            partnership=grouping,
            round=status.round,
            recommended_model=recommended,
            chosen_model=chosen,
            reason=reason,
            decided_by=user,
        )
        playbooks.instantiate(grouping, chosen)
    return decision
