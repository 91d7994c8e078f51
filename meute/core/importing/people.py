"""Importing people: each person names their organisation (public identifier, SIREN or name), looked up among
the organisations the importing user may see."""

import re
import uuid

from django.utils.translation import gettext as _

from meute.core import validators
from meute.core.audit import log_bulk_create
from meute.core.choices import Department, PersonRole
from meute.core.models import (
    Organization,
    Person,
    fold,
)
from meute.core.progress import progress_bar
from meute.lib.bulk import (
    chunks,
    existing_values,
    insert_objects,
    instance_builder,
)

from .cells import (
    boolean_cell,
    choice_cell,
    email_cell,
    max_length,
    phone_cell,
    text_cell,
    url_cell,
    uuid_cell,
)
from .checks import (
    ImportValidationError,
    RowError,
    cell_at,
    column_name,
    convert_row,
    map_columns,
    required_error,
)
from .tables import Table

PERSON_ALIASES = {
    "organization": ["organisation", "entreprise", "societe", "company"],
    "organization_uuid": ["organisation_uuid"],
    "organization_siren": ["organisation_siren", "siren"],
    "organization_name": ["organisation_name", "nom_organisation", "nom_entreprise"],
    "first_name": ["prenom"],
    "last_name": ["nom", "nom_de_famille", "surname"],
    "email": ["e_mail", "mail", "courriel", "adresse_email", "adresse_e_mail"],
    "phone": ["telephone", "tel", "mobile"],
    "job_title": ["fonction", "poste", "titre", "intitule_de_poste", "title"],
    "role": [],
    "department": ["service", "departement"],
    "linkedin_url": ["linkedin", "linkedin_profile", "profil_linkedin"],
    "is_active": ["active", "actif"],
    "notes": ["remarques", "commentaires"],
    "uuid": ["public_identifier", "identifiant", "id_public"],
}

PERSON_REQUIRED = ("first_name", "last_name")


def _person_converters():
    converters = {
        name: text_cell(max_length(Person, name)) for name in ("first_name", "last_name", "job_title")
    }
    converters.update(
        {
            "organization": text_cell(200),
            "organization_uuid": text_cell(200),
            "organization_siren": text_cell(200),
            "organization_name": text_cell(200),
            "email": email_cell,
            "phone": phone_cell,
            "role": choice_cell(PersonRole),
            "department": choice_cell(Department),
            "linkedin_url": url_cell(max_length(Person, "linkedin_url")),
            "is_active": boolean_cell,
            "notes": text_cell(20_000),
            "uuid": uuid_cell,
        }
    )
    return converters


_ORGANIZATION_REF_FIELDS = ("organization_uuid", "organization_siren", "organization", "organization_name")
_SIREN_LIKE = re.compile(r"^[0-9 .]{9,11}$")


class _OrganizationResolver:
    """Resolve organisation references (UUID, SIREN or exact name) with a few set-based queries."""

    def __init__(self, queryset, refs):
        self.by_uuid, self.by_siren, self.by_name = {}, {}, {}
        uuids, sirens, want_names = set(), set(), False
        for ref in refs:
            kind, value = self.classify(ref)
            if kind == "uuid":
                uuids.add(value)
            elif kind == "siren":
                sirens.add(value)
            want_names = want_names or kind in ("name", "siren")
        for chunk in chunks(uuids):
            self.by_uuid.update(queryset.filter(uuid__in=chunk).values_list("uuid", "pk"))
        for chunk in chunks(sirens):
            self.by_siren.update(queryset.filter(siren__in=chunk).values_list("siren", "pk"))
        if want_names:
            for pk, name in queryset.values_list("pk", "name").iterator(chunk_size=10_000):
                self.by_name.setdefault(fold(name).strip(), []).append(pk)

    @staticmethod
    def classify(ref):
        try:
            return "uuid", uuid.UUID(ref)
        except ValueError:
            pass
        if _SIREN_LIKE.match(ref):
            return "siren", validators.normalize_siren(ref)
        return "name", ref

    def resolve(self, ref):
        """Return (organisation id, None) or (None, error message)."""
        kind, value = self.classify(ref)
        if kind == "uuid":
            pk = self.by_uuid.get(value)
        elif kind == "siren":
            pk = self.by_siren.get(value)
            if pk is None and len(self.by_name.get(fold(ref), [])) == 1:
                pk = self.by_name[fold(ref)][0]
        else:
            matches = self.by_name.get(fold(value).strip(), [])
            if len(matches) > 1:
                return None, _(
                    "Several organisations are named “%(name)s”: give its SIREN or public identifier instead."
                ) % {"name": ref}
            pk = matches[0] if matches else None
        if pk is None:
            return None, _(
                "No organisation matches “%(ref)s” (looked up by public identifier, SIREN or name)."
            ) % {"ref": ref}
        return pk, None


