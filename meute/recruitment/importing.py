"""Competitors' networks from a CSV or .xlsx file: competitor, organisation (name or SIREN), level, source.
Every row is checked first; one bad row and nothing is written."""

from django.db import transaction
from django.utils.translation import gettext as _

from meute.core.importing.tables import ImportFileError, read_table
from meute.core.models import Organization, fold

from .models import Competitor, CompetitorPartnership

HEADERS = {
    "competitor": "competitor",
    "concurrent": "competitor",
    "organisation": "organization",
    "organization": "organization",
    "partenaire": "organization",
    "level": "level",
    "niveau": "level",
    "source": "source",
}


class ImportErrors(Exception):
    def __init__(self, errors):
        super().__init__("; ".join(errors))
        self.errors = errors


def import_competitor_partnerships(source, filename: str = "") -> int:
    table = read_table(source, filename)
    columns = {}
    for index, header in enumerate(table.headers):
        key = HEADERS.get(fold(header).strip())
        if key:
            columns[key] = index
    missing = [name for name in ("competitor", "organization") if name not in columns]
    if missing:
        raise ImportFileError(_("Missing columns: %(columns)s.") % {"columns": ", ".join(missing)})
    by_siren = dict(Organization.objects.exclude(siren="").values_list("siren", "pk"))
    by_name = {}
    for pk, name in Organization.objects.filter(is_operator=False).values_list("pk", "name"):
        by_name.setdefault(fold(name), []).append(pk)
    competitors = {fold(c.name): c for c in Competitor.objects.all()}
    rows, errors, seen = [], [], set()

    def cell(cells, key):
        index = columns.get(key)
        return cells[index].strip() if index is not None and index < len(cells) else ""

    for line, cells in table.rows:
        if not any(cells):
            continue
        competitor, organization = cell(cells, "competitor"), cell(cells, "organization")
        if not competitor:
            errors.append(_("Line %(line)s: the competitor is missing.") % {"line": line})
            continue
        found = by_siren.get(organization.replace(" ", ""))
        if found is None:
            matches = by_name.get(fold(organization), [])
            if len(matches) == 1:
                found = matches[0]
            elif len(matches) > 1:
                errors.append(
                    _("Line %(line)s: several organisations are called “%(name)s”: give the SIREN.")
                    % {"line": line, "name": organization}
                )
                continue
        if found is None:
            errors.append(
                _("Line %(line)s: no organisation “%(name)s” in the directory.")
                % {"line": line, "name": organization}
            )
            continue
        key = (fold(competitor), found)
        if key in seen:
            errors.append(_("Line %(line)s: this partnership appears twice in the file.") % {"line": line})
            continue
        seen.add(key)
        rows.append((competitor, found, cell(cells, "level")[:60], cell(cells, "source")[:200]))
    if errors:
        raise ImportErrors(errors)
    if not rows:
        raise ImportFileError(_("The file has a header but no data rows."))
    with transaction.atomic():
        for competitor, organization_id, level, source_text in rows:
            row = competitors.get(fold(competitor))
            if row is None:
                row = competitors[fold(competitor)] = Competitor.objects.create(name=competitor)
            CompetitorPartnership.objects.update_or_create(
                competitor=row,
                organization_id=organization_id,
                defaults={"level": level, "source": source_text},
            )
    return len(rows)
