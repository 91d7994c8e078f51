from meute.lib.api import StaffOnly
from meute.lib.api_views import VisibleModelViewSet, crud_schema
from meute.money.api import serializers
from meute.money.filters import ExchangeRateFilter
from meute.money.models import ExchangeRate


@crud_schema(
    "exchange rates",
    "an exchange rate",
    "What one unit of a currency is worth in another from `valid_from` on, until the next rate of the pair. "
    "Revenue in another currency than a programme's counts converted with the rate in force on its period. "
    "Staff only: partner users are refused; a pair has one rate per day.",
)
class ExchangeRateViewSet(VisibleModelViewSet):
    model = ExchangeRate
    serializer_class = serializers.ExchangeRateSerializer
    permission_classes = [StaffOnly]
    filterset_class = ExchangeRateFilter
