"""Partner metrics (won deals, satisfaction scores, custom metrics per partnership and period): the codes
offered when entering one, and the import from CSV or Excel (.xlsx), every line checked, then all rows or
nothing, in the foundation's format (the revenue import's reader, errors by line and column).

A line names the partnership (identifier or exact name), the metric code, the period and the value. A
metric already recorded for a partnership and period is refused: correct it on its page.
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_slug
from django.db import transaction
from django.utils.translation import gettext as _

from meute.core.audit import log_bulk_create
from meute.core.importing import (
    ImportValidationError,
    LineChecker,
    RowError,
    map_columns,
    read_table,
)
from meute.core.importing.cells import date_cell, decimal_cell
from meute.lib.access import can_create
from meute.lib.bulk import insert_objects

from .choices import SATISFACTION, WON_DEALS
from .importing import _PartnershipLookup
from .models import PartnerMetric, Tier, metric_value_problem

ALIASES = {
    "partnership": ("partenariat", "partner", "partenaire"),
    "metric": ("metrique", "indicateur", "indicator", "code", "metric_code"),
    "period": ("periode", "date", "month", "mois"),
    "value": ("valeur", "score", "count", "nombre"),
}
REQUIRED = ("partnership", "metric", "period", "value")
_value = decimal_cell(14, 2)


@dataclass
class MetricImportResult:
    created: int
    dry_run: bool = False


def known_codes() -> list[str]:
    """Metric codes worth suggesting: those with a meaning for tiers, those tiers ask for, those recorded."""
    codes = {WON_DEALS, SATISFACTION}
    for thresholds in Tier.objects.values_list("custom_thresholds", flat=True):
        codes.update((thresholds or {}).keys())
    codes.update(PartnerMetric.objects.order_by().values_list("metric", flat=True).distinct()[:200])
    return sorted(codes)


def is_code(code: str) -> bool:
    try:
        validate_slug(code)
    except ValidationError:
        return False
    return True


def normalize_code(raw: str) -> str:
    return raw.strip().lower().replace(" ", "_")


def validate_metrics(table, *, user=None) -> list[PartnerMetric]:
    """Check every line; return unsaved metrics or raise ImportValidationError listing every problem."""
    columns = map_columns(table.headers, ALIASES, REQUIRED)
    partnerships = _PartnershipLookup(user)
    rows, seen = [], {}

    checker = LineChecker(table.headers, columns)
    cell, error, errors = checker.cell, checker.error, checker.errors

    parsed = []
    for line, cells in table.rows:
        if not any(cells):
            continue
        row_ok = True
        for name in REQUIRED:
            if not cell(cells, name):
                error(line, name, _("This field is required."))
                row_ok = False
        converted = {}
        for name, convert in (
            ("partnership", partnerships.resolve),
            ("period", date_cell),
            ("value", _value),
        ):
            raw = cell(cells, name)
            if not raw:
                continue
            try:
                converted[name] = convert(raw)
            except ValidationError as exc:
                error(line, name, " ".join(exc.messages))
                row_ok = False
        code = normalize_code(cell(cells, "metric"))
        if code and (len(code) > 50 or not is_code(code)):
            error(
                line,
                "metric",
                _("“%(code)s” is not a metric code: letters, digits, “-” and “_”, at most 50.")
                % {"code": cell(cells, "metric")},
            )
            row_ok = False
        if row_ok and "value" in converted:
            problem = metric_value_problem(code, converted["value"])
            if problem:
                error(line, "value", problem)
                row_ok = False
        if not row_ok:
            continue
        key = (converted["partnership"], code, converted["period"])
        if key in seen:
            error(
                line,
                "period",
                _("Same partnership, metric and period as line %(line)s.") % {"line": seen[key]},
            )
            continue
        seen[key] = line
        parsed.append((line, key, converted["value"]))
    existing = set()
    if parsed:
        partnership_ids = {key[0] for _line, key, _value in parsed}
        existing = set(
            PartnerMetric.objects.filter(partnership_id__in=partnership_ids).values_list(
                "partnership_id", "metric", "period"
            )
        )
    for line, key, value in parsed:
        if key in existing:
            error(
                line,
                "period",
                _("This metric is already recorded for this period: correct it on the metrics page."),
            )
            continue
        partnership_id, code, period = key
        rows.append(PartnerMetric(partnership_id=partnership_id, metric=code, period=period, value=value))
    if not table.rows:
        errors.append(RowError(1, "", _("The file has no records.")))
    if errors:
        raise ImportValidationError(errors)
    return rows


def import_metrics(source, *, filename="", user=None, dry_run=False) -> MetricImportResult:
    """Read, validate and (unless ``dry_run``) write every metric of a file, in one transaction."""
    if user is not None and not can_create(user, PartnerMetric):
        raise PermissionDenied(_("You may not import partner metrics."))
    rows = validate_metrics(read_table(source, filename), user=user)
    if dry_run:
        return MetricImportResult(created=len(rows), dry_run=True)
    with transaction.atomic():
        insert_objects(PartnerMetric, rows)
        log_bulk_create(rows, actor=user)
    return MetricImportResult(created=len(rows))
