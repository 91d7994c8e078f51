from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from meute.lib.models import BusinessModel, OrganizationScopedQuerySet

from ..choices import QuestionKind
from .courses import CourseScopedQuerySet, Enrolment, Module


class QuizQuerySet(CourseScopedQuerySet):
    course_path = "module__course_id"


class Quiz(BusinessModel):
    """The quiz closing a module: a bank of questions, a pass mark and a limit of attempts."""

    module = models.OneToOneField(
        Module, verbose_name=_("module"), on_delete=models.CASCADE, related_name="quiz"
    )
    pass_mark = models.PositiveSmallIntegerField(
        _("pass mark (%)"), default=70, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    max_attempts = models.PositiveSmallIntegerField(
        _("attempts allowed"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("Leave empty for no limit."),
    )
    questions_per_attempt = models.PositiveSmallIntegerField(
        _("questions per attempt"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("Drawn from the bank for each attempt; leave empty to ask every question."),
    )

    objects = QuizQuerySet.as_manager()

    class Meta:
        verbose_name = _("quiz")
        verbose_name_plural = _("quizzes")
        constraints = [
            models.CheckConstraint(
                name="quiz_pass_mark_range",
                condition=Q(pass_mark__gte=1, pass_mark__lte=100),
                violation_error_message=_("The pass mark is a percentage between 1 and 100."),
            )
        ]

    def __str__(self):
        return str(self.module)

    def get_absolute_url(self):
        return reverse("enablement:quiz", kwargs={"uuid": self.module.uuid})


class QuestionQuerySet(CourseScopedQuerySet):
    course_path = "quiz__module__course_id"


class Question(BusinessModel):
    quiz = models.ForeignKey(Quiz, verbose_name=_("quiz"), on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField(_("position"), default=1)
    text = models.TextField(_("question"))
    kind = models.CharField(
        _("answers"), max_length=10, choices=QuestionKind.choices, default=QuestionKind.SINGLE
    )
    explanation = models.TextField(
        _("explanation"), blank=True, help_text=_("Shown once the quiz is passed.")
    )

    objects = QuestionQuerySet.as_manager()

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["quiz", "position", "pk"]

    def __str__(self):
        return self.text[:80]


class ChoiceQuerySet(CourseScopedQuerySet):
    course_path = "question__quiz__module__course_id"


class Choice(BusinessModel):
    question = models.ForeignKey(
        Question, verbose_name=_("question"), on_delete=models.CASCADE, related_name="choices"
    )
    position = models.PositiveSmallIntegerField(_("position"), default=1)
    text = models.CharField(_("answer"), max_length=300)
    # Never sent to the browser before the attempt is submitted (quiz pages and API leave it out).
    is_correct = models.BooleanField(_("correct"), default=False)

    objects = ChoiceQuerySet.as_manager()

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        ordering = ["question", "position", "pk"]

    def __str__(self):
        return self.text


class QuizAttemptQuerySet(OrganizationScopedQuerySet):
    organization_path = "enrolment__person__organization_id"

    def submitted(self):
        return self.filter(submitted_at__isnull=False)


class QuizAttempt(BusinessModel):
    """One try at a quiz: the questions drawn for it, the answers given, the score."""

    quiz = models.ForeignKey(Quiz, verbose_name=_("quiz"), on_delete=models.CASCADE, related_name="attempts")
    enrolment = models.ForeignKey(
        Enrolment, verbose_name=_("enrolment"), on_delete=models.CASCADE, related_name="attempts"
    )
    number = models.PositiveSmallIntegerField(_("attempt"))
    question_ids = models.JSONField(_("questions asked"), default=list)
    answers = models.JSONField(_("answers"), default=dict, blank=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    score = models.DecimalField(_("score (%)"), max_digits=5, decimal_places=2, null=True, blank=True)
    passed = models.BooleanField(_("passed"), default=False)

    objects = QuizAttemptQuerySet.as_manager()

    partner_can_change = True  # submitted by its learner only (``learning.submit_attempt`` checks)

    class Meta:
        verbose_name = _("quiz attempt")
        verbose_name_plural = _("quiz attempts")
        ordering = ["quiz", "enrolment", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["quiz", "enrolment", "number"], name="unique_quiz_attempt_number"
            ),
            models.UniqueConstraint(
                fields=["quiz", "enrolment"],
                condition=Q(submitted_at__isnull=True),
                name="single_open_quiz_attempt",
                violation_error_message=_("An attempt at this quiz is already open."),
            ),
        ]

    def __str__(self):
        return f"{self.quiz} #{self.number}"

    def get_absolute_url(self):
        return self.quiz.get_absolute_url()
