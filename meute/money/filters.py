import django_filters
from django.utils.translation import gettext_lazy as _

from meute.money.models import ExchangeRate


class ExchangeRateFilter(django_filters.FilterSet):
    from_currency = django_filters.CharFilter(label=_("Currency"), lookup_expr="iexact")
    to_currency = django_filters.CharFilter(label=_("Converted into"), lookup_expr="iexact")
    valid_from_after = django_filters.DateFilter(label=_("From"), field_name="valid_from", lookup_expr="gte")
    valid_from_before = django_filters.DateFilter(label=_("To"), field_name="valid_from", lookup_expr="lte")

    class Meta:
        model = ExchangeRate
        fields = ["from_currency", "to_currency", "valid_from_after", "valid_from_before"]
