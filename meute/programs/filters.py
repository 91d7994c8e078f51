import django_filters
from django.utils.translation import gettext_lazy as _

from .choices import RevenueSource
from .models import RevenueRecord


class RevenueFilter(django_filters.FilterSet):
    partnership = django_filters.UUIDFilter(label=_("Partnership"), field_name="partnership__uuid")
    period_from = django_filters.DateFilter(label=_("From"), field_name="period", lookup_expr="gte")
    period_to = django_filters.DateFilter(label=_("To"), field_name="period", lookup_expr="lte")
    currency = django_filters.CharFilter(label=_("Currency"), field_name="currency", lookup_expr="iexact")
    source = django_filters.ChoiceFilter(label=_("Source"), choices=RevenueSource.choices)
    is_credit_note = django_filters.BooleanFilter(label=_("Credit note"))

    class Meta:
        model = RevenueRecord
        fields = ["partnership", "period_from", "period_to", "currency", "source", "is_credit_note"]
