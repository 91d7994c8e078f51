import datetime
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from meute.remuneration import engine as engine


@dataclass(frozen=True)
class Period:
    label: str
    start: datetime.date
    end: datetime.date  # exclusive

    def bounds(self):
        """The period as aware datetimes in the current time zone, for ``closed_at``."""
        tz = timezone.get_current_timezone()
        return (
            datetime.datetime.combine(self.start, datetime.time.min, tzinfo=tz),
            datetime.datetime.combine(self.end, datetime.time.min, tzinfo=tz),
        )

    def __str__(self):
        return self.label


_PERIOD = re.compile(r"^(?P<year>\d{4})(?:-(?:Q(?P<quarter>[1-4])|(?P<month>\d{2})))?$")


def parse_period(text) -> Period:
    """“2027” (a year), “2027-Q1” (a quarter) or “2027-03” (a month); anything else is refused."""
    text = (text or "").strip().upper()
    match = _PERIOD.match(text)
    month = int(match["month"]) if match and match["month"] else None
    if not match or (month is not None and not 1 <= month <= 12) or int(match["year"]) < 1900:
        raise ValidationError(
            _("“%(period)s” is not a period: write a year (2027), a quarter (2027-Q1) or a month (2027-03).")
            % {"period": text},
            code="bad_period",
        )
    year = int(match["year"])
    if match["quarter"]:
        first = (int(match["quarter"]) - 1) * 3 + 1
        start, months = datetime.date(year, first, 1), 3
    elif month:
        start, months = datetime.date(year, month, 1), 1
    else:
        start, months = datetime.date(year, 1, 1), 12
    end_month = start.month - 1 + months
    end = datetime.date(year + end_month // 12, end_month % 12 + 1, 1)
    return Period(text, start, end)


def current_period() -> Period:
    today = timezone.localdate()
    return parse_period(f"{today.year}-Q{(today.month - 1) // 3 + 1}")
