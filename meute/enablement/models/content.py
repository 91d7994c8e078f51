from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from meute.lib.models import BusinessModel, VisibleQuerySet
from meute.partnerships.models import PartnershipParty

from ..choices import ContentKind, SupportKind
from .audience import Targeted, TargetedQuerySet, audience_facts
from .courses import private_file_path


class ContentItemQuerySet(TargetedQuerySet):
    def published(self, at=None):
        at = at or timezone.now()
        return self.filter(publish_at__isnull=False, publish_at__lte=at).filter(
            Q(expires_at__isnull=True) | Q(expires_at__gt=at)
        )


class ContentItem(Targeted):
    """A document, procedure, programme reminder, promotion or product announcement of the partner library:
    published from a date, until another, to the audience it names; its files keep every version."""

    kind = models.CharField(_("kind"), max_length=15, choices=ContentKind.choices)
    title = models.CharField(_("title"), max_length=200)
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    body = models.TextField(_("text"), blank=True, help_text=_("Markdown: # titles, **bold**, lists, links."))
    link = models.URLField(_("link"), blank=True)
    publish_at = models.DateTimeField(
        _("published from"), null=True, blank=True, help_text=_("Leave empty to keep it as a draft.")
    )
    expires_at = models.DateTimeField(_("published until"), null=True, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = ContentItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("library item")
        verbose_name_plural = _("library items")
        ordering = ["-publish_at", "title"]
        constraints = [
            models.CheckConstraint(
                name="content_item_expires_after_publication",
                condition=Q(expires_at__isnull=True)
                | Q(publish_at__isnull=True)
                | Q(expires_at__gt=models.F("publish_at")),
                violation_error_message=_("An item stops being published after it starts."),
            )
        ]
        indexes = [
            # The portal's latest announcements and promotions.
            models.Index(fields=["kind", "publish_at"], name="content_kind_published_idx"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("enablement:content-detail", kwargs={"uuid": self.uuid})

    def clean(self):
        super().clean()
        from django.core.exceptions import ValidationError

        if self.publish_at and self.expires_at and self.expires_at <= self.publish_at:
            raise ValidationError({"expires_at": _("An item stops being published after it starts.")})

    @property
    def is_published(self) -> bool:
        now = timezone.now()
        started = self.publish_at is not None and self.publish_at <= now
        return started and (self.expires_at is None or self.expires_at > now)


class ContentVersionQuerySet(VisibleQuerySet):
    def for_organization(self, organization_id):
        return self.filter(item__in=ContentItem.objects.for_organization(organization_id).values("pk"))


class ContentVersion(BusinessModel):
    item = models.ForeignKey(
        ContentItem, verbose_name=_("item"), on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveSmallIntegerField(_("version"))
    file = models.FileField(_("file"), upload_to=private_file_path, max_length=300)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size (bytes)"), default=0)
    note = models.CharField(_("what changed"), max_length=300, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("added by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = ContentVersionQuerySet.as_manager()

    class Meta:
        verbose_name = _("file version")
        verbose_name_plural = _("file versions")
        ordering = ["item", "-number"]
        constraints = [models.UniqueConstraint(fields=["item", "number"], name="unique_content_version")]

    def __str__(self):
        return f"{self.item} v{self.number}"

    def get_absolute_url(self):
        return reverse("enablement:content-version-download", kwargs={"uuid": self.uuid})


class ContentDownload(models.Model):
    """Who downloaded which version when: the owner sees what partners actually use."""

    item = models.ForeignKey(ContentItem, on_delete=models.CASCADE, related_name="downloads")
    version = models.ForeignKey(ContentVersion, on_delete=models.CASCADE, related_name="downloads")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    organization = models.ForeignKey(
        "core.Organization", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    downloaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("download")
        verbose_name_plural = _("downloads")
        indexes = [models.Index(fields=["item", "downloaded_at"], name="content_download_item_idx")]

    def __str__(self):
        return f"{self.version} @ {self.downloaded_at:%Y-%m-%d %H:%M}"


class SupportContactQuerySet(TargetedQuerySet):
    def published(self):
        # Targeting only decides the programme-wide defaults: a partnership's own contacts go to its
        # parties, whatever their audience.
        return self.filter(is_active=True, partnership__isnull=True)

    def for_organization(self, organization_id):
        seats = PartnershipParty.objects.filter(organization_id=organization_id).values("partnership_id")
        return self.filter(
            Q(pk__in=self.reaching(audience_facts(organization_id)))
            | Q(is_active=True, partnership_id__in=seats)
        )


class SupportContact(Targeted):
    """Someone of the vendor a partner calls, and for what: its alliance manager, its ambassador, sales,
    technical or administrative support. Either one partnership's own contact, or a programme-wide default
    targeted like content; a partnership's own contact replaces the defaults of the same role."""

    partnership = models.ForeignKey(
        "partnerships.Partnership",
        verbose_name=_("partnership"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="support_contacts",
        help_text=_("Leave empty for a programme-wide default, shown to the partners of its audience."),
    )
    kind = models.CharField(_("role"), max_length=20, choices=SupportKind.choices)
    name = models.CharField(_("name"), max_length=150)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    hours = models.CharField(_("opening hours"), max_length=120, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    objects = SupportContactQuerySet.as_manager()

    class Meta:
        verbose_name = _("support contact")
        verbose_name_plural = _("support contacts")
        ordering = ["kind", "name"]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.name}"


class DigestState(models.Model):
    """When a partner user last received the e-mail digest of new announcements and promotions."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    last_sent_at = models.DateTimeField()

    class Meta:
        verbose_name = _("digest")
        verbose_name_plural = _("digests")

    def __str__(self):
        return f"{self.user} @ {self.last_sent_at:%Y-%m-%d}"
