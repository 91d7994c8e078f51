import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from meute.core.models import fold
from meute.lib.filters import OrderingFilter
from meute.partnerships.models import Partnership

from .choices import DealStage, MatchLevel
from .models import DealRegistration
from .records import name_tokens


def _visible_partnerships(request):
    return Partnership.objects.visible_to(getattr(request, "user", None))


class DealFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="filter_search")
    stage = django_filters.ChoiceFilter(label=_("Stage"), choices=DealStage.choices)
    conflict_level = django_filters.ChoiceFilter(
        label=_("Conflict"), choices=MatchLevel.choices, method="filter_conflict_level"
    )
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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self._staff():
            # The score is staff-only: a partner may not sort by it either (it would tell it).
            self.filters["ordering"] = OrderingFilter(
                label=_("Sort"),
                fields=(
                    ("submitted_at", "submitted"),
                    ("amount", "amount"),
                    ("expected_close_date", "close_date"),
                    ("protection_end", "protection_end"),
                ),
            )
            self.filters["ordering"].model = DealRegistration
            self.filters["ordering"].parent = self

    def _staff(self) -> bool:
        user = getattr(self.request, "user", None)
        return bool(user is not None and user.is_authenticated and user.is_staff_member)

    def filter_conflict_level(self, queryset, name, value):
        if not self._staff():
            # A withheld hint stays withheld: those registrations match no conflict level for the partner.
            queryset = queryset.filter(conflict_hint_withheld=False)
        return queryset.filter(conflict_level=value)

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
        """Every word in the customer's name, the opportunity or the city, accent- and case-insensitive.

        The name is compared as the conflict check normalises it (``name_key``): a full name such as
        “Brasserie du Port” or “Perrin & Fils” finds its customer, the words the normalised name leaves out
        (“du”, “&”, “SARL”) constraining nothing.
        """
        kept = set(name_tokens(value))
        for word in value.split():
            tokens = [token for token in name_tokens(word) if token in kept]
            if not tokens and not fold(word).isalnum():
                continue  # punctuation such as "&": nothing to look for
            if not tokens and fold(word) not in kept:
                continue  # a word the normalised name leaves out in this phrase ("du", "SARL")
            in_name = Q()
            for token in tokens:
                in_name &= Q(customer__name_key__contains=token)
            queryset = queryset.filter(
                (in_name if tokens else Q(pk__in=[]))
                | Q(title__icontains=word)
                | Q(customer__city__icontains=word)
            )
        return queryset
