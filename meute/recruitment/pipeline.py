"""The recruitment pipeline: moving a candidate, the capacity guard, the letter-of-intent clock and the
qualification grid's score. Each state change is one function inside a transaction."""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

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


def _journeys_led(user=None):
    """Operator seats of the partnerships whose onboarding journey (enablement) is in progress, with
    ``user`` (any, without one) as the operator's alliance manager."""
    from meute.enablement.choices import JourneyStatus
    from meute.partnerships.choices import PartyRole
    from meute.partnerships.models import PartnershipParty

    seats = PartnershipParty.objects.filter(
        role=PartyRole.OPERATOR,
        alliance_manager__user__isnull=False,
        partnership__journeys__status=JourneyStatus.ACTIVE,
    )
    return seats if user is None else seats.filter(alliance_manager__user=user)


def onboarded_by(user) -> set:
    """The organisations ``user`` onboards now: those of the candidates they own in trial or under
    contract, and the partners of the partnerships whose onboarding journey is in progress with them as
    the operator's alliance manager — each organisation once, whichever way it came in."""
    from meute.partnerships.choices import PartyRole
    from meute.partnerships.models import PartnershipParty

    candidates = Candidate.objects.filter(owner=user, stage__in=ONBOARDING_STAGES)
    journeys = PartnershipParty.objects.filter(
        partnership_id__in=_journeys_led(user).values("partnership_id")
    ).exclude(role=PartyRole.OPERATOR)
    return set(candidates.values_list("organization_id", flat=True)) | set(
        journeys.values_list("organization_id", flat=True)
    )


def load_of(user) -> int:
    return len(onboarded_by(user))


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
    owners |= set(_journeys_led().values_list("alliance_manager__user_id", flat=True))
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


def board_candidates(*, owner=None, stage: str = ""):
    """The candidates the board shows (exits aside unless asked for), with its filters: an owner (a user
    id) and a stage. Raises ValidationError naming the filter when a value is not one the board offers."""
    candidates = Candidate.objects.select_related("organization", "owner").prefetch_related("product_lines")
    if stage:
        if stage not in Stage.values:
            raise ValidationError({"stage": _("Unknown stage.")})
        candidates = candidates.filter(stage=stage)
    else:
        candidates = candidates.filter(stage__in=BOARD_STAGES)
    if owner not in (None, ""):
        if not str(owner).isdigit():
            raise ValidationError({"owner": _("Unknown channel manager.")})
        candidates = candidates.filter(owner_id=int(owner))
    return candidates.order_by("organization__name", "pk")


def export_rows(candidates, today: date | None = None):
    """One row per candidate for the CSV/xlsx export: what the board and the candidate page show."""
    from meute.lib.exports import plain

    for candidate in candidates:
        clock = letter_to_contract(candidate, today)
        yield [
            candidate.organization.name,
            candidate.get_stage_display(),
            candidate.owner.get_username() if candidate.owner_id else "",
            plain(candidate.expected_revenue),
            plain(list(candidate.product_lines.all())),
            candidate.next_step,
            plain(candidate.next_step_on),
            plain(candidate.letter_of_intent_on),
            plain(candidate.contract_on),
            plain(clock.days),
            plain(clock.late),
            candidate.outcome_reason,
            plain(candidate.stage_changed_at),
        ]


def export_headers() -> list:
    return [
        _("Organisation"),
        _("Stage"),
        _("Owner"),
        _("Expected yearly revenue (EUR)"),
        _("Product lines"),
        _("Next step"),
        _("Next step on"),
        _("Letter of intent on"),
        _("Contract signed on"),
        _("Days from letter of intent to contract"),
        _("Over the target"),
        _("Reason (lost, withdrawn or exited)"),
        _("Stage changed"),
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
            partnership = hand_over(candidate, stage, today)
            if partnership is not None:
                start_business_plan(candidate, partnership, today, user=user)
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


QUARTERS_PLANNED = 4


def start_business_plan(candidate: Candidate, partnership, today: date, *, user=None):
    """The recruited partner's business plan, started from the pipeline's figures: the letter of intent's
    date, the contract targeted two months after it (seed 003), and the expected yearly revenue as four
    quarterly revenue objectives from the quarter of the signature (the cents left by the split go to the
    last quarter, so the objectives add up to the expected figure). A partnership that already has a plan
    keeps it as it is. Returns the new plan, or None."""
    from meute.programs import plans
    from meute.programs.choices import ObjectiveKind
    from meute.programs.models import BusinessPlan

    if BusinessPlan.objects.filter(partnership=partnership).exists():
        return None
    letter = candidate.letter_of_intent_on
    target = letter + timedelta(days=LETTER_TO_CONTRACT_DAYS) if letter else None
    plan = plans.create_plan(
        partnership,
        user=user,
        letter_of_intent_date=letter,
        target_contract_date=target,
        currency="EUR",  # the pipeline's expected revenue is in EUR
    )
    yearly = candidate.expected_revenue
    if yearly:
        version = plan.versions.get(number=1)
        share = (yearly / QUARTERS_PLANNED).quantize(Decimal("0.01"))
        year, quarter = plans.quarter_of(candidate.contract_on or today)
        for index in range(QUARTERS_PLANNED):
            last = index == QUARTERS_PLANNED - 1
            plans.add_objective(
                version,
                year=year,
                quarter=quarter,
                kind=ObjectiveKind.REVENUE,
                target=yearly - share * (QUARTERS_PLANNED - 1) if last else share,
            )
            year, quarter = (year + 1, 1) if quarter == 4 else (year, quarter + 1)
    return plan


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
