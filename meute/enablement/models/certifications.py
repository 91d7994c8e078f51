from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from meute.core.models import Person
from meute.lib.models import BusinessModel, SharedQuerySet

from ..choices import CertificationSource, CertifiedRole
from .courses import Course, PersonScopedQuerySet


class Certification(BusinessModel):
    """A certification Meute awards: earned by completing its courses (their quizzes passed), valid for a
    number of months, renewed by completing them (or the renewal course) again before it expires."""

    code = models.SlugField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=120, unique=True)
    description = models.TextField(_("description"), blank=True)
    role = models.CharField(
        _("counts for the role"),
        max_length=20,
        choices=CertifiedRole.choices,
        help_text=_("Tier requirements count certified people per role."),
    )
    courses = models.ManyToManyField(
        Course,
        verbose_name=_("courses to complete"),
        related_name="certifications",
        help_text=_("Every one of them completed (quizzes passed) earns the certification."),
    )
    renewal_course = models.ForeignKey(
        Course,
        verbose_name=_("renewal course"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="renewed_certifications",
        help_text=_("Completing it renews the certification; empty: complete the courses again."),
    )
    validity_months = models.PositiveSmallIntegerField(
        _("valid for (months)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("Leave empty for a certification that does not expire."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    objects = SharedQuerySet.as_manager()

    class Meta:
        verbose_name = _("certification")
        verbose_name_plural = _("certifications")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("enablement:certification-detail", kwargs={"uuid": self.uuid})


class PersonCertificationQuerySet(PersonScopedQuerySet):
    def valid_on(self, day):
        return (
            self.filter(Q(issued_on__isnull=True) | Q(issued_on__lte=day))
            .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=day))
            .filter(Q(revoked_on__isnull=True) | Q(revoked_on__gt=day))
        )

    def expiring_between(self, start, end):
        """Valid today and ending between the two dates (both included)."""
        return self.valid_on(start).filter(valid_until__gte=start, valid_until__lte=end)


class PersonCertification(BusinessModel):
    """A person certified: earned in Meute, imported from a learning platform, or entered by the operator.
    The one kind of record that tier requirements, labels and lead routing count
    (``meute.programs.certifications``).
    A renewal extends the same record; the audit trail keeps the earlier dates."""

    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="certifications"
    )
    certification = models.ForeignKey(
        Certification,
        verbose_name=_("certification"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="holders",
    )
    name = models.CharField(_("certification"), max_length=120)
    role = models.CharField(_("role"), max_length=20, choices=CertifiedRole.choices)
    source = models.CharField(
        _("source"), max_length=10, choices=CertificationSource.choices, default=CertificationSource.ENTERED
    )
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    renewed_on = models.DateField(_("renewed on"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    revoked_on = models.DateField(_("revoked on"), null=True, blank=True)
    number = models.CharField(_("certificate number"), max_length=32, blank=True)

    objects = PersonCertificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("certified person")
        verbose_name_plural = _("certified people")
        ordering = ["person__last_name", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "name", "role"],
                name="unique_person_certification",
                violation_error_message=_("This person already holds this certification for this role."),
            ),
            models.UniqueConstraint(
                fields=["number"],
                condition=~Q(number=""),
                name="unique_certificate_number",
                violation_error_message=_("Another certificate has this number."),
            ),
            models.CheckConstraint(
                name="person_certification_dates_ordered",
                condition=Q(valid_until__isnull=True)
                | Q(issued_on__isnull=True)
                | Q(valid_until__gte=models.F("issued_on")),
                violation_error_message=_("A certification cannot end before it is issued."),
            ),
        ]
        indexes = [
            # Reminders and "expiring soon" lists: certifications by end date.
            models.Index(fields=["valid_until"], name="person_cert_valid_until_idx"),
        ]

    def __str__(self):
        return f"{self.person} — {self.name} ({self.get_role_display()})"

    def get_absolute_url(self):
        return reverse("enablement:certificate", kwargs={"uuid": self.uuid})

    # The import and the API name it ``certification``, as the programme's list always did.
    @property
    def certification_name(self) -> str:
        return self.name


class CertificationReminder(models.Model):
    """A reminder sent before a certification ends: one per end date and delay, so a retried or
    concurrent run never sends it twice, and a renewal (a new end date) gets its own reminders."""

    person_certification = models.ForeignKey(
        PersonCertification, on_delete=models.CASCADE, related_name="reminders"
    )
    valid_until = models.DateField()
    days_before = models.PositiveSmallIntegerField()
    sent_at = models.DateTimeField(auto_now_add=True)
    sent_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("certification reminder")
        verbose_name_plural = _("certification reminders")
        constraints = [
            models.UniqueConstraint(
                fields=["person_certification", "valid_until", "days_before"],
                name="unique_certification_reminder",
            )
        ]

    def __str__(self):
        return f"{self.person_certification} −{self.days_before}d"
