"""Certifications imported from an external learning platform, from CSV or Excel (every line checked, then
all rows or nothing), in the format the programme always read.

A line names the person by e-mail (the person must exist in the directory), the certification, the role it
counts for in tier requirements, and optionally the dates it was obtained and ends. A certification named
like one of Meute's (by name or code) is linked to it.
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from meute.core.audit import log_bulk_create
from meute.core.importing import ImportValidationError, LineChecker, map_columns, read_table
from meute.core.importing.cells import date_cell
from meute.core.models import Person
from meute.lib.bulk import insert_objects

from .choices import CertificationSource, CertifiedRole
from .models import Certification, PersonCertification

ALIASES = {
    "email": ("e_mail", "courriel", "mail", "person", "personne"),
    "certification": ("certificat", "diplome"),
    "role": ("fonction",),
    "valid_until": ("valable_jusqu_au", "expiration", "expires", "fin", "valid_to"),
    "issued_on": ("obtenu_le", "obtained", "issued", "date_obtention", "delivre_le"),
}
REQUIRED = ("email", "certification", "role")


@dataclass
class CertifiedImportResult:
    created: int
    dry_run: bool = False


def _roles() -> dict[str, str]:
    found = {}
    for value, label in CertifiedRole.choices:
        found[value.casefold()] = value
        found[str(label).casefold()] = value
    return found


def validate_certified(table, *, user=None) -> list[PersonCertification]:
    """Check every line; return unsaved rows or raise ImportValidationError listing every problem."""
    columns = map_columns(table.headers, ALIASES, REQUIRED)
    people = Person.objects.all() if user is None else Person.objects.visible_to(user)
    by_email = {}
    for pk, email in people.exclude(email="").values_list("pk", "email"):
        by_email.setdefault(email.casefold(), []).append(pk)
    roles = _roles()
    existing = {
        (person, name.casefold(), role)
        for person, name, role in PersonCertification.objects.values_list("person_id", "name", "role")
    }
    catalogue = {}
    for pk, code, name in Certification.objects.values_list("pk", "code", "name"):
        catalogue[code.casefold()] = catalogue[name.casefold()] = (pk, name)
    rows, seen = [], {}

    checker = LineChecker(table.headers, columns)
    cell, error, errors = checker.cell, checker.error, checker.errors

    for line, cells in table.rows:
        if not any(cells):
            continue
        missing = [name for name in REQUIRED if not cell(cells, name)]
        for name in missing:
            error(line, name, _("This field is required."))
        email, certification = cell(cells, "email"), cell(cells, "certification")[:120]
        person = None
        matches = by_email.get(email.casefold(), []) if email else []
        if email and not matches:
            error(
                line, "email", _("No person with the e-mail “%(email)s” in the directory.") % {"email": email}
            )
        elif len(matches) > 1:
            error(line, "email", _("Several people have the e-mail “%(email)s”.") % {"email": email})
        elif matches:
            person = matches[0]
        role = roles.get(cell(cells, "role").casefold()) if cell(cells, "role") else None
        if cell(cells, "role") and role is None:
            error(
                line,
                "role",
                _("Unknown role “%(role)s”: use one of %(roles)s.")
                % {"role": cell(cells, "role"), "roles": ", ".join(CertifiedRole.values)},
            )
        dates = {}
        for name in ("valid_until", "issued_on"):
            dates[name] = None
            if cell(cells, name):
                try:
                    dates[name] = date_cell(cell(cells, name))
                except ValidationError as exc:
                    error(line, name, " ".join(exc.messages))
        if dates["valid_until"] and dates["issued_on"] and dates["valid_until"] < dates["issued_on"]:
            error(line, "valid_until", _("A certification cannot end before it is issued."))
        if person is None or role is None or missing:
            continue
        definition, certification = catalogue.get(certification.casefold(), (None, certification))
        key = (person, certification.casefold(), role)
        if key in existing:
            error(line, "certification", _("This person already holds this certification for this role."))
        elif key in seen:
            error(
                line,
                "certification",
                _("Same person, certification and role as line %(line)s.") % {"line": seen[key]},
            )
        else:
            seen[key] = line
            rows.append(
                PersonCertification(
                    person_id=person,
                    certification_id=definition,
                    name=certification,
                    role=role,
                    source=CertificationSource.IMPORTED,
                    issued_on=dates["issued_on"],
                    valid_until=dates["valid_until"],
                )
            )
    if errors:
        raise ImportValidationError(errors)
    return rows


def import_certified(source, *, filename="", user=None, dry_run=False) -> CertifiedImportResult:
    if user is not None and not user.can_edit_all:
        raise PermissionDenied(_("You are not allowed to import these records."))
    rows = validate_certified(read_table(source, filename), user=user)
    if dry_run:
        return CertifiedImportResult(len(rows), dry_run=True)
    with transaction.atomic():
        insert_objects(PersonCertification, rows)
        log_bulk_create(rows, actor=user)
    return CertifiedImportResult(len(rows))