def validate_people(table: Table, *, user=None, progress=False):
    headers = table.headers
    columns = map_columns(headers, PERSON_ALIASES, PERSON_REQUIRED)
    ref_fields = [name for name in _ORGANIZATION_REF_FIELDS if name in columns]
    if not ref_fields:
        raise ImportValidationError(
            [
                RowError(
                    1,
                    "organization",
                    _("Required column missing: the organisation (by SIREN, name or public identifier)."),
                )
            ]
        )
    converters = _person_converters()
    new_person = instance_builder(Person)
    errors = []
    rows = []
    for line, cells in progress_bar(table.rows, desc=_("Checking"), enabled=progress):
        if not any(cells):
            continue
        values = convert_row(line, cells, headers, columns, converters, errors)
        for name in PERSON_REQUIRED:
            if name not in values and not cell_at(cells, columns[name]):
                errors.append(required_error(line, headers, columns, name))
        ref_field = next((name for name in ref_fields if values.get(name)), None)
        ref = values.pop(ref_field) if ref_field else None
        for name in ref_fields:
            values.pop(name, None)
        rows.append((line, values, ref, ref_field))

    organizations = Organization.objects.visible_to(user) if user is not None else Organization.objects.all()
    resolver = _OrganizationResolver(organizations, {ref for _line, _values, ref, _field in rows if ref})
    people = []
    seen_emails = {}
    seen_uuids = {}
    org_column = column_name(headers, columns, ref_fields[0])
    for line, values, ref, ref_field in rows:
        column = column_name(headers, columns, ref_field) if ref_field else org_column
        if not ref:
            errors.append(RowError(line, column, _("This field is required.")))
            continue
        organization_id, message = resolver.resolve(ref)
        if message:
            errors.append(RowError(line, column, message))
            continue
        email = values.get("email")
        if email:
            first = seen_emails.get((organization_id, email))
            if first is not None:
                errors.append(
                    RowError(
                        line,
                        column_name(headers, columns, "email"),
                        _("Same e-mail in the same organisation as line %(line)s.") % {"line": first},
                    )
                )
            else:
                seen_emails[(organization_id, email)] = line
        if values.get("uuid"):
            first = seen_uuids.get(values["uuid"])
            if first is not None:
                errors.append(
                    RowError(
                        line,
                        column_name(headers, columns, "uuid"),
                        _("Same %(identifier)s as line %(line)s.")
                        % {"identifier": _("public identifier"), "line": first},
                    )
                )
            else:
                seen_uuids[values["uuid"]] = line
        values["organization_id"] = organization_id
        person = new_person(values)
        person.search_text = person.build_search_text()
        people.append(person)

    if seen_emails:
        emails = {email for _org, email in seen_emails}
        for chunk in chunks(emails):
            existing = Person.objects.filter(email__in=chunk).values_list("organization_id", "email")
            for key in existing:
                if key in seen_emails:
                    errors.append(
                        RowError(
                            seen_emails[key],
                            column_name(headers, columns, "email"),
                            _("This organisation already has a person with this e-mail."),
                        )
                    )
    if seen_uuids:
        for value in existing_values(Person, "uuid", seen_uuids):
            errors.append(
                RowError(
                    seen_uuids[value],
                    column_name(headers, columns, "uuid"),
                    _("Another person already has this public identifier."),
                )
            )
    if errors:
        raise ImportValidationError(errors)
    return people


def write_people(people, *, actor, audit, progress):
    bar = progress_bar(total=len(people), desc=_("Writing"), enabled=progress)
    for chunk in chunks(people):
        insert_objects(Person, chunk)
        bar.update(len(chunk))
    bar.close()
    if audit:
        log_bulk_create(people, actor=actor)
