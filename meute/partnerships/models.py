from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from meute.core.models import Organization, Person, ProductLine, Sector, Territory
from meute.lib.models import BusinessModel, VisibleQuerySet

from .choices import (
    CollaborationModel,
    GroupingLevel,
    InvolvementLevel,
    LifecycleStage,
    PartnershipKind,
    PartnershipStatus,
    PartyRole,
)


class PartnershipScopedQuerySet(VisibleQuerySet):
    """Rows hanging off a partnership: a partner user sees those of the partnerships it is a party to.

    ``partnership_path`` leads from the row to its partnership's id. A semi-join (``IN`` the
    organisation's seats) rather than a join: no duplicate rows, ordering and pagination stay simple.
    Not a correlated EXISTS either: SQLite runs that once per row of the table (about 200 ms over 120,000
    partnerships), where ``IN`` reads the organisation's few seats through their index first.
    """

    partnership_path = "partnership_id"

    def for_organization(self, organization_id):
        seats = PartnershipParty.objects.filter(organization_id=organization_id).values("partnership_id")
        return self.filter(**{f"{self.partnership_path}__in": seats})


class PartnershipQuerySet(PartnershipScopedQuerySet):
    partnership_path = "pk"

    def involving(self, organization):
        return self.for_organization(organization.pk)

    def active(self):
        return self.filter(status=PartnershipStatus.ACTIVE)


class Partnership(BusinessModel):
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(
        _("kind"), max_length=10, choices=PartnershipKind.choices, default=PartnershipKind.CHANNEL
    )
    grouping_level = models.CharField(
        _("grouping level"), max_length=25, choices=GroupingLevel.choices, blank=True
    )
    collaboration_model = models.CharField(
        _("collaboration model"),
        max_length=30,
        choices=CollaborationModel.choices,
        default=CollaborationModel.CHANNEL_AGREEMENT,
    )
    stage = models.CharField(
        _("lifecycle stage"), max_length=25, choices=LifecycleStage.choices, default=LifecycleStage.PROFILING
    )
    status = models.CharField(
        _("status"), max_length=10, choices=PartnershipStatus.choices, default=PartnershipStatus.PROSPECT
    )
    start_date = models.DateField(_("start date"), null=True, blank=True)
    end_date = models.DateField(_("end date"), null=True, blank=True)
    territories = models.ManyToManyField(
        Territory, verbose_name=_("territories"), blank=True, related_name="partnerships"
    )
    product_lines = models.ManyToManyField(
        ProductLine, verbose_name=_("product lines"), blank=True, related_name="partnerships"
    )
    sectors = models.ManyToManyField(
        Sector, verbose_name=_("sectors"), blank=True, related_name="partnerships"
    )
    objectives = models.TextField(_("objectives"), blank=True)
    description = models.TextField(_("description"), blank=True)

    objects = PartnershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("partnership")
        verbose_name_plural = _("partnerships")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                name="partnership_dates_ordered",
                condition=Q(end_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(end_date__gte=F("start_date")),
                violation_error_message=_("The end date cannot be before the start date."),
            ),
            models.CheckConstraint(
                name="partnership_grouping_level_only_for_groupings",
                condition=Q(kind=PartnershipKind.GROUPING) | Q(grouping_level=""),
                violation_error_message=_("Only a grouping of members has a grouping level."),
            ),
        ]
        indexes = [
            # Directory filters "stage" and "status" go through partnerships of each organisation.
            models.Index(fields=["status", "stage"], name="partnership_status_stage_idx"),
            # The administrator's home lists the partnerships updated last (without it: a sort of them all).
            models.Index(fields=["-updated_at"], name="partnership_updated_idx"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("partnership-detail", kwargs={"uuid": self.uuid})

    def clean(self):
        super().clean()
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("The end date cannot be before the start date.")})
        if self.kind != PartnershipKind.GROUPING and self.grouping_level:
            raise ValidationError({"grouping_level": _("Only a grouping of members has a grouping level.")})


class PartnershipPartyQuerySet(PartnershipScopedQuerySet):
    """A partner sees every party of the partnerships it belongs to (its co-members), not others."""


class PartnershipParty(BusinessModel):
    """One organisation's seat in a partnership: its role, its involvement and its alliance manager."""

    partnership = models.ForeignKey(
        Partnership, verbose_name=_("partnership"), on_delete=models.CASCADE, related_name="parties"
    )
    organization = models.ForeignKey(
        Organization, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="party_seats"
    )
    role = models.CharField(_("role"), max_length=15, choices=PartyRole.choices, default=PartyRole.PARTNER)
    involvement = models.CharField(
        _("involvement level"),
        max_length=15,
        choices=InvolvementLevel.choices,
        default=InvolvementLevel.REGULAR,
    )
    alliance_manager = models.ForeignKey(
        Person,
        verbose_name=_("alliance manager"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="alliance_seats",
    )

    objects = PartnershipPartyQuerySet.as_manager()

    class Meta:
        verbose_name = _("party")
        verbose_name_plural = _("parties")
        ordering = ["partnership", "role", "organization__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "organization"],
                name="unique_party_per_partnership",
                violation_error_message=_("This organisation is already a party to this partnership."),
            )
        ]
        indexes = [
            # "Partnerships of this organisation" and the partner-user access filter.
            models.Index(fields=["organization", "partnership"], name="party_org_partnership_idx"),
        ]

    def __str__(self):
        return f"{self.organization} — {self.partnership}"

    def clean(self):
        super().clean()
        if (
            self.alliance_manager_id
            and self.organization_id
            and self.alliance_manager.organization_id != self.organization_id
        ):
            raise ValidationError(
                {"alliance_manager": _("The alliance manager must be a person of this organisation.")}
            )
