"""The history panel speaks the domain: field labels, choice labels, names, Yes/No, local time."""

import datetime

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.utils import translation

from meute.core.factories import OrganizationFactory
from meute.core.templatetags.meute_tags import audit_changes

pytestmark = pytest.mark.django_db


def entry_for(obj, changes):
    return LogEntry(
        content_type=ContentType.objects.get_for_model(obj),
        object_pk=str(obj.pk),
        action=LogEntry.Action.UPDATE,
        changes=changes,
        timestamp=datetime.datetime(2026, 1, 5, 9, 0, tzinfo=datetime.UTC),
    )


def test_values_are_said_the_readers_way():
    org = OrganizationFactory(name="Brasserie du Port")
    changes = {
        "is_operator": ["False", "True"],
        "company_sizes": ["[]", "['sme', 'large']"],
        "annual_revenue": ["None", "1233900.64"],
        "created_at": ["2026-01-05 09:00:00.123456", "2026-07-05 22:30:00.654321"],
        "tags": ["core.Tag.None", "core.Tag.None"],
        "no_longer_a_field": ["a", "b"],
    }
    entry = entry_for(org, changes)
    with translation.override("fr"):
        rows = {row["field"]: (row["before"], row["after"]) for row in audit_changes(entry)}
    assert rows["opérateur"] == ("Non", "Oui")
    assert rows["taille des entreprises clientes"] == (
        "—",
        "PME (10 à 249), Grandes entreprises (5 000 et plus)",
    )
    assert rows["chiffre d’affaires annuel (EUR)"] == ("—", "1\u202f233\u202f900,64")
    # Local time (Paris), to the minute, no microseconds.
    with translation.override("fr"):
        created = str(type(org)._meta.get_field("created_at").verbose_name)
    assert rows[created] == ("5 janvier 2026, 10:00", "6 juillet 2026, 00:30")
    text = repr(rows)
    assert "None" not in text and "True" not in text and "['sme'" not in text and "No_longer" not in text


def test_related_objects_by_name_and_reverse_relations_by_their_label():
    from meute.core.models import Person

    org = OrganizationFactory(name="Brasserie du Port")
    other = OrganizationFactory(name="Perrin & Fils")
    person = Person.objects.create(organization=org, first_name="Ana", last_name="Lima")
    entry = entry_for(person, {"organization": [str(org.pk), str(other.pk)]})
    with translation.override("en"):
        (row,) = audit_changes(entry)
    assert (row["before"], row["after"]) == ("Brasserie du Port", "Perrin & Fils")
