"""Template helpers of the web UI: audit trail display, navigation state and small formatting."""

import ast
import datetime
import re

from auditlog.models import LogEntry
from django import template
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from meute.core.choices import CompanySize, PartnerType
from meute.lib import formatting

register = template.Library()

EMPTY_VALUES = {"None", "", "[]", "{}"}
ACTION_LABELS = {
    LogEntry.Action.CREATE: pgettext_lazy("history action", "created"),
    LogEntry.Action.UPDATE: pgettext_lazy("history action", "changed"),
    LogEntry.Action.DELETE: pgettext_lazy("history action", "deleted"),
    LogEntry.Action.ACCESS: pgettext_lazy("history action", "viewed"),
}
M2M_OPERATIONS = {"add": _("added"), "delete": _("removed"), "clear": _("cleared")}


MANAGER_REPR = re.compile(r"^[\w]+\.[\w]+\.None$")  # what the audit trail keeps of a to-many field


# Lists of codes kept in JSON fields, and the choices that name them.
LIST_CHOICES = {
    "core.organization.company_sizes": CompanySize.choices,
    "locator.label.partner_types": PartnerType.choices,
}


def _parse_list(value: str):
    try:
        parsed = ast.literal_eval(value)
    except (ValueError, SyntaxError):
        return None
    return parsed if isinstance(parsed, list | tuple) else None


def _display(field, value):
    """One value of the audit trail as a reader would say it: labels, names, Yes/No, local time."""
    if value is None or str(value) in EMPTY_VALUES:
        return "—"
    value = str(value)
    if isinstance(field, models.BooleanField):
        return str({"True": _("Yes"), "False": _("No")}.get(value, value))
    choices = getattr(field, "choices", None) or LIST_CHOICES.get(
        f"{field.model._meta.label_lower}.{field.name}"
        if field is not None and hasattr(field, "model")
        else ""
    )
    if value.startswith("[") and (items := _parse_list(value)) is not None:
        labels = dict(choices or [])
        return ", ".join(str(labels.get(item, item)) for item in items) or "—"
    if choices:
        return str(dict(choices).get(value, value))
    related = getattr(field, "related_model", None)
    if related is not None and (getattr(field, "many_to_one", False) or getattr(field, "one_to_one", False)):
        obj = related._default_manager.filter(pk=value).first() if str(value).isdigit() else None
        if obj is not None and hasattr(obj, "get_full_name"):  # a login: the person's name
            return obj.get_full_name() or obj.get_username()
        return str(obj) if obj is not None else value
    try:
        if isinstance(field, models.DateTimeField):
            moment = datetime.datetime.fromisoformat(value)
            return formatting.datetime(
                moment if timezone.is_aware(moment) else timezone.make_aware(moment, datetime.UTC)
            )
        if isinstance(field, models.DateField):
            return formatting.date(datetime.date.fromisoformat(value[:10]))
        if isinstance(field, models.DecimalField | models.FloatField):
            return formatting.number(value, getattr(field, "decimal_places", None))
    except ValueError:
        return value
    return value


def _label(model, name, field) -> str | None:
    """The field's name in the reader's language; None for what a reader has no word for."""
    if field is None:
        return None
    if getattr(field, "auto_created", False) and not getattr(field, "concrete", True):
        return str(field.related_model._meta.verbose_name_plural)  # a reverse relation
    return str(getattr(field, "verbose_name", None) or name)


@register.filter
def audit_action(entry) -> str:
    return str(ACTION_LABELS.get(entry.action, entry.get_action_display()))


@register.filter
def audit_changes(entry) -> list[dict]:
    """The changes of one audit entry as rows: field label, and before/after or the m2m operation."""
    model = entry.content_type.model_class()
    rows = []
    for name, values in (entry.changes_dict or {}).items():
        try:
            field = model._meta.get_field(name) if model else None
        except FieldDoesNotExist:
            field = None
        label = _label(model, name, field)
        if label is None:
            continue
        if isinstance(values, dict):
            rows.append(
                {
                    "field": label,
                    "operation": str(
                        M2M_OPERATIONS.get(values.get("operation"), values.get("operation", ""))
                    ),
                    "objects": ", ".join(str(o) for o in values.get("objects", [])),
                }
            )
            continue
        before, after = (list(values) + [None, None])[:2]
        if any(v is not None and MANAGER_REPR.match(str(v)) for v in (before, after)):
            continue  # the audit kept only the manager's name; the m2m change itself has its own row
        rows.append({"field": label, "before": _display(field, before), "after": _display(field, after)})
    return rows


@register.simple_tag(takes_context=True)
def nav_current(context, *prefixes) -> str:
    """``page`` when the current URL name starts with one of ``prefixes`` (for ``aria-current``)."""
    match = getattr(context.get("request"), "resolver_match", None)
    name = getattr(match, "url_name", "") or ""
    if any(name == p or name.startswith(f"{p}-") for p in prefixes):
        return "page"
    return "false"


@register.filter
def percent_of(value, total) -> int:
    """Integer percentage of ``value`` in ``total`` (0 when the total is 0), for bar widths."""
    try:
        return round(100 * float(value) / float(total)) if total else 0
    except (TypeError, ValueError):
        return 0


@register.filter
def money(value, currency=None) -> str:
    """``{{ amount|money:currency }}``: the amount and its currency in the reader's format."""
    return formatting.money(value, currency)


@register.filter
def money_round(value, currency=None) -> str:
    """``{{ amount|money_round:currency }}``: the same, in whole units (targets, thresholds, totals)."""
    return formatting.money(value, currency, whole=True)


@register.filter
def number(value, digits=None) -> str:
    """``{{ value|number:2 }}``: a number in the reader's format, grouped, at most ``digits`` decimals."""
    return formatting.number(value, None if digits in (None, "") else int(digits))
