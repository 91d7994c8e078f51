import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from meute.core.models import Person
from meute.lib import formatting
from meute.lib.models import BusinessModel, OrganizationScopedQuerySet, VisibleQuerySet

from ..choices import (
    CertifiedRole,
    EnrolmentStatus,
    FileKind,
    RegistrationStatus,
    SessionMode,
)
from .audience import Targeted, TargetedQuerySet


def private_file_path(instance, filename: str) -> str:
    """A random name under the app's folder, whatever the uploader called the file: no path from the
    outside ever reaches the disk (the original name is kept in the row, for the download only)."""
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    if not extension.isalnum() or len(extension) > 8:
        extension = "bin"
    return f"enablement/{secrets.token_hex(2)}/{secrets.token_hex(16)}.{extension}"


class PersonScopedQuerySet(OrganizationScopedQuerySet):
    """Rows about a person: a partner user sees those of its own organisation's people."""

    organization_path = "person__organization_id"


class CourseQuerySet(TargetedQuerySet):
    def published(self):
        return self.filter(is_published=True)


class Course(Targeted):
    code = models.SlugField(_("code"), max_length=60, unique=True)
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"), blank=True)
    roles = models.JSONField(
        _("meant for"), default=list, blank=True, help_text=_("Roles the course is meant for (empty: all).")
    )
    duration_minutes = models.PositiveIntegerField(_("duration (minutes)"), null=True, blank=True)
    is_published = models.BooleanField(_("published"), default=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("content owner"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owned_courses",
        help_text=_("Reads the learners' feedback and answers it."),
    )

    objects = CourseQuerySet.as_manager()

    class Meta:
        verbose_name = _("course")
        verbose_name_plural = _("courses")
        ordering = ["title"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("enablement:course-detail", kwargs={"uuid": self.uuid})

    def clean(self):
        super().clean()
        from django.core.exceptions import ValidationError

        if not isinstance(self.roles, list) or any(r not in CertifiedRole.values for r in self.roles):
            raise ValidationError({"roles": _("Choose roles among the known ones.")})

    def get_roles_display(self) -> list[str]:
        labels = dict(CertifiedRole.choices)
        return [labels.get(r, r) for r in self.roles or []]


class CourseScopedQuerySet(VisibleQuerySet):
    """Parts of a course: visible with the course (a partner: published courses meant for it)."""

    course_path = "course_id"

    def for_organization(self, organization_id):
        courses = Course.objects.for_organization(organization_id).values("pk")
        return self.filter(**{f"{self.course_path}__in": courses})


class Module(BusinessModel):
    course = models.ForeignKey(
        Course, verbose_name=_("course"), on_delete=models.CASCADE, related_name="modules"
    )
    position = models.PositiveSmallIntegerField(_("position"), default=1)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(
        _("text"),
        blank=True,
        help_text=_("Markdown: # titles, **bold**, *italics*, lists, [links](https://…)."),
    )
    estimated_minutes = models.PositiveSmallIntegerField(_("estimated time (minutes)"), null=True, blank=True)

    objects = CourseScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("module")
        verbose_name_plural = _("modules")
        ordering = ["course", "position", "pk"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("enablement:module-detail", kwargs={"uuid": self.uuid})


class ModuleFileQuerySet(CourseScopedQuerySet):
    course_path = "module__course_id"


class ModuleFile(BusinessModel):
    """An image, a video or a downloadable document of a module, stored under a random name."""

    module = models.ForeignKey(
        Module, verbose_name=_("module"), on_delete=models.CASCADE, related_name="files"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=FileKind.choices)
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(_("file"), upload_to=private_file_path, max_length=300)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size (bytes)"), default=0)

    objects = ModuleFileQuerySet.as_manager()

    class Meta:
        verbose_name = _("module file")
        verbose_name_plural = _("module files")
        ordering = ["module", "kind", "title", "pk"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("enablement:module-file", kwargs={"uuid": self.uuid})


class CourseSession(BusinessModel):
    """A dated session of a course, in a room or online, with a number of seats."""

    course = models.ForeignKey(
        Course, verbose_name=_("course"), on_delete=models.CASCADE, related_name="sessions"
    )
    mode = models.CharField(_("mode"), max_length=10, choices=SessionMode.choices, default=SessionMode.ONLINE)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    location = models.CharField(_("place"), max_length=200, blank=True)
    online_url = models.URLField(_("online meeting link"), blank=True)
    seats = models.PositiveSmallIntegerField(_("seats"), validators=[MinValueValidator(1)])
    trainer = models.CharField(_("trainer"), max_length=150, blank=True)

    objects = CourseScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("course session")
        verbose_name_plural = _("course sessions")
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                name="course_session_ends_after_start",
                condition=Q(ends_at__gt=models.F("starts_at")),
                violation_error_message=_("A session ends after it starts."),
            ),
            models.CheckConstraint(
                name="course_session_has_seats",
                condition=Q(seats__gte=1),
                violation_error_message=_("A session has at least one seat."),
            ),
        ]

    def __str__(self):
        return f"{self.course} — {formatting.date(self.starts_at)}"

    def get_absolute_url(self):
        return reverse("enablement:session-detail", kwargs={"uuid": self.uuid})

    def clean(self):
        super().clean()
        from django.core.exceptions import ValidationError

        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": _("A session ends after it starts.")})


class SessionRegistration(BusinessModel):
    session = models.ForeignKey(
        CourseSession, verbose_name=_("session"), on_delete=models.CASCADE, related_name="registrations"
    )
    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="session_registrations"
    )
    status = models.CharField(
        _("status"), max_length=12, choices=RegistrationStatus.choices, default=RegistrationStatus.REGISTERED
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registered by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = PersonScopedQuerySet.as_manager()

    partner_can_create = True  # its own people (``learning.register`` checks)

    class Meta:
        verbose_name = _("session registration")
        verbose_name_plural = _("session registrations")
        ordering = ["session", "person__last_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "person"],
                name="unique_session_registration",
                violation_error_message=_("This person is already registered for this session."),
            )
        ]

    def __str__(self):
        return f"{self.person} — {self.session}"

    def get_absolute_url(self):
        return self.session.get_absolute_url()


class EnrolmentQuerySet(PersonScopedQuerySet):
    def open(self):
        return self.filter(status=EnrolmentStatus.IN_PROGRESS)


class Enrolment(BusinessModel):
    """A person following a course; e-learning progress is kept per module. A completed course may be
    taken again (a new enrolment, e.g. to renew a certification); a withdrawn one is resumed."""

    course = models.ForeignKey(
        Course, verbose_name=_("course"), on_delete=models.PROTECT, related_name="enrolments"
    )
    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="enrolments"
    )
    status = models.CharField(
        _("status"), max_length=12, choices=EnrolmentStatus.choices, default=EnrolmentStatus.IN_PROGRESS
    )
    due_date = models.DateField(_("due date"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    extra_attempts = models.PositiveSmallIntegerField(
        _("extra quiz attempts"), default=0, help_text=_("Granted by the operator beyond each quiz's limit.")
    )
    enrolled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("enrolled by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = EnrolmentQuerySet.as_manager()

    partner_can_create = True  # its own people (``learning.enrol`` checks)

    class Meta:
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["course", "person"],
                condition=~Q(status="completed"),
                name="single_open_enrolment",
                violation_error_message=_("This person is already enrolled in this course."),
            )
        ]
        indexes = [
            # The portal's trainings due, and the per-partner progress.
            models.Index(fields=["person", "status", "due_date"], name="enrolment_person_status_idx"),
        ]

    def __str__(self):
        return f"{self.person} — {self.course}"

    def get_absolute_url(self):
        return self.course.get_absolute_url()


class ModuleProgressQuerySet(OrganizationScopedQuerySet):
    organization_path = "enrolment__person__organization_id"


class ModuleProgress(BusinessModel):
    enrolment = models.ForeignKey(
        Enrolment, verbose_name=_("enrolment"), on_delete=models.CASCADE, related_name="progress"
    )
    module = models.ForeignKey(Module, verbose_name=_("module"), on_delete=models.CASCADE, related_name="+")
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)

    objects = ModuleProgressQuerySet.as_manager()

    class Meta:
        verbose_name = _("module progress")
        verbose_name_plural = _("module progress")
        constraints = [models.UniqueConstraint(fields=["enrolment", "module"], name="unique_module_progress")]

    def __str__(self):
        return f"{self.enrolment} — {self.module}"


