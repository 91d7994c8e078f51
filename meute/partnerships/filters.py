import django_filters
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from meute.lib.filters import OrderingFilter

from .choices import (
    CollaborationModel,
    GroupingLevel,
    LifecycleStage,
    PartnershipKind,
    PartnershipStatus,
    PartyRole,
)
from .models import Partnership, PartnershipParty


class PartnershipFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="filter_search")
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=PartnershipKind.choices)
    collaboration_model = django_filters.ChoiceFilter(
        label=_("Collaboration model"), choices=CollaborationModel.choices
    )
    stage = django_filters.ChoiceFilter(label=_("Lifecycle stage"), choices=LifecycleStage.choices)
    status = django_filters.ChoiceFilter(label=_("Status"), choices=PartnershipStatus.choices)
    grouping_level = django_filters.ChoiceFilter(label=_("Grouping level"), choices=GroupingLevel.choices)
    organization = django_filters.UUIDFilter(label=_("Organisation"), method="filter_organization")
    alliance_manager = django_filters.ChoiceFilter(
        label=_("Alliance managers"),
        choices=(("missing", _("Partner side not named")), ("named", _("Named on every side"))),
        method="filter_alliance_manager",
    )
    ordering = OrderingFilter(
        label=_("Sort"),
        fields=(("name", "name"), ("start_date", "start_date"), ("created_at", "created")),
    )

    class Meta:
        model = Partnership
        fields = [
            "q",
            "kind",
            "collaboration_model",
            "stage",
            "status",
            "grouping_level",
            "organization",
            "alliance_manager",
        ]

    def filter_search(self, queryset, name, value):
        for word in value.split():
            queryset = queryset.filter(Q(name__icontains=word))
        return queryset

    def filter_organization(self, queryset, name, value):
        seats = PartnershipParty.objects.filter(partnership=OuterRef("pk"), organization__uuid=value)
        return queryset.filter(Exists(seats))

    def filter_alliance_manager(self, queryset, name, value):
        """Seed 002 rule 5: no partnership without an alliance manager on the partner side too."""
        unnamed = PartnershipParty.objects.filter(partnership=OuterRef("pk"), alliance_manager__isnull=True)
        if value == "missing":
            return queryset.filter(Exists(unnamed.exclude(role=PartyRole.OPERATOR)))
        return queryset.filter(~Exists(unnamed))
