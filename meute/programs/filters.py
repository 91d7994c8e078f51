import django_filters
from django.utils.translation import gettext_lazy as _

from .choices import RevenueSource
from .models import ExchangeRate, RevenueRecord


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


class ExchangeRateFilter(django_filters.FilterSet):
    from_currency = django_filters.CharFilter(label=_("Currency"), lookup_expr="iexact")
    to_currency = django_filters.CharFilter(label=_("Converted into"), lookup_expr="iexact")
    valid_from_after = django_filters.DateFilter(label=_("From"), field_name="valid_from", lookup_expr="gte")
    valid_from_before = django_filters.DateFilter(label=_("To"), field_name="valid_from", lookup_expr="lte")

    class Meta:
        model = ExchangeRate
        fields = ["from_currency", "to_currency", "valid_from_after", "valid_from_before"]
