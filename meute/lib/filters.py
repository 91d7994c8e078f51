"""Filter pieces shared by every FilterSet."""

import django_filters
from django.core.exceptions import FieldDoesNotExist
from django.db.models import F
from django.forms.utils import pretty_name
from django.utils.text import capfirst
from django.utils.translation import get_language, gettext


class OrderingFilter(django_filters.OrderingFilter):
    """Sort with empty values last in both directions, the same way on SQLite and PostgreSQL.

    (PostgreSQL puts NULLs first when sorting in descending order, SQLite last.)

    The options are named when the form is built, in the reader's language: the given ``field_labels``,
    else the model field's verbose name; "(descending)" too (django-filter writes it once, at import).
    """

    def __init__(self, *args, **kwargs):
        self._option_labels = dict(kwargs.get("field_labels") or {})
        super().__init__(*args, **kwargs)

    @property
    def field(self):
        # Named in the language of the reader. A filter whose form field was built once already (the API
        # schema reads the class's own filters, and each request copies them) is built again when the
        # language differs, or every later page would keep the first reader's language.
        language = get_language()
        if getattr(self, "_field_language", None) != language:
            self.extra["choices"] = self._choices()
            self.__dict__.pop("_field", None)
            self._field_language = language
        return super().field

    def _option_label(self, field: str, param: str) -> str:
        if field in self._option_labels:
            return str(self._option_labels[field])
        model = getattr(self, "model", None)
        try:
            return capfirst(str(model._meta.get_field(field.split("__")[0]).verbose_name))
        except (AttributeError, FieldDoesNotExist):
            return capfirst(pretty_name(param))

    def _choices(self) -> list:
        choices = []
        for param, field in self.param_map.items():
            label = self._option_label(field, param)
            choices.append((param, label))
            choices.append((f"-{param}", gettext("%s (descending)") % label))
        return choices

    def filter(self, qs, value):
        if value in ([], (), {}, "", None):
            return qs
        ordering = []
        for param in value:
            field = self.get_ordering_value(param)
            expression = F(field.lstrip("-"))
            ordering.append(
                expression.desc(nulls_last=True) if field.startswith("-") else expression.asc(nulls_last=True)
            )
        return qs.order_by(*ordering)
