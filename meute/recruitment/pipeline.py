"""The recruitment pipeline: moving a candidate, the capacity guard, the letter-of-intent clock and the
qualification grid's score. Each state change is one function inside a transaction."""

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from meute.lib.refusals import Refusal, declare

from .choices import Pillar, Stage
from .models import Candidate, QualificationAnswer, QualificationQuestion, RecruiterCapacity, StageChange

ALREADY_IN_PIPELINE = declare(
    "already_in_pipeline", "The organisation is already in the recruitment pipeline."
)


def _wrong_move(message, candidate: Candidate, stage: str) -> Refusal:
    return Refusal(message, code="wrong_stage", details={"current": candidate.stage, "requested": stage})


OPEN_STAGES = [s for s in Stage.values if s not in (Stage.LOST, Stage.EXITED)]
BOARD_STAGES = [s for s in Stage.values if s != Stage.EXITED]
ONBOARDING_STAGES = (Stage.TRIAL, Stage.CONTRACT)  # recruited, not yet autonomous: what a manager carries
DEFAULT_CAPACITY = 5
LETTER_TO_CONTRACT_DAYS = 60  # seed 003: about two months from the letter of intent to the contract
RATING_MAX = 4


def capacity_of(user) -> int:
    row = RecruiterCapacity.objects.filter(user=user).first()
    return row.capacity if row else DEFAULT_CAPACITY


def load_of(user) -> int:
    return Candidate.objects.filter(owner=user, stage__in=ONBOARDING_STAGES).count()


@dataclass
class Load:
    user: object
    load: int
    capacity: int

    @property
    def over(self) -> bool:
        return self.load > self.capacity

    @property
    def full(self) -> bool:
        return self.load >= self.capacity


def loads() -> list:
    """The onboarding load of every owner with candidates or a stated capacity."""
    from django.contrib.auth import get_user_model

    owners = set(
        Candidate.objects.filter(owner__isnull=False, stage__in=OPEN_STAGES).values_list(
            "owner_id", flat=True
        )
    ) | set(RecruiterCapacity.objects.values_list("user_id", flat=True))
    users = get_user_model().objects.filter(pk__in=owners).order_by("username")
    return [Load(user, load_of(user), capacity_of(user)) for user in users]


def funnel() -> list[tuple[str, int]]:
    """``[(stage, candidates who reached it)]`` along the open stages: a candidate counts in its stage and
    every stage before it (lost and exited candidates aside). One GROUP BY."""
    from django.db.models import Count

    counts = dict(
        Candidate.objects.order_by().values_list("stage").annotate(n=Count("pk")).values_list("stage", "n")
    )
    return [
        (stage, sum(counts.get(s, 0) for s in OPEN_STAGES[index:])) for index, stage in enumerate(OPEN_STAGES)
    ]


def check_move(candidate: Candidate, stage: str, reason: str = "") -> None:
    if stage not in Stage.values:
        raise ValidationError(_("Unknown stage."))
    if stage == candidate.stage:
        raise _wrong_move(_("The candidate is already at this stage."), candidate, stage)
    if candidate.stage in (Stage.LOST, Stage.EXITED) and stage != Stage.IDENTIFIED:
        raise _wrong_move(
            _("A closed candidacy can only be reopened (back to “Identified”)."), candidate, stage
        )
    if stage == Stage.EXITED and candidate.stage != Stage.ACTIVE:
        raise _wrong_move(
            _("Only an active partner can exit; a candidate is lost or withdraws."), candidate, stage
        )
    if stage == Stage.LOST and candidate.stage == Stage.ACTIVE:
        raise _wrong_move(_("An active partner exits rather than being lost."), candidate, stage)
    if stage in (Stage.LOST, Stage.EXITED) and not reason.strip():
        raise ValidationError(_("Say why the candidate is lost or the partner exits."))


def move(candidate: Candidate, stage: str, user, *, reason: str = "", today: date | None = None) -> list:
    """Move ``candidate`` to ``stage``; returns the warnings (the capacity guard). Refused moves raise
    ValidationError and change nothing."""
    today = today or timezone.localdate()
    warnings = []
    with transaction.atomic():
        # The stored row, locked: a stale copy (another tab, the board) must not decide the rules.
        candidate = (
            Candidate.objects.select_for_update(of=("self",)).select_related("owner").get(pk=candidate.pk)
        )
        check_move(candidate, stage, reason)
        if stage in ONBOARDING_STAGES and candidate.stage not in ONBOARDING_STAGES and candidate.owner_id:
            load, capacity = load_of(candidate.owner), capacity_of(candidate.owner)
            if load >= capacity:
                warnings.append(
                    _(
                        "%(owner)s already onboards %(load)s partners for a capacity of %(capacity)s: "
                        "you are recruiting faster than you can onboard."
                    )
                    % {"owner": candidate.owner.get_username(), "load": load, "capacity": capacity}
                )
        previous = candidate.stage
        candidate.stage = stage
        candidate.stage_changed_at = timezone.now()
        if stage in (Stage.LOST, Stage.EXITED):
            candidate.outcome_reason = reason.strip()
        if stage == Stage.LETTER_OF_INTENT and candidate.letter_of_intent_on is None:
            candidate.letter_of_intent_on = today
        if stage in (Stage.CONTRACT, Stage.ACTIVE) and candidate.contract_on is None:
            candidate.contract_on = today
        try:
            with transaction.atomic():
                candidate.save()
        except IntegrityError:
            raise Refusal(
                _("This organisation is already in the recruitment pipeline."), code=ALREADY_IN_PIPELINE
            ) from None
        StageChange.objects.create(
            candidate=candidate, from_stage=previous, to_stage=stage, by=user, reason=reason.strip()
        )
        if stage in (Stage.TRIAL, Stage.CONTRACT, Stage.ACTIVE):
            hand_over(candidate, stage, today)
    return warnings


