"""Certified people move from the programme to enablement: the rows the programme kept (entered or imported
by the operator) are copied before the programme's table goes."""

from django.db import migrations


def copy_rows(apps, schema_editor):
    Old = apps.get_model("programs", "CertifiedPerson")
    New = apps.get_model("enablement", "PersonCertification")
    rows = [
        New(
            uuid=old.uuid,
            created_at=old.created_at,
            updated_at=old.updated_at,
            person_id=old.person_id,
            name=old.certification,
            role=old.role,
            source="imported",
            valid_until=old.valid_until,
        )
        for old in Old.objects.all().iterator(chunk_size=2000)
    ]
    New.objects.bulk_create(rows, batch_size=2000)


def copy_back(apps, schema_editor):
    Old = apps.get_model("programs", "CertifiedPerson")
    New = apps.get_model("enablement", "PersonCertification")
    Old.objects.bulk_create(
        [
            Old(
                uuid=row.uuid,
                person_id=row.person_id,
                certification=row.name,
                role=row.role,
                valid_until=row.valid_until,
            )
            for row in New.objects.all().iterator(chunk_size=2000)
        ],
        batch_size=2000,
        ignore_conflicts=True,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("enablement", "0001_initial"),
        ("programs", "0001_initial"),
    ]
    # The programme's table is dropped right after the copy (programs 0002).
    run_before = [("programs", "0002_certified_people_moved_to_enablement")]

    operations = [migrations.RunPython(copy_rows, copy_back)]
