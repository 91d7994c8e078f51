"""Customers already indexed get their name-in-city blocking key (see conflicts.blocking_keys)."""

import re

from django.db import migrations

from meute.core.models import fold

_NON_WORD = re.compile(r"[^a-z0-9]+")


def city_keys(name_key: str, city: str) -> list[str]:
    # The city keys of conflicts.blocking_keys as they were written by this migration.
    place = _NON_WORD.sub("", fold(city))[:10]
    ordered = sorted(name_key.split()[:4])
    if not place or not ordered:
        return []
    keys = [f"c:{''.join(ordered)[:26]}|{place}"]
    if len(ordered) > 1:
        for index, token in enumerate(ordered):
            others = "".join(ordered[:index] + ordered[index + 1 :])[:24]
            keys.append(f"o:{others}|{token[0]}|{place}")
    return keys


def add_city_keys(apps, schema_editor):
    Customer = apps.get_model("deals", "Customer")
    CustomerKey = apps.get_model("deals", "CustomerKey")
    batch = []
    rows = Customer.objects.exclude(city="").exclude(name_key="").values_list("pk", "name_key", "city")
    for pk, name_key, city in rows.iterator(chunk_size=5000):
        batch.extend(CustomerKey(customer_id=pk, key=key) for key in city_keys(name_key, city))
        if len(batch) >= 5000:
            CustomerKey.objects.bulk_create(batch, ignore_conflicts=True)
            batch = []
    CustomerKey.objects.bulk_create(batch, ignore_conflicts=True)


def remove_city_keys(apps, schema_editor):
    keys = apps.get_model("deals", "CustomerKey").objects
    keys.filter(key__startswith="c:").delete()
    keys.filter(key__startswith="o:").delete()


class Migration(migrations.Migration):
    dependencies = [("deals", "0002_customer_as_registered")]

    operations = [migrations.RunPython(add_city_keys, remove_city_keys)]
