from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from meute.lib import formatting
from meute.lib.models import BusinessModel, StaffOnlyQuerySet
from meute.money.currencies import normalize_currency, validate_currency


def validate_positive_rate(value) -> None:
    if value is not None and value <= 0:
        raise ValidationError(_("An exchange rate is greater than zero."), code="rate_not_positive")


class ExchangeRate(BusinessModel):
    """What one unit of ``from_currency`` is worth in ``to_currency`` from ``valid_from`` on, until the next
    rate of the same pair.

    Revenue in another currency than a programme's (or a business plan's) counts converted with the rate in
    force on its period: the latest ``valid_from`` on or before that date — of the pair, else of the inverse
    pair, else through the pivot currency (``meute.money.exchange``). Staff keep the rates; partner
    users see none.
    """

    from_currency = models.CharField(_("currency"), max_length=3, validators=[validate_currency])
    to_currency = models.CharField(
        _("converted into"), max_length=3, default="EUR", validators=[validate_currency]
    )
    rate = models.DecimalField(
        _("rate"),
        max_digits=20,
        decimal_places=10,
        validators=[validate_positive_rate],
        help_text=_(
            "Value of one unit of the currency in the converted currency, e.g. 0.92 (1 USD = 0.92 EUR)."
        ),
    )
    valid_from = models.DateField(_("valid from"))

    objects = StaffOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("exchange rate")
        verbose_name_plural = _("exchange rates")
        ordering = ["from_currency", "to_currency", "-valid_from"]
        constraints = [
            # Its index also serves the rate in force: one pair, the latest valid_from on or before a date.
            models.UniqueConstraint(
                fields=["from_currency", "to_currency", "valid_from"],
                name="unique_exchange_rate_per_day",
                violation_error_message=_("This currency pair already has a rate from this date."),
            ),
            models.CheckConstraint(
                name="exchange_rate_positive",
                condition=Q(rate__gt=0),
                violation_error_message=_("An exchange rate is greater than zero."),
            ),
            models.CheckConstraint(
                name="exchange_rate_two_currencies",
                condition=~Q(from_currency=F("to_currency")),
                violation_error_message=_("An exchange rate converts between two different currencies."),
            ),
        ]

    def __str__(self):
        rate, since = formatting.number(self.rate.normalize()), formatting.date(self.valid_from)
        return f"1 {self.from_currency} = {rate} {self.to_currency} ({since})"

    def get_absolute_url(self):
        return reverse("exchangerate-update", kwargs={"uuid": self.uuid})

    def clean_fields(self, exclude=None):
        self.from_currency = normalize_currency(self.from_currency)
        self.to_currency = normalize_currency(self.to_currency)
        super().clean_fields(exclude=exclude)
