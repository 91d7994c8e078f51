from meute.lib.api_serializers import TIMESTAMPS, ModelValidatedSerializer
from meute.money.models import ExchangeRate


class ExchangeRateSerializer(ModelValidatedSerializer):
    constraint_fields = {
        "unique_exchange_rate_per_day": "valid_from",
        "exchange_rate_positive": "rate",
        "exchange_rate_two_currencies": "to_currency",
    }

    class Meta:
        model = ExchangeRate
        fields = ["uuid", "from_currency", "to_currency", "rate", "valid_from", *TIMESTAMPS]
        read_only_fields = ["uuid", *TIMESTAMPS]
        validators = []
