import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from meute.core.models import fold
from meute.lib.filters import OrderingFilter
from meute.partnerships.models import Partnership

from .choices import DealStage, MatchLevel
from .models import DealRegistration


def _visible_partnerships(request):
    return Partnership.objects.visible_to(getattr(request, "user", None))


class DealFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="filter_search")
    stage = django_filters.ChoiceFilter(label=_("Stage"), choices=DealStage.choices)
    conflict_level = django_filters.ChoiceFilter(label=_("Conflict"), choices=MatchLevel.choices)
    partnership = django_filters.ModelChoiceFilter(
        label=_("Partnership"), queryset=_visible_partnerships, to_field_name="uuid"
    )
    protection_ends_before = django_filters.DateFilter(
        label=_("Protected until (before)"), field_name="protection_end", lookup_expr="lte"
    )
    extension_requested = django_filters.BooleanFilter(
        label=_("Extension requested"),
        field_name="extension_requested_at",
        lookup_expr="isnull",
        exclude=True,
    )
    ordering = OrderingFilter(
        label=_("Sort"),
        fields=(
            ("submitted_at", "submitted"),
            ("amount", "amount"),
            ("expected_close_date", "close_date"),
            ("protection_end", "protection_end"),
            ("conflict_score", "conflict_score"),
        ),
    )

    class Meta:
        model = DealRegistration
        fields = [
            "q",
            "stage",
            "conflict_level",
            "partnership",
            "protection_ends_before",
            "extension_requested",
        ]

    def filter_search(self, queryset, name, value):
        for word in value.split():
            queryset = queryset.filter(
                Q(customer__name_key__contains=fold(word))
                | Q(title__icontains=word)
                | Q(customer__city__icontains=word)
            )
        return queryset
