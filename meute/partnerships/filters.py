import django_filters
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from meute.lib.filters import OrderingFilter

from .choices import CollaborationModel, GroupingLevel, LifecycleStage, PartnershipKind, PartnershipStatus
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
    ordering = OrderingFilter(
        label=_("Sort"),
        fields=(("name", "name"), ("start_date", "start_date"), ("created_at", "created")),
    )

    class Meta:
        model = Partnership
        fields = ["q", "kind", "collaboration_model", "stage", "status", "grouping_level", "organization"]

    def filter_search(self, queryset, name, value):
        for word in value.split():
            queryset = queryset.filter(Q(name__icontains=word))
        return queryset

    def filter_organization(self, queryset, name, value):
        seats = PartnershipParty.objects.filter(partnership=OuterRef("pk"), organization__uuid=value)
        return queryset.filter(Exists(seats))
