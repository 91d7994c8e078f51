"""Operator-defined profile attributes: the one place where a value is checked, stored or removed."""

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .choices import AttributeKind
from .models import AttributeDefinition, AttributeValue

TEXT_LIMIT = 2000
_TRUE = {"true", "yes", "oui", "1", "on"}
_FALSE = {"false", "no", "non", "0", "off"}


def _plain(number) -> str:
    return format(Decimal(str(number)).normalize(), "f")


def parse(definition: AttributeDefinition, raw):
    """The value to store for ``raw`` (None when empty), or ValidationError with a message for the user."""
    if raw is None or raw == "" or raw == []:
        return None
    kind = definition.kind
    if kind == AttributeKind.NUMBER:
        try:
            number = Decimal(str(raw).strip().replace(",", "."))
        except InvalidOperation:
            raise ValidationError(_("“%(value)s” is not a number.") % {"value": raw}) from None
        if not number.is_finite():
            raise ValidationError(_("“%(value)s” is not a number.") % {"value": raw})
        if definition.minimum is not None and number < Decimal(str(definition.minimum)):
            raise ValidationError(
                _("The value must be at least %(min)s.") % {"min": _plain(definition.minimum)}
            )
        if definition.maximum is not None and number > Decimal(str(definition.maximum)):
            raise ValidationError(
                _("The value must be at most %(max)s.") % {"max": _plain(definition.maximum)}
            )
        return int(number) if number == number.to_integral_value() else float(number)
    if kind == AttributeKind.CHOICE:
        value = str(raw).strip()
        if value not in definition.choices:
            raise ValidationError(_("“%(value)s” is not one of the choices.") % {"value": value})
        return value
    if kind == AttributeKind.MULTI_CHOICE:
        values = raw if isinstance(raw, list | tuple) else [raw]
        chosen = []
        for value in values:
            value = str(value).strip()
            if value not in definition.choices:
                raise ValidationError(_("“%(value)s” is not one of the choices.") % {"value": value})
            if value not in chosen:
                chosen.append(value)
        return [value for value in definition.choices if value in chosen]
    if kind == AttributeKind.BOOLEAN:
        if isinstance(raw, bool):
            return raw
        word = str(raw).strip().lower()
        if word in _TRUE:
            return True
        if word in _FALSE:
            return False
        raise ValidationError(_("Answer yes or no."))
    text = str(raw).strip()
    if len(text) > TEXT_LIMIT:
        raise ValidationError(_("At most %(limit)s characters.") % {"limit": TEXT_LIMIT})
    return text or None


def values_of(organization) -> dict:
    """Definition id → stored value, for one organisation."""
    return dict(
        AttributeValue.objects.filter(organization=organization).values_list("definition_id", "value")
    )


def save_values(organization, raw_values: dict) -> dict:
    """Check every value (definition → raw) first, then store them all or none. Returns the errors by
    definition code; nothing is written when there is one."""
    parsed, errors = {}, {}
    for definition, raw in raw_values.items():
        try:
            parsed[definition] = parse(definition, raw)
        except ValidationError as error:
            errors[definition.code] = error.messages
    if errors:
        return errors
    with transaction.atomic():
        for definition, value in parsed.items():
            if value is None:
                AttributeValue.objects.filter(organization=organization, definition=definition).delete()
            else:
                AttributeValue.objects.update_or_create(
                    organization=organization, definition=definition, defaults={"value": value}
                )
    return {}
