"""Template helpers of the web UI: audit trail display, navigation state and small formatting."""

from auditlog.models import LogEntry
from django import template
from django.core.exceptions import FieldDoesNotExist
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

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


def _display(field, value):
    if value is None or str(value) in EMPTY_VALUES:
        return "—"
    value = str(value)
    choices = getattr(field, "choices", None)
    if choices:
        return str(dict(choices).get(value, value))
    related = getattr(field, "related_model", None)
    if related is not None and getattr(field, "many_to_one", False):
        obj = related._default_manager.filter(pk=value).first()
        return str(obj) if obj is not None else value
    return value


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
        label = str(getattr(field, "verbose_name", name))
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