def hand_over(candidate: Candidate, stage: str, today: date):
    """A candidate who signs becomes a partnership with the operator: a trial period ("fiançailles",
    without contract) or an active one; an existing prospect or trial partnership moves on instead."""
    from meute.core.models import Organization
    from meute.partnerships.choices import LifecycleStage, PartnershipStatus, PartyRole
    from meute.partnerships.models import Partnership
    from meute.partnerships.parties import PartySpec, create_partnership

    operator = Organization.objects.filter(is_operator=True).first()
    if operator is None:
        return None
    status = PartnershipStatus.TRIAL if stage == Stage.TRIAL else PartnershipStatus.ACTIVE
    existing = (
        Partnership.objects.filter(parties__organization=candidate.organization)
        .filter(parties__organization=operator)
        .order_by("pk")
        .first()
    )
    if existing is None:
        return create_partnership(
            [PartySpec(operator, role=PartyRole.OPERATOR), PartySpec(candidate.organization)],
            name=candidate.organization.name,
            stage=LifecycleStage.ONBOARDING,
            status=status,
            start_date=today,
            product_lines=list(candidate.product_lines.all()),
        )
    if existing.status in (PartnershipStatus.PROSPECT, PartnershipStatus.TRIAL) and existing.status != status:
        existing.status = status
        existing.stage = LifecycleStage.ONBOARDING
        existing.save()
    return existing


@dataclass
class Clock:
    """Letter of intent → contract: days taken (or running), against the target."""

    days: int | None
    running: bool
    target: int = LETTER_TO_CONTRACT_DAYS

    @property
    def late(self) -> bool:
        return self.days is not None and self.days > self.target


def letter_to_contract(candidate: Candidate, today: date | None = None) -> Clock:
    if candidate.letter_of_intent_on is None:
        return Clock(days=None, running=False)
    if candidate.contract_on is not None:
        return Clock(days=(candidate.contract_on - candidate.letter_of_intent_on).days, running=False)
    if candidate.stage in (Stage.LOST, Stage.EXITED):
        return Clock(days=None, running=False)
    today = today or timezone.localdate()
    return Clock(days=(today - candidate.letter_of_intent_on).days, running=True)


@transaction.atomic
def save_grid(candidate: Candidate, ratings: dict, comments: dict | None = None) -> None:
    """Store the ratings (question → 0..4, None to clear) given in a meeting, all or none."""
    comments = comments or {}
    for rating in ratings.values():
        if rating is not None and not (isinstance(rating, int) and 0 <= rating <= RATING_MAX):
            raise ValidationError(_("A rating goes from 0 to 4."))
    for question, rating in ratings.items():
        if rating is None:
            QualificationAnswer.objects.filter(candidate=candidate, question=question).delete()
        else:
            QualificationAnswer.objects.update_or_create(
                candidate=candidate,
                question=question,
                defaults={"rating": rating, "comment": (comments.get(question) or "")[:250]},
            )


@dataclass
class GridScore:
    total: float | None  # on 100, over the answered questions
    pillars: dict  # pillar → score on 100 (None when unanswered)
    answered: int
    questions: int


def grid_score(answers, questions) -> GridScore:
    """``Σ weight·rating / Σ weight·4`` on 100, over the answered questions, overall and per pillar."""
    by_question = {answer.question_id: answer.rating for answer in answers}
    sums = {pillar: [0, 0] for pillar in Pillar.values}
    answered = 0
    for question in questions:
        rating = by_question.get(question.pk)
        if rating is None:
            continue
        answered += 1
        sums[question.pillar][0] += question.weight * rating
        sums[question.pillar][1] += question.weight * RATING_MAX
    pillars = {p: (round(100 * got / most, 1) if most else None) for p, (got, most) in sums.items()}
    got = sum(v[0] for v in sums.values())
    most = sum(v[1] for v in sums.values())
    return GridScore(
        total=round(100 * got / most, 1) if most else None,
        pillars=pillars,
        answered=answered,
        questions=len(questions),
    )


def grid_of(candidate: Candidate) -> GridScore:
    questions = list(QualificationQuestion.objects.filter(is_active=True))
    return grid_score(candidate.answers.all(), questions)
