"""Every customer's blocking keys rewritten with the new key families (phonetic, postcode, phone, address,
identifiers; a word now also keys as itself among its one-letter deletions): see meute.deals.blocking."""

from django.db import migrations


def rebuild(apps, schema_editor):
    # The current key function on purpose: the keys must be the ones the running code looks up.
    from meute.deals.blocking import blocking_keys
    from meute.deals.records import Record

    Customer = apps.get_model("deals", "Customer")
    CustomerKey = apps.get_model("deals", "CustomerKey")
    CustomerKey.objects.all().delete()
    batch = []
    fields = (
        "pk", "name", "siren", "vat_number", "website_domain", "email_domain", "phone", "address",
        "postal_code", "city", "country",
    )
    for row in Customer.objects.values_list(*fields).iterator(chunk_size=5000):
        values = dict(zip(fields, row))
        record = Record.from_customer_values(values)
        batch.extend(CustomerKey(customer_id=values["pk"], key=key) for key in blocking_keys(record))
        if len(batch) >= 20000:
            CustomerKey.objects.bulk_create(batch, ignore_conflicts=True)
            batch = []
    CustomerKey.objects.bulk_create(batch, ignore_conflicts=True)


class Migration(migrations.Migration):
    dependencies = [("deals", "0006_matcher_weights_phone_hint")]

    operations = [migrations.RunPython(rebuild, migrations.RunPython.noop)]
