import django_filters
from django.utils.translation import gettext_lazy as _

from .choices import FigureStatus, RevenueSource
from .models import PartnerMetric, Program, RevenueRecord


class RevenueFilter(django_filters.FilterSet):
    partnership = django_filters.UUIDFilter(label=_("Partnership"), field_name="partnership__uuid")
    period_from = django_filters.DateFilter(label=_("From"), field_name="period", lookup_expr="gte")
    period_to = django_filters.DateFilter(label=_("To"), field_name="period", lookup_expr="lte")
    currency = django_filters.CharFilter(label=_("Currency"), field_name="currency", lookup_expr="iexact")
    source = django_filters.ChoiceFilter(label=_("Source"), choices=RevenueSource.choices)
    is_credit_note = django_filters.BooleanFilter(label=_("Credit note"))
    status = django_filters.ChoiceFilter(label=_("Verification"), choices=FigureStatus.choices)

    class Meta:
        model = RevenueRecord
        fields = ["partnership", "period_from", "period_to", "currency", "source", "is_credit_note", "status"]


def _visible_partnerships(request):
    from meute.partnerships.models import Partnership

    return Partnership.objects.visible_to(getattr(request, "user", None)).order_by("name")


def _visible_programs(request):
    return Program.objects.visible_to(getattr(request, "user", None)).order_by("name")


class PartnerMetricFilter(django_filters.FilterSet):
    """Partner metrics by programme (its members'), partnership, metric code and period (page and API)."""

    program = django_filters.ModelChoiceFilter(
        label=_("Programme"),
        queryset=_visible_programs,
        to_field_name="uuid",
        field_name="partnership__program_tiers__program",
    )
    partnership = django_filters.ModelChoiceFilter(
        label=_("Partnership"), queryset=_visible_partnerships, to_field_name="uuid"
    )
    metric = django_filters.CharFilter(label=_("Metric code"), field_name="metric", lookup_expr="iexact")
    period_from = django_filters.DateFilter(label=_("From"), field_name="period", lookup_expr="gte")
    period_to = django_filters.DateFilter(label=_("To"), field_name="period", lookup_expr="lte")

    class Meta:
        model = PartnerMetric
        fields = ["program", "partnership", "metric", "period_from", "period_to"]
