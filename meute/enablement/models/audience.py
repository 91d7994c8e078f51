"""Audience targeting shared by courses, library content and support contacts.

An item names the tiers, partner types and territories it is meant for (none named: everyone) and the
language it is written in (none: every language). A partner organisation is in the audience when, for
every dimension the item names, it has at least one of the named values: a current tier of one of its
partnerships, one of its partner types, or a territory it works in (territories contain each other:
content for Europe reaches a partner in Spain). Language is a preference, not a barrier: pages list the
reader's languages first, and anyone in the audience may open an item in another language.

Content tables are small (hundreds of rows), so matching runs in Python over the published rows; the
partner's facts take a few queries, once per request.
"""

import datetime
from dataclasses import dataclass

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from meute.core.choices import PartnerType, TerritoryKind
from meute.core.models import Organization, OrganizationPartnerType, Territory
from meute.lib.models import BusinessModel, VisibleQuerySet
from meute.partnerships.models import Partnership, PartnershipParty
from meute.programs.models import PartnerTier

from ..choices import COUNTRY_LANGUAGES, ContentLanguage


@dataclass(frozen=True)
class AudienceFacts:
    organization_id: int
    tier_ids: frozenset
    partner_types: frozenset
    territory_ids: frozenset
    country: str = ""
    # The programmes it is a member of, and its markets as ambassadors know them (its territories without
    # its country's): what ``programs.models.ambassadors.market_filter`` reads, computed here already.
    program_ids: frozenset = frozenset()
    market_ids: frozenset = frozenset()
    # Every programme it is a member of, its tier in force or not (``programs.models.ambassadors
    # .program_ids``): read in the same query as its tiers.
    member_program_ids: frozenset = frozenset()

    @property
    def country_language(self) -> str:
        return COUNTRY_LANGUAGES.get(self.country, "")


def audience_facts(organization_id: int, today: datetime.date | None = None) -> AudienceFacts:
    """What targeting knows of a partner organisation: current tiers, partner types, the territories it
    works in (its partnerships', its geographies, its region and country) and those containing them.
    Six queries: territories are reference data, read whole to walk up their tree in Python."""
    today = today or timezone.localdate()
    seats = PartnershipParty.objects.filter(organization_id=organization_id).values("partnership_id")
    memberships = list(
        PartnerTier.objects.filter(partnership_id__in=seats).values_list(
            "tier_id", "partner_type", "program_id", "valid_from", "valid_until"
        )
    )
    members = [
        (tier, partner_type, program)
        for tier, partner_type, program, valid_from, valid_until in memberships
        if (valid_from is None or valid_from <= today) and (valid_until is None or valid_until >= today)
    ]
    types = {t for _tier, t, _program in members if t}
    types |= set(
        OrganizationPartnerType.objects.filter(organization_id=organization_id).values_list(
            "partner_type", flat=True
        )
    )
    row = Organization.objects.filter(pk=organization_id).values_list("country", "region_id").first()
    country, region = row or ("", None)
    direct = set(
        Partnership.territories.through.objects.filter(partnership_id__in=seats).values_list(
            "territory_id", flat=True
        )
    )
    direct |= set(
        Organization.geographies.through.objects.filter(organization_id=organization_id).values_list(
            "territory_id", flat=True
        )
    )
    if region:
        direct.add(region)
    parents, countries = {}, set()
    for pk, parent, territory_country, kind in Territory.objects.values_list(
        "pk", "parent_id", "country", "kind"
    ):
        parents[pk] = parent
        if country and kind == TerritoryKind.COUNTRY and territory_country == country:
            countries.add(pk)

    def with_ancestors(ids) -> set[int]:
        found = set()
        for pk in ids:
            while pk is not None and pk not in found:
                found.add(pk)
                pk = parents.get(pk)
        return found

    markets = with_ancestors(direct)
    territories = markets | with_ancestors(countries)
    return AudienceFacts(
        organization_id=organization_id,
        tier_ids=frozenset(t for t, _type, _program in members if t),
        partner_types=frozenset(types),
        territory_ids=frozenset(territories),
        country=str(country or ""),
        program_ids=frozenset(p for _t, _type, p in members),
        market_ids=frozenset(markets),
        member_program_ids=frozenset(program for _t, _type, program, _from, _until in memberships),
    )


class Targeted(BusinessModel):
    """The audience fields; the subclass names its many-to-many ``related_name``s."""

    tiers = models.ManyToManyField(
        "programs.Tier",
        verbose_name=_("tiers"),
        blank=True,
        related_name="+",
        help_text=_("Leave empty for every tier."),
    )
    partner_types = models.JSONField(
        _("partner types"), default=list, blank=True, help_text=_("Leave empty for every partner type.")
    )
    territories = models.ManyToManyField(
        "core.Territory",
        verbose_name=_("territories"),
        blank=True,
        related_name="+",
        help_text=_("Leave empty for every territory; a territory includes the territories inside it."),
    )
    language = models.CharField(
        _("language"),
        max_length=8,
        choices=ContentLanguage.choices,
        blank=True,
        help_text=_("Leave empty when it suits every language."),
    )

    class Meta:
        abstract = True

    def clean(self):
        super().clean()
        from django.core.exceptions import ValidationError

        if not isinstance(self.partner_types, list) or any(
            t not in PartnerType.values for t in self.partner_types
        ):
            raise ValidationError({"partner_types": _("Choose partner types among the known ones.")})

    def get_partner_types_display(self) -> list[str]:
        labels = dict(PartnerType.choices)
        return [labels.get(t, t) for t in self.partner_types or []]


def reaches(tier_ids, partner_types, territory_ids, facts: AudienceFacts) -> bool:
    """True when a partner with ``facts`` is in the audience an item names."""
    if tier_ids and not set(tier_ids) & facts.tier_ids:
        return False
    if partner_types and not set(partner_types) & facts.partner_types:
        return False
    return not (territory_ids and not set(territory_ids) & facts.territory_ids)


class TargetedQuerySet(VisibleQuerySet):
    """Published items whose audience includes the partner; staff see every item, drafts included."""

    def published(self):
        raise NotImplementedError

    def for_organization(self, organization_id):
        return self.filter(pk__in=self.reaching(audience_facts(organization_id)))

    def reaching(self, facts: AudienceFacts) -> list[int]:
        """Ids of the published items whose audience includes ``facts``' partner (three queries)."""
        return [item.pk for item in self.reaching_items(facts)]

    def reaching_items(self, facts: AudienceFacts) -> list:
        """The published items whose audience includes ``facts``' partner (three queries)."""
        items = list(self.published())
        if not items:
            return []
        ids = [item.pk for item in items]
        model = self.model
        tiers, territories = {}, {}
        for through, field, bucket in (
            (model.tiers.through, "tier_id", tiers),
            (model.territories.through, "territory_id", territories),
        ):
            source = f"{model._meta.model_name}_id"
            for pk, value in through.objects.filter(**{f"{source}__in": ids}).values_list(source, field):
                bucket.setdefault(pk, []).append(value)
        return [
            item
            for item in items
            if reaches(tiers.get(item.pk, ()), item.partner_types or (), territories.get(item.pk, ()), facts)
        ]
