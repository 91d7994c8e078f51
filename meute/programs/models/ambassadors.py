from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from meute.core.models import Organization, Territory
from meute.lib.models import (
    BusinessModel,
    VisibleQuerySet,
)
from meute.partnerships.models import Partnership, PartnershipParty

from .programs import Program
from .tiers import PartnerTier


class AmbassadorQuerySet(VisibleQuerySet):
    def for_organization(self, organization_id):
        return self.filter(market_filter(organization_id))


class Ambassador(BusinessModel):
    """A staff member named for a market (territory), for one programme or for all of them."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("staff member"),
        on_delete=models.CASCADE,
        related_name="ambassador_roles",
    )
    territory = models.ForeignKey(
        "core.Territory", verbose_name=_("market"), on_delete=models.PROTECT, related_name="ambassadors"
    )
    program = models.ForeignKey(
        Program,
        verbose_name=_("programme"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="ambassadors",
        help_text=_("Leave empty for an ambassador of every programme."),
    )
    message = models.CharField(_("message to partners"), max_length=300, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=30, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    objects = AmbassadorQuerySet.as_manager()

    class Meta:
        verbose_name = _("ambassador")
        verbose_name_plural = _("ambassadors")
        ordering = ["territory__name", "user__last_name", "user__username"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "territory", "program"],
                name="unique_ambassador_per_market_program",
                violation_error_message=_("This person is already ambassador for this market."),
            ),
            models.UniqueConstraint(
                fields=["user", "territory"],
                condition=Q(program__isnull=True),
                name="unique_global_ambassador_per_market",
                violation_error_message=_("This person is already ambassador for this market."),
            ),
        ]

    def __str__(self):
        return f"{self.display_name} — {self.territory}"

    @property
    def display_name(self) -> str:
        return self.user.get_full_name() or self.user.username

    @property
    def email(self) -> str:
        return self.contact_email or self.user.email

    def clean(self):
        super().clean()
        if self.user_id and not self.user.is_staff_member:
            raise ValidationError({"user": _("Ambassadors are members of the operator's staff.")})
        if self.user_id and not self.user.is_active:
            raise ValidationError({"user": _("This user account is inactive.")})


# Query helpers of the queryset above, also read by ``meute.programs.ambassadors``.


def with_ancestors(territory_ids) -> set[int]:
    """The territories and every territory they are part of (one query per level, a few levels at most)."""
    found = set(territory_ids)
    frontier = set(found)
    while frontier:
        parents = set(
            Territory.objects.filter(pk__in=frontier, parent__isnull=False).values_list(
                "parent_id", flat=True
            )
        )
        frontier = parents - found
        found |= frontier
    return found


def market_ids(organization_id) -> set[int]:
    """The territories an organisation works in, and those containing them."""
    partnerships = PartnershipParty.objects.filter(organization_id=organization_id).values("partnership_id")
    ids = set(
        Partnership.territories.through.objects.filter(partnership_id__in=partnerships).values_list(
            "territory_id", flat=True
        )
    )
    ids |= set(
        Organization.geographies.through.objects.filter(organization_id=organization_id).values_list(
            "territory_id", flat=True
        )
    )
    region = Organization.objects.filter(pk=organization_id).values_list("region_id", flat=True).first()
    if region:
        ids.add(region)
    return with_ancestors(ids)


def program_ids(organization_id) -> set[int]:
    partnerships = PartnershipParty.objects.filter(organization_id=organization_id).values("partnership_id")
    return set(
        PartnerTier.objects.filter(partnership_id__in=partnerships).values_list("program_id", flat=True)
    )


def market_filter(organization_id) -> Q:
    """Active ambassadors of the organisation's markets, global or for a programme it is a member of."""
    return Q(
        is_active=True,
        territory_id__in=market_ids(organization_id),
    ) & (Q(program__isnull=True) | Q(program_id__in=program_ids(organization_id)))
