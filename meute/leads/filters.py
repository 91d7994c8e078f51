import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from meute.core.models import Territory
from meute.lib.filters import OrderingFilter
from meute.partnerships.models import Partnership

from .choices import LeadStatus, OfferStatus
from .models import Lead, LeadOffer
from .routing import channel_partnerships


def _partnerships(request):
    visible = Partnership.objects.visible_to(getattr(request, "user", None)).values("pk")
    return channel_partnerships().filter(pk__in=visible).order_by("name")


class LeadFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="filter_search")
    status = django_filters.ChoiceFilter(label=_("Status"), choices=LeadStatus.choices)
    territory = django_filters.ModelChoiceFilter(
        label=_("Territory"), queryset=Territory.objects.all(), to_field_name="code"
    )
    partnership = django_filters.ModelChoiceFilter(
        label=_("Partner"),
        queryset=_partnerships,
        to_field_name="uuid",
        method="filter_partnership",
    )
    ordering = OrderingFilter(
        label=_("Sort"),
        fields=(("created_at", "created"), ("amount", "amount"), ("company_name", "company")),
    )

    class Meta:
        model = Lead
        fields = ["q", "status", "territory", "partnership"]

    def filter_search(self, queryset, name, value):
        for word in value.split():
            queryset = queryset.filter(
                Q(company_name__icontains=word) | Q(city__icontains=word) | Q(postal_code__startswith=word)
            )
        return queryset

    def filter_partnership(self, queryset, name, value):
        # Assigned to this partner, or currently offered to it.
        offered = LeadOffer.objects.filter(partnership=value, status=OfferStatus.PENDING).values("lead_id")
        return queryset.filter(Q(partnership=value) | Q(pk__in=offered))


class OfferFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(label=_("Status"), choices=OfferStatus.choices)

    class Meta:
        model = LeadOffer
        fields = ["status"]