class ModuleFeedbackQuerySet(PersonScopedQuerySet):
    pass


class ModuleFeedback(BusinessModel):
    """A learner's rating and comment on a module, and the content owner's answer: the two-way channel."""

    module = models.ForeignKey(
        Module, verbose_name=_("module"), on_delete=models.CASCADE, related_name="feedback"
    )
    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="+")
    rating = models.PositiveSmallIntegerField(
        _("rating"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    comment = models.TextField(_("comment"), blank=True)
    reply = models.TextField(_("answer"), blank=True)
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    replied_at = models.DateTimeField(_("answered"), null=True, blank=True)

    objects = ModuleFeedbackQuerySet.as_manager()

    partner_can_create = True  # learners of the course (``learning.give_feedback`` checks)

    class Meta:
        verbose_name = _("module feedback")
        verbose_name_plural = _("module feedback")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["module", "person"],
                name="unique_module_feedback",
                violation_error_message=_("This person already gave feedback on this module."),
            ),
            models.CheckConstraint(
                name="module_feedback_rating_range",
                condition=Q(rating__gte=1, rating__lte=5),
                violation_error_message=_("A rating is between 1 and 5."),
            ),
        ]

    def __str__(self):
        return f"{self.module}: {self.rating}/5"

    def get_absolute_url(self):
        return self.module.get_absolute_url()
