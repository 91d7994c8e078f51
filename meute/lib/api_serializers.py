"""Serializer building blocks every API resource shares.

- ``VisibleSlugRelatedField`` names a related row by its public key (``uuid``, or ``code`` for reference
  data) and only accepts rows the requesting user may see: a partner user cannot point at another
  organisation's records, because those rows do not exist for them.
- ``ModelValidatedSerializer`` runs the model's own validation (``full_clean``: field validators,
  ``clean()`` with its normalisation, and the database constraints) so the API enforces exactly the
  rules the UI and imports enforce, and reports them as field errors. It also applies the field-level
  rights of ``meute.lib.rights``: a field the user may not write, sent with a new value, is refused (403,
  code ``field_not_writable``) and nothing is written.
"""

import copy

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models, router
from django.db.models import UniqueConstraint
from django.utils.translation import gettext_lazy as _lazy
from rest_framework import serializers
from rest_framework.settings import api_settings

from . import rights

# Every business record's timestamps, read-only in the API.
TIMESTAMPS = ["created_at", "updated_at"]


class VisibleSlugRelatedField(serializers.SlugRelatedField):
    """A related object by public key, looked up among ``Model.objects.visible_to(request.user)``."""

    def get_queryset(self):
        model = super().get_queryset().model
        request = self.context.get("request")
        return model.objects.visible_to(getattr(request, "user", None))


def api_errors_from_django(error: DjangoValidationError) -> dict:
    """``django.core.exceptions.ValidationError`` → DRF's ``{"field": [messages]}``."""
    errors = error.message_dict if hasattr(error, "error_dict") else {NON_FIELD_ERRORS: error.messages}
    if NON_FIELD_ERRORS in errors:
        errors[api_settings.NON_FIELD_ERRORS_KEY] = errors.pop(NON_FIELD_ERRORS)
    return errors


def drf_validation_error(error: DjangoValidationError) -> serializers.ValidationError:
    """A domain function's ValidationError, raised again as the API's 400 with its fields."""
    return serializers.ValidationError(api_errors_from_django(error))


class ModelValidatedSerializer(serializers.ModelSerializer):
    """A ModelSerializer that validates through the model (``full_clean`` and constraints).

    Values normalised by the model's ``clean()`` (identifiers, e-mail domains, …) are written back into
    the validated data. Database constraints are checked one by one so each error lands on its field:
    a single-field constraint on that field, others where ``constraint_fields`` says (by constraint name),
    else under ``non_field_errors``.
    """

    constraint_fields: dict[str, str] = {}

    def validate(self, attrs):
        attrs = super().validate(attrs)
        model = self.Meta.model
        self.check_field_rights(attrs)
        instance = copy.copy(self.instance) if self.instance is not None else model()
        concrete = {field.name for field in model._meta.concrete_fields}
        for name, value in attrs.items():
            if name in concrete:
                setattr(instance, name, value)
        self.validate_instance(instance)
        for name in list(attrs):
            if name in concrete:
                attrs[name] = getattr(instance, name)
        return attrs

    def check_field_rights(self, attrs) -> None:
        request = self.context.get("request")
        user = getattr(request, "user", None)
        rights.require_writable(user, self.Meta.model, self.instance, attrs)

    def validate_instance(self, instance) -> None:
        model = type(instance)
        exclude = {field.name for field in model._meta.concrete_fields if not field.editable}
        errors: dict[str, list[str]] = {}
        try:
            instance.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
        except DjangoValidationError as exc:
            errors = exc.update_error_dict(errors)
        # Fields that already failed are not checked again by the constraints.
        skip = exclude | {name for name in errors if name != NON_FIELD_ERRORS}
        using = router.db_for_write(model, instance=instance)
        for constraint in model._meta.constraints:
            try:
                constraint.validate(model, instance, exclude=skip, using=using)
            except DjangoValidationError as exc:
                key = self.constraint_field(constraint)
                errors.setdefault(key, []).extend(exc.messages)
        if errors:
            raise serializers.ValidationError(api_errors_from_django(DjangoValidationError(errors)))

    def constraint_field(self, constraint) -> str:
        if constraint.name in self.constraint_fields:
            return self.constraint_fields[constraint.name]
        if isinstance(constraint, UniqueConstraint) and len(constraint.fields) == 1:
            return constraint.fields[0]
        return NON_FIELD_ERRORS


class DateTimeField(serializers.DateTimeField):
    """A date and time from 1900 onwards. No PRM record is older, and before 1911 French local time was Paris
    mean time, whose offset (+00:09:21) no client reads back as an RFC 3339 date-time."""

    default_error_messages = {"too_early": _lazy("Give a date from 1900 onwards.")}

    def to_internal_value(self, value):
        result = super().to_internal_value(value)
        if result.year < 1900:
            self.fail("too_early")
        return result


# Every model serializer's date-time fields (the API declares none by hand that it reads).
serializers.ModelSerializer.serializer_field_mapping[models.DateTimeField] = DateTimeField
