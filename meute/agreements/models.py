from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from meute.core.choices import PartnerType
from meute.lib.models import BusinessModel, OrganizationScopedQuerySet, SharedQuerySet
from meute.programs.models import Program


class AgreementSetting(BusinessModel):
    """Whether a programme's portal waits for its partners to accept the current agreement."""

    program = models.OneToOneField(
        Program, verbose_name=_("programme"), on_delete=models.CASCADE, related_name="agreement_setting"
    )
    gate_features = models.BooleanField(
        _("partners accept the agreement before using the programme"),
        default=False,
        help_text=_("Until then, the programme pages and deal registration ask them to accept it first."),
    )

    objects = SharedQuerySet.as_manager()

    class Meta:
        verbose_name = _("agreement setting")
        verbose_name_plural = _("agreement settings")

    def __str__(self):
        return str(self.program)


class Agreement(BusinessModel):
    """One version of a programme's agreement text, for one partner type (or for every type when blank).

    Versions are kept: a text is never edited once published; a change is a new version, which partners
    accept again.
    """

    program = models.ForeignKey(
        Program, verbose_name=_("programme"), on_delete=models.CASCADE, related_name="agreements"
    )
    partner_type = models.CharField(
        _("partner type"),
        max_length=30,
        choices=PartnerType.choices,
        blank=True,
        help_text=_("Leave empty for the agreement every partner type signs unless it has its own."),
    )
    version = models.PositiveSmallIntegerField(_("version"), validators=[MinValueValidator(1)])
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("text"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = SharedQuerySet.as_manager()

    class Meta:
        verbose_name = _("partner agreement")
        verbose_name_plural = _("partner agreements")
        ordering = ["program", "partner_type", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["program", "partner_type", "version"],
                name="unique_agreement_version",
                violation_error_message=_("This version of the agreement already exists."),
            ),
            models.CheckConstraint(
                name="agreement_version_positive",
                condition=Q(version__gte=1),
                violation_error_message=_("Versions start at 1."),
            ),
        ]

    def __str__(self):
        return str(_("%(title)s (version %(version)s)") % {"title": self.title, "version": self.version})

    def get_absolute_url(self):
        return reverse("agreement-detail", kwargs={"uuid": self.uuid})

    @property
    def text_sha256(self) -> str:
        import hashlib

        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()

    def clean(self):
        super().clean()
        if self.pk and self.acceptances.exists():
            previous = Agreement.objects.filter(pk=self.pk).values_list("text", "title").first()
            if previous and previous != (self.text, self.title):
                raise ValidationError(
                    _("This version has been accepted: publish a new version instead of editing it.")
                )


class AgreementAcceptance(BusinessModel):
    """A partner organisation's signature of one agreement version. Immutable once written."""

    agreement = models.ForeignKey(
        Agreement, verbose_name=_("agreement"), on_delete=models.PROTECT, related_name="acceptances"
    )
    organization = models.ForeignKey(
        "core.Organization",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="agreement_acceptances",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.PROTECT, related_name="+"
    )
    signer_name = models.CharField(_("full name"), max_length=200)
    signer_title = models.CharField(_("job title"), max_length=200)
    accepted_at = models.DateTimeField(_("accepted at"), default=timezone.now)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    version = models.PositiveSmallIntegerField(_("version"))
    text_sha256 = models.CharField(_("SHA-256 of the text"), max_length=64)

    objects = OrganizationScopedQuerySet.as_manager()

    # Partner users sign for their own organisation (``agreements.accept`` checks everything else).
    partner_can_create = True

    class Meta:
        verbose_name = _("agreement acceptance")
        verbose_name_plural = _("agreement acceptances")
        ordering = ["-accepted_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "organization"],
                name="unique_agreement_acceptance",
                violation_error_message=_("Your organisation has already accepted this version."),
            ),
        ]

    def __str__(self):
        return f"{self.organization} — {self.agreement} — {self.signer_name}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValidationError(_("An acceptance is a signature: it cannot be changed."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(_("An acceptance is a signature: it cannot be deleted."))
